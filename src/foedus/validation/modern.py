"""Modern cases (issue 14.5): the register's invocation events replayed on the day before each.

For each event (`foedus.query.invocations`), the state attacked (`protected`) and the attacker
(`adversary`, a state or none) come from `scenario/modern_cases.csv`, each row quoting the register entry's
own words, and `where` is the protected state when the entry says the attack was on its own territory
(a location condition is then met; otherwise it stays unsettled); the event's date is the register's (a
month-precision date means its first day). On the day
before, for every state the invoked treaty bound toward the protected state on that day (the treaty's
members on the register when the store has no such link) and every state the event's responses name:

- the engine: its status toward the protected state (obliged, conditional, consultation, ... or none), with
  a state attacker a full `run_scenario` (legal mode, 1 round, every commitment last seen in force
  counting); with no state attacker the same condition rules (`rules.static_verdict`) with nobody on the
  other side, so a named-threat obligation does not apply;
- the model: its probability of joining the protected state's side (`predict_join_probabilities`; only
  with a state attacker, since its features are those of the attacking side);
- what the party did: its own recorded response, else the collective one(s) (a council's or the
  members' response, marked 'collective'), else 'not recorded'.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path

from foedus.results import Result

CASES_FILE = Path(__file__).parents[1] / "scenario" / "modern_cases.csv"
ACTING = ("forces sent", "assistance sent", "measures taken")  # responses that are help, not talk


@dataclass
class PartyRow:
    ccode: int
    name: str
    engine: str            # engine status toward the protected side, or 'none'
    engine_treaty: bool    # the engine's commitments include the invoked treaty
    model_p: float | None  # P(joins the protected state's side)
    action: str            # what it did ('not recorded' when the event names nothing for it)
    collective: bool       # the action is a collective response, not the state's own


@dataclass
class ModernCase:
    event_id: str
    treaty_id: str
    treaty_name: str | None
    article: str
    date: str
    on: str                # the day replayed (the day before the event)
    protected: list[int]
    adversary: int | None
    basis: str
    parties: list[PartyRow]
    summary: dict = field(default_factory=dict)


def load_cases(path: Path = CASES_FILE) -> dict[str, dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return {r["event_id"]: {"protected": [int(c) for c in r["protected"].split(";")],
                                "adversary": int(r["adversary"]) if r["adversary"] else None,
                                "where": int(r["where"]) if r["where"] else None,
                                "basis": r["basis"]} for r in csv.DictReader(handle)}


def _day(text: str) -> dt.date:
    parts = [int(p) for p in text.split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def _engine_without_attacker(context, protected: list[int], where: int | None) -> dict[int, tuple[str, str]]:
    """state -> (status, treaty ids): the condition rules with nobody on the other side (no state attacker)."""
    from foedus.scenario.rules import ALLIANCE, LESSER, Facts, static_verdict

    out: dict[int, tuple[str, set]] = {}
    rank = ["obliged", "conditional", *LESSER, "released"]
    for p in protected:
        for link in context.links_toward(p, True):
            if link.from_ccode in protected:
                continue
            for kind in (*ALLIANCE, *LESSER):
                if kind not in link.obligations or (kind == "offense"):
                    continue
                v = static_verdict(link, kind, Facts(where=where), p, context.names).given(())
                status = {"binding": "obliged" if kind == "defense" else kind, "conditional":
                          "conditional" if kind == "defense" else kind, "released": "released"}[v]
                old = out.get(link.from_ccode)
                if old is None or rank.index(status) < rank.index(old[0]):
                    out[link.from_ccode] = (status, (old[1] if old else set()) | {link.treaty_id})
                elif rank.index(status) == rank.index(old[0]):
                    old[1].add(link.treaty_id)
    return {s: (st, ",".join(sorted(t))) for s, (st, t) in out.items()}


def replay(con, cases: dict[str, dict] | None = None) -> list[ModernCase]:
    """Every register invocation event with a row in `modern_cases.csv`, replayed on the day before."""
    from foedus.query.invocations import _members, all_events
    from foedus.scenario.context import ScenarioContext
    from foedus.scenario.engine import run_scenario
    from foedus.scenario.model import Scenario
    from foedus.validation.joining import FeatureData, predict_join_probabilities

    cases = cases if cases is not None else load_cases()
    data = None
    out = []
    for event in all_events(con):
        case = cases.get(event.id)
        if case is None:
            continue
        on = _day(event.date) - dt.timedelta(days=1)
        context = ScenarioContext(con, on)
        protected, adversary = case["protected"], case["adversary"]
        probabilities: dict = {}
        if adversary is not None:
            scenario = Scenario(on=on, attackers=(adversary,), targets=tuple(protected), rounds=1, mode="legal",
                                where=case["where"], assume_in_force=True)
            result = run_scenario(context, scenario)
            engine = {}
            for s in [*result.states, *result.released]:
                tids = ",".join(sorted({c["treaty_id"] for c in s.commitments}))
                status = s.status if s.side == "target" or s.status == "released" else f"{s.status} (other side)"
                engine[s.ccode] = (status, tids)
            data = data or FeatureData(con)
            probabilities = predict_join_probabilities(context, scenario, con=con, data=data)
            day = data.feature_day(on)
            model_note = None if day == on else (
                f"model features read on {day.isoformat()} (the COW state list's last day), carried forward")
        else:
            model_note = "no model probabilities: no state attacker (the model's features are those of the sides)"
            engine = _engine_without_attacker(context, protected, case["where"])
        own = {r.ccode: r.action for r in event.responses if r.ccode is not None}
        collective = sorted({r.action for r in event.responses if r.ccode is None})
        bound = {link.from_ccode for p in protected for link in context.links_toward(p, True)
                 if link.treaty_id == event.treaty_id}
        members = (bound or _members(con, event.treaty_id)) | set(own)
        rows = []
        for ccode in sorted(members - set(protected) - {adversary}):
            status, tids = engine.get(ccode, ("none", ""))
            if ccode in own:
                action, shared = own[ccode], False
            elif collective:
                action, shared = "; ".join(collective), True
            else:
                action, shared = "not recorded", False
            p = probabilities.get(ccode, {}).get("target")
            rows.append(PartyRow(ccode, context.names.name(ccode), status, event.treaty_id in tids.split(","),
                                 None if p is None else round(p, 4), action, shared))
        obliged = [r for r in rows if r.engine == "obliged"]
        acted = [r for r in rows if not r.collective and r.action in ACTING]
        out.append(ModernCase(
            event.id, event.treaty_id, event.treaty_name, event.article, event.date, on.isoformat(), protected,
            adversary, case["basis"], rows,
            {"parties": len(rows), "engine_obliged": len(obliged),
             "engine_conditional": sum(r.engine == "conditional" for r in rows),
             "own_forces_or_help": len(acted),
             "obliged_and_helped": sum(1 for r in obliged if not r.collective and r.action in ACTING),
             "model_expected_joiners": round(sum(r.model_p or 0 for r in rows), 3) if probabilities else None,
             "model_note": model_note, "source": event.source.to_json()},
        ))
    return out


def to_json(cases: list[ModernCase]) -> list[dict]:
    return [asdict(c) for c in cases]


class ModernReplay(Result):
    """`foedus backtest --modern --json`: every replayed case (`ModernCase` as a record), in replay order."""

    modern: list[dict]


def replay_report(cases: list[ModernCase]) -> ModernReplay:
    return ModernReplay(modern=to_json(cases))
