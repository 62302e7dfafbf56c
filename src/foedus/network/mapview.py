"""The world map the web page draws (``/api/map``): states at their capitals on a date, commitments as arcs.

One arc per pair of states (a < b) with what each owes the other, the strongest obligation (the arc's
colour, :data:`PALETTE`: Okabe–Ito, safe for colour-blind readers), the best status tier of the pair's
commitments carrying that obligation (drawn solid, dashed or faint: :data:`TIER_RULE`) and the treaty ids,
strongest obligation first (names once in ``treaty_names``; sources in the dyad answer the page asks for on a click).
Every tier is included (`status='any'`), so a tie of unknown status after a dataset's coverage is shown faint
rather than hidden.

Capitals come from the imported COW capitals table (``capitals``: code, capital, start_date, end_date, lat,
lng). A state whose capital row ends before the date (the table stops at its last year) keeps its last
known capital, flagged ``capital_carried``; a state with no capital row at all is listed without
coordinates (``lat``/``lng`` null) so the page can say so instead of dropping it silently.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import numpy as np
import pandas as pd

from foedus.dates import parse_date
from foedus.results import Record, Result

PALETTE = {  # Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour deficiency
    "defense": "#D55E00",  # vermillion
    "offense": "#CC79A7",  # reddish purple
    "neutrality": "#009E73",  # bluish green
    "nonaggression": "#56B4E9",  # sky blue
    "consultation": "#8C8C8C",  # grey
}
RANK = ("defense", "offense", "neutrality", "nonaggression", "consultation")
TIERS = ("confirmed", "presumed", "unknown")  # strongest first
TIER_RULE = {
    "confirmed": "solid: the dataset codes the commitment on this date, or a register entry confirms it",
    "presumed": "dashed: in force when the dataset (or the register check) ends, nothing known to end it, "
                "no term run out",
    "unknown": "faint: past the dataset's coverage with a fixed term ended and no renewal recorded",
}
FIRST_YEAR = 1816
CAPITALS_SOURCE = "COW capitals (peacesciencer)"


class MapState(Record):
    code: int
    abbr: str
    name: str
    major: bool
    system_member: bool
    capital: str | None
    lat: float | None
    lng: float | None
    capital_carried: bool
    partners: int


class MapArc(Record):
    a: int
    b: int
    a_to_b: list[str]
    b_to_a: list[str]
    strongest: str
    direction: Literal["mutual", "one_way"]
    tier: Literal["confirmed", "presumed", "unknown"]
    treaties: list[str]


class WorldMap(Result):
    """States at their capitals on a date and the commitments between them, strongest obligation first."""

    on: str
    types: list[str]
    first_year: int
    before_data: bool
    coverage: str
    colors: dict[str, str]
    tiers: dict[str, str]
    capitals_source: str
    states: list[MapState]
    arcs: list[MapArc]
    treaty_names: dict[str, str]


def _capitals(con, day: dt.date) -> dict[int, tuple[str, float, float, bool]]:
    """code -> (capital, lat, lng, carried): the row in force on `day`, else the latest one begun before it."""
    try:
        rows = con.execute(
            "SELECT code, capital, lat, lng, end_date < $on AS carried FROM capitals WHERE start_date <= $on "
            "QUALIFY row_number() OVER (PARTITION BY code ORDER BY start_date DESC) = 1",
            {"on": day},
        ).fetchall()
    except Exception:  # the capitals dataset is optional: a store without it has no coordinates
        return {}
    return {int(c): (name, float(lat), float(lng), bool(carried)) for c, name, lat, lng, carried in rows}


def world_map(con, on: str | dt.date | None = None, types=None, frame: pd.DataFrame | None = None,
              names=None) -> WorldMap:
    """The map on `on` (default today). `frame`: the directed commitments of the date with every tier."""
    from foedus.naming import StateNames
    from foedus.network.snapshot import coverage_text, major_powers, parse_types, system_members
    from foedus.query.commitments import directed_commitments

    day = parse_date(on, "on")
    wanted = parse_types(types)
    frame = directed_commitments(con, day, status="any") if frame is None else frame
    names = StateNames(con) if names is None else names
    carried = [t for t in RANK if t in wanted]
    if len(frame):
        frame = frame[frame[carried].any(axis=1)].reset_index(drop=True)

    bits = frame[carried].to_numpy(dtype=bool) @ (1 << np.arange(len(carried), dtype=np.int64)) if len(frame) \
        else np.zeros(0, dtype=np.int64)
    tier_rank = frame["tier"].map({t: i for i, t in enumerate(TIERS)}).fillna(len(TIERS) - 1).to_numpy(dtype=int) \
        if len(frame) else np.zeros(0, dtype=int)
    pairs: dict[tuple[int, int], dict] = {}
    treaty_names: dict[str, str] = {}
    columns = zip(frame.from_ccode.tolist(), frame.to_ccode.tolist(), frame.treaty_id.tolist(),
                  frame.treaty_name.tolist(), bits.tolist(), tier_rank.tolist(), strict=True)
    for a, b, tid, treaty_name, owed, rank in columns:
        low, high = (a, b) if a < b else (b, a)
        pair = pairs.get((low, high))
        if pair is None:
            pair = pairs[(low, high)] = {"ab": 0, "ba": 0, "treaties": {}, "tier": [len(TIERS)] * len(carried)}
        pair["ab" if a == low else "ba"] |= owed
        pair["treaties"][tid] = min(pair["treaties"].get(tid, len(carried)),
                                    next(i for i in range(len(carried)) if owed >> i & 1))
        for i in range(len(carried)):
            if owed >> i & 1 and rank < pair["tier"][i]:
                pair["tier"][i] = rank
        if isinstance(treaty_name, str):
            treaty_names[tid] = treaty_name
    arcs = []
    partners: dict[int, int] = {}
    for (a, b), pair in pairs.items():
        both = pair["ab"] | pair["ba"]
        top = next(i for i in range(len(carried)) if both >> i & 1)
        arcs.append({
            "a": int(a), "b": int(b),
            "a_to_b": [t for i, t in enumerate(carried) if pair["ab"] >> i & 1],
            "b_to_a": [t for i, t in enumerate(carried) if pair["ba"] >> i & 1],
            "strongest": carried[top],
            "direction": "mutual" if pair["ab"] == pair["ba"] else "one_way",
            "tier": TIERS[pair["tier"][top]],
            "treaties": sorted(pair["treaties"], key=lambda tid, p=pair: (p["treaties"][tid], tid)),
        })
        partners[a] = partners.get(a, 0) + 1
        partners[b] = partners.get(b, 0) + 1
    # weakest first, so the strongest tie is drawn last (on top)
    arcs.sort(key=lambda e: (-RANK.index(e["strongest"]), -TIERS.index(e["tier"]), e["a"], e["b"]))

    members = set(system_members(con, day))
    majors = major_powers(con, day)
    capitals = _capitals(con, day)
    codes = sorted(members | set(partners))
    states = []
    for code in codes:
        capital = capitals.get(code)
        states.append({
            "code": code, "abbr": names.abbr(code), "name": names.name(code), "major": code in majors,
            "system_member": code in members,
            "capital": capital[0] if capital else None,
            "lat": round(capital[1], 3) if capital else None, "lng": round(capital[2], 3) if capital else None,
            "capital_carried": bool(capital and capital[3]), "partners": partners.get(code, 0),
        })
    return WorldMap(on=day.isoformat(), types=list(wanted), first_year=FIRST_YEAR,
                    before_data=day.year < FIRST_YEAR, coverage=coverage_text(con), colors=dict(PALETTE),
                    tiers=dict(TIER_RULE), capitals_source=CAPITALS_SOURCE, states=states, arcs=arcs,
                    treaty_names=treaty_names)
