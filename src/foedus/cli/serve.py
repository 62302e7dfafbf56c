"""`foedus serve`: the HTTP API and the web page (uvicorn)."""

from __future__ import annotations

import os
import sys
import threading

import typer

from foedus.cli.common import DbOption, console, fail
from foedus.config import db_path

GRACE_SECONDS = 3
"""On SIGTERM or Ctrl-C, requests still running after this many seconds are cancelled."""


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on"),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port"),
    db: str = DbOption,
    token: str = typer.Option(None, "--token", envvar="FOEDUS_API_TOKEN", show_envvar=True,
                              help="Allow the endpoints that change stored data for requests bearing this token"),
    log_level: str = typer.Option("warning", "--log-level", help="uvicorn log level"),
) -> None:
    """Serve the JSON API (/api, docs at /docs) and the web page (/) until interrupted.

    The database is opened read-only: CLI commands keep working meanwhile, and `foedus data import` into the
    same file is picked up between requests. SIGTERM or Ctrl-C stops the server within a few seconds.
    """
    import uvicorn

    from foedus.api import create_app

    path = db_path(db)
    if path != ":memory:" and not token and not os.path.exists(path):
        fail(f"no database at {path}: build it with `foedus data import` first")
    app = create_app(path, token=token or "", warm_up=True)
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    console.print(f"foedus serving {path} at [bold]http://{shown}:{port}/[/] "
                  f"({'writes allowed with the token' if token else 'read-only'}); API docs at /docs")
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level,
                            timeout_graceful_shutdown=GRACE_SECONDS)
    uvicorn.Server(config).run()
    _exit_if_threads_linger()


def _exit_if_threads_linger() -> None:
    """Worker threads still computing a cancelled request must not keep the process alive after shutdown."""
    lingering = [t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon]
    for thread in lingering:
        thread.join(timeout=GRACE_SECONDS / max(len(lingering), 1))
    if any(t.is_alive() for t in lingering):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def register(app: typer.Typer) -> None:
    app.command()(serve)
