"""Scenario engine speed: one scenario warm, 100,000 Monte Carlo draws, and every ordered pair on a date.

Targets (issue 5): one scenario < 20 ms warm; 100,000 draws of a 3-round scenario < 1 s;
every ordered (attacker, target) pair among system members on one date < 10 s.
Run: .venv/bin/python benchmarks/bench_scenarios.py
"""

from __future__ import annotations

import datetime as dt
import statistics
import time

from foedus.config import data_dir
from foedus.ingest.discover import import_directory
from foedus.scenario import Scenario, ScenarioContext, run_scenario
from foedus.scenario.montecarlo import monte_carlo
from foedus.scenario.sweep import sweep
from foedus.store import connect


def timed(fn, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def main() -> None:
    con = connect(":memory:")
    import_directory(con, data_dir())
    on = dt.date(1990, 6, 1)
    start = time.perf_counter()
    context = ScenarioContext(con, on)
    print(f"context for {on} (commitments, threats, capabilities): {time.perf_counter() - start:.3f} s")
    for mode in ("legal", "chain"):
        scenario = Scenario(on=on, attackers=(2,), targets=(365,), rounds=3, mode=mode, where=365)
        median, best = timed(lambda s=scenario: run_scenario(context, s), repeat=20)
        print(f"one scenario USA→USSR, 3 rounds, {mode}: median {median * 1000:.1f} ms, best {best * 1000:.1f} ms "
              "(target < 20 ms)")
        median, best = timed(lambda s=scenario: monte_carlo(context, s, draws=100_000, seed=1), repeat=3)
        print(f"Monte Carlo 100,000 draws, 3 rounds, {mode}: median {median:.3f} s, best {best:.3f} s (target < 1 s)")
    recent = dt.date(2025, 1, 1)
    start = time.perf_counter()
    recent_context = ScenarioContext(con, recent)
    print(f"context for {recent} (ATOP merged with the register): {time.perf_counter() - start:.3f} s")
    scenario = Scenario(on=recent, attackers=(2,), targets=(731,), rounds=3, mode="chain")
    median, best = timed(lambda: run_scenario(recent_context, scenario), repeat=20)
    print(f"one scenario USA→DPRK on {recent}, 3 rounds, chain: median {median * 1000:.1f} ms (target < 20 ms)")
    for day, ctx in ((on, context), (recent, recent_context)):
        for mode in ("legal", "chain"):
            median, best = timed(lambda m=mode, d=day, c=ctx: sweep(con, d, rounds=3, mode=m, context=c), repeat=3)
            pairs = len(sweep(con, day, rounds=1, context=ctx))
            print(f"all {pairs:,} ordered pairs on {day}, 3 rounds, {mode}: median {median:.3f} s (target < 10 s)")


if __name__ == "__main__":
    main()
