"""Shared CLI pieces: options, opening the store, printing JSON and errors."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager

import typer

from foedus.config import db_path
from foedus.errors import FoedusError


class LazyConsole:
    """A rich Console made on first use: a command that prints only JSON never imports rich's console (issue 13:
    start-up). Attribute reads and writes go to the real console (tests set ``width``)."""

    __slots__ = ("_console", "_options")  # no instance __dict__: a test's monkeypatch.setattr restores via setattr

    def __init__(self, **options):
        object.__setattr__(self, "_options", options)
        object.__setattr__(self, "_console", None)

    def _real(self):
        if self._console is None:
            from rich.console import Console

            object.__setattr__(self, "_console", Console(**self._options))
        return self._console

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._real(), name)

    def __setattr__(self, name: str, value) -> None:
        setattr(self._real(), name, value)

    # rich's Live (progress bars) enters its console as a context manager: dunders bypass __getattr__
    def __enter__(self):
        return self._real().__enter__()

    def __exit__(self, *exc) -> None:
        return self._real().__exit__(*exc)


console = LazyConsole()
errors = LazyConsole(stderr=True)


def escape(text: str) -> str:
    """rich markup escaping (imported only when something is printed through rich)."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)

DbOption = typer.Option(None, "--db", help="DuckDB file (default: FOEDUS_DB or ~/.local/share/foedus/foedus.duckdb)")
JsonOption = typer.Option(False, "--json", help="Print JSON (a stable contract) instead of a table.")
OnOption = typer.Option(None, "--on", help="Date YYYY-MM-DD (default: today).")
SupposeOption = typer.Option(
    None, "--suppose", help='What-if (repeatable): answer in a supposed world, e.g. "PRK joins CSTO from 2025-01-01", '
    '"defense RUS CHN from 2026-01-01", "ARM leaves CSTO 2026-01-01" (README: Suppositions). The store is not changed.')
SupposeFileOption = typer.Option(None, "--suppose-file", help="What-if: a YAML list of suppositions (see --suppose).")
CompareOption = typer.Option(False, "--compare", help="With --suppose: the real and the supposed world side by side.")
StatusOption = typer.Option(
    None, "--status", help="Which commitments count past a dataset's coverage: confirmed (the data or a register "
    "entry confirms it on the date), presumed (default: confirmed and presumed — in force when the data end, nothing "
    "known to end it, term not run out) or any (unknown too). README: Status after coverage.")


def status_option(text: str | None) -> str:
    """The --status choice (default presumed), or a BadInputError naming --status."""
    from foedus.errors import BadInputError
    from foedus.query.asof import check_status

    try:
        return check_status(text)
    except BadInputError as exc:
        raise BadInputError("--status", exc.message, fix="use --status confirmed, presumed or any") from None


def no_status_with_compare(status: str, compare: bool) -> None:
    """``--compare`` answers under the default status only (foedus.suppose.compare): refuse another --status."""
    from foedus.query.asof import DEFAULT_STATUS

    if compare and status != DEFAULT_STATUS:
        from foedus.errors import BadInputError

        raise BadInputError("--status", f"--compare counts {DEFAULT_STATUS} commitments only",
                            fix="drop --status or --compare")


def show_warning(warning: str | None) -> None:
    """A projection warning as one yellow ``warning:`` line on stderr (also with --json: stdout stays JSON)."""
    if warning:
        errors.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False, soft_wrap=True)


def date_warning(con, on) -> str | None:
    """The projection warning of a date (after the register's check date or today), else None."""
    from foedus.query.asof import warning_for

    return warning_for(con, on)


def fail(message: str, code: int = 2):
    # One line, never wrapped (paths and field names stay whole and copyable); the message is not markup.
    errors.print(f"[bold red]error:[/] {escape(str(message))}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def cli_named(exc: FoedusError) -> FoedusError:
    """`exc` naming the argument as the running command spells it: a library BadInputError says ``a``, ``b`` or
    ``state`` (its Python parameter), the command line ``A``, ``B`` or ``STATE`` as its usage line shows them
    (``types`` becomes ``--types``)."""
    from foedus.errors import BadInputError

    if not isinstance(exc, BadInputError) or not exc.parameter:
        return exc
    try:  # typer vendors click (0.28: typer._click); older typer uses click itself
        from typer._click.globals import get_current_context
    except ImportError:
        from click import get_current_context

    ctx = get_current_context(silent=True)
    for param in ctx.command.params if ctx is not None else ():
        if param.name == exc.parameter:
            argument = getattr(param, "param_type_name", "") == "argument"
            shown = (param.metavar or param.name.upper()) if argument else max(param.opts, key=len)
            if shown == exc.parameter:
                return exc
            return BadInputError(shown, exc.message, fix=exc.fix, **exc.extra)
    return exc


@contextmanager
def store(db: str | None, write: bool = False, suppose: list[str] | None = None, suppose_file=None):
    """Open the store read-only (``write=True`` only for the rare writer; imports use
    :func:`foedus.store.build.rebuild` instead). Foedus errors become one line and exit 2; anything else
    reaches the root command, which reports it as a bug.

    `suppose` (``--suppose`` texts) and `suppose_file` (``--suppose-file``): yield an in-memory copy of the store
    with the suppositions applied (:func:`foedus.suppose.apply`); the store itself is never written. A line on
    stderr says which world is answered."""
    from foedus.store import connect

    try:
        con = connect(db_path(db), read_only=not write)
    except FoedusError as exc:
        fail(str(cli_named(exc)))
    try:
        if suppose or suppose_file:
            from foedus.suppose import applied, apply, parse_many

            with apply(con, parse_many(suppose, suppose_file)) as world:
                for item in applied(world):
                    errors.print(f"{item['label']} ({'; '.join(item['facts'])})", style="yellow", markup=False,
                                 highlight=False, soft_wrap=True)
                yield world
        else:
            yield con
    except FoedusError as exc:
        fail(str(cli_named(exc)))
    finally:
        con.close()


def show_comparison(con, suppose, suppose_file, question: str, as_json: bool, **arguments) -> None:
    """``--compare``: `question` in the real world (`con`) and under the suppositions, side by side."""
    from foedus.suppose import compare, parse_many

    result = compare(con, parse_many(suppose, suppose_file), question, **arguments)
    if as_json:
        print_json(result.to_json())
    else:
        console.print(result.text(), markup=False, highlight=False, soft_wrap=True)


def print_json(payload) -> None:
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")
