"""`foedus serve`: the HTTP API and the web page (uvicorn)."""

from __future__ import annotations

import os
import sys
import threading

import typer

from foedus.cli.common import DbOption, console, errors, fail
from foedus.config import db_path

GRACE_SECONDS = 3
"""On SIGTERM or Ctrl-C, requests still running after this many seconds are cancelled."""
SWITCH_SECONDS = 0.001
"""The interpreter's thread switch interval while serving (Python's default is 5 ms): the event loop answering
cached requests waits at most about this long for the lock a computing worker thread holds, so cheap answers
stay fast while heavy ones (Monte Carlo, panels) compute."""


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on"),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port"),
    db: str = DbOption,
    token: str = typer.Option(None, "--token", help="Token on the command line (visible in `ps`: prefer "
                              "FOEDUS_API_TOKEN or --token-file)"),
    token_file: str = typer.Option(None, "--token-file", help="Read the token from this file (its first line): "
                                   "allows the endpoints that change stored data for requests bearing it"),
    allowed_host: list[str] = typer.Option(None, "--allowed-host", help="Host header to answer besides the loopback "
                                           "names (repeatable; also FOEDUS_ALLOWED_HOSTS, comma-separated; * any)"),
    log_level: str = typer.Option("warning", "--log-level", help="uvicorn log level"),
) -> None:
    """Serve the JSON API (/api, docs at /docs) and the web page (/) until interrupted.

    The database is opened read-only: CLI commands keep working meanwhile, and `foedus data import` into the
    same file is picked up between requests. SIGTERM or Ctrl-C stops the server within a few seconds.
    """
    import uvicorn

    from foedus.api import create_app
    from foedus.api.limits import Limits
    from foedus.errors import BadInputError

    token = _token(token, token_file)
    path = db_path(db)
    if path != ":memory:" and not token and not os.path.exists(path):
        fail(f"no database at {path}: build it with `foedus data import` first")
    try:
        limits = Limits.from_env()
    except BadInputError as exc:
        fail(str(exc))
    hosts = list(allowed_host or [])
    if host not in ("0.0.0.0", "::", "") and host not in hosts:
        hosts.append(host if ":" not in host else f"[{host}]")
    app = create_app(path, token=token or "", warm_up=True, limits=limits, hosts=hosts)
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    console.print(f"foedus serving {path} at [bold]http://{shown}:{port}/[/] "
                  f"({'writes allowed with the token' if token else 'read-only'}); API docs at /docs")
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level,
                            timeout_graceful_shutdown=GRACE_SECONDS)
    sys.setswitchinterval(SWITCH_SECONDS)
    uvicorn.Server(config).run()
    _exit_if_threads_linger()


def _token(given: str | None, token_file: str | None) -> str | None:
    """The token: --token (with a warning: other users see it in `ps`), --token-file, or FOEDUS_API_TOKEN."""
    if given and token_file:
        fail("give --token or --token-file, not both")
    if given:
        errors.print("[yellow]warning:[/] --token is visible to every user of this machine in `ps`; use "
                     "FOEDUS_API_TOKEN or --token-file instead", highlight=False, soft_wrap=True)
        return given
    if token_file:
        try:
            with open(token_file, encoding="utf-8") as handle:
                text = handle.readline().strip()
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"--token-file: cannot read {token_file}: {exc.strerror if isinstance(exc, OSError) else exc}")
        if not text:
            fail(f"--token-file: {token_file} is empty (the token is its first line)")
        return text
    return os.environ.get("FOEDUS_API_TOKEN") or None


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
