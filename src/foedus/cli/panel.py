"""`foedus panel dyad-years | state-years | cite`: research panels written to CSV, Parquet or Stata."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from foedus.cli.common import DbOption, console, errors, fail, store
from foedus.panels import ADD_STEPS, cite, create_dyadyears, create_stateyears, write_panel
from foedus.panels.cite import STEP_DATASETS
from foedus.panels.frames import ATTRS_KEY
from foedus.panels.output import file_format

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
AddOption = typer.Option("", "--add", help=f"Columns to add, comma-separated: {', '.join(ADD_STEPS)}.")
OutOption = typer.Option(..., "--out", "-o", help="Output file, format by extension: .csv, .parquet or .dta")


def _steps(add: str) -> list[str]:
    steps = [step.strip().lower() for step in add.split(",") if step.strip()]
    unknown = [step for step in steps if step not in ADD_STEPS]
    if unknown:
        fail(f"unknown --add {', '.join(unknown)} (choose from {', '.join(ADD_STEPS)})")
    return list(dict.fromkeys(steps))


def _build(create, arguments: dict, add: str, out: Path, db: str | None, label: str) -> None:
    steps = _steps(add)
    if steps and str(arguments["system"]).lower() == "gw":
        fail(f"--add {','.join(steps)} joins on COW codes; GW panels carry GW codes (use --system cow)")
    try:
        file_format(out)
    except ValueError as exc:
        fail(str(exc))
    with store(db) as con:
        columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
        with Progress(SpinnerColumn(), *columns, console=errors) as bar:
            task = bar.add_task(f"building {label}", total=len(steps) + 2)
            df = create(con=con, **arguments)
            bar.advance(task)
            for step in steps:
                bar.update(task, description=f"adding {step}")
                df = ADD_STEPS[step](df, con)
                bar.advance(task)
            bar.update(task, description=f"writing {out}")
            write_panel(df, out)
            bar.advance(task)
    console.print(f"wrote {len(df):,} rows × {len(df.columns)} columns to {out}", highlight=False)
    console.print(cite(df), highlight=False, soft_wrap=True)


@app.command("dyad-years")
def dyad_years(
    out: Path = OutOption,
    system: str = SystemOption,
    directed: bool = typer.Option(True, "--directed/--no-directed", help="A→B and B→A, or one row per pair."),
    through: int | None = ThroughOption,
    since: int | None = SinceOption,
    add: str = AddOption,
    db: str = DbOption,
) -> None:
    """Dyad-years: pairs of states that are both system members on at least one common day of the year."""
    arguments = {"system": system, "directed": directed, "through": through, "since": since}
    _build(create_dyadyears, arguments, add, out, db, "dyad-years")


@app.command("state-years")
def state_years(
    out: Path = OutOption,
    system: str = SystemOption,
    through: int | None = ThroughOption,
    since: int | None = SinceOption,
    add: str = AddOption,
    db: str = DbOption,
) -> None:
    """State-years: states that are system members at some point of the year."""
    arguments = {"system": system, "through": through, "since": since}
    _build(create_stateyears, arguments, add, out, db, "state-years")


@app.command("cite")
def cite_command(
    panel: Path = typer.Argument(None, help="A Parquet panel: cite the datasets its metadata names."),
    system: str = typer.Option("cow", "--system", help="Without a panel file: the state list (cow or gw)."),
    add: str = typer.Option(
        ",".join(ADD_STEPS), "--add", help="Without a panel file: the added columns (comma-separated)."
    ),
) -> None:
    """Print the references of the datasets a panel uses."""
    if panel is not None:
        console.print(cite(_with_metadata(panel)), highlight=False, soft_wrap=True)
        return
    if system.lower() not in ("cow", "gw"):
        fail(f"--system must be cow or gw, not {system}")
    datasets = [STEP_DATASETS[system.lower()], *(STEP_DATASETS[step] for step in _steps(add))]
    console.print(cite(datasets=list(dict.fromkeys(datasets))), highlight=False, soft_wrap=True)


def _with_metadata(path: Path) -> pd.DataFrame:
    """An empty frame carrying the foedus metadata stored in a Parquet panel."""
    import pyarrow.parquet as pq

    if not path.exists():
        fail(f"no such file: {path}")
    try:
        stored = (pq.read_schema(path).metadata or {}).get(b"PANDAS_ATTRS")
    except Exception as exc:  # pyarrow raises several types for non-Parquet input
        fail(f"{path} is not a Parquet file ({exc}); cite by --system and --add instead")
    attrs = json.loads(stored) if stored else {}
    if ATTRS_KEY not in attrs:
        fail(f"{path} has no foedus metadata; cite by --system and --add instead")
    frame = pd.DataFrame()
    frame.attrs = attrs
    return frame
