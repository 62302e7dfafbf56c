"""The vectorised cascade shared by the Monte Carlo and the all-pairs sweep.

Many scenarios (draws or attacker–target pairs) run at once as rows of boolean state
matrices. `log_keep[kind][dst, src]` holds log(1 - p) for src's obligation of `kind`
toward dst; an obligation is drawn once, when dst first needs it. The attack rules
match the deterministic engine: in `legal` mode only the original targets are attacked;
in `chain` mode every belligerent is attacked once the other side has a joiner.
A state is held back, as the deterministic engine calls it conflicted, when it is bound to
both sides at once, allied (`ally[dst, src]`) with a state on the side it would fight, or has
pledged non-aggression (`nonaggression[dst, src]`) toward one (for defenders in legal mode,
non-aggression toward the attacker side does not count: UN Charter Art. 51).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CERTAIN = -40.0  # log(1 - p) at or below this counts as p = 1 (certain obligations are stored as -50)


@dataclass
class CascadeInput:
    log_defense: np.ndarray  # (N, N) float32, [dst, src]
    log_offense: np.ndarray  # (N, N) float32, [dst, src]
    attackers: np.ndarray    # (D, N) bool
    targets: np.ndarray      # (D, N) bool
    ally: np.ndarray | None = None           # (N, N) bool, [dst, src]: src has defense/offense toward dst
    nonaggression: np.ndarray | None = None  # (N, N) bool, [dst, src]


@dataclass
class CascadeResult:
    attacker_side: np.ndarray  # (D, N) bool
    target_side: np.ndarray    # (D, N) bool
    joined_round: np.ndarray   # (D, N) int8, 0 = not a joiner


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


def run_cascade(data: CascadeInput, rounds: int, mode: str, rng: np.random.Generator | None) -> CascadeResult:
    """Run all scenarios for `rounds` rounds; `rng=None` means deterministic (join when p = 1)."""
    attacker_side = data.attackers.copy()
    target_side = data.targets.copy()
    initial = attacker_side | target_side
    attacked = data.targets.copy()
    drawn_defense = np.zeros_like(attacked)
    drawn_offense = np.zeros_like(attacked)
    joined_round = np.zeros(attacked.shape, dtype=np.int8)
    blockers_a = _as_float(_either(data.ally, data.nonaggression))
    blockers_t = _as_float(data.ally) if mode == "legal" else blockers_a
    for r in range(1, rounds + 1):
        new_defense = attacked & ~drawn_defense
        new_offense = attacker_side & ~drawn_offense
        drawn_defense |= new_defense
        drawn_offense |= new_offense
        keep_target = _log_keep(new_defense & target_side, data.log_defense)
        keep_attacker = _log_keep(new_defense & attacker_side, data.log_defense) + _log_keep(
            new_offense, data.log_offense
        )
        join_t, join_a = _draw(keep_target, rng), _draw(keep_attacker, rng)
        free = ~(attacker_side | target_side) & ~(join_t & join_a)
        join_t &= free
        join_a &= free
        join_t &= ~_held_back(join_t, attacker_side, blockers_t)
        join_a &= ~_held_back(join_a, target_side, blockers_a)
        if not (join_t.any() or join_a.any()):
            break
        target_side |= join_t
        attacker_side |= join_a
        joined_round[join_t | join_a] = r
        if mode == "chain":
            has_t = (target_side & ~initial).any(axis=1, keepdims=True)
            has_a = (attacker_side & ~initial).any(axis=1, keepdims=True)
            attacked |= (attacker_side & has_t) | (target_side & has_a)
    return CascadeResult(attacker_side, target_side, joined_round)
