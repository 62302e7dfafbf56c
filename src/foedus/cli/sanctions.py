"""`foedus sanctions`: the UN regime on the DPRK — check, on, history, screen, trade, plot."""

from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.table import Table

from foedus.cli.common import JsonOption, console, fail, print_json
from foedus.errors import FoedusError
from foedus.sanctions import regime as views
from foedus.sanctions.batch import check_file, write_atomic
from foedus.sanctions.check import Finding, Shipment, Verdict
from foedus.sanctions.check import check as check_shipment
from foedus.sanctions.load import load_regime
from foedus.sanctions.model import Regime
from foedus.sanctions.nomenclature import read_code, read_item
from foedus.sanctions.screen import screen as screen_table
from foedus.sanctions.screen import summary as screen_summary
from foedus.sanctions.states import resolve_state, state_name
from foedus.sanctions.trade import read_trade, seed_trade, series

app = typer.Typer(
    help="UN Security Council sanctions on the DPRK: check shipments, view the regime, screen trade.",
    no_args_is_help=True,
)
RegimeOption = typer.Option(None, "--regime", help="Regime YAML (default: the packaged measures.yaml).")
VERDICT_STYLE = {
    "prohibited": "bold red",
    "conditional": "bold yellow",
    "exempt": "bold cyan",
    "permitted": "bold green",
}


@contextmanager
def _errors():
    try:
        yield
    except (FoedusError, ValueError, FileNotFoundError) as exc:
        fail(str(exc))


def _regime(path: Path | None) -> Regime:
    with _errors():
        return load_regime(path)


def _date(text: str, option: str) -> dt.date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        fail(f"{option}: '{text}' is not a full date; use YYYY-MM-DD (a day decides which measures apply)")
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        fail(f"{option}: '{text}' is not a valid date ({exc})")


def _state(text: str | None) -> int | None:
    if text is None:
        return None
    with _errors():
        return resolve_state(text)


def _finding_dict(regime: Regime, finding: Finding, day: dt.date) -> dict:
    measure = finding.measure
    resolution = regime.by_number[measure.resolution]
    out = {
        "id": measure.id,
        "resolution": measure.resolution,
        "paragraph": measure.paragraph,
        "kind": measure.kind,
        "effect": finding.effect,
        "symbol": resolution.symbol,
        "title": measure.title,
        "direction": measure.direction,
        "from": measure.start,
        "until": measure.end,
        "url": resolution.url,
        "uncertain": measure.uncertain,
    }
    if measure.note:
        out["note"] = measure.note
    if finding.exemption is not None:
        out["exemption"] = views.exemption_dict(finding.exemption)
    if finding.coarse_hs:
        out["coarse_hs"] = True
        out["hs_note"] = (
            f"The HS code is coarser than this measure's scope ({' '.join(measure.hs)}); "
            "give the heading or subheading to decide."
        )
    if measure.kind == "quantity_cap":
        out["caps"] = [views.cap_dict(c) for c in measure.caps_on(day)]
        out["aggregate"] = True
        out["requires"] = (
            "Caps are aggregate over all states and rest on notification to the 1718 Committee; "
            "one shipment cannot be judged against them alone."
        )
        out["exceeds_cap"] = finding.exceeds_cap
    if measure.deadline is not None:
        out["deadline"] = measure.deadline
    return out


def _verdict_dict(regime: Regime, verdict: Verdict) -> dict:
    ship = verdict.shipment
    return {
        "verdict": verdict.verdict,
        "shipment": {
            "from": ship.from_state,
            "to": ship.to_state,
            "hs": ship.hs,
            "date": ship.date,
            "purpose": ship.purpose,
            "quantity": ship.quantity,
            "unit": ship.unit,
            "labour": ship.labour,
            "joint_venture": ship.joint_venture,
            "origin": ship.origin,
        },
        "measures": [_finding_dict(regime, f, ship.date) for f in verdict.deciding],
        "also_applicable": [_finding_dict(regime, f, ship.date) for f in verdict.findings if not f.decides],
        "not_assessed": [
            {
                "id": m.id,
                "resolution": m.resolution,
                "paragraph": m.paragraph,
                "kind": m.kind,
                "title": m.title,
            }
            for m in verdict.caveats
        ],
        "regime": regime.name,
    }


def _why(payload: dict) -> str:
    if "exemption" in payload:
        exemption = payload["exemption"]
        return f"{exemption['title']}: {exemption['requires']}"
    if payload.get("coarse_hs"):
        return payload["hs_note"]
    if payload.get("caps") is not None:
        caps = " or ".join(f"{c['amount']:,.0f} {c['unit']} {c['period']}" for c in payload["caps"])
        head = "This shipment alone exceeds the cap" if payload["exceeds_cap"] else "Under an aggregate cap"
        return f"{head}: {caps or 'no single figure'}; notify the 1718 Committee."
    if "deadline" in payload:
        state = "passed" if payload["effect"] == "prohibited" else "not yet passed"
        return f"Deadline {payload['deadline']} {state}."
    return ""


def _print_verdict(payload: dict) -> None:
    ship = payload["shipment"]
    what = "labour" if ship["labour"] else "joint venture" if ship["joint_venture"] else f"HS {ship['hs']}"
    reading = payload.get("hs_reading")
    if reading:
        title = reading["heading_title"] or reading["chapter_title"]
        read = f"'{reading['item']}' read as " if reading["item"] else ""
        console.print(f"[dim]{read}HS {reading['code']}: {title} (section {reading['section']}); check the heading.[/]")
    console.print(
        f"{state_name(ship['from'])} → {state_name(ship['to'])}, {what}, {ship['date']}: "
        f"[{VERDICT_STYLE[payload['verdict']]}]{payload['verdict'].upper()}[/]"
    )
    rows = [(p, True) for p in payload["measures"]] + [(p, False) for p in payload["also_applicable"]]
    if not rows:
        console.print("No measure of the regime covers this on that date.")
    else:
        table = Table()
        for column in ("Cited", "Measure", "Effect", "Why"):
            table.add_column(column, overflow="fold")
        for item, decides in rows:
            cited = f"{item['symbol']} para {item['paragraph']}{_mark_dict(item)}"
            effect = item["effect"] if decides else f"[dim]{item['effect']} (not deciding)[/]"
            table.add_row(cited, f"{item['title']} [dim]({item['kind']})[/]", effect, _why(item))
        console.print(table)
    if any("caps" in p for p, _ in rows):
        console.print(
            "[dim]Caps are aggregate over all states and rest on notification to the 1718 Committee;"
            " one shipment cannot be judged against them alone.[/]"
        )
    if any(p["uncertain"] for p, _ in rows):
        console.print("[dim]* paragraph or detail not verified in a source; see the note with --json.[/]")
    if payload["not_assessed"]:
        kinds = sorted({c["kind"] for c in payload["not_assessed"]})
        console.print(
            f"[dim]Not assessed ({len(payload['not_assessed'])} measures: {', '.join(kinds)}): screen the"
            " parties against the 1718 list and the end use separately.[/]"
        )


def _mark_dict(item: dict) -> str:
    return "*" if item.get("uncertain") else ""


@app.command()
def check(
    from_: str = typer.Option(None, "--from", help="Exporting state (name, ISO3 or COW code)."),
    to: str = typer.Option(None, "--to", help="Importing state."),
    hs: str = typer.Option(None, "--hs", help="HS code: chapter, heading or subheading (e.g. 2701, 270112)."),
    item: str = typer.Option(
        None, "--item", help="Item name instead of --hs (e.g. 'artillery shells', coal, seafood); the heading is shown."
    ),
    on: str = typer.Option(None, "--on", help="Date YYYY-MM-DD."),
    purpose: str = typer.Option(None, "--purpose", help="e.g. humanitarian, livelihood, rajin-transit."),
    quantity: float = typer.Option(None, "--quantity", min=0, help="Quantity, for caps."),
    unit: str = typer.Option(None, "--unit", help="bbl, t or usd."),
    labour: bool = typer.Option(False, "--labour", help="Employment of DPRK nationals (from DPRK to host)."),
    joint_venture: bool = typer.Option(
        False, "--joint-venture", help="A joint venture between the two states."
    ),
    origin: str = typer.Option(
        None, "--origin", help="Country of origin of the goods (for transit exemptions)."
    ),
    batch: Path = typer.Option(
        None, "--batch", help="CSV of shipments: from,to,hs,date[,purpose,quantity,...]."
    ),
    out: Path = typer.Option(None, "--out", help="With --batch: where to write the verdicts CSV."),
    as_json: bool = JsonOption,
    regime_file: Path = RegimeOption,
):
    """Is a shipment allowed on a date? Prohibited, conditional, exempt or permitted, and why."""
    regime = _regime(regime_file)
    if batch is not None:
        if out is None:
            fail("--batch needs --out FILE for the verdicts")
        with _errors():
            counts = check_file(regime, batch, out)
        if as_json:
            print_json({"file": str(batch), "out": str(out), "verdicts": counts})
        else:
            total = sum(counts.values())
            parts = ", ".join(f"[{VERDICT_STYLE[k]}]{v:,} {k}[/]" for k, v in counts.items())
            console.print(f"{total:,} shipments checked → {out}: {parts}")
        return
    missing = [name for name, value in (("--from", from_), ("--to", to), ("--on", on)) if value is None]
    if missing:
        fail(f"give {', '.join(missing)} (or --batch FILE --out FILE)")
    if hs is not None and item is not None:
        fail("give --hs or --item, not both")
    reading = None
    with _errors():
        if item is not None:
            reading = read_item(item, "--item")
        elif hs is not None:
            reading = read_code(hs, "--hs")
    if reading is None and not (labour or joint_venture):
        fail("give --hs CODE or --item NAME, or --labour / --joint-venture")
    if purpose and purpose not in regime.purposes:
        fail(f"--purpose '{purpose}' is not one of: {', '.join(regime.purposes)}")
    with _errors():
        shipment = Shipment(
            _state(from_),
            _state(to),
            _date(on, "--on"),
            hs=reading.code if reading else None,
            purpose=purpose,
            quantity=quantity,
            unit=unit,
            labour=labour,
            joint_venture=joint_venture,
            origin=_state(origin),
        )
        payload = _verdict_dict(regime, check_shipment(regime, shipment))
        payload["hs_reading"] = reading.to_json() if reading else None
    if as_json:
        print_json(payload)
    else:
        _print_verdict(payload)


@app.command("on")
def on_date(
    day: str = typer.Argument(..., help="Date YYYY-MM-DD."),
    as_json: bool = JsonOption,
    regime_file: Path = RegimeOption,
):
    """The measures in force on a date, with their exemptions and the regime's status."""
    regime = _regime(regime_file)
    payload = views.on(regime, _date(day, "DATE"))
    if as_json:
        print_json(payload)
        return
    table = Table(title=f"{regime.name}: in force on {payload['date']}")
    for column in ("Resolution", "Para", "Kind", "Dir.", "Measure", "HS", "Exemptions"):
        table.add_column(column, overflow="fold")
    for item in payload["measures"]:
        table.add_row(
            item["symbol"],
            item["paragraph"] + ("*" if item["uncertain"] else ""),
            item["kind"],
            item["direction"].replace("_dprk", ""),
            item["title"],
            " ".join(item["hs"]) or "—",
            ", ".join(e["purpose"] for e in item["exemptions"]) or "—",
        )
    console.print(table)
    general = ", ".join(
        f"{e['title']} ({e['resolution']} para {e['paragraph']})" for e in payload["general_exemptions"]
    )
    if general:
        console.print(f"Any measure: {general}")
    for status in payload["status"][:3]:
        console.print(f"[dim]{status['date']}: {status['event']} — {status['effect']}[/]")
    console.print("[dim]* paragraph or detail not verified in a source (see --json notes).[/]")


@app.command()
def history(as_json: bool = JsonOption, regime_file: Path = RegimeOption):
    """The regime resolution by resolution: what each added or replaced, and status changes."""
    regime = _regime(regime_file)
    events = views.history(regime)
    if as_json:
        print_json(events)
        return
    table = Table(title=regime.name)
    for column in ("Date", "Resolution", "What happened"):
        table.add_column(column, overflow="fold")
    for event in events:
        if event["type"] == "resolution":
            lines = [f"[bold]{event['trigger']}[/]"]
            lines += [
                f"+ {a['title']} (para {a['paragraph']}{'*' if a['uncertain'] else ''}, {a['kind']})"
                for a in event["added"]
            ]
            lines += [
                f"+ exemption: {e['title']} (para {e['paragraph']})"
                for e in event["exemptions_added"]
                if e["paragraph"]
            ]
            lines += [
                f"− replaces {r['title']} ({r['resolution']} para {r['paragraph']})"
                for r in event["replaced"]
            ]
            table.add_row(str(event["date"]), event["symbol"], "\n".join(lines))
        else:
            label = str(event["resolution"]) if event.get("resolution") else ""
            table.add_row(str(event["date"]), label, f"[cyan]{event['event']}[/]: {event['effect']}")
    console.print(table)


@app.command()
def screen(
    file: Path = typer.Argument(..., help="Trade CSV: UN Comtrade-style (HS level) or annual pair totals."),
    layout: str = typer.Option("auto", "--layout", help="auto, comtrade or pairs."),
    out: Path = typer.Option(None, "--out", help="Write the flagged flows to this CSV."),
    as_json: bool = JsonOption,
    regime_file: Path = RegimeOption,
):
    """Flag the trade flows (reporter, partner, year, HS code) that a measure in force covered."""
    regime = _regime(regime_file)
    with _errors():
        table = read_trade(file, layout)
        flags = screen_table(regime, table)
        totals = screen_summary(table, flags)
        if out is not None:
            write_atomic(flags, out)
    if as_json:
        print_json({"flags": flags.to_dict("records"), "summary": totals.to_dict("records")})
        return
    if (table["hs"] == "").all():
        console.print(
            "[yellow]No HS codes in this file: totals cannot be screened against HS-scoped measures.[/]"
        )
    view = Table(title=f"Flows covered by a measure in force ({len(flags)} flags)")
    for column in ("Reporter", "Partner", "Year", "Flow", "HS", "US$", "Measure", "Effect", "Cited"):
        view.add_column(column, overflow="fold")
    for row in flags.head(200).itertuples():
        view.add_row(
            state_name(row.reporter),
            state_name(row.partner),
            str(row.year),
            row.flow,
            row.hs,
            f"{row.value_usd:,.0f}",
            row.measure,
            row.effect + (" (part of year)" if row.partial_year else ""),
            row.citation,
        )
    console.print(view)
    if len(flags) > 200:
        console.print(f"[dim]… {len(flags) - 200} more; use --out or --json.[/]")
    per_year = Table(title="Per partner and year")
    for column in ("Reporter", "Partner", "Year", "HS rows", "US$", "Flagged rows", "Flagged US$", "Share"):
        per_year.add_column(column)
    for row in totals.itertuples():
        per_year.add_row(
            state_name(row.reporter),
            state_name(row.partner),
            str(row.year),
            str(row.rows),
            f"{row.value_usd:,.0f}",
            str(row.flagged_rows),
            f"{row.flagged_value_usd:,.0f}",
            f"{row.flagged_share:.0%}",
        )
    console.print(per_year)


def _trade_table(file: Path | None, layout: str):
    with _errors():
        return read_trade(file, layout) if file else seed_trade()


@app.command()
def trade(
    reporter: str = typer.Option(None, "--reporter", help="Only this reporter (e.g. Russia)."),
    partner: str = typer.Option(None, "--partner", help="Only this partner (e.g. DPRK)."),
    file: Path = typer.Option(None, "--file", help="A trade CSV instead of the cited seed series."),
    layout: str = typer.Option("auto", "--layout", help="For --file: auto, comtrade or pairs."),
    as_json: bool = JsonOption,
):
    """Bilateral trade observations (seeded: Russia–DPRK and China–DPRK, each cited)."""
    table = _trade_table(file, layout)
    code_r, code_p = _state(reporter), _state(partner)
    if code_r is not None:
        table = table[table["reporter"] == code_r]
    if code_p is not None:
        table = table[table["partner"] == code_p]
    table = table.sort_values(["reporter", "partner", "year", "flow"])
    if as_json:
        print_json(table.to_dict("records"))
        return
    view = Table(title="Trade observations (US$)")
    for column in ("Reporter", "Partner", "Year", "Flow", "HS", "Value US$", "Status", "Source"):
        view.add_column(column, overflow="fold")
    for row in table.itertuples():
        source = row.source + (f" {row.url}" if row.url else "") + (f" — {row.note}" if row.note else "")
        view.add_row(
            state_name(row.reporter),
            state_name(row.partner),
            str(row.year),
            row.flow,
            row.hs or "all",
            f"{row.value_usd:,.0f}",
            row.status,
            source,
        )
    console.print(view)


@app.command()
def plot(
    out: Path = typer.Option(..., "--out", help="Image file: .png or .svg."),
    reporter: str = typer.Option(None, "--reporter", help="Only this reporter."),
    partner: str = typer.Option(None, "--partner", help="Only this partner."),
    flow: str = typer.Option("total", "--flow", help="total, export or import."),
    file: Path = typer.Option(None, "--file", help="A trade CSV instead of the cited seed series."),
    layout: str = typer.Option("auto", "--layout", help="For --file: auto, comtrade or pairs."),
    log: bool = typer.Option(False, "--log", help="Logarithmic value axis (pairs of very different size)."),
    title: str = typer.Option(None, "--title"),
    regime_file: Path = RegimeOption,
):
    """Plot a trade series with the resolutions marked on the time axis."""
    from foedus.sanctions.plot import plot_trade  # matplotlib only when plotting

    regime = _regime(regime_file)
    table = _trade_table(file, layout)
    rows = series(table, _state(reporter), _state(partner), flow)
    with _errors():
        path = plot_trade(rows, out, regime, title=title, log=log)
    console.print(
        f"Wrote {path} ({len(rows)} observations, {rows[['reporter', 'partner']].drop_duplicates().shape[0]}"
        " series)"
    )
