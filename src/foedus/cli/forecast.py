"""`foedus forecast add|list|resolve|score|export|import`: a ledger of forecasts resolved from the record.

The ledger lives in ``<db>.forecasts.json`` beside the database (``--ledger`` or ``FOEDUS_FORECASTS`` to
choose another file), so `foedus data import`, which rebuilds the database file, leaves it alone.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from foedus.cli.common import DbOption, JsonOption, console, print_json, store
from foedus.errors import BadInputError

app = typer.Typer(help="A ledger of forecasts: add, list, resolve from the record, score authors.",
                  no_args_is_help=True)
LedgerOption = typer.Option(None, "--ledger", help="The ledger file (default: <db>.forecasts.json).")


def _ledger(db, ledger):
    from foedus.forecast.ledger import Ledger, ledger_path

    return Ledger(ledger_path(db, ledger))


@app.command("add")
def add(
    statement: str = typer.Option(..., "--statement", help="The forecast as its author put it."),
    author: str = typer.Option(..., "--author", help="The author or the source that published it."),
    made: str = typer.Option(..., "--made", help="The date it was made, YYYY-MM-DD."),
    deadline: str = typer.Option(..., "--deadline", help="By when, YYYY-MM-DD."),
    rule: str = typer.Option(..., "--rule", help="A resolution rule, e.g. 'PRK member of CSTO by 2026-12-01'."),
    probability: str = typer.Option(None, "--probability", help="0-1 or a percentage; omit for a plain 'will happen'."),
    source: str = typer.Option(None, "--source", help="Where the forecast was published (URL or citation)."),
    as_json: bool = JsonOption,
    db: str = DbOption,
    ledger: str = LedgerOption,
) -> None:
    """Record a forecast."""
    from foedus.forecast.ledger import make

    forecast = make(statement, author, made, deadline, rule, probability, source)
    with _ledger(db, ledger).editing() as forecasts:
        if any(f.id == forecast.id for f in forecasts):
            raise BadInputError("--statement", f"this forecast is already in the ledger (id {forecast.id})")
        forecasts.append(forecast)
    if as_json:
        print_json(forecast.to_json())
    else:
        console.print(f"added {forecast.id}" + (" (no probability: scored as a plain 'will happen', p=1)"
                                                if forecast.probability is None else ""), highlight=False)


@app.command("list")
def list_(as_json: bool = JsonOption, db: str = DbOption, ledger: str = LedgerOption) -> None:
    """Every forecast with its rule and state."""
    from foedus.forecast.ledger import to_exchange

    forecasts = _ledger(db, ledger).load()
    if as_json:
        print_json(to_exchange(forecasts))
        return
    table = Table(title=f"Forecasts: {len(forecasts)}")
    for column in ("id", "author", "made", "p", "deadline", "statement", "rule", "resolution"):
        table.add_column(column, overflow="fold")
    for f in forecasts:
        table.add_row(f.id, f.author, f.created_time, "will happen" if f.probability is None else f"{f.probability:g}",
                      f.close_time, f.question, f.resolution_criteria, f.resolution or "open")
    console.print(table)


def _print_resolutions(answer) -> None:
    table = Table(title=f"Resolution on {answer.on}")
    for column in ("id", "rule", "resolution", "why", "evidence"):
        table.add_column(column, overflow="fold")
    for r in answer.results:
        table.add_row(r.id, getattr(r, "rule", ""), r.resolution or "open", r.explanation,
                      "; ".join(f"{e.query}: {e.answer}" for e in getattr(r, "evidence", [])))
    console.print(table)


@app.command("resolve")
def resolve(
    forecast_id: str = typer.Option(None, "--id", help="Resolve one forecast by hand (with --outcome and --source)."),
    outcome: str = typer.Option(None, "--outcome", help="yes or no (manual resolution)."),
    source: str = typer.Option(None, "--source", help="The citation for a manual resolution (required with --id)."),
    on: str = typer.Option(None, "--on", help="Resolve as of this date (default: today)."),
    as_json: bool = JsonOption,
    db: str = DbOption,
    ledger: str = LedgerOption,
) -> None:
    """Settle every open forecast whose rule the knowledge base decides (with the evidence); leave the rest
    open. With --id, record a cited manual resolution instead."""
    from foedus.dates import parse_date, today
    from foedus.forecast.ledger import resolve_by_hand, resolve_from_record

    day = parse_date(on, "--on") if on else today()
    if forecast_id:
        answer = resolve_by_hand(_ledger(db, ledger), forecast_id, outcome, source, day)
    else:
        with store(db) as con:
            answer = resolve_from_record(con, _ledger(db, ledger), day)
    if as_json:
        print_json(answer.to_json())
    else:
        _print_resolutions(answer)


@app.command("score")
def score_(
    plot: str = typer.Option(None, "--plot", help="Write a calibration plot (PNG or SVG by suffix)."),
    as_json: bool = JsonOption,
    db: str = DbOption,
    ledger: str = LedgerOption,
) -> None:
    """Brier and log scores per author, a calibration table, resolved/open counts."""
    from foedus.forecast.ledger import plot_calibration, score

    result = score(_ledger(db, ledger).load())
    if plot:
        plot_calibration(result, plot)
    if as_json:
        print_json(result)
        return
    table = Table(title=f"Scores: {result['resolved']} resolved, {result['open']} open")
    for column in ("author", "resolved", "open", "Brier", "log", "plain 'will happen' (p=1)"):
        table.add_column(column)
    for a in result["authors"]:
        table.add_row(a["author"], str(a["resolved"]), str(a["open"]), str(a["brier"]), str(a["log"]),
                      str(a["plain_will_happen"]))
    console.print(table)
    cal = Table(title="Calibration")
    for column in ("bin", "n", "mean p", "observed"):
        cal.add_column(column)
    for r in result["calibration"]:
        cal.add_row(r["bin"], str(r["n"]), str(r["mean_probability"]), str(r["observed"]))
    console.print(cal)
    for note in result["notes"]:
        console.print(f"note: {note}", highlight=False)


@app.command("export")
def export(out: str = typer.Option(None, "--out", help="Write to this file (default: standard output)."),
           db: str = DbOption, ledger: str = LedgerOption) -> None:
    """The ledger in the exchange format (see foedus.forecast.ledger)."""
    from foedus.atomic import write_text_atomic
    from foedus.forecast.ledger import to_exchange

    payload = to_exchange(_ledger(db, ledger).load())
    if out:
        write_text_atomic(out, json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    else:
        print_json(payload)


@app.command("import")
def import_(file: str = typer.Argument(..., help="A forecasts JSON file in the exchange format."),
            as_json: bool = JsonOption, db: str = DbOption, ledger: str = LedgerOption) -> None:
    """Add the forecasts of a file (ids already in the ledger are skipped)."""
    from foedus.forecast.ledger import import_forecasts

    path = Path(file)
    if not path.is_file():
        raise BadInputError("FILE", f"no such file: {file}")
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadInputError("FILE", f"{file} is not JSON ({exc})") from None
    summary = import_forecasts(_ledger(db, ledger), payload, file)
    if as_json:
        print_json(summary.to_json())
    else:
        console.print(f"imported {summary.imported}, skipped {summary.skipped} already present", highlight=False)
