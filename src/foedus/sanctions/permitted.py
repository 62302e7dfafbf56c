"""What remains lawful to or from the DPRK on a date, HS section by section and chapter by chapter.

Every chapter of the HS 2022 nomenclature is put through the same vectorised rules as `check` (one shipment
per chapter and direction, no purpose given). A chapter is

* ``prohibited`` — a measure in force bans the whole chapter and offers no exemption of its own (only the
  Committee's case-by-case humanitarian exemption, listed once under ``general_exemptions``);
* ``exempt`` — the whole chapter is banned, but the ban has its own exemption (spare parts for civil aircraft,
  Rajin transit, contracts concluded before adoption …): lawful only if the exemption's conditions are met,
  and the answer says what they require;
* ``conditional`` — under an aggregate cap (crude oil, refined petroleum, 2017 coal) or a wind-down not yet
  over: lawful within the caps, with notification to the Committee;
* ``partial`` — only some headings or subheadings are banned or capped (listed with their measure), the rest
  of the chapter is permitted;
* ``permitted`` — no HS-scoped measure covers the chapter.

Measures that HS codes cannot decide (the catch-all of 2270 OP8, luxury goods by value, aviation fuel,
WMD control lists, designated persons, finance) apply to every chapter and are listed under ``not_by_hs``:
"permitted" means no UN measure bans the goods as such, never that any counterparty or end use is lawful.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from foedus.sanctions import nomenclature
from foedus.sanctions.check import CONDITIONAL, EFFECTS, PERMITTED, PROHIBITED, citation, evaluate
from foedus.sanctions.model import Measure, Regime

STATUSES = ("prohibited", "exempt", "conditional", "partial", "permitted")
DIRECTIONS = {"to": "to_dprk", "from": "from_dprk"}
_NEUTRAL = -1  # "any other state": the check never sees a partner-specific exemption without a purpose


def _frame(chapters: list[str], target: int, day: dt.date) -> pd.DataFrame:
    """One shipment per chapter and direction: first every chapter to the DPRK, then every one from it."""
    n = len(chapters)
    return pd.DataFrame(
        {
            "from_state": np.r_[np.full(n, _NEUTRAL), np.full(n, target)],
            "to_state": np.r_[np.full(n, target), np.full(n, _NEUTRAL)],
            "hs": chapters + chapters,
            "date": pd.Timestamp(day),
            "purpose": "",
            "quantity": np.nan,
            "unit": "",
            "labour": False,
            "joint_venture": False,
            "origin": -1,
        }
    )


def _in_chapter(measure: Measure, chapter: str) -> list[str]:
    """The measure's scope entries that fall inside `chapter` (finer than the chapter)."""
    out = []
    for spec in measure.hs:
        lo, _, hi = spec.partition("-")
        hi = hi or lo
        if len(lo) > 2 and lo[:2] <= chapter <= hi[:2]:
            out.append(spec)
    return out


def _measure_ref(regime: Regime, measure: Measure, effect: str, day: dt.date) -> dict:
    ref = {
        "id": measure.id,
        "resolution": measure.resolution,
        "paragraph": measure.paragraph,
        "citation": citation(regime, measure),
        "title": measure.title,
        "effect": effect,
        "uncertain": measure.uncertain,
    }
    caps = measure.caps_on(day)
    if measure.kind == "quantity_cap":
        ref["caps"] = [
            {"amount": c.amount, "unit": c.unit, "period": c.period, **({"rule": c.rule} if c.rule else {})}
            for c in caps
        ]
    if measure.deadline is not None:
        ref["deadline"] = measure.deadline.isoformat()
    exemptions = [e for e in measure.exemptions if e.covers(day)]
    if exemptions:
        ref["exemptions"] = [
            {"id": e.id, "purpose": e.purpose, "title": e.title, "requires": e.requires,
             **({"until": e.end.isoformat()} if e.end else {})}
            for e in exemptions
        ]
    return ref


def _status(full: list[tuple[Measure, int]], partial: list[tuple[Measure, int]], day: dt.date) -> str:
    banned = [m for m, effect in full if effect == PROHIBITED]
    if banned:
        own = [m for m in banned if any(e.covers(day) for e in m.exemptions)]
        return "exempt" if len(own) == len(banned) else "prohibited"
    if full:
        return "conditional"
    return "partial" if partial else "permitted"


def chapters_on(regime: Regime, day: dt.date, directions: tuple[str, ...]) -> list[dict]:
    """Per HS section: its chapters with a status per direction (see the module text)."""
    sections = nomenclature.sections()
    chapters = [c for s in sections for c in s["chapters"]]
    evaluation = evaluate(regime, _frame(chapters, regime.target, day), detail=True)
    n = len(chapters)
    row_of = {"to_dprk": 0, "from_dprk": n}
    out = []
    for section in sections:
        items = []
        for chapter in section["chapters"]:
            index = chapters.index(chapter)
            item = {"chapter": chapter, "title": nomenclature.chapter_title(chapter)}
            for direction in directions:
                row = row_of[direction] + index
                full, partial = [], []
                for j, measure in enumerate(evaluation.measures):
                    effect = int(evaluation.effects[row, j])
                    if effect == PERMITTED:
                        continue
                    (partial if evaluation.coarse[row, j] else full).append((measure, effect))
                status = _status(full, partial, day)
                entry = {
                    "status": status,
                    "measures": [_measure_ref(regime, m, EFFECTS[e], day) for m, e in full],
                }
                if partial:
                    entry["restricted"] = [
                        {"hs": spec, **_measure_ref(regime, m, "prohibited" if m.conditional is False else
                                                    "conditional", day)}
                        for m, _ in partial
                        for spec in _in_chapter(m, chapter)
                    ]
                item[direction] = entry
            items.append(item)
        summary = {}
        for direction in directions:
            found = {i[direction]["status"] for i in items}
            summary[direction] = found.pop() if len(found) == 1 else "mixed"
        out.append({"section": section["section"], "title": section["title"], "status": summary,
                    "chapters": items})
    return out


def not_by_hs(regime: Regime, day: dt.date, directions: tuple[str, ...]) -> list[dict]:
    """Measures in force that HS codes cannot decide (they bear on every chapter)."""
    out = []
    for measure in sorted(regime.measures, key=lambda m: (m.start, m.id)):
        if measure.hs or not measure.covers(day):
            continue
        if measure.direction != "either" and measure.direction not in directions:
            continue
        out.append({
            "id": measure.id,
            "citation": citation(regime, measure),
            "kind": measure.kind,
            "direction": measure.direction,
            "title": measure.title,
            **({"deadline": measure.deadline.isoformat()} if measure.deadline else {}),
        })
    return out


def counts(sections: list[dict], directions: tuple[str, ...]) -> dict:
    """How many chapters have each status, per direction."""
    out = {}
    for direction in directions:
        tally = dict.fromkeys(STATUSES, 0)
        for section in sections:
            for chapter in section["chapters"]:
                tally[chapter[direction]["status"]] += 1
        out[direction] = tally
    return out


__all__ = ["CONDITIONAL", "DIRECTIONS", "STATUSES", "chapters_on", "counts", "not_by_hs"]
