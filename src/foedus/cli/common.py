"""Shared CLI pieces: options, opening the store, printing JSON and errors."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape

from foedus.config import db_path
from foedus.errors import FoedusError

console = Console()
errors = Console(stderr=True)

DbOption = typer.Option(None, "--db", help="DuckDB file (default: FOEDUS_DB or ~/.local/share/foedus/foedus.duckdb)")
JsonOption = typer.Option(False, "--json", help="Print JSON (a stable contract) instead of a table.")
OnOption = typer.Option(None, "--on", help="Date YYYY-MM-DD (default: today).")


def fail(message: str, code: int = 2):
    # One line, never wrapped (paths and field names stay whole and copyable); the message is not markup.
    errors.print(f"[bold red]error:[/] {escape(str(message))}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def store(db: str | None, write: bool = False):
    """Open the store read-only (``write=True`` only for the rare writer; imports use
    :func:`foedus.store.build.rebuild` instead). Foedus errors become one line and exit 2; anything else
    reaches the root command, which reports it as a bug."""
    from foedus.store import connect

    try:
        con = connect(db_path(db), read_only=not write)
    except FoedusError as exc:
        fail(str(exc))
    try:
        yield con
    except FoedusError as exc:
        fail(str(exc))
    finally:
        con.close()


def print_json(payload) -> None:
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")
