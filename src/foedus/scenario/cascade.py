"""The vectorised cascade shared by the Monte Carlo and the all-pairs sweep.

Many scenarios (draws or attacker–target pairs) run at once as rows of boolean state matrices.
The rules are those of `foedus.scenario.rules`, as in the deterministic engine:

* who counts as attacked each round and which offense pledges are called on: the mode;
* `log_defense[dst, src]` / `log_offense[dst, src]` hold log(1 - p) for src's obligations toward dst
  whose conditions the facts settle without knowing who fights; each is drawn once, when dst first
  needs it;
* obligations with a named threat (`gated`) hold only while a threat state is on the other side of
  dst: checked at every round, drawn once per scenario;
* a state is held back when it is bound to both sides, or has a binding alliance (`ally`, or a gated
  one whose threat is on its own side) or a binding non-aggression pledge (`nonaggression`, where the
  mode counts it) toward a state on the side it would fight.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from foedus.scenario.rules import ALLIANCE, Mode, Reliability, mode, static_verdict

CERTAIN = -40.0  # log(1 - p) at or below this counts as p = 1 (certain obligations are stored as -50)
DEFENSE, OFFENSE, TIE = 0, 1, 2


@dataclass
class Gated:
    """Obligations (kind DEFENSE/OFFENSE) and binding alliances (TIE) that hold only against a named threat."""

    kind: np.ndarray     # (G,) int8
    dst: np.ndarray      # (G,) int
    src: np.ndarray      # (G,) int
    threats: np.ndarray  # (G, N) float32: 1 where the state is a named threat
    p: np.ndarray        # (G,) float32: probability the obligation is honoured (ties: 1)

    def __len__(self) -> int:
        return len(self.kind)


@dataclass
class CascadeInput:
    log_defense: np.ndarray  # (N, N) float32, [dst, src]
    log_offense: np.ndarray  # (N, N) float32, [dst, src]
    attackers: np.ndarray    # (D, N) bool
    targets: np.ndarray      # (D, N) bool
    ally: np.ndarray | None = None           # (N, N) bool, [dst, src]: src has a binding alliance toward dst
    nonaggression: np.ndarray | None = None  # (N, N) bool, [dst, src]: src has a binding non-aggression pledge
    gated: Gated | None = None


@dataclass
class CascadeResult:
    attacker_side: np.ndarray  # (D, N) bool
    target_side: np.ndarray    # (D, N) bool
    joined_round: np.ndarray   # (D, N) int8, 0 = not a joiner


class _Builder:
    """Accumulates the matrices link by link."""

    def __init__(self, states: list[int], facts, reliability: Reliability, names):
        self.index = {s: i for i, s in enumerate(states)}
        self.facts, self.reliability, self.names = facts, reliability, names
        n = len(states)
        self.keep = {"defense": np.ones((n, n)), "offense": np.ones((n, n))}
        self.ally = np.zeros((n, n), dtype=bool)
        self.nonaggression = np.zeros((n, n), dtype=bool)
        self.gated: list[tuple[int, int, int, frozenset, float]] = []

    def add(self, link, dst: int) -> None:
        src = self.index.get(link.from_ccode)
        if src is None:
            return
        d = self.index[dst]
        for kind in ALLIANCE:
            if kind in link.obligations:
                self._alliance(link, kind, dst, d, src)
        if "nonaggression" in link.obligations:
            sv = static_verdict(link, "nonaggression", self.facts, dst, self.names)
            self.nonaggression[d, src] |= sv.verdict == "binding"

    def _alliance(self, link, kind: str, dst: int, d: int, src: int) -> None:
        sv = static_verdict(link, kind, self.facts, dst, self.names)
        p = self.reliability.probability(kind, sv.verdict)
        if sv.threats is None:
            self.keep[kind][d, src] *= 1 - p
            self.ally[d, src] |= sv.verdict == "binding"
            return
        if p > 0:
            self.gated.append((DEFENSE if kind == "defense" else OFFENSE, d, src, sv.threats, p))
        if sv.verdict == "binding":
            self.gated.append((TIE, d, src, sv.threats, 1.0))

    def matrices(self) -> dict:
        with np.errstate(divide="ignore"):
            logs = {k: np.maximum(np.log(v), -50).astype(np.float32) for k, v in self.keep.items()}
        threats = np.zeros((len(self.gated), len(self.index)), dtype=np.float32)
        for g, (*_, named, _p) in enumerate(self.gated):
            threats[g, [self.index[t] for t in named if t in self.index]] = 1
        rows = self.gated
        table = Gated(np.array([g[0] for g in rows], dtype=np.int8), np.array([g[1] for g in rows], dtype=int),
                      np.array([g[2] for g in rows], dtype=int), threats,
                      np.array([g[4] for g in rows], dtype=np.float32))
        return {"log_defense": logs["defense"], "log_offense": logs["offense"], "ally": self.ally,
                "nonaggression": self.nonaggression, "gated": table if len(table) else None}


def build_matrices(context, states: list[int], facts, reliability: Reliability, assume_in_force: bool) -> dict:
    """The cascade's obligation matrices among `states` (all but the scenario rows of a CascadeInput)."""
    builder = _Builder(states, facts, reliability, context.names)
    for dst in states:
        for link in context.links_toward(dst, assume_in_force):
            builder.add(link, dst)
    return builder.matrices()


def _log_keep(newly: np.ndarray, log_keep: np.ndarray) -> np.ndarray:
    """(D, N): log of the probability that no newly activated obligation of each state is honoured."""
    rows = np.flatnonzero(newly.any(axis=1))
    if len(rows) > newly.shape[0] // 2:
        return newly.astype(np.float32) @ log_keep
    out = np.zeros(newly.shape, dtype=np.float32)
    if len(rows):
        out[rows] = newly[rows].astype(np.float32) @ log_keep
    return out


def _held_back(candidates: np.ndarray, side: np.ndarray, links: np.ndarray | None) -> np.ndarray:
    """(D, N): candidates with a link toward some state in `side` (computed only where needed)."""
    out = np.zeros(side.shape, dtype=bool)
    rows = np.flatnonzero(candidates.any(axis=1))
    if links is not None and len(rows):
        out[rows] = (side[rows].astype(np.float32) @ links) > 0
    return out


def _either(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    if a is None or b is None:
        return a if b is None else b
    return a | b


def _as_float(links: np.ndarray | None) -> np.ndarray | None:
    return None if links is None else links.astype(np.float32)


def _draw(log_keep: np.ndarray, rng: np.random.Generator | None) -> np.ndarray:
    """Join when some obligation is honoured: u < 1 - exp(L), i.e. L < log(u') for uniform u'."""
    if rng is None:
        return log_keep <= CERTAIN
    out = np.zeros(log_keep.shape, dtype=bool)
    rows, cols = np.nonzero(log_keep < 0)
    out[rows, cols] = log_keep[rows, cols] < np.log(rng.random(len(rows), dtype=np.float32))
    return out


class _GatedRound:
    """The gated obligations' effect in one round: who they bring in, and whom they hold back.

    A loop over the (few) gated obligations, each a handful of column operations over the scenarios.
    """

    def __init__(self, gated: Gated, honoured: np.ndarray):
        self.gated, self.honoured = gated, honoured
        self.threats = [np.flatnonzero(row) for row in gated.threats]

    def step(self, attacked, target_side, attacker_side, offense_called):
        g = self.gated
        joins_t, joins_a = np.zeros_like(attacked), np.zeros_like(attacked)
        blocks_t, blocks_a = np.zeros_like(attacked), np.zeros_like(attacked)
        for i, (kind, dst, src) in enumerate(zip(g.kind, g.dst, g.src, strict=True)):
            on_t, on_a = target_side[:, dst], attacker_side[:, dst]
            if not (on_t.any() or on_a.any()):
                continue
            threat_attacker = attacker_side[:, self.threats[i]].any(axis=1)  # a named threat fights for the
            threat_target = target_side[:, self.threats[i]].any(axis=1)      # attacker / the target side
            if kind == TIE:
                blocks_t[:, src] |= on_a & threat_target  # a binding alliance with a state of the attacker side
                blocks_a[:, src] |= on_t & threat_attacker
                continue
            honoured = self.honoured[:, i]
            if kind == DEFENSE:
                joins_t[:, src] |= honoured & attacked[:, dst] & on_t & threat_attacker
                joins_a[:, src] |= honoured & attacked[:, dst] & on_a & threat_target
            else:
                joins_a[:, src] |= honoured & offense_called[:, dst] & threat_target
        return joins_t, joins_a, blocks_t, blocks_a


def _honoured(gated: Gated, draws: int, rng: np.random.Generator | None) -> np.ndarray:
    if rng is None:
        return np.broadcast_to(gated.p >= 1.0, (draws, len(gated)))
    return rng.random((draws, len(gated)), dtype=np.float32) < gated.p


def run_cascade(data: CascadeInput, rounds: int, mode_: str | Mode, rng: np.random.Generator | None
                ) -> CascadeResult:
    """Run all scenarios for `rounds` rounds; `rng=None` means deterministic (join when p = 1)."""
    rule = mode(mode_) if isinstance(mode_, str) else mode_
    attacker_side = data.attackers.copy()
    target_side = data.targets.copy()
    initial = attacker_side | target_side
    attacked = data.targets.copy()
    drawn_defense = np.zeros_like(attacked)
    drawn_offense = np.zeros_like(attacked)
    joined_round = np.zeros(attacked.shape, dtype=np.int8)
    na = data.nonaggression
    blockers_t = _as_float(_either(data.ally, na if rule.nonaggression_conflicts("target") else None))
    blockers_a = _as_float(_either(data.ally, na if rule.nonaggression_conflicts("attacker") else None))
    gated = None
    if data.gated is not None and len(data.gated):
        gated = _GatedRound(data.gated, _honoured(data.gated, attacked.shape[0], rng))
    for r in range(1, rounds + 1):
        offense_called = attacker_side if rule.offense_cascades else data.attackers
        new_defense = attacked & ~drawn_defense
        new_offense = offense_called & ~drawn_offense
        drawn_defense |= new_defense
        drawn_offense |= new_offense
        keep_target = _log_keep(new_defense & target_side, data.log_defense)
        keep_attacker = _log_keep(new_defense & attacker_side, data.log_defense) + _log_keep(
            new_offense, data.log_offense
        )
        join_t, join_a = _draw(keep_target, rng), _draw(keep_attacker, rng)
        blocked_t = blocked_a = np.bool_(False)
        if gated is not None:
            more_t, more_a, blocked_t, blocked_a = gated.step(attacked, target_side, attacker_side, offense_called)
            join_t, join_a = join_t | more_t, join_a | more_a
        free = ~(attacker_side | target_side) & ~(join_t & join_a)
        join_t &= free & ~blocked_t
        join_a &= free & ~blocked_a
        join_t &= ~_held_back(join_t, attacker_side, blockers_t)
        join_a &= ~_held_back(join_a, target_side, blockers_a)
        if not (join_t.any() or join_a.any()):
            break
        target_side |= join_t
        attacker_side |= join_a
        joined_round[join_t | join_a] = r
        if rule.attack_all_belligerents:
            has_t = (target_side & ~initial).any(axis=1, keepdims=True)
            has_a = (attacker_side & ~initial).any(axis=1, keepdims=True)
            attacked |= (attacker_side & has_t) | (target_side & has_a)
    return CascadeResult(attacker_side, target_side, joined_round)
