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


def _join_probability(newly: np.ndarray, log_keep: np.ndarray) -> np.ndarray:
    out = np.zeros(newly.shape, dtype=np.float32)
    rows = np.flatnonzero(newly.any(axis=1))
    if len(rows):
        out[rows] = -np.expm1(newly[rows].astype(np.float32) @ log_keep)
    return out


def _held_back(candidates: np.ndarray, side: np.ndarray, links: np.ndarray | None) -> np.ndarray:
    """(D, N): candidates with a link toward some state in `side` (computed only where needed)."""
    out = np.zeros(side.shape, dtype=bool)
    rows = np.flatnonzero(candidates.any(axis=1))
    if links is not None and len(rows):
        out[rows] = (side[rows].astype(np.float32) @ links.astype(np.float32)) > 0
    return out


def _either(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    if a is None or b is None:
        return a if b is None else b
    return a | b


def _draw(prob: np.ndarray, rng: np.random.Generator | None) -> np.ndarray:
    if rng is None:
        return prob >= 1.0 - 1e-6
    out = np.zeros(prob.shape, dtype=bool)
    rows, cols = np.nonzero(prob > 0)
    out[rows, cols] = rng.random(len(rows), dtype=np.float32) < prob[rows, cols]
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
    for r in range(1, rounds + 1):
        new_defense = attacked & ~drawn_defense
        new_offense = attacker_side & ~drawn_offense
        drawn_defense |= new_defense
        drawn_offense |= new_offense
        p_target = _join_probability(new_defense & target_side, data.log_defense)
        p_attacker = 1 - (1 - _join_probability(new_defense & attacker_side, data.log_defense)) * (
            1 - _join_probability(new_offense, data.log_offense)
        )
        join_t, join_a = _draw(p_target, rng), _draw(p_attacker, rng)
        free = ~(attacker_side | target_side) & ~(join_t & join_a)
        join_t &= free
        join_a &= free
        blockers_t = data.ally if mode == "legal" else _either(data.ally, data.nonaggression)
        join_t &= ~_held_back(join_t, attacker_side, blockers_t)
        join_a &= ~_held_back(join_a, target_side, _either(data.ally, data.nonaggression))
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
