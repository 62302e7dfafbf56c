"""The FastAPI application: JSON endpoints under ``/api``, the web page at ``/``, docs at ``/docs``."""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from foedus import __version__
from foedus.api import data, errors, network, panels, queries, scenario
from foedus.api.store import Store

DESCRIPTION = """foedus: the international alliance system over HTTP — who is bound to defend whom, since when,
on what terms, and where each fact comes from. The JSON answers are the CLI's `--json` contracts (README).
Read-only unless the server has a token; then `POST /api/data/import` re-imports the data directory."""


def static_dir() -> Path:
    """The web page's files (``foedus/web/static``)."""
    return Path(str(resources.files("foedus"))) / "web" / "static"


def create_app(db_path: str | None = None, token: str | None = None, data_dir: str | os.PathLike | None = None,
               ) -> FastAPI:
    """The app for the store at `db_path` (default: FOEDUS_DB or the default store).

    `token` (default: FOEDUS_API_TOKEN) enables the endpoints that change stored data, for requests that
    send it as ``Authorization: Bearer <token>``; without one the store is opened read-only.
    `data_dir` is where a re-import reads (default: FOEDUS_DATA_DIR or ../shared/data).
    """
    token = token if token is not None else os.environ.get("FOEDUS_API_TOKEN") or None
    store = Store(db_path, writable=bool(token), data_dir=data_dir)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        store.close()

    app = FastAPI(title="foedus", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    app.state.store = store
    app.state.token = token
    app.state.endpoints = {"history": False, "organizations": False, "memberships": False}
    errors.install(app)
    for module in (queries, network, scenario, panels, data):
        app.include_router(module.router, prefix="/api")

    app.mount("/", StaticFiles(directory=static_dir(), html=True), name="web")
    return app
