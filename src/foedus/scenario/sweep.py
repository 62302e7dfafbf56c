"""Every ordered (attacker, target) pair among system members on one date, vectorised.

The rules are the engine's (`foedus.scenario.rules`), with no facts beyond the pair: an obligation
counts when its conditions hold whoever fights, or when its named threat is on the other side;
conditions that facts would settle (location, provocation, a request) leave it conditional, and
conditional obligations do not count. In force on the date (not past coverage).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from foedus.query.members import system_members
from foedus.scenario.cascade import CascadeInput, build_matrices, run_cascade
from foedus.scenario.context import ScenarioContext
from foedus.scenario.result import SweepResult
from foedus.scenario.rules import Facts, Reliability
from foedus.scenario.rules import mode as check_mode


def sweep_result(con, on, rounds: int = 1, mode: str = "legal", context: ScenarioContext | None = None
                 ) -> SweepResult:
    """The typed sweep: every ordered pair, ordered (ties broken and counted), with its JSON form."""
    check_mode(mode)
    context = context or ScenarioContext(con, on)
    return SweepResult(context.on.isoformat(), mode, rounds, sweep(con, on, rounds, mode, context))


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
    matrices = build_matrices(context, states, Facts(), Reliability.certain(), assume_in_force=False)
    result = run_cascade(CascadeInput(attackers=attackers, targets=targets, **matrices), rounds, mode, None)
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
