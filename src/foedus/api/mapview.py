"""The world map on a date (``/api/map``) and the offline API docs page (``/docs``, vendored Swagger UI)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from foedus.api import models
from foedus.api.params import Answer, DateQuery, TypesQuery, answer_for, day, get_store, types
from foedus.api.store import Store
from foedus.network.mapview import WorldMap, world_map

router = APIRouter(tags=["network"])
docs_router = APIRouter(include_in_schema=False)

DOCS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>foedus API docs</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="{root}/vendor/swagger-ui.css"></head>
<body><main id="swagger-ui" aria-label="foedus API"></main>
<script src="{root}/vendor/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({{url: "{root}{openapi}", dom_id: "#swagger-ui", validatorUrl: null,
  deepLinking: true, presets: [SwaggerUIBundle.presets.apis]}});</script>
</body></html>
"""


def map_payload(store: Store, date, wanted: tuple[str, ...]) -> dict:
    with store.cursor() as cur:
        return world_map(cur, date, wanted, names=store.names()).to_json()


def warm(store: Store) -> None:
    """Compute today's map (the page's first request) before the first visitor asks for it."""
    date, wanted = day(None), types(None)
    store.cached_json(("map", date, wanted), lambda: map_payload(store, date, wanted))


@router.get("/map", response_model=WorldMap, responses=models.ERRORS)
async def map_view(
    on: str | None = DateQuery(),
    types_: str | None = TypesQuery(),
    store: Store = Depends(get_store),
    answer: Answer = Depends(answer_for),
) -> Response:
    """States at their capitals (COW capitals) on a date and the commitments between them as arcs: one per
    pair, the strongest obligation (Okabe–Ito colours in `colors`) and its status tier (rule in `tiers`)."""
    date, wanted = day(on), types(types_)

    return await answer(("map", date, wanted), lambda: map_payload(store, date, wanted))


@docs_router.get("/docs")
async def docs(request: Request) -> HTMLResponse:
    """Swagger UI from the vendored files: works without a network."""
    root = request.scope.get("root_path", "").rstrip("/")
    return HTMLResponse(DOCS.format(root=root, openapi=request.app.openapi_url))
