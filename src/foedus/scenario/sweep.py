"""Every ordered (attacker, target) pair among system members on one date, vectorised.

Uses only obligations that bind whoever the attacker is: unconditional defense and offense
(links with any condition flag are left out), in force on the date (not past coverage).
States allied with the side they would fight are held back, as in the deterministic engine.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from foedus.query.members import system_members
from foedus.scenario.cascade import CascadeInput, run_cascade
from foedus.scenario.context import ScenarioContext


def unconditional_matrices(context: ScenarioContext, states: list[int]) -> dict[str, np.ndarray]:
    index = {s: i for i, s in enumerate(states)}
    n = len(states)
    logs = {"defense": np.zeros((n, n), dtype=np.float32), "offense": np.zeros((n, n), dtype=np.float32),
            "ally": np.zeros((n, n), dtype=bool), "nonaggression": np.zeros((n, n), dtype=bool)}
    prefix = {"defense": "defco", "offense": "offco"}
    for link in context.links:
        if link.status != "in_force" or link.from_ccode not in index or link.to_ccode not in index:
            continue
        dst, src = index[link.to_ccode], index[link.from_ccode]
        logs["ally"][dst, src] |= bool(link.obligations & {"defense", "offense"})
        logs["nonaggression"][dst, src] |= "nonaggression" in link.obligations
        for kind in ("defense", "offense"):
            conditional = any(f.startswith(prefix[kind]) or f == "olimob" for f in link.flags)
            if kind in link.obligations and not conditional:
                logs[kind][dst, src] = -50.0
    return logs


def sweep(con, on, rounds: int = 1, mode: str = "legal", context: ScenarioContext | None = None) -> pd.DataFrame:
    """One row per ordered pair: attacker, target, joiners on each side."""
    context = context or ScenarioContext(con, on)
    states = system_members(con, context.on)
    n = len(states)
    pairs = np.array([(a, t) for a in range(n) for t in range(n) if a != t])
    rows = np.arange(len(pairs))
    attackers = np.zeros((len(pairs), n), dtype=bool)
    targets = np.zeros_like(attackers)
    attackers[rows, pairs[:, 0]] = True
    targets[rows, pairs[:, 1]] = True
    logs = unconditional_matrices(context, states)
    data = CascadeInput(logs["defense"], logs["offense"], attackers, targets, logs["ally"], logs["nonaggression"])
    result = run_cascade(data, rounds, mode, None)
    codes = np.array(states)
    joiners = result.joined_round > 0
    return pd.DataFrame(
        {
            "attacker": codes[pairs[:, 0]],
            "target": codes[pairs[:, 1]],
            "joiners_target_side": (joiners & result.target_side).sum(axis=1),
            "joiners_attacker_side": (joiners & result.attacker_side).sum(axis=1),
        }
    )
