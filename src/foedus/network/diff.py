"""What changed in the alliance system between two dates.

For every pair of states (a < b) bound on either date, the obligations each owes the other are
compared (from :func:`foedus.query.directed_commitments` on both dates, so register entries count):

* ``begun``: nothing on the first date, something on the second;
* ``ended``: something on the first date, nothing on the second;
* ``upgraded`` / ``downgraded``: the strongest obligation in some direction rose (fell) on the
  Signorino–Ritter scale (defense/offense 3, neutrality/non-aggression 2, consultation 1), or, at
  the same level, a direction gained (lost) obligation types; ``mixed`` when one direction rose
  and the other fell;
* ``changed``: the same obligations, carried by other treaties (a renewal or replacement).

Each change lists the treaties added and removed with their sources. Both dates count the same status
tiers (``status``: confirmed, presumed — the default — or any; :mod:`foedus.query.intervals`). A commitment
still in force at its dataset's coverage end is not *ended* by the end of coverage: it is presumed in force
(or, under ``status='confirmed'``, no longer counted), and the change says so (``coverage_note``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from foedus.dates import parse_date
from foedus.network.snapshot import LEVEL, _edge_rows, commitments_on, ranked

CHANGES = ("begun", "ended", "upgraded", "downgraded", "mixed", "changed")


@dataclass
class PairState:
    """What binds a pair on one date: obligations each way and the commitments behind them."""

    a_to_b: list[str] = field(default_factory=list)
    b_to_a: list[str] = field(default_factory=list)
    commitments: list[dict] = field(default_factory=list)

    @property
    def treaties(self) -> set[str]:
        return {c["treaty_id"] for c in self.commitments}

    @property
    def unknown(self) -> bool:
        """Some commitment is past its dataset's coverage and not confirmed there (presumed or unknown)."""
        return any(c.get("tier", "confirmed" if c["status"] == "in_force" else "unknown") != "confirmed"
                   for c in self.commitments)

    def record(self) -> dict:
        return {"a_to_b": self.a_to_b, "b_to_a": self.b_to_a, "treaties": sorted(self.treaties)}


@dataclass
class Change:
    a: int
    b: int
    change: str
    before: PairState
    after: PairState
    directions: dict[str, str]

    @property
    def added(self) -> list[dict]:
        old = self.before.treaties
        return [c for c in self.after.commitments if c["treaty_id"] not in old]

    @property
    def removed(self) -> list[dict]:
        new = self.after.treaties
        return [c for c in self.before.commitments if c["treaty_id"] not in new]

    def record(self, names=None) -> dict:
        out = {
            "pair": [self.a, self.b],
            "change": self.change,
            "directions": self.directions,
            "before": self.before.record(),
            "after": self.after.record(),
            "treaties_added": _treaty_summary(self.added),
            "treaties_removed": _treaty_summary(self.removed),
        }
        if names is not None:
            out["names"] = [names.name(self.a), names.name(self.b)]
        if self.after.unknown and not self.before.unknown:
            out["coverage_note"] = (
                "on the second date some commitments are past their dataset's coverage and not confirmed by the "
                "register: presumed in force or unknown (see each commitment's tier)"
            )
        return out


def _treaty_summary(commitments: list[dict]) -> list[dict]:
    by_treaty: dict[str, dict] = {}
    for c in commitments:
        entry = by_treaty.setdefault(c["treaty_id"], {
            "treaty_id": c["treaty_id"], "treaty_name": c["treaty_name"], "since": c["since"], "until": c["until"],
            "status": c["status"], "tier": c.get("tier"), "directions": [], "sources": [],
        })
        entry["directions"].append({"from": c["from"], "to": c["to"], "obligations": c["obligations"]})
        if c["source"] not in entry["sources"]:
            entry["sources"].append(c["source"])
    return list(by_treaty.values())


def _pairs(frame: pd.DataFrame) -> dict[tuple[int, int], PairState]:
    out: dict[tuple[int, int], PairState] = {}
    owed: dict[tuple[int, int], set] = {}
    for a, b, row in _edge_rows(frame):
        key = (min(a, b), max(a, b))
        out.setdefault(key, PairState()).commitments.append({"from": a, "to": b, **row})
        owed.setdefault((a, b), set()).update(row["obligations"])
    for (a, b), state in out.items():
        state.a_to_b = ranked(owed.get((a, b), ()))
        state.b_to_a = ranked(owed.get((b, a), ()))
    return out


def _direction(before: list[str], after: list[str]) -> str:
    if before == after:
        return "same"
    if not before:
        return "begun"
    if not after:
        return "ended"
    old, new = max(LEVEL[o] for o in before), max(LEVEL[o] for o in after)
    if new != old:
        return "up" if new > old else "down"
    if set(after) > set(before):
        return "up"
    if set(after) < set(before):
        return "down"
    return "changed"


def classify(before: PairState, after: PairState) -> tuple[str | None, dict[str, str]]:
    """The change between two states of a pair (None when nothing changed) and per-direction moves."""
    directions = {"a_to_b": _direction(before.a_to_b, after.a_to_b), "b_to_a": _direction(before.b_to_a, after.b_to_a)}
    if not before.commitments:
        return "begun", directions
    if not after.commitments:
        return "ended", directions
    moves = set(directions.values())
    up, down = bool(moves & {"up", "begun"}), bool(moves & {"down", "ended"})
    if up and down:
        return "mixed", directions
    if up:
        return "upgraded", directions
    if down:
        return "downgraded", directions
    if moves != {"same"} or before.treaties != after.treaties:
        return "changed", directions
    return None, directions


def diff(
    con,
    start: str | dt.date,
    end: str | dt.date,
    around: int | None = None,
    types: Iterable[str] | str | None = None,
    changes: Iterable[str] = CHANGES,
    status: str | None = None,
) -> list[Change]:
    """Changes between `start` and `end`, optionally only pairs including `around` (a COW code); `status`: the
    tiers that count on both dates."""
    first, second = parse_date(start, "from"), parse_date(end, "to")
    frames = [commitments_on(con, day, types, status=status) for day in (first, second)]
    if around is not None:
        frames = [f[(f.from_ccode == int(around)) | (f.to_ccode == int(around))] for f in frames]
    before, after = (_pairs(f) for f in frames)
    wanted = set(changes)
    out = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key, PairState()), after.get(key, PairState())
        change, directions = classify(old, new)
        if change in wanted:
            out.append(Change(key[0], key[1], change, old, new, directions))
    order = {c: n for n, c in enumerate(CHANGES)}
    return sorted(out, key=lambda c: (order[c.change], c.a, c.b))


def diff_frame(changes: list[Change]) -> pd.DataFrame:
    """One row per changed pair: a, b, change, obligations before/after each way, treaties added/removed."""
    return pd.DataFrame([
        {"a": c.a, "b": c.b, "change": c.change,
         "before_a_to_b": ",".join(c.before.a_to_b), "before_b_to_a": ",".join(c.before.b_to_a),
         "after_a_to_b": ",".join(c.after.a_to_b), "after_b_to_a": ",".join(c.after.b_to_a),
         "treaties_added": ",".join(sorted({t["treaty_id"] for t in c.added})),
         "treaties_removed": ",".join(sorted({t["treaty_id"] for t in c.removed}))}
        for c in changes
    ])
