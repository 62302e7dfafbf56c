"""`foedus sweep --from Y --to Y --out DIR`: the whole-history exposure sweep (`foedus.exposure`) on Dask.

`foedus sweep` (cli/scenario.py) delegates here when --from or --to is given; without them it is the
one-date sweep. The options below are declared once here and used in that command's signature.
"""

from __future__ import annotations

import typer

FromOption = typer.Option(None, "--from", help="Exposure sweep: first year (1816) or date; writes Parquet to --out")
ToOption = typer.Option(None, "--to", help="Exposure sweep: last year (2026) or date")
EveryOption = typer.Option("year", "--every", help="Exposure sweep: year (1 January), month (the 1st) or day")
DrawsOption = typer.Option(0, "--draws", help="Exposure sweep: Monte Carlo draws per pair (0: deterministic counts)")
ReliabilityOption = typer.Option(None, "--reliability", help="Exposure sweep with --draws: P(obligation honoured) "
                                 "(default 0.75, Leeds, Long and Mitchell 2000)")
ModelOption = typer.Option(None, "--model", help="Exposure sweep: 'joining' (the saved joining model) or a model "
                           "JSON file: its probabilities instead of the cascade (slow: one feature row per pair)")
SeedOption = typer.Option(0, "--seed", help="Exposure sweep: seed (each date block draws from its own stream)")
SchedulerOption = typer.Option(None, "--scheduler", help="Exposure sweep: tcp://HOST:PORT of a running Dask "
                               "scheduler, or none (this process); default a LocalCluster sized to the machine")
WorkersOption = typer.Option(None, "--workers", help="Exposure sweep: LocalCluster workers (default: one per core)")
ResumeOption = typer.Option(False, "--resume", help="Exposure sweep: keep the partitions already written in --out")


def run_exposure(*, db, start, end, every, draws, mode, rounds, model, seed, reliability, scheduler, workers,
                 out, resume, as_json) -> None:
    """Run the sweep with a progress bar (stderr); print a summary (JSON with --json)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from foedus.cli.common import console, errors, fail, print_json
    from foedus.errors import BadInputError, FoedusError
    from foedus.exposure import exposure_sweep

    if out is None:
        fail(BadInputError("out", "the exposure sweep writes a Parquet directory", fix="add --out DIR"))
    if start is None or end is None:
        fail(BadInputError("from" if start is None else "to", "the exposure sweep needs both --from and --to",
                           fix="e.g. --from 1816 --to 2026"))
    from foedus.config import db_path

    bar = Progress(TextColumn("[bold]sweep[/] {task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[rows]:,} rows"), TimeElapsedColumn(), TimeRemainingColumn(),
                   console=errors, transient=False, disable=as_json)
    state = {"task": None, "rows": 0, "done": 0, "total": 0}

    def progress(done, total, spec, rows):
        state["rows"] += rows
        state["done"], state["total"] = done, total
        if state["task"] is None:
            state["task"] = bar.add_task("blocks", total=total, completed=done, rows=0)
        label = f"block {spec.block}" if spec is not None else "blocks"
        bar.update(state["task"], completed=done, rows=state["rows"], description=label)

    try:
        with bar:
            run = exposure_sweep(db_path(db), start, end, every=every, draws=draws, mode=mode, rounds=rounds,
                                 model=model, seed=seed, scheduler=scheduler, workers=workers, out=out,
                                 resume=resume, progress=progress, reliability=reliability)
    except KeyboardInterrupt:
        errors.print(f"interrupted: {state['done']} of {state['total']} blocks are written whole in {out}; "
                     "run the same command with --resume to finish", style="yellow", highlight=False)
        raise typer.Exit(130) from None
    except FoedusError as exc:
        fail(str(exc))
    if as_json:
        print_json(run.to_json())
        return
    console.print(f"{run.rows:,} directed dyad-dates in {run.blocks} blocks ({run.written} written, "
                  f"{run.kept} kept) in {run.elapsed:.1f} s on {run.scheduler}; {run.out}/_manifest.json lists them")
