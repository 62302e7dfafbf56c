"""`foedus panel dyad-years | state-years | cite`: research panels written to CSV, Parquet or Stata.

The request is checked and the panel built by `foedus.panels.plan` (the API uses the same); this
module only renders. numpy and the panel code are imported inside the commands, so the CLI's help and
other commands do not load them; building and writing a panel never imports pandas (the panel stays
numpy arrays, written through Arrow) except for Stata or compressed CSV output and the register step.
"""

from __future__ import annotations

from pathlib import Path

import typer

from foedus.cli.common import (
    DbOption,
    JsonOption,
    StatusOption,
    SupposeFileOption,
    SupposeOption,
    console,
    errors,
    fail,
    print_json,
    store,
)
from foedus.errors import BadInputError
from foedus.panels.steps import STEP_HELP, STEPS

app = typer.Typer(
    help="Research panels: state-years and dyad-years with alliance, capability and major-power columns.",
    no_args_is_help=True,
)

SystemOption = typer.Option("cow", "--system", help="The state list: cow or gw (Gleditsch–Ward).")
ThroughOption = typer.Option(
    None, "--through", help="Last year; states still members at the list's end are kept through it "
    "(default: the list's last year)."
)
SinceOption = typer.Option(None, "--since", help="First year (default 1816).")
AddOption = typer.Option(
    "", "--add", help="Columns to add, comma-separated, in any combination and order: "
    + "; ".join(f"{step} = {STEP_HELP[step]}" for step in STEPS) + f". All: --add {','.join(STEPS)}."
)
OutOption = typer.Option(..., "--out", "-o", help="Output file, format by extension: .csv, .parquet or .dta")

_OPTION = {"add": "--add", "system": "--system", "since": "--since", "through": "--through", "panel": "PANEL",
           "status": "--status"}


def _bad(exc: BadInputError):
    name = _OPTION.get(exc.parameter, exc.parameter)
    fail(f"{name}: {exc.message}" + (f" ({exc.fix})" if exc.fix else ""))


def _console(lazy):
    """The rich Console behind cli.common's lazily made one (rich's Live enters its console as a context
    manager, which a proxy's __getattr__ cannot forward), or the object itself when it is a Console."""
    real = getattr(type(lazy), "_real", None)
    return real(lazy) if callable(real) else lazy


def _build(kind: str, arguments: dict, out: Path, db: str | None, as_json: bool, suppose=None,
           suppose_file=None) -> None:
    from foedus.panels.output import file_format
    from foedus.panels.plan import build_panel, panel_request

    try:
        request = panel_request(kind, **arguments)
        file_format(out)
    except BadInputError as exc:
        _bad(exc)
    except ValueError as exc:
        fail(str(exc))
    with store(db, suppose=suppose, suppose_file=suppose_file) as con:
        if not _interactive():  # no bar to draw: a script, a pipe, a test (rich.progress not even imported)
            result = build_panel(request, con=con)
            result.write(out)
        else:
            result = _build_with_bar(kind, request, out, con, as_json, build_panel)
    if as_json:
        print_json(result.to_json())
        return
    console.print(f"wrote {result.rows:,} rows × {len(result.columns)} columns to {out}", highlight=False)
    console.print(result.citation, highlight=False, soft_wrap=True)


def _interactive() -> bool:
    """Whether stderr is a terminal a progress bar can be drawn on."""
    import sys

    stream = sys.stderr
    return bool(getattr(stream, "isatty", None) and stream.isatty())


def _build_with_bar(kind: str, request, out: Path, con, as_json: bool, build_panel):
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(SpinnerColumn(), *columns, console=_console(errors), transient=as_json) as bar:
        task = bar.add_task(f"building {kind}", total=len(request.add) + 2)

        def stage(name: str) -> None:
            if name != "creating":
                bar.advance(task)
                bar.update(task, description=f"adding {name}")

        result = build_panel(request, con=con, progress=stage)
        bar.advance(task)
        bar.update(task, description=f"writing {out}")
        result.write(out)
        bar.advance(task)
    return result


@app.command("dyad-years")
def dyad_years(
    out: Path = OutOption,
    system: str = SystemOption,
    directed: bool = typer.Option(True, "--directed/--no-directed", help="A→B and B→A, or one row per pair."),
    through: int | None = ThroughOption,
    since: int | None = SinceOption,
    add: str = AddOption,
    db: str = DbOption,
    as_json: bool = JsonOption,
    suppose: list[str] = SupposeOption,
    suppose_file: str = SupposeFileOption,
    status: str = StatusOption,
) -> None:
    """Dyad-years: pairs of states that are both system members on at least one common day of the year."""
    arguments = {"system": system, "directed": directed, "through": through, "since": since, "add": add,
                 "status": status}
    _build("dyad-years", arguments, out, db, as_json, suppose, suppose_file)


@app.command("state-years")
def state_years(
    out: Path = OutOption,
    system: str = SystemOption,
    through: int | None = ThroughOption,
    since: int | None = SinceOption,
    add: str = AddOption,
    db: str = DbOption,
    as_json: bool = JsonOption,
    suppose: list[str] = SupposeOption,
    suppose_file: str = SupposeFileOption,
    status: str = StatusOption,
) -> None:
    """State-years: states that are system members at some point of the year."""
    arguments = {"system": system, "through": through, "since": since, "add": add, "status": status}
    _build("state-years", arguments, out, db, as_json, suppose, suppose_file)


@app.command("cite")
def cite_command(
    panel: Path = typer.Argument(None, help="A Parquet panel: cite the datasets its metadata names."),
    system: str = typer.Option("cow", "--system", help="Without a panel file: the state list (cow or gw)."),
    add: str = typer.Option(
        ",".join(STEPS), "--add", help="Without a panel file: the added columns (comma-separated; default: all)."
    ),
) -> None:
    """Print the references of the datasets a panel uses."""
    from foedus.panels.cite import cite, cite_steps, read_panel_metadata

    try:
        text = cite(read_panel_metadata(panel)) if panel is not None else cite_steps(system, add)
    except BadInputError as exc:
        _bad(exc)
    console.print(text, highlight=False, soft_wrap=True)
