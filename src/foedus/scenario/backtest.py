"""Replay real wars: who did the treaties in force say would join, and on which side, against who did.

Wars: Reiter, Stam and Horowitz (2016), revised interstate wars 1816–2007 (`war_dyads`), with the coding
errors listed in `war_corrections.csv` corrected at load time; second source: COW Inter-State War v4.0
(`cow_war_dyad_years`, Sarkees and Wayman 2010).

Framing (the same for every rule):
- each *original* dyad (the file's `joiner = 0`) is a scenario of its own, on its own start date: its
  initiator attacks its target; no fighting location is assumed (a location condition stays unsettled, so
  the obligation is "conditional"), provocation and requests are unknown; the war as it stood the day before
  (its participants that entered before the dyad's date, which the file records) is part of the scenario, so a
  named threat already fighting on the other side settles the condition (WWI: the Ottoman offence pledge to
  Germany naming Russia, ATOP 2005), and a state already fighting is not a prediction (composition 'as of
  date'; 'dyad only' is the older framing);
- the real joiners are the states that appear only in dyads the file flags as joiners; each has the side of
  its first entry (the side opposite its first opponent) and a delay from the war's first day;
- a prediction is a (state, side) pair; it counts only for states that were COW system members on the
  dyad's date and were not original participants; a hit is a joiner predicted on the side it fought on;
- tiers: "binding" (the engine says obliged/offense and joins), "binding+conditional" (also the states
  whose defence/offence obligation hangs on an unsettled condition);
- naive rule: on each original dyad's date, any state with a defence obligation toward the target or an
  offence obligation toward the initiator, conditions ignored;
- base rate: joiners over every (system member, side) pair that could have joined — the precision of
  a guess that knows nothing;
- recall ceiling: the share of joiners that had any ATOP/register commitment (any obligation) toward a
  state on their own side that fought on the war's first day: no first-day treaty rule can recall more.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from foedus.scenario.context import ScenarioContext
from foedus.scenario.engine import run_scenario
from foedus.scenario.model import Scenario

CORRECTIONS_FILE = Path(__file__).with_name("war_corrections.csv")
SPECIAL_WARS = {"WorldWarI": "World War I", "WorldWarII": "World War II", "Korean_1950-53": "Korea"}
BANDS = ("<=30 days", "<=1 year", "later")
TIERS = ("binding", "binding+conditional")
SOURCES = ("revised", "cow")
OTHER = {"attacker": "target", "target": "attacker"}


@dataclass
class Joiner:
    ccode: int
    side: str          # 'attacker' (initiator's side) or 'target'
    entry: dt.date | None
    band: str          # one of BANDS (COW: '<=1 year' means 'same calendar year')


@dataclass
class War:
    war_id: int
    name: str
    start: dt.date
    dyads: list[tuple[int, int, dt.date]]      # original dyads: (initiator, target, start date)
    sides: dict[int, str]                       # every participant's side
    originals: frozenset[int]
    joiners: dict[int, Joiner]
    day_one: frozenset[int] = frozenset()       # originals fighting on the war's first day
    entries: dict[int, dt.date] = field(default_factory=dict)  # every participant's first day in the war

    @property
    def group(self) -> str:
        return SPECIAL_WARS.get(self.name, "other wars")


def load_corrections(path: Path = CORRECTIONS_FILE) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        for key in ("war_id", "dyad_war_id", "year_from", "year_to", "wrong_code", "right_code"):
            row[key] = int(row[key])
    return rows


def _corrected_dyads(con, corrections: bool = True) -> tuple[pd.DataFrame, list[dict]]:
    frame = con.execute(
        "SELECT war_id, war_name, dyad_war_id, year, side_a, side_b, entry_date, joiner FROM war_dyads"
    ).df()
    applied = []
    if corrections:
        for fix in load_corrections():
            mask = (
                (frame.war_id == fix["war_id"]) & (frame.dyad_war_id == fix["dyad_war_id"])
                & frame.year.between(fix["year_from"], fix["year_to"]) & (frame[fix["column"]] == fix["wrong_code"])
            )
            if mask.any():
                frame.loc[mask, fix["column"]] = fix["right_code"]
                applied.append({**fix, "rows": int(mask.sum())})
    frame["entry_date"] = pd.to_datetime(frame["entry_date"])
    return frame, applied


def _band(delay: int | None) -> str:
    if delay is None or delay > 365:
        return "later"
    return "<=30 days" if delay <= 30 else "<=1 year"


def _assign_sides(pairs: list[tuple[int, int]]) -> dict[int, str]:
    """Sides from dyads in time order: the first dyad's initiator is 'attacker'; each state keeps its first side."""
    side: dict[int, str] = {}
    remaining = list(pairs)
    while remaining:
        if not any(a in side or b in side for a, b in remaining):
            a, b = remaining[0]
            side[a], side[b] = "attacker", "target"
        left = []
        progressed = False
        for a, b in remaining:
            if a in side and b not in side:
                side[b], progressed = OTHER[side[a]], True
            elif b in side and a not in side:
                side[a], progressed = OTHER[side[b]], True
            elif a not in side and b not in side:
                left.append((a, b))
        if not progressed and len(left) == len(remaining):
            a, b = left[0]
            side[a], side[b] = "attacker", "target"
            left = left[1:]
        remaining = left
    return side


def load_wars(con, corrections: bool = True) -> list[War]:
    """The revised wars with their original dyads, sides and joiners (corrections applied)."""
    frame, _ = _corrected_dyads(con, corrections)
    dyads = frame.groupby(["war_id", "war_name", "dyad_war_id", "side_a", "side_b"], as_index=False).agg(
        start=("entry_date", "min"), joiner=("joiner", "any"))
    wars = []
    for (war_id, name), rows in dyads.groupby(["war_id", "war_name"], sort=True):
        rows = rows.sort_values(["start", "dyad_war_id"])
        original = rows[~rows.joiner]
        if original.empty:  # every dyad flagged: the first day's dyads are the original ones
            original = rows[rows.start == rows.start.min()]
        start = original.start.min()
        side = _assign_sides(list(zip(original.side_a, original.side_b, strict=True))
                             + list(zip(rows.side_a, rows.side_b, strict=True)))
        originals = frozenset(int(s) for s in set(original.side_a) | set(original.side_b))
        day_one = frozenset(int(s) for r in original[original.start == start].itertuples()
                            for s in (r.side_a, r.side_b))
        joiners = {}
        for r in rows[rows.joiner].itertuples():
            for state in (int(r.side_a), int(r.side_b)):
                if state in originals or state in joiners:
                    continue
                entry = pd.Timestamp(r.start).date() if pd.notna(r.start) else None
                delay = (pd.Timestamp(r.start) - start).days if pd.notna(r.start) else None
                joiners[state] = Joiner(state, side[state], entry, _band(delay))
        entries: dict[int, dt.date] = {}
        for r in rows.itertuples():
            when = pd.Timestamp(r.start).date() if pd.notna(r.start) else pd.Timestamp(start).date()
            for state in (int(r.side_a), int(r.side_b)):
                if state not in entries or when < entries[state]:
                    entries[state] = when
        wars.append(War(
            int(war_id), str(name), pd.Timestamp(start).date(),
            [(int(r.side_a), int(r.side_b), pd.Timestamp(r.start).date()) for r in original.itertuples()],
            {int(k): v for k, v in side.items()}, originals, joiners, day_one, entries,
        ))
    return wars


def load_cow_joiners(con, wars: list[War]) -> tuple[dict[int, dict[int, Joiner]], dict]:
    """Joiners of each revised war by the COW Inter-State War data: COW participants of the COW wars matched
    to it (most shared dyad-years) that are not original participants; side from COW's side codes, aligned on
    the revised war's first initiator; band by calendar year ('<=1 year' = the war's first year)."""
    cow = con.execute("SELECT war_num, code1, code2, year, side1, side2 FROM cow_war_dyad_years").df()
    frame, _ = _corrected_dyads(con)
    keys: dict[tuple[int, int, int], int] = {}
    for r in frame.itertuples():
        keys[(min(r.side_a, r.side_b), max(r.side_a, r.side_b), r.year)] = int(r.war_id)
    cow["pair"] = [keys.get((min(a, b), max(a, b), y)) for a, b, y in zip(cow.code1, cow.code2, cow.year,
                                                                          strict=True)]
    matches = cow.dropna(subset=["pair"]).groupby("war_num")["pair"].agg(lambda s: int(s.mode().iloc[0]))
    by_war = {w.war_id: w for w in wars}
    out: dict[int, dict[int, Joiner]] = defaultdict(dict)
    unmatched = sorted(set(cow.war_num) - set(matches.index))
    for war_num, war_id in matches.items():
        war = by_war.get(war_id)
        if war is None:
            continue
        rows = cow[cow.war_num == war_num]
        first = rows.groupby("code1").agg(side=("side1", "first"), year=("year", "min"))
        anchor = next((s for s in war.dyads[0][:1] if s in first.index), None)
        if anchor is None:
            anchor = next((s for s in war.originals if s in first.index), None)
        if anchor is None:
            continue
        anchor_side = first.loc[anchor, "side"]
        flip = war.sides.get(anchor, "attacker") != "attacker"
        for state, r in first.iterrows():
            state = int(state)
            if state in war.originals or state in out[war_id]:
                continue
            side = "attacker" if (r.side == anchor_side) != flip else "target"
            band = "<=1 year" if int(r.year) == war.start.year else "later"
            out[war_id][state] = Joiner(state, side, None, band)
    return out, {"cow_wars": int(cow.war_num.nunique()), "matched": int(len(matches)), "unmatched": unmatched}


def _members(con) -> pd.DataFrame:
    return con.execute("SELECT code, start_date, end_date FROM state_spells WHERE system = 'cow'").df()


def members_on(spells: pd.DataFrame, on: dt.date) -> set[int]:
    day = pd.Timestamp(on)
    mask = (pd.to_datetime(spells.start_date) <= day) & (pd.to_datetime(spells.end_date) >= day)
    return {int(c) for c in spells.code[mask]}


class Contexts:
    """ScenarioContext per date, built once."""

    def __init__(self, con):
        self.con = con
        self.cache: dict[dt.date, ScenarioContext] = {}

    def __call__(self, on: dt.date) -> ScenarioContext:
        if on not in self.cache:
            self.cache[on] = ScenarioContext(self.con, on)
        return self.cache[on]


def _war_side(war: War, dyad: tuple[int, int, dt.date], scenario_side: str) -> str:
    a, b, _ = dyad
    return war.sides[a] if scenario_side == "attacker" else war.sides[b]


def fighting_before(war: War, dyad: tuple[int, int, dt.date]) -> dict[int, str]:
    """The war's participants that entered before the dyad's date, by scenario side (the dyad's initiator's side
    is 'attacker'): the war as it stood the day before, which the file records."""
    a, b, on = dyad
    return {s: "attacker" if war.sides[s] == war.sides[a] else "target"
            for s, entered in war.entries.items() if entered < on and s not in (a, b) and s in war.sides}


def engine_predictions(war: War, contexts: Contexts, members, mode: str, rounds: int,
                       composition: str = "as of date") -> dict[int, tuple[str, str]]:
    """state -> (war side, tier) from the engine, over the war's original dyads (strongest tier, first side).

    composition 'as of date': each dyad's scenario also holds the war's participants that entered before its
    date (on their sides), so named threats and cross-ties are judged against the real other side, and a state
    already fighting is not predicted; 'dyad only': the two states of the dyad alone.
    """
    out: dict[int, tuple[str, str]] = {}
    for dyad in war.dyads:
        a, b, on = dyad
        fighting = fighting_before(war, dyad) if composition == "as of date" else {}
        result = run_scenario(contexts(on), Scenario(on=on, attackers=(a,), targets=(b,), rounds=rounds, mode=mode,
                                                     assume_in_force=True), fighting=fighting)
        allowed = members(on)
        for state in result.states:
            ccode = state.ccode
            if ccode in war.originals or ccode not in allowed or ccode in fighting:
                continue
            if state.joins and state.status in ("obliged", "offense"):
                tier = "binding"
            elif state.status == "conditional":
                tier = "conditional"
            else:
                continue
            side = _war_side(war, dyad, state.side)
            if ccode not in out or (out[ccode][1] == "conditional" and tier == "binding"):
                out[ccode] = (side, tier) if ccode not in out else (out[ccode][0], tier)
    return out


def naive_predictions(war: War, contexts: Contexts, members, composition: str = "as of date"
                      ) -> dict[int, tuple[str, str]]:
    """Defence toward a target or offence toward an initiator, on each original dyad's date, conditions ignored
    (with composition 'as of date', states already fighting on that date are not predicted)."""
    out: dict[int, tuple[str, str]] = {}
    for dyad in war.dyads:
        a, b, on = dyad
        context, allowed = contexts(on), members(on)
        fighting = fighting_before(war, dyad) if composition == "as of date" else {}
        for protected, obligation in ((b, "defense"), (a, "offense")):
            for link in context.links_toward(protected, True):
                ccode = link.from_ccode
                if obligation in link.obligations and ccode not in war.originals and ccode in allowed \
                        and ccode not in fighting:
                    out.setdefault(ccode, (war.sides[protected], "binding"))
    return out


def ceiling(war: War, joiners: dict[int, Joiner], contexts: Contexts) -> set[int]:
    """Joiners with any commitment toward a first-day party on their own side, on the war's first day."""
    context = contexts(war.start)
    found = set()
    for ccode, joiner in joiners.items():
        for party in war.day_one:
            if war.sides.get(party) != joiner.side:
                continue
            if any(link.from_ccode == ccode for link in context.links_toward(party, True)):
                found.add(ccode)
    return found


@dataclass
class Score:
    source: str
    group: str
    rule: str          # 'engine', 'naive', 'base rate'
    tier: str
    predicted: int
    actual: int
    hits: int          # same side
    wrong_side: int    # predicted joiners that fought on the other side
    precision: float | None
    recall: float | None
    recall_by_band: dict = field(default_factory=dict)   # band -> [hits, joiners]


@dataclass
class BacktestResult:
    mode: str
    rounds: int
    composition: str
    wars: int
    dyad_scenarios: int
    corrections: list[dict]
    cow_match: dict
    scores: list[Score]
    ceilings: list[dict]       # per source and group: joiners, with a tie, share
    base_rates: list[dict]     # per source and group: joiners, candidate (state, side) pairs, rate
    per_war: list[dict]
    sources: list[str]

    def to_json(self) -> dict:
        return asdict(self)

    def headline(self, source: str = "revised", group: str = "all wars") -> list[Score]:
        return [s for s in self.scores if s.source == source and s.group == group]


def _score(source, group, rule, tier, predicted: set, actual: dict[int, Joiner], wrong: int) -> Score:
    hits = {s for s in predicted if s[0] in actual and actual[s[0]].side == s[1]}
    by_band = {}
    for band in BANDS:
        in_band = {(c, j.side) for c, j in actual.items() if j.band == band}
        by_band[band] = [len(in_band & hits), len(in_band)]
    return Score(source, group, rule, tier, len(predicted), len(actual), len(hits), wrong,
                 len(hits) / len(predicted) if predicted else None, len(hits) / len(actual) if actual else None,
                 by_band)


COMPOSITIONS = ("as of date", "dyad only")


def _war_record(war, engine: dict, naive: dict) -> dict:
    """The per-war row of a backtest: the war, its joiners and both rules' predictions."""
    return {
        "war_id": war.war_id, "war": war.name, "start": war.start.isoformat(), "group": war.group,
        "original_dyads": [[a, b, d.isoformat()] for a, b, d in war.dyads],
        "joiners": {str(c): [j.side, j.band] for c, j in sorted(war.joiners.items())},
        "engine": {str(c): list(v) for c, v in sorted(engine.items())},
        "naive": {str(c): v[0] for c, v in sorted(naive.items())},
    }


def _predict_wars(wars, contexts, members, mode: str, rounds: int, composition: str, progress=None):
    """Engine and naive predictions for every war, keyed by war id, plus the per-war rows."""
    predictions = {}
    per_war = []
    for war in wars:
        engine = engine_predictions(war, contexts, members, mode, rounds, composition)
        naive = naive_predictions(war, contexts, members, composition)
        predictions[war.war_id] = (engine, naive)
        per_war.append(_war_record(war, engine, naive))
        if progress:
            progress(war)
    return predictions, per_war


def _pool_scores(source: str, group: str, pools: dict[str, set], keyed: dict) -> list[Score]:
    """One Score per prediction pool (rule and tier) against the actual joiners `keyed`."""
    scores = []
    for name, pool in pools.items():
        rule, _, tier = name.partition(" ")
        flat = {(key, side) for key, side in pool}
        wrong = sum(1 for key, side in flat if key in keyed and keyed[key].side != side)
        score = _score(source, group, rule, tier or "conditions ignored", {(k, s) for k, s in flat},
                       {k: v for k, v in keyed.items()}, wrong)
        scores.append(score)
    return scores


def _score_group(source: str, group: str, chosen, actual_by_war: dict, predictions: dict, members, contexts):
    """Scores, base-rate row and ceiling row for one war source and one group of wars."""
    actual: dict = {}
    pools: dict[str, set] = defaultdict(set)
    candidates = joined = tied = 0
    for war in chosen:
        joiners = actual_by_war.get(war.war_id, {})
        engine, naive = predictions[war.war_id]
        for c, j in joiners.items():
            actual[(war.war_id, c)] = j
        pools["engine binding"] |= {((war.war_id, c), s) for c, (s, t) in engine.items() if t == "binding"}
        pools["engine binding+conditional"] |= {((war.war_id, c), s) for c, (s, _t) in engine.items()}
        pools["naive"] |= {((war.war_id, c), s) for c, (s, _t) in naive.items()}
        eligible = members(war.start) - war.originals
        candidates += 2 * len(eligible)
        joined += sum(1 for c in joiners if c in eligible)
        tied += len(ceiling(war, joiners, contexts))
    keyed = {k: v for k, v in actual.items()}
    scores = _pool_scores(source, group, pools, keyed)
    rate = joined / candidates if candidates else None
    scores.append(Score(source, group, "base rate", "random guess", candidates, len(actual), joined, 0,
                        rate, None, {}))
    base_rate = {"source": source, "group": group, "joiners_in_system": joined,
                 "candidate_pairs": candidates, "rate": rate}
    ceiling_row = {"source": source, "group": group, "joiners": len(actual), "with_tie": tied,
                   "ceiling": tied / len(actual) if actual else None}
    return scores, base_rate, ceiling_row


def backtest(con, mode: str = "legal", rounds: int = 3, sources=SOURCES, progress=None,
             composition: str = "as of date") -> BacktestResult:
    """Score the engine, the naive rule and the base rate on every war, for both war sources.

    `composition`: what each original dyad's scenario knows of the war (see `engine_predictions`)."""
    if composition not in COMPOSITIONS:
        from foedus.errors import BadInputError

        raise BadInputError("composition", f"'{composition}' is not one of {', '.join(COMPOSITIONS)}")
    from foedus.ingest.schema_extra import has_table

    wars = load_wars(con)
    _, applied = _corrected_dyads(con)
    spells = _members(con)
    member_cache: dict[dt.date, set[int]] = {}

    def members(on):
        if on not in member_cache:
            member_cache[on] = members_on(spells, on)
        return member_cache[on]

    contexts = Contexts(con)
    actual_by_source = {"revised": {w.war_id: w.joiners for w in wars}}
    cow_match: dict = {}
    if "cow" in sources and has_table(con, "cow_war_dyad_years"):
        actual_by_source["cow"], cow_match = load_cow_joiners(con, wars)
    predictions, per_war = _predict_wars(wars, contexts, members, mode, rounds, composition, progress)
    scores, ceilings, base_rates = [], [], []
    groups = ["all wars", "other wars", *SPECIAL_WARS.values()]
    for source, actual_by_war in actual_by_source.items():
        for group in groups:
            chosen = [w for w in wars if group == "all wars" or w.group == group]
            group_scores, base_rate, ceiling_row = _score_group(source, group, chosen, actual_by_war, predictions,
                                                                members, contexts)
            scores.extend(group_scores)
            base_rates.append(base_rate)
            ceilings.append(ceiling_row)
    return BacktestResult(mode, rounds, composition, len(wars), sum(len(w.dyads) for w in wars), applied, cow_match,
                          scores, ceilings, base_rates, per_war, sorted(actual_by_source))
