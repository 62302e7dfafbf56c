"""The sanctions answers as typed results: one library function per question, one JSON form each.

`check`, `batch`, `on`, `history`, `screen`, `permitted`, `trade` and `trade --assess` each have a function
here that takes what a user typed (names, dates, codes; `param` says how to name an argument in an error:
``--from`` for the CLI, ``from`` for the HTTP API), raises :class:`foedus.errors.BadInputError` naming the
argument for bad input, and returns a :class:`foedus.results.Result` whose ``to_json()`` is the published
``--json`` contract. The CLI renders these results or prints their JSON; the API returns the same JSON.

Dates: windows are start inclusive, end exclusive (``until`` is the first day a measure no longer applies).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from foedus.errors import BadInputError, UnknownStateError
from foedus.results import ListResult, Record, Result
from foedus.sanctions.model import Cap, Exemption, Measure, Regime, Vote

Param = Callable[[str], str]
CLI_NAMES = {"date": "DATE", "file": "FILE", "from_": "--from", "joint_venture": "--joint-venture"}


def cli_param(name: str) -> str:
    """How the CLI names argument `name` in an error (``--from``, ``DATE``)."""
    return CLI_NAMES.get(name, "--" + name.replace("_", "-"))


def api_param(name: str) -> str:
    """How the HTTP API names it (the query parameter)."""
    return {"from_": "from", "date": "on"}.get(name, name)


# ----------------------------------------------------------------------------------------------- parsing


def full_date(text: str | dt.date | None, name: str, param: Param = cli_param) -> dt.date:
    """A full YYYY-MM-DD date (a day decides which measures apply); BadInputError otherwise."""
    from foedus.dates import parse_date

    if isinstance(text, dt.date):
        return parse_date(text, param(name))
    raw = str(text or "").strip()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw, re.ASCII):
        raise BadInputError(param(name), f"'{raw[:32]}' is not a full date",
                            fix="use YYYY-MM-DD: a day decides which measures apply")
    return parse_date(raw, param(name))


def state(text: str | int | None, name: str, param: Param = cli_param, on: dt.date | None = None) -> int | None:
    """A COW code for a state name, ISO code or ``cow:``/``iso:``/``gw:`` code (offline; Korea is ambiguous)."""
    if text is None:
        return None
    from foedus.sanctions.states import resolve_state

    try:
        return resolve_state(text, on, param(name))
    except BadInputError:
        raise
    except UnknownStateError as exc:
        raise BadInputError(param(name), str(exc), fix="give a name, an ISO3 code or cow:/iso:/gw: CODE") from None


@lru_cache(maxsize=256)
def member_name(iso: str) -> str:
    """A Council member's name from its ISO alpha-3 code (offline)."""
    from foedus.naming import offline_name, resolve_offline

    try:
        return offline_name(resolve_offline(f"iso:{iso}"))
    except Exception:  # a code the offline table lacks: show the code
        return iso


# ----------------------------------------------------------------------------------------------- pieces


def sources(item) -> list[dict]:
    return [s.model_dump(exclude_none=True) for s in item.sources]


def exemption_dict(exemption: Exemption) -> dict:
    out = {
        "id": exemption.id,
        "purpose": exemption.purpose,
        "title": exemption.title,
        "requires": exemption.requires,
        "from": exemption.start,
        "until": exemption.end,
        "uncertain": exemption.uncertain,
    }
    for key in ("resolution", "paragraph", "origin", "partner", "note"):
        if getattr(exemption, key) is not None:
            out[key] = getattr(exemption, key)
    if exemption.foreign_origin:
        out["foreign_origin"] = True
    return out


def cap_dict(cap: Cap) -> dict:
    return {
        "amount": cap.amount,
        "unit": cap.unit,
        "period": cap.period,
        "from": cap.start,
        "until": cap.end,
        **({"rule": cap.rule} if cap.rule else {}),
    }


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def wind_down(regime: Regime, measure: Measure) -> list[str]:
    """How a measure starts, phases in or out and ends: deadlines, transition exemptions, caps, successors."""
    out = []
    if measure.deadline is not None:
        out.append(
            f"Deadline {_day(measure.deadline)}: until then the measure is being wound down (conditional); "
            f"from {_day(measure.deadline + dt.timedelta(days=1))} it is prohibited outright."
        )
    for exemption in measure.exemptions:
        if exemption.end is not None:
            out.append(
                f"Transition: {exemption.title} — {exemption.requires} Available until {_day(exemption.last_day)} "
                f"(no longer from {_day(exemption.end)})."
            )
    for cap in measure.caps:
        window = f"from {_day(cap.start)}" if cap.start else ""
        window += f" to {_day(cap.last_day)}" if cap.end else ""
        out.append(f"Cap {cap.amount:,.0f} {cap.unit} {cap.period}{(' (' + window.strip() + ')') if window else ''}.")
    if measure.superseded_by:
        successor = regime.by_id[measure.superseded_by]
        out.append(
            f"In force until {_day(measure.last_day)}; replaced from {_day(successor.start)} by "
            f"{regime.by_number[successor.resolution].symbol} para {successor.paragraph} ({successor.title})."
        )
    return out


def measure_dict(regime: Regime, measure: Measure, day: dt.date | None = None) -> dict:
    """A measure as JSON: `resolution`, `paragraph` and `kind` always, with its citation and scope."""
    resolution = regime.by_number[measure.resolution]
    exemptions = [e for e in measure.exemptions if day is None or e.covers(day)]
    caps = measure.caps_on(day) if day else measure.caps
    return {
        "id": measure.id,
        "resolution": measure.resolution,
        "paragraph": measure.paragraph,
        "kind": measure.kind,
        "symbol": resolution.symbol,
        "adopted": resolution.adopted,
        "url": resolution.url,
        "title": measure.title,
        "summary": measure.summary,
        "direction": measure.direction,
        "hs": measure.hs,
        "hs_source": measure.hs_source,
        "from": measure.start,
        "until": measure.end,
        "superseded_by": measure.superseded_by,
        "deadline": measure.deadline,
        "caps": [cap_dict(c) for c in caps],
        "exemptions": [exemption_dict(e) for e in exemptions],
        "wind_down": wind_down(regime, measure),
        "uncertain": measure.uncertain,
        "note": measure.note,
        "sources": sources(measure),
    }


def vote_dict(regime: Regime, vote: Vote) -> dict:
    """A vote: tally, adopted or not, vetoes, and each member's vote with its name."""
    ballot = regime.ballot(vote)
    yes, no, abstain = vote.counts
    from foedus.sanctions.model import PERMANENT

    return {
        "date": vote.date,
        "meeting": vote.meeting,
        "tally": {"in_favour": yes, "against": no, "abstaining": abstain, "absent": len(vote.absent)},
        "adopted": vote.adopted,
        "unanimous": yes == 15,
        "vetoed_by": vote.vetoed_by,
        "members": [
            {"code": code, "name": member_name(code), "permanent": code in PERMANENT, "vote": choice}
            for code, choice in ballot.items()
        ],
        "uncertain": vote.uncertain,
        **({"note": vote.note} if vote.note else {}),
        "sources": sources(vote),
    }


def regime_start_note(regime: Regime, day: dt.date) -> str | None:
    """Said when `day` is before the regime's first measure (resolution 1718, 14 October 2006)."""
    start = regime.start
    if day >= start:
        return None
    first = min(regime.resolutions, key=lambda r: r.adopted)
    return (
        f"The UN sanctions regime on the DPRK did not exist yet on {day.isoformat()}: its first measures date "
        f"from {start.isoformat()} ({first.symbol}, adopted after the DPRK nuclear test of 9 October 2006)."
    )


# ----------------------------------------------------------------------------------------------- results


class CheckResult(Result):
    """`sanctions check`: the verdict on one shipment, the deciding measures and those that also apply."""

    verdict: str
    shipment: Record
    measures: list[Record]
    also_applicable: list[Record]
    not_assessed: list[Record]
    regime: str
    regime_start: dt.date
    regime_note: str | None = None
    hs_reading: Record | None = None


class BatchResult(Result):
    """`sanctions check --batch`: counts of verdicts written to `out`."""

    file: str
    out: str
    verdicts: dict[str, int]


class OnResult(Result):
    """`sanctions on DATE`: measures in force, general exemptions, status so far, resolutions and votes."""

    date: dt.date
    regime: str
    regime_start: dt.date
    regime_in_force: bool
    regime_note: str | None = None
    measures: list[Record]
    general_exemptions: list[Record]
    status: list[Record]
    resolutions: list[Record] = []
    drafts: list[Record] = []


class HistoryResult(ListResult):
    """`sanctions history`: resolutions (with votes), vetoed drafts, status changes and exemptions, by date."""

    root: list[Record]


class ScreenResult(Result):
    flags: list[Record]
    summary: list[Record]


class PermittedResult(Result):
    """`sanctions permitted`: per HS section and chapter, what remains lawful to or from the DPRK."""

    date: dt.date
    regime: str
    regime_in_force: bool
    regime_note: str | None = None
    directions: list[str]
    statuses: dict[str, str]
    counts: dict[str, dict[str, int]]
    sections: list[Record]
    not_by_hs: list[Record]
    labour_and_ventures: list[Record]
    general_exemptions: list[Record]
    caveat: str
    nomenclature: Record


class TradeRows(ListResult):
    """`sanctions trade`: one row per observation (reporter, partner, year, months, flow, value, status …)."""

    root: list[Record]


class TradeComparison(Result):
    """`sanctions trade --side-by-side`: the competing figures for each pair, year, period and flow."""

    groups: list[Record]
    gaps: list[Record]


class TradeAssessment(Result):
    """`sanctions trade --assess`: a claimed figure set against the recorded ones."""

    claim: Record
    verdict: str
    explanation: str
    tolerance: float
    compared: list[Record]
    context: list[Record]
    gaps: list[Record]


# ----------------------------------------------------------------------------------------------- check


def _finding_dict(regime: Regime, finding, day: dt.date) -> dict:
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
        out["exemption"] = exemption_dict(finding.exemption)
    if finding.coarse_hs:
        out["coarse_hs"] = True
        out["hs_note"] = (
            f"The HS code is coarser than this measure's scope ({' '.join(measure.hs)}); "
            "give the heading or subheading to decide."
        )
    if measure.kind == "quantity_cap":
        out["caps"] = [cap_dict(c) for c in measure.caps_on(day)]
        out["aggregate"] = True
        out["requires"] = (
            "Caps are aggregate over all states and rest on notification to the 1718 Committee; "
            "one shipment cannot be judged against them alone."
        )
        out["exceeds_cap"] = finding.exceeds_cap
    if measure.deadline is not None:
        out["deadline"] = measure.deadline
    steps = wind_down(regime, measure)
    if steps:
        out["wind_down"] = steps
    return out


def check_result(regime: Regime, verdict, reading=None) -> CheckResult:
    """The typed result for a :class:`foedus.sanctions.check.Verdict`."""
    ship = verdict.shipment
    return CheckResult(
        verdict=verdict.verdict,
        shipment={
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
        measures=[_finding_dict(regime, f, ship.date) for f in verdict.deciding],
        also_applicable=[_finding_dict(regime, f, ship.date) for f in verdict.findings if not f.decides],
        not_assessed=[
            {"id": m.id, "resolution": m.resolution, "paragraph": m.paragraph, "kind": m.kind, "title": m.title}
            for m in verdict.caveats
        ],
        regime=regime.name,
        regime_start=regime.start,
        **({"regime_note": note} if (note := regime_start_note(regime, ship.date)) else {}),
        hs_reading=reading.to_json() if reading else None,
    )


def check(
    regime: Regime,
    *,
    from_: str | None,
    to: str | None,
    on: str | dt.date | None,
    hs: str | None = None,
    item: str | None = None,
    purpose: str | None = None,
    quantity: float | None = None,
    unit: str | None = None,
    labour: bool = False,
    joint_venture: bool = False,
    origin: str | None = None,
    param: Param = cli_param,
) -> CheckResult:
    """Is this shipment allowed on this date? Parses what the user typed, then checks it."""
    from foedus.sanctions.check import Shipment, normalize_unit
    from foedus.sanctions.check import check as check_shipment
    from foedus.sanctions.nomenclature import read_code, read_item

    missing = [param(n) for n, v in (("from_", from_), ("to", to), ("on", on)) if v in (None, "")]
    if missing:
        raise BadInputError(missing[0], f"give {', '.join(missing)}", fix="or --batch FILE --out FILE"
                            if param is cli_param else None)
    if hs is not None and item is not None:
        raise BadInputError(param("item"), "give hs or item, not both" if param is not cli_param
                            else "give --hs or --item, not both")
    reading = read_item(item, param("item")) if item is not None else read_code(hs, param("hs")) if hs else None
    if reading is None and not (labour or joint_venture):
        raise BadInputError(param("hs"), f"give {param('hs')} CODE or {param('item')} NAME, "
                            f"or {param('labour')} / {param('joint_venture')}")
    if purpose and purpose not in regime.purposes:
        raise BadInputError(param("purpose"), f"'{purpose}' is not one of: {', '.join(regime.purposes)}")
    try:
        if unit:
            normalize_unit(unit)
    except ValueError as exc:
        raise BadInputError(param("unit"), str(exc)) from None
    day = full_date(on, "on", param)
    shipment = Shipment(
        state(from_, "from_", param, day),
        state(to, "to", param, day),
        day,
        hs=reading.code if reading else None,
        purpose=purpose,
        quantity=quantity,
        unit=unit,
        labour=labour,
        joint_venture=joint_venture,
        origin=state(origin, "origin", param, day),
    )
    from foedus.naming import check_pair

    check_pair(shipment.from_state, shipment.to_state, (param("from_"), param("to")))
    return check_result(regime, check_shipment(regime, shipment), reading)


def batch(regime: Regime, file: str | Path, out: str | Path) -> BatchResult:
    from foedus.sanctions.batch import check_file

    return BatchResult(file=str(file), out=str(out), verdicts=check_file(regime, file, out))


# ----------------------------------------------------------------------------------------------- on, history


def _resolution_brief(regime: Regime, resolution) -> dict:
    out = {"number": resolution.number, "symbol": resolution.symbol, "adopted": resolution.adopted,
           "url": resolution.url}
    if resolution.vote:
        out["vote"] = vote_dict(regime, resolution.vote)
    return out


def _draft_dict(regime: Regime, draft) -> dict:
    return {"symbol": draft.symbol, "date": draft.date, "title": draft.title, "sponsor": draft.sponsor,
            "summary": draft.summary, "vote": vote_dict(regime, draft.vote), "sources": sources(draft)}


def on(regime: Regime, day: str | dt.date, param: Param = cli_param) -> OnResult:
    """The regime on a date: measures in force, general exemptions, status changes, resolutions and votes."""
    from foedus.sanctions.regime import in_force, status_on

    day = full_date(day, "date", param)
    return OnResult(
        date=day,
        regime=regime.name,
        regime_start=regime.start,
        regime_in_force=day >= regime.start,
        **({"regime_note": note} if (note := regime_start_note(regime, day)) else {}),
        measures=[measure_dict(regime, m, day) for m in in_force(regime, day)],
        general_exemptions=[exemption_dict(e) for e in regime.general_exemptions if e.covers(day)],
        status=[{"date": s.date, "event": s.event, "effect": s.effect} for s in status_on(regime, day)],
        resolutions=[_resolution_brief(regime, r) for r in sorted(regime.resolutions, key=lambda r: r.adopted)
                     if r.adopted <= day],
        drafts=[_draft_dict(regime, d) for d in regime.drafts if d.date <= day],
    )


def history(regime: Regime) -> HistoryResult:
    from foedus.sanctions.regime import history as events

    out = events(regime)
    for event in out:
        if event["type"] == "resolution":
            resolution = regime.by_number[event["resolution"]]
            if resolution.vote:
                event["vote"] = vote_dict(regime, resolution.vote)
    for draft in regime.drafts:
        out.append({"type": "draft", "date": draft.date, "resolution": None, "event": f"Draft {draft.symbol} "
                    f"not adopted: {draft.title}", "effect": draft.summary, **_draft_dict(regime, draft)})
    out.sort(key=lambda e: (e["date"], e["type"] != "resolution"))
    return HistoryResult(out)


# ----------------------------------------------------------------------------------------------- screen


def screen(regime: Regime, file: str | Path, layout: str = "auto", out: str | Path | None = None):
    """(ScreenResult, the trade table, the flags frame): flag flows a measure in force covered."""
    from foedus.sanctions.batch import write_atomic
    from foedus.sanctions.screen import screen as screen_table
    from foedus.sanctions.screen import summary
    from foedus.sanctions.trade import read_trade

    table = read_trade(file, layout)
    flags = screen_table(regime, table)
    totals = summary(table, flags)
    if out is not None:
        write_atomic(flags, out)
    result = ScreenResult(flags=flags.to_dict("records"), summary=totals.to_dict("records"))
    return result, table, flags


# ----------------------------------------------------------------------------------------------- permitted


def permitted(regime: Regime, on: str | dt.date, direction: str | None = None,
              param: Param = cli_param) -> PermittedResult:
    """What remains lawful to or from the DPRK on a date, by HS section and chapter (see
    :mod:`foedus.sanctions.permitted`)."""
    from foedus.sanctions import nomenclature
    from foedus.sanctions import permitted as lawful
    from foedus.sanctions.regime import in_force

    day = full_date(on, "on", param)
    if direction is not None and direction not in lawful.DIRECTIONS:
        raise BadInputError(param("direction"), f"'{direction}' is not 'to' or 'from'",
                            fix="to = goods to the DPRK, from = goods from the DPRK; leave it out for both")
    directions = (lawful.DIRECTIONS[direction],) if direction else tuple(lawful.DIRECTIONS.values())
    sections = lawful.chapters_on(regime, day, directions)
    services = [
        {"id": m.id, "kind": m.kind, "direction": m.direction, "citation": f"{regime.by_number[m.resolution].symbol} "
         f"para {m.paragraph}", "title": m.title,
         "status": ("conditional" if (m.deadline and day <= m.deadline) or m.effect == "conditional"
                    else "prohibited"),
         "wind_down": wind_down(regime, m),
         "exemptions": [exemption_dict(e) for e in m.exemptions if e.covers(day)]}
        for m in in_force(regime, day) if m.kind in ("labour", "joint_venture")
    ]
    return PermittedResult(
        date=day,
        regime=regime.name,
        regime_in_force=day >= regime.start,
        **({"regime_note": note} if (note := regime_start_note(regime, day)) else {}),
        directions=list(directions),
        statuses={
            "prohibited": "the whole chapter is banned; only the Committee's case-by-case exemption remains",
            "exempt": "the whole chapter is banned except under the measure's own exemption (what it requires "
                      "is given)",
            "conditional": "lawful within aggregate caps or a wind-down, with notice to the 1718 Committee",
            "partial": "some headings or subheadings are banned or capped (listed); the rest is permitted",
            "permitted": "no HS-scoped UN measure covers the chapter",
        },
        counts=lawful.counts(sections, directions),
        sections=sections,
        not_by_hs=lawful.not_by_hs(regime, day, directions),
        labour_and_ventures=services,
        general_exemptions=[exemption_dict(e) for e in regime.general_exemptions if e.covers(day)],
        caveat=(
            "Permitted means no UN measure bans the goods as such on that date. The measures under not_by_hs "
            "(catch-all, luxury goods, designated persons, finance, WMD lists) still apply to every chapter; "
            "national sanctions are not covered."
        ),
        nomenclature=nomenclature.citation(),
    )


# ----------------------------------------------------------------------------------------------- trade


def trade_table(file: str | Path | None = None, layout: str = "auto"):
    from foedus.sanctions.trade import read_trade, seed_trade

    return read_trade(file, layout) if file else seed_trade()


def _filter(table, reporter: int | None, partner: int | None, year: int | None):
    if reporter is not None:
        table = table[table["reporter"] == reporter]
    if partner is not None:
        table = table[table["partner"] == partner]
    if year is not None:
        table = table[table["year"] == year]
    return table.sort_values(["reporter", "partner", "year", "months", "flow"])


def trade(reporter: str | None = None, partner: str | None = None, year: int | None = None,
          file: str | Path | None = None, layout: str = "auto", param: Param = cli_param) -> TradeRows:
    """Trade observations (the cited seed series unless `file`), optionally for one reporter/partner/year."""
    table = _filter(trade_table(file, layout), state(reporter, "reporter", param), state(partner, "partner", param),
                    year)
    return TradeRows(table.to_dict("records"))


def trade_side_by_side(reporter: str | None = None, partner: str | None = None, year: int | None = None,
                       file: str | Path | None = None, layout: str = "auto",
                       param: Param = cli_param) -> TradeComparison:
    from foedus.sanctions import tradeclaims

    table = _filter(trade_table(file, layout), state(reporter, "reporter", param), state(partner, "partner", param),
                    year)
    return TradeComparison(groups=tradeclaims.groups(table), gaps=tradeclaims.gaps_for(table, file is None))


def trade_assess(claim: str, reporter: str | None, year: int | None, partner: str | None = "DPRK",
                 months: str | None = None, flow: str = "total", tolerance: float = 0.10,
                 file: str | Path | None = None, layout: str = "auto", param: Param = cli_param) -> TradeAssessment:
    """Is a claimed figure ("26 million", "$2.18 bn") consistent with the recorded figures for that pair
    and year? Consistent within `tolerance` (default 10%), else off by X%, or no figure."""
    from foedus.sanctions import tradeclaims

    if reporter is None:
        raise BadInputError(param("reporter"), "an assessment needs the reporter", fix="e.g. Russia")
    if year is None:
        raise BadInputError(param("year"), "an assessment needs the year", fix="e.g. 2024")
    value = tradeclaims.parse_amount(claim, param("assess"))
    if months is not None:
        months = tradeclaims.parse_months(months, param("months"))
    if flow not in ("total", "export", "import"):
        raise BadInputError(param("flow"), f"'{flow}' is not total, export or import")
    if not 0 <= tolerance < 1:
        raise BadInputError(param("tolerance"), f"{tolerance} is not a share from 0 to 1", fix="e.g. 0.1 for 10%")
    code_r, code_p = state(reporter, "reporter", param), state(partner, "partner", param)
    table = trade_table(file, layout)
    return TradeAssessment(**tradeclaims.assess(table, value, claim, code_r, code_p, year, months, flow, tolerance,
                                                seed=file is None))
