"""One date block of the exposure sweep: every ordered (attacker, target) pair of COW members on each date.

A pure function of (store, parameters, block): the same block gives the same Arrow table bit for bit in
any process, on any worker, on a retry. Randomness (Monte Carlo draws) comes from one generator per block,
``numpy.random.default_rng(SeedSequence(seed, spawn_key=(block,)))``, consumed in a fixed order (dates,
then fixed-size chunks of pairs); BLAS runs on one thread so no sum depends on a thread count.

Three methods, one row shape:

- ``deterministic`` (``draws=0``): the vectorised cascade with every binding obligation honoured and no
  conditional one (``Reliability.certain()``; the rule of ``foedus.scenario.sweep``): expected joiners are
  the counts, probabilities are 0 or 1.
- ``monte_carlo`` (``draws>0``): the same cascade, each obligation honoured with its reliability
  (``foedus.scenario.montecarlo.as_reliability``: 0.75 after Leeds, Long and Mitchell 2000; ×0.5 when a
  condition is unsettled); means over the draws.
- ``model``: the joining model's probabilities (``foedus.validation.joining.predict_join_probabilities``),
  summed per side; the probability of any joiner treats states and sides as independent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

OBLIGATION_RANK = ("none", "consultation", "nonaggression", "neutrality", "offense", "defense")
"""The strongest obligation column's values, weakest first."""
ROWS_PER_CHUNK = 24_000
"""Monte Carlo: scenario rows (pairs × draws) per cascade call; fixed, so the draws never depend on the machine."""

SCHEMA = pa.schema([
    ("date", pa.date32()),
    ("ccode1", pa.int32()),
    ("ccode2", pa.int32()),
    ("exp_joiners_attacker", pa.float64()),
    ("exp_joiners_target", pa.float64()),
    ("p_any_joiner", pa.float64()),
    ("p_major_joiner", pa.float64()),
    ("strongest_obligation", pa.dictionary(pa.int8(), pa.string())),
    ("data_versions", pa.dictionary(pa.int8(), pa.string())),
])
COLUMN_HELP = {
    "date": "the sweep date",
    "ccode1": "COW code of the attacker (directed dyad: ccode1 attacks ccode2)",
    "ccode2": "COW code of the target",
    "exp_joiners_attacker": "expected number of states joining the attacker's side",
    "exp_joiners_target": "expected number of states joining the target's side",
    "p_any_joiner": "probability that at least one state joins either side (the war widens)",
    "p_major_joiner": "probability that a COW major power other than the two joins either side",
    "strongest_obligation": "strongest obligation a third state owes ccode1 or ccode2 on the date "
                            f"({' < '.join(OBLIGATION_RANK)})",
    "data_versions": "the store's dataset versions (imports table)",
}


@dataclass(frozen=True)
class BlockSpec:
    """What one task computes: a block id (its seed key and file name) and its dates."""

    block: int
    year: int
    dates: tuple[dt.date, ...]

    @property
    def name(self) -> str:
        return f"part-{self.block}"


def block_rng(seed: int, block: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))


def data_versions(con) -> dict[str, str]:
    return {d: str(v) for d, v in con.execute("SELECT dataset, version FROM imports ORDER BY dataset").fetchall()}


def versions_text(versions: dict[str, str]) -> str:
    return "; ".join(f"{k} {v}" for k, v in sorted(versions.items()))


def _majors(con, day: dt.date) -> set[int]:
    """COW major powers on `day`; past the list's end, those still major at its end (as `system_members`)."""
    rows = con.execute("SELECT code FROM major_powers WHERE start_date <= ? AND (end_date >= ? OR censored)",
                       [day, day]).fetchall()
    return {int(r[0]) for r in rows}


def _strongest(context, states: list[int], pairs: np.ndarray) -> np.ndarray:
    """Rank (index into OBLIGATION_RANK) of the strongest obligation a third state owes either party."""
    n = len(states)
    index = {s: i for i, s in enumerate(states)}
    owed = np.zeros((n, n), dtype=np.int8)  # [dst, src]
    for dst in states:
        d = index[dst]
        for link in context.links_toward(dst, False):
            src = index.get(link.from_ccode)
            if src is None:
                continue
            rank = max((OBLIGATION_RANK.index(o) for o in link.obligations if o in OBLIGATION_RANK), default=0)
            owed[d, src] = max(owed[d, src], rank)
    # the best per dst without one given source: the top rank unless that source alone holds it
    top = owed.max(axis=1)
    holders = (owed == top[:, None]).sum(axis=1)
    second = np.where(owed == top[:, None], -1, owed).max(axis=1).clip(min=0).astype(np.int8)

    def without(dst: np.ndarray, src: np.ndarray) -> np.ndarray:
        alone = (owed[dst, src] == top[dst]) & (holders[dst] == 1)
        return np.where(alone, second[dst], top[dst])

    a, t = pairs[:, 0], pairs[:, 1]
    return np.maximum(without(a, t), without(t, a))


def _pairs(n: int) -> np.ndarray:
    a, t = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    keep = a != t
    return np.stack([a[keep], t[keep]], axis=1)


def _cascade_rows(context, states, pairs, majors_mask, params, rng):
    """(exp attacker joiners, exp target joiners, p any, p major) per pair from the vectorised cascade."""
    from threadpoolctl import threadpool_limits

    from foedus.scenario.cascade import CascadeInput, build_matrices, run_cascade
    from foedus.scenario.montecarlo import as_reliability
    from foedus.scenario.rules import Facts, Reliability

    draws = params.draws
    rule = Reliability.certain() if draws == 0 else as_reliability(params.reliability)
    n = len(states)
    matrices = build_matrices(context, states, Facts(), rule, assume_in_force=False)
    reps = max(draws, 1)
    per_chunk = max(1, ROWS_PER_CHUNK // reps)
    out = np.zeros((len(pairs), 4))
    with threadpool_limits(1), np.errstate(divide="ignore"):  # log(0) of a uniform 0 draw is -inf: no join
        for lo in range(0, len(pairs), per_chunk):
            chunk = pairs[lo:lo + per_chunk]
            rows = np.repeat(np.arange(len(chunk)), reps)
            attackers = np.zeros((len(rows), n), dtype=bool)
            targets = np.zeros_like(attackers)
            attackers[np.arange(len(rows)), chunk[rows, 0]] = True
            targets[np.arange(len(rows)), chunk[rows, 1]] = True
            result = run_cascade(CascadeInput(attackers=attackers, targets=targets, **matrices), params.rounds,
                                 params.mode, None if draws == 0 else rng)
            joined = result.joined_round > 0
            att = (joined & result.attacker_side).sum(axis=1).reshape(len(chunk), reps)
            tgt = (joined & result.target_side).sum(axis=1).reshape(len(chunk), reps)
            major = (joined & majors_mask[None, :]).any(axis=1).reshape(len(chunk), reps)
            out[lo:lo + len(chunk), 0] = att.mean(axis=1)
            out[lo:lo + len(chunk), 1] = tgt.mean(axis=1)
            out[lo:lo + len(chunk), 2] = ((att + tgt) > 0).mean(axis=1)
            out[lo:lo + len(chunk), 3] = major.mean(axis=1)
    return out


def cached_features(con):
    """The joining model's FeatureData with its per-date lookups (members, majors, capabilities, borders,
    capitals, rivals, prior disputes) computed once per date instead of once per pair: same values."""
    from functools import lru_cache

    from foedus.validation.joining import FeatureData

    class PerDate(FeatureData):
        pass

    for name in ("members", "major_powers", "cinc_on", "borders", "capitals_on", "rivals", "prior_mids"):
        method = getattr(FeatureData, name)
        cached = lru_cache(maxsize=4)(lambda self, *a, _m=method: _m(self, *a))
        setattr(PerDate, name, lambda self, *a, _c=cached: _c(self, *a))
    return PerDate(con)


def _model_rows(con, context, states, pairs, majors, params, model_state):
    from foedus.scenario.model import Scenario
    from foedus.validation.joining import predict_join_probabilities

    model, data = model_state
    codes = np.array(states)
    out = np.zeros((len(pairs), 4))
    for i, (a, t) in enumerate(codes[pairs].tolist()):
        scenario = Scenario(on=context.on, attackers=(a,), targets=(t,), rounds=params.rounds, mode=params.mode)
        probs = predict_join_probabilities(context, scenario, con=con, model=model, data=data)
        p_att = np.array([p.get("attacker", 0.0) for p in probs.values()])
        p_tgt = np.array([p.get("target", 0.0) for p in probs.values()])
        is_major = np.array([s in majors for s in probs])
        none = (1 - p_att) * (1 - p_tgt)
        out[i] = (p_att.sum(), p_tgt.sum(), 1 - np.prod(none), 1 - np.prod(none[is_major]) if is_major.any() else 0.0)
    return out


def compute_block(con, params, spec: BlockSpec, versions: dict[str, str], model_state=None) -> pa.Table:
    """The block's rows (dates in order, pairs by attacker then target code) as an Arrow table."""
    from foedus.query.members import system_members
    from foedus.scenario.context import ScenarioContext

    rng = block_rng(params.seed, spec.block)
    text = versions_text(versions)
    frames = []
    for day in spec.dates:
        states = system_members(con, day)
        pairs = _pairs(len(states))
        context = ScenarioContext(con, day)
        majors = _majors(con, day)
        if params.model is not None:
            values = _model_rows(con, context, states, pairs, majors, params, model_state)
        else:
            mask = np.array([s in majors for s in states], dtype=bool)
            values = _cascade_rows(context, states, pairs, mask, params, rng)
        codes = np.array(states, dtype=np.int32)
        strongest = _strongest(context, states, pairs)
        frames.append(pa.table({
            "date": pa.array(np.full(len(pairs), day), type=pa.date32()),
            "ccode1": pa.array(codes[pairs[:, 0]], type=pa.int32()),
            "ccode2": pa.array(codes[pairs[:, 1]], type=pa.int32()),
            "exp_joiners_attacker": values[:, 0],
            "exp_joiners_target": values[:, 1],
            "p_any_joiner": values[:, 2],
            "p_major_joiner": values[:, 3],
            "strongest_obligation": pa.DictionaryArray.from_arrays(
                pa.array(strongest, type=pa.int8()), pa.array(OBLIGATION_RANK)),
            "data_versions": pa.DictionaryArray.from_arrays(
                pa.array(np.zeros(len(pairs), dtype=np.int8)), pa.array([text])),
        }, schema=SCHEMA))
    if not frames:
        return SCHEMA.empty_table()
    return pa.concat_tables(frames).combine_chunks()
