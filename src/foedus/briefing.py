"""The main job's briefing: North Korea's commitments today and the Russia–China–DPRK triangle."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict

from foedus.naming import StateNames
from foedus.query import dyad, obligations, records
from foedus.query.commitments import warning_for
from foedus.query.intervals import check_status

FOCUS = 731
TRIANGLE = (365, 710, 731)
COLLAPSE_ABOVE = 3  # a treaty with more partners than this is summarised on one line


def _label(record: dict) -> str:
    name = record["treaty_name"]
    return f"{name} [{record['treaty_id']}]" if name else record["treaty_id"]


def _terms(record: dict | None) -> str:
    if record is None:
        return "nothing"
    owes = ", ".join(record["obligations"]) or "no obligation"
    return owes + (f" (if {', '.join(record['conditions'])})" if record["conditions"] else "")


def pair_lines(names: StateNames, state: int, rows: list[dict]) -> list[str]:
    """One line per (treaty, partner): what `state` owes and is owed, with source and coverage note."""
    by_treaty = defaultdict(lambda: defaultdict(dict))
    for r in rows:
        partner = r["to_ccode"] if r["from_ccode"] == state else r["from_ccode"]
        direction = "owes" if r["from_ccode"] == state else "owed"
        by_treaty[r["treaty_id"]][partner][direction] = r
    lines = []
    for partners in by_treaty.values():
        sample = next(iter(next(iter(partners.values())).values()))
        note = f" — {sample['note']}" if sample.get("note") else ""
        if sample.get("tier") and sample["tier"] != "confirmed":  # the tier and its reason say what the note would
            note = f" — {sample['tier']}: {sample.get('status_reason')}"
        source = sample["source_text"]
        if len(partners) > COLLAPSE_ABOVE:
            terms = {_terms(d.get("owes")) for d in partners.values()}
            listed = ", ".join(names.abbr(p) for p in sorted(partners))
            lines.append(
                f"{_label(sample)}: {'; '.join(sorted(terms))} with {len(partners)} states ({listed}) "
                f"[{source}]{note}"
            )
            continue
        for partner, directions in sorted(partners.items()):
            owes, owed = _terms(directions.get("owes")), _terms(directions.get("owed"))
            who = f"{names.abbr(state)} – {names.name(partner)} ({partner})"
            terms = f"{owes}, both ways" if owes == owed else f"owes {owes}; is owed {owed}"
            lines.append(f"{who}: {terms} — {_label(sample)} [{source}]{note}")
    return lines


def briefing(con, on: dt.date | None = None, status: str | None = None) -> str:
    """A short plain-text briefing for `on` (default today), honest about coverage: counts the commitments whose
    status tier `status` keeps (confirmed, presumed — the default — or any), says which, and warns when the date
    is a projection."""
    from foedus.dates import today

    on = on or today()
    status = check_status(status)
    names = StateNames(con)
    lines = [f"foedus briefing for {on.isoformat()} (status: {status})"]
    warning = warning_for(con, on)
    if warning:
        lines.append(f"warning: {warning}")
    lines += ["", f"{names.name(FOCUS)} ({FOCUS}): commitments in force"]
    focus = pair_lines(names, FOCUS, records(obligations(con, FOCUS, on, status=status)))
    lines += [f"  {line}" for line in focus] or ["  none recorded for this date"]
    for a, b in itertools.combinations(TRIANGLE, 2):
        lines += ["", f"{names.name(a)} – {names.name(b)}"]
        pair = pair_lines(names, a, records(dyad(con, a, b, on, status=status)))
        lines += [f"  {line}" for line in pair] or ["  no commitment recorded for this date"]
    coverage = con.execute("SELECT dataset, version, coverage_end FROM imports ORDER BY dataset").fetchall()
    lines += ["", "Coverage: " + "; ".join(f"{d} {v} to {c}" for d, v, c in coverage if c)]
    return "\n".join(lines)
