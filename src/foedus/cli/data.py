"""`foedus data import` and `data status`: build the database from the data directory, and say what it holds."""

from __future__ import annotations

from pathlib import Path

import typer

from foedus.cli.common import DbOption, JsonOption, console, print_json, store
from foedus.config import db_path
from foedus.store.status import status_payload

app = typer.Typer(help="Import and inspect the datasets; see when and from what the database was built.",
                  no_args_is_help=True)


@app.command("import")
def import_(
    data_dir_option: Path = typer.Option(None, "--data-dir", help="Data directory (default: FOEDUS_DATA_DIR)"),
    db: str = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """Build a new database from every known dataset file and the curated register, then swap it in.

    The live database is replaced only when everything has loaded: readers (and a running `foedus serve`)
    keep answering from the old file until then, and a failed or interrupted import changes nothing.
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from foedus.store.build import rebuild

    bar = Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console,
                   disable=as_json, transient=False)
    task = None

    def progress(label: str, index: int, total: int) -> None:
        nonlocal task
        if task is None:
            task = bar.add_task("importing", total=total)
        bar.update(task, completed=index, description=f"importing {label}" if index < total else "swapping in")

    with bar:
        result = rebuild(db_path(db), data_dir_option, progress=progress)
    if as_json:
        print_json(result.to_json())
        return
    from rich.table import Table

    table = Table(title=f"Built {result.db} from {result.data_dir} in {result.seconds:.1f} s")
    table.add_column("dataset")
    table.add_column("rows", justify="right")
    for name, rows in result.counts.items():
        table.add_row(name, str(rows))
    console.print(table)
    console.print(f"build {result.build_id} at {result.built_at}", highlight=False)


@app.command("status")
def status(db: str = DbOption, as_json: bool = JsonOption) -> None:
    """What is in the database: when and from which files it was built, datasets, versions, coverage."""
    path = db_path(db)
    with store(db) as con:
        payload = status_payload(con, path)
    if as_json:
        print_json(payload)
        return
    from rich.markup import escape
    from rich.table import Table

    build = payload["build"]
    if build["built_at"]:
        console.print(f"Database {escape(path)}: built {build['built_at']} (build {build['build_id']}) "
                      f"from {escape(str(build['data_dir']))}", highlight=False, soft_wrap=True)
        files = Table(title="Files read")
        for column in ("dataset", "file", "sha256"):
            files.add_column(column, overflow="fold")
        for f in build["files"]:
            files.add_row(f["dataset"], f["file"], f["sha256"][:16])
        console.print(files)
    else:
        console.print(f"Database {escape(path)}: no build record (built by an earlier foedus); "
                      "`foedus data import` rebuilds it", highlight=False, soft_wrap=True)
    table = Table(title="Imported datasets")
    for column in ("dataset", "version", "file", "rows", "coverage end", "imported"):
        table.add_column(column)
    for d in payload["datasets"]:
        table.add_row(*(str(d[k]) for k in ("dataset", "version", "file", "rows", "coverage_end", "imported_at")))
    console.print(table)
