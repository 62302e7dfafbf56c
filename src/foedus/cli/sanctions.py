"""`foedus sanctions`: the UN regime on the DPRK — check, on, history, permitted, screen, trade, plot.

Each command parses its options, calls one function of :mod:`foedus.sanctions.report` and renders the typed
result (or prints its ``to_json()``); the library is imported inside the commands (start-up time)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import typer
from rich.table import Table

from foedus.cli.common import JsonOption, console, fail, print_json
from foedus.errors import FoedusError

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


def _regime(path: Path | None):
    from foedus.sanctions.load import load_regime

    with _errors():
        return load_regime(path)


def _name(code: int) -> str:
    from foedus.sanctions.states import state_name

    return state_name(code)


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


def _print_hs_reading(reading: dict | None) -> None:
    if not reading:
        return
    title = reading["heading_title"] or reading["chapter_title"]
    read = f"'{reading['item']}' read as " if reading["item"] else ""
    console.print(f"[dim]{read}HS {reading['code']}: {title} (section {reading['section']}); check the heading.[/]")


def _print_measure_rows(rows: list[tuple[dict, bool]]) -> None:
    """The measures that decide (and, dimmed, those that also apply), or a line saying there are none."""
    if not rows:
        console.print("No measure of the regime covers this on that date.")
        return
    table = Table()
    for column in ("Cited", "Measure", "Effect", "Why"):
        table.add_column(column, overflow="fold")
    for item, decides in rows:
        cited = f"{item['symbol']} para {item['paragraph']}{_mark_dict(item)}"
        effect = item["effect"] if decides else f"[dim]{item['effect']} (not deciding)[/]"
        table.add_row(cited, f"{item['title']} [dim]({item['kind']})[/]", effect, _why(item))
    console.print(table)


def _print_verdict_notes(payload: dict, rows: list[tuple[dict, bool]]) -> None:
    """Caps, wind-down steps, unverified details and the measures not assessed."""
    if any("caps" in p for p, _ in rows):
        console.print(
            "[dim]Caps are aggregate over all states and rest on notification to the 1718 Committee;"
            " one shipment cannot be judged against them alone.[/]"
        )
    for item, _ in rows:
        for step in item.get("wind_down", []):
            console.print(f"[dim]{item['symbol']} para {item['paragraph']}: {step}[/]")
    if any(p["uncertain"] for p, _ in rows):
        console.print("[dim]* paragraph or detail not verified in a source; see the note with --json.[/]")
    if payload["not_assessed"]:
        kinds = sorted({c["kind"] for c in payload["not_assessed"]})
        console.print(
            f"[dim]Not assessed ({len(payload['not_assessed'])} measures: {', '.join(kinds)}): screen the"
            " parties against the 1718 list and the end use separately.[/]"
        )


def _print_verdict(payload: dict) -> None:
    ship = payload["shipment"]
    what = "labour" if ship["labour"] else "joint venture" if ship["joint_venture"] else f"HS {ship['hs']}"
    _print_hs_reading(payload.get("hs_reading"))
    console.print(
        f"{_name(ship['from'])} → {_name(ship['to'])}, {what}, {ship['date']}: "
        f"[{VERDICT_STYLE[payload['verdict']]}]{payload['verdict'].upper()}[/]"
    )
    if payload.get("regime_note"):
        console.print(f"[yellow]{payload['regime_note']}[/]")
    rows = [(p, True) for p in payload["measures"]] + [(p, False) for p in payload["also_applicable"]]
    _print_measure_rows(rows)
    _print_verdict_notes(payload, rows)


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
    from foedus.sanctions import report

    regime = _regime(regime_file)
    if batch is not None:
        if out is None:
            fail("--batch: give --out FILE for the verdicts")
        with _errors():
            result = report.batch(regime, batch, out)
        if as_json:
            print_json(result.to_json())
        else:
            total = sum(result.verdicts.values())
            parts = ", ".join(f"[{VERDICT_STYLE[k]}]{v:,} {k}[/]" for k, v in result.verdicts.items())
            console.print(f"{total:,} shipments checked → {out}: {parts}")
        return
    with _errors():
        result = report.check(regime, from_=from_, to=to, on=on, hs=hs, item=item, purpose=purpose,
                              quantity=quantity, unit=unit, labour=labour, joint_venture=joint_venture,
                              origin=origin)
    if as_json:
        print_json(result.to_json())
    else:
        _print_verdict(result.to_json())


@app.command("on")
def on_date(
    day: str = typer.Argument(..., help="Date YYYY-MM-DD."),
    as_json: bool = JsonOption,
    regime_file: Path = RegimeOption,
):
    """The measures in force on a date, with their exemptions and the regime's status."""
    from foedus.sanctions import report

    regime = _regime(regime_file)
    with _errors():
        payload = report.on(regime, day).to_json()
    if as_json:
        print_json(payload)
        return
    if payload.get("regime_note"):
        console.print(f"[yellow]{payload['regime_note']}[/]")
        return
    _print_in_force(regime.name, payload)
    _print_in_force_notes(payload)


def _print_in_force(name: str, payload: dict) -> None:
    table = Table(title=f"{name}: in force on {payload['date']}")
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


def _print_in_force_notes(payload: dict) -> None:
    """General exemptions, the latest status changes, wind-down steps and the votes."""
    general = ", ".join(
        f"{e['title']} ({e['resolution']} para {e['paragraph']})" for e in payload["general_exemptions"]
    )
    if general:
        console.print(f"Any measure: {general}")
    for status in payload["status"][:3]:
        console.print(f"[dim]{status['date']}: {status['event']} — {status['effect']}[/]")
    for item in payload["measures"]:
        for step in item["wind_down"]:
            console.print(f"[dim]{item['symbol']} para {item['paragraph']}: {step}[/]")
    for resolution in payload["resolutions"]:
        if "vote" in resolution:
            console.print(f"[dim]{resolution['symbol']}: {_vote_line(resolution['vote'])}[/]")
    for draft in payload["drafts"]:
        console.print(f"[dim]Draft {draft['symbol']} ({draft['date']}): {_vote_line(draft['vote'])}[/]")
    console.print("[dim]* paragraph or detail not verified in a source (see --json notes).[/]")


def _vote_line(vote: dict) -> str:
    tally = vote["tally"]
    head = f"{tally['in_favour']}-{tally['against']}-{tally['abstaining']}"
    if vote["unanimous"]:
        head += " (unanimous: " + ", ".join(m["name"] for m in vote["members"]) + ")"
    else:
        others = [f"{m['name']} {m['vote']}" for m in vote["members"] if m["vote"] != "yes"]
        head += f", {'vetoed by ' + ', '.join(vote['vetoed_by']) if vote['vetoed_by'] else 'not adopted'}"
        head += f"; {'; '.join(others)}; the others in favour"
    return head + (" *" if vote["uncertain"] else "")


@app.command()
def history(as_json: bool = JsonOption, regime_file: Path = RegimeOption):
    """The regime resolution by resolution: what each added or replaced, and status changes."""
    from foedus.sanctions import report

    regime = _regime(regime_file)
    events = report.history(regime).to_json()
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
            if "vote" in event:
                lines.append(f"[dim]vote: {_vote_line(event['vote'])}[/]")
            table.add_row(str(event["date"]), event["symbol"], "\n".join(lines))
        elif event["type"] == "draft":
            table.add_row(str(event["date"]), event["symbol"], f"[red]{event['event']}[/]\n[dim]vote: "
                          f"{_vote_line(event['vote'])}[/]")
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
    from foedus.sanctions import report

    regime = _regime(regime_file)
    with _errors():
        result, table, flags = report.screen(regime, file, layout, out)
    if as_json:
        print_json(result.to_json())
        return
    totals = result.summary
    if (table["hs"] == "").all():
        console.print(
            "[yellow]No HS codes in this file: totals cannot be screened against HS-scoped measures.[/]"
        )
    view = Table(title=f"Flows covered by a measure in force ({len(flags)} flags)")
    for column in ("Reporter", "Partner", "Year", "Flow", "HS", "US$", "Measure", "Effect", "Cited"):
        view.add_column(column, overflow="fold")
    for row in flags.head(200).itertuples():
        view.add_row(
            _name(row.reporter),
            _name(row.partner),
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
    for row in totals:
        per_year.add_row(
            _name(row.reporter),
            _name(row.partner),
            str(row.year),
            str(row.rows),
            f"{row.value_usd:,.0f}",
            str(row.flagged_rows),
            f"{row.flagged_value_usd:,.0f}",
            f"{row.flagged_share:.0%}",
        )
    console.print(per_year)


@app.command()
def trade(
    reporter: str = typer.Option(None, "--reporter", help="Only this reporter (e.g. Russia)."),
    partner: str = typer.Option(None, "--partner", help="Only this partner (default for --assess: DPRK)."),
    year: int = typer.Option(None, "--year", help="Only this year."),
    assess: str = typer.Option(
        None, "--assess", help="Assess a claimed figure, e.g. '26 million' (needs --reporter and --year)."
    ),
    months: str = typer.Option(None, "--months", help="With --assess: a part-year claim, e.g. 1-6 or Jan-Jun."),
    flow: str = typer.Option("total", "--flow", help="With --assess: total, export or import."),
    tolerance: float = typer.Option(0.10, "--tolerance", help="With --assess: share counted as consistent."),
    side_by_side: bool = typer.Option(
        False, "--side-by-side", help="With --json: competing figures grouped by pair, year, period and flow."
    ),
    file: Path = typer.Option(None, "--file", help="A trade CSV instead of the cited seed series."),
    layout: str = typer.Option("auto", "--layout", help="For --file: auto, comtrade or pairs."),
    as_json: bool = JsonOption,
):
    """Bilateral trade figures side by side (seeded: Russia–DPRK and China–DPRK, each cited), or
    `--assess "26 million" --reporter Russia --year 2024`: consistent, off by X%, or no figure."""
    from foedus.sanctions import report

    with _errors():
        if assess is not None:
            result = report.trade_assess(assess, reporter, year, partner or "DPRK", months, flow, tolerance, file,
                                         layout)
        elif side_by_side or not as_json:
            result = report.trade_side_by_side(reporter, partner, year, file, layout)
        else:
            result = report.trade(reporter, partner, year, file, layout)
    if as_json:
        print_json(result.to_json())
        return
    payload = result.to_json()
    if assess is not None:
        _print_assessment(payload)
        return
    view = Table(title="Trade figures (US$), competing figures side by side")
    for column in ("Reporter", "Partner", "Year", "Period", "Flow", "Figures (status, source)", "Spread"):
        view.add_column(column, overflow="fold")
    for group in payload["groups"]:
        figures = "\n".join(
            f"{f['value_usd']:,.0f} ({f['status']}, {f['source']}{' ' + f['url'] if f.get('url') else ''})"
            for f in group["figures"]
        )
        spread = f"{group['spread_pct']:.0f}%" if group["spread_pct"] else "—"
        view.add_row(group["reporter_name"], group["partner_name"], str(group["year"]), group["period"],
                     group["flow"], figures, spread if len(group["figures"]) > 1 else "—")
    console.print(view)
    for gap in payload["gaps"]:
        console.print(f"[dim]{_name(gap['reporter'])}–{_name(gap['partner'])} {gap['year']}: {gap['note']}[/]")


def _print_assessment(payload: dict) -> None:
    claim = payload["claim"]
    style = "green" if payload["verdict"] == "consistent" else "yellow"
    console.print(f"Claim: {claim['text']} = ${claim['value_usd']:,.0f}, {claim['reporter_name']}–"
                  f"{claim['partner_name']} {claim['flow']} {claim['year']} ({claim['period']}): "
                  f"[bold {style}]{payload['verdict'].upper()}[/]")
    console.print(payload["explanation"])
    for figure in payload["compared"]:
        console.print(f"  {figure['value_usd']:,.0f} ({figure['status']}; {figure['difference_pct']:+.0f}%): "
                      f"{figure['source']}")
    for figure in payload["context"]:
        console.print(f"  [dim]{figure['period']}: {figure['value_usd']:,.0f} ({figure['status']}): "
                      f"{figure['source']}[/]")
    for gap in payload["gaps"]:
        console.print(f"  [dim]{gap['note']}[/]")


@app.command()
def permitted(
    on: str = typer.Option(..., "--on", help="Date YYYY-MM-DD."),
    direction: str = typer.Option(None, "--direction", help="to (goods to the DPRK) or from; default both."),
    chapters: bool = typer.Option(False, "--chapters", help="List every chapter, not only the sections."),
    as_json: bool = JsonOption,
    regime_file: Path = RegimeOption,
):
    """What remains lawful to or from the DPRK on a date, by HS section (and chapter), with caps and exemptions."""
    from foedus.sanctions import report

    regime = _regime(regime_file)
    with _errors():
        result = report.permitted(regime, on, direction)
    payload = result.to_json()
    if as_json:
        print_json(payload)
        return
    if payload.get("regime_note"):
        console.print(f"[yellow]{payload['regime_note']}[/]")
    labels = {"to_dprk": "To the DPRK", "from_dprk": "From the DPRK"}
    for direction_key in payload["directions"]:
        counts = payload["counts"][direction_key]
        console.print(f"[bold]{labels[direction_key]} on {payload['date']}[/]: "
                      + ", ".join(f"{n} chapters {k}" for k, n in counts.items() if n))
    table = Table(title="By HS section" + (" and chapter" if chapters else ""))
    table.add_column("HS", overflow="fold")
    table.add_column("Title", overflow="fold")
    for direction_key in payload["directions"]:
        table.add_column(labels[direction_key], overflow="fold")
    for section in payload["sections"]:
        table.add_row(f"[bold]{section['section']}[/]", f"[bold]{section['title']}[/]",
                      *[_status_text(section["status"][d], section, d) for d in payload["directions"]])
        if chapters:
            for chapter in section["chapters"]:
                table.add_row(chapter["chapter"], chapter["title"],
                              *[_chapter_text(chapter[d]) for d in payload["directions"]])
    console.print(table)
    for service in payload["labour_and_ventures"]:
        console.print(f"{service['title']} ({service['citation']}): {service['status']}")
    for measure in payload["not_by_hs"]:
        console.print(f"[dim]Also, for every chapter: {measure['title']} ({measure['citation']})[/]")
    console.print(f"[dim]{payload['caveat']}[/]")


_STATUS_STYLE = {"prohibited": "red", "exempt": "cyan", "conditional": "yellow", "partial": "magenta",
                 "permitted": "green", "mixed": "white"}


def _status_text(status: str, section: dict, direction: str) -> str:
    if status != "mixed":
        return f"[{_STATUS_STYLE[status]}]{status}[/]"
    parts = {}
    for chapter in section["chapters"]:
        parts.setdefault(chapter[direction]["status"], []).append(chapter["chapter"])
    return "; ".join(f"[{_STATUS_STYLE[k]}]{k}[/] {' '.join(v)}" for k, v in parts.items())


def _chapter_text(entry: dict) -> str:
    text = f"[{_STATUS_STYLE[entry['status']]}]{entry['status']}[/]"
    for measure in entry["measures"]:
        text += f" {measure['citation']}"
        for cap in measure.get("caps", []):
            text += f" (cap {cap['amount']:,.0f} {cap['unit']} {cap['period']})"
        for exemption in measure.get("exemptions", []):
            text += f" [dim](exempt: {exemption['requires']})[/]"
    for item in entry.get("restricted", []):
        text += f" [dim]{item['hs']} {item['effect']} ({item['citation']})[/]"
    return text


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
    from foedus.sanctions import report
    from foedus.sanctions.plot import plot_trade  # matplotlib only when plotting
    from foedus.sanctions.trade import series

    regime = _regime(regime_file)
    with _errors():
        table = report.trade_table(file, layout)
        rows = series(table, report.state(reporter, "reporter"), report.state(partner, "partner"), flow)
    with _errors():
        path = plot_trade(rows, out, regime, title=title, log=log)
    console.print(
        f"Wrote {path} ({len(rows)} observations, {rows[['reporter', 'partner']].drop_duplicates().shape[0]}"
        " series)"
    )
