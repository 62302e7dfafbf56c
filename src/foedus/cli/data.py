"""`foedus data import`: load every known dataset file from the data directory."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from foedus.cli.common import DbOption, console, fail, store
from foedus.config import data_dir
from foedus.ingest.discover import import_steps

app = typer.Typer(help="Import and inspect the datasets.", no_args_is_help=True)


@app.command("import")
def import_(
    data_dir_option: Path = typer.Option(None, "--data-dir", help="Data directory (default: FOEDUS_DATA_DIR)"),
    db: str = DbOption,
) -> None:
    """Import every known dataset file found (each one transaction; re-importing replaces)."""
    try:
        directory = data_dir(data_dir_option)
        steps = import_steps(directory)
    except FileNotFoundError as exc:
        fail(str(exc))
    with store(db) as con:
        counts = {}
        with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console) as bar:
            task = bar.add_task("importing", total=len(steps))
            for label, step in steps:
                bar.update(task, description=f"importing {label}")
                counts[label] = step(con)
                bar.advance(task)
        table = Table(title=f"Imported from {directory}")
        table.add_column("dataset")
        table.add_column("rows", justify="right")
        for name, rows in counts.items():
            table.add_row(name, str(rows))
        console.print(table)


@app.command("status")
def status(db: str = DbOption) -> None:
    """What is in the database: datasets, versions, coverage."""
    with store(db) as con:
        rows = con.execute("SELECT dataset, version, file, rows, coverage_end, imported_at FROM imports").fetchall()
        table = Table(title="Imported datasets")
        for column in ("dataset", "version", "file", "rows", "coverage end", "imported"):
            table.add_column(column)
        for row in rows:
            table.add_row(*(str(v) for v in row))
        console.print(table)
