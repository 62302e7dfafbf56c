"""The FastAPI application: JSON endpoints under ``/api``, the web page at ``/``, docs at ``/docs``."""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Match, Mount

from foedus import __version__
from foedus.api import claims as claims_api
from foedus.api import data, errors, invocations, mapview, network, panels, queries, register, sanctions, scenario
from foedus.api import suppose as suppose_api
from foedus.api.guard import HeavyPool, RequestLimits, allowed_hosts
from foedus.api.httpcache import ResponseCache
from foedus.api.limits import Limits
from foedus.api.store import Store
from foedus.store.schema import OBLIGATIONS

log = logging.getLogger("foedus.api")

DESCRIPTION = """foedus: the international alliance system over HTTP — who is bound to defend whom, since when,
on what terms, and where each fact comes from. The JSON answers are the CLI's `--json` contracts (README).
Read-only unless the server has a token; then `POST /api/data/import` re-imports the data directory."""


def static_dir() -> Path:
    """The web page's files (``foedus/web/static``)."""
    return Path(str(resources.files("foedus"))) / "web" / "static"


def warm(store: Store) -> None:
    """Compute what the page asks for first: state names and the network on 1 January of the last year of
    ATOP's coverage (the page's default date), so the first visitor does not wait for them."""
    try:
        with store.cursor() as cur:
            row = cur.execute("SELECT max(coverage_end) FROM imports WHERE dataset LIKE 'ATOP%'").fetchone()
        store.names()
        if row and row[0]:
            day = dt.date(row[0].year, 1, 1)
            store.cached_json(("view", day, OBLIGATIONS), lambda: network.view_payload(store, day, OBLIGATIONS))
        mapview.warm(store)  # today's map: the page opens on it
    except Exception as exc:  # the first request will say what is wrong
        log.warning("warming the caches failed: %s", exc)


class StoreSession:
    """ASGI middleware (outermost): each HTTP request reads one database file from start to end.

    At the start of a request the store switches to a replaced file (see :class:`foedus.api.store.Store`);
    the request keeps the file it started with until its last byte is sent, then lets go of it."""

    def __init__(self, app, store: Store):
        self.app, self.store = app, store

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with self.store.session():
            await self.app(scope, receive, send)


class WebMount(Mount):
    """The web page's files at ``/``, but never for ``/api/…``: a wrong method on an API path is the router's
    405 (with ``Allow``), an unknown API path its 404, and OPTIONS on the API is not answered by the files."""

    def matches(self, scope):
        if scope["type"] == "http" and (scope["path"] == "/api" or scope["path"].startswith("/api/")):
            return Match.NONE, {}
        return super().matches(scope)


RESPONSES = {
    400: {"description": "The Host header is not one this server answers to, or a malformed request"},
    413: {"description": "The request body is over the limit, or the answer would be too large (the reason "
                         "says how to ask for less)"},
    414: {"description": "The query string is over the limit"},
    429: {"description": "Heavy work is at its concurrency limit: retry after `Retry-After` seconds"},
    431: {"description": "Too many request headers, or too large"},
    503: {"description": "The database lacks the data or is damaged, or heavy work ran past the request timeout "
                         "(with `Retry-After`)"},
}
"""Answers any operation may give (the server's guards, :mod:`foedus.api.guard`)."""


def create_app(db_path: str | None = None, token: str | None = None, data_dir: str | os.PathLike | None = None,
               warm_up: bool = False, limits: Limits | None = None, hosts: list[str] | None = None) -> FastAPI:
    """The app for the store at `db_path` (default: FOEDUS_DB or the default store).

    `token` (default: FOEDUS_API_TOKEN) enables the endpoints that change stored data, for requests that
    send it as ``Authorization: Bearer <token>``; without one the store is opened read-only.
    `data_dir` is where a re-import reads (default: FOEDUS_DATA_DIR or ../shared/data).
    `warm_up` computes the page's first answers in a background thread when the server starts.
    `limits`: the bounds (default: :meth:`foedus.api.limits.Limits.from_env`); `hosts`: Host names answered
    besides the loopback ones and FOEDUS_ALLOWED_HOSTS (``["*"]``: any).
    """
    token = token if token is not None else os.environ.get("FOEDUS_API_TOKEN") or None
    limits = limits or Limits.from_env()
    store = Store(db_path, writable=bool(token), data_dir=data_dir, limits=limits)
    heavy = HeavyPool(limits)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        if warm_up:
            threading.Thread(target=warm, args=(store,), name="foedus-warm", daemon=True).start()
        yield
        heavy.close()
        store.close()

    app = FastAPI(title="foedus", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None,  # /docs: mapview.docs_router, Swagger UI from the vendored files
                  responses=RESPONSES)
    app.state.store = store
    app.state.limits = limits
    app.state.heavy = heavy
    app.state.token = token
    app.state.endpoints = {"history": True, "organizations": True, "memberships": True}
    errors.install(app)
    for module in (queries, register, network, scenario, suppose_api, panels, data, invocations, sanctions, mapview,
                   claims_api):
        app.include_router(module.router, prefix="/api")
    app.include_router(mapview.docs_router)

    app.router.routes.append(WebMount("/", app=StaticFiles(directory=static_dir(), html=True), name="web"))
    app.add_middleware(ResponseCache, store=store, limits=limits)
    app.add_middleware(StoreSession, store=store)  # outside the cache, so the cache sees the request's file
    app.add_middleware(RequestLimits, limits=limits)  # size bounds before anything reads the request
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(hosts), www_redirect=False)  # outermost
    return app
