"""Uncached as-of answers in process (issue 13.1): dyad, obligations and a network view's commitments.

Random pairs of states and random dates 1816–2026, every date different (no answer cache can help); the
interval table (`foedus.query.intervals`) is built once per store build, and its build time is printed
separately. Targets: dyad <= 5 ms, obligations <= 10 ms, directed_commitments (network view) <= 50 ms.
Also prints the per-date SQL merge the table replaces, for comparison.

    .venv/bin/python benchmarks/bench_asof.py [--db PATH] [--n 200] [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time

from foedus.query import commitments, intervals
from foedus.store import connect

TARGETS_MS = {"dyad": 5.0, "obligations": 10.0, "directed_commitments": 50.0}


def _dates(rng: random.Random, n: int) -> list[dt.date]:
    first, last = dt.date(1816, 1, 1).toordinal(), dt.date(2026, 12, 31).toordinal()
    return [dt.date.fromordinal(rng.randint(first, last)) for _ in range(n)]


def _time(fn, args_list) -> list[float]:
    out = []
    for args in args_list:
        start = time.perf_counter()
        fn(*args)
        out.append((time.perf_counter() - start) * 1000)
    return out


def _line(name: str, times: list[float]) -> str:
    times = sorted(times)
    p95 = times[int(0.95 * (len(times) - 1))]
    median = statistics.median(times)
    target = TARGETS_MS.get(name)
    verdict = ""
    if target is not None:
        verdict = "  target met" if p95 <= target else f"  MISSES {target} ms by {p95 - target:.1f}"
    return f"{name:<24} median {median:7.2f} ms   p95 {p95:7.2f} ms   (n={len(times)}){verdict}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    con = connect(args.db, read_only=True)
    rng = random.Random(args.seed)
    intervals.clear_cache()
    start = time.perf_counter()
    table = intervals.build(con)
    print(f"interval table build (once per store build): {(time.perf_counter() - start) * 1000:.0f} ms, "
          f"{len(table.table):,} intervals")
    states = sorted(table.by_state)
    pairs = list(table.by_pair)
    n = args.n
    # half the dyads are pairs with a commitment at some time, half any two states
    dyads = [rng.choice(pairs) if i % 2 else tuple(rng.sample(states, 2)) for i in range(n)]
    dates = _dates(rng, 3 * n)
    dyad_args = [(*p, d) for p, d in zip(dyads, dates[:n], strict=True)]
    print(_line("dyad", _time(lambda a, b, d: commitments.dyad(con, a, b, d), dyad_args)))
    print(_line("obligations", _time(
        lambda s, d: commitments.obligations(con, s, d), [(rng.choice(states), d) for d in dates[n:2 * n]]
    )))
    print(_line("directed_commitments", _time(
        lambda d: commitments.directed_commitments(con, d), [(d,) for d in dates[2 * n:]]
    )))
    few = dates[: max(5, n // 20)]
    before = _time(lambda d: commitments.directed_commitments_sql(con, d), [(d,) for d in few])
    print(_line("per-date SQL (before)", before))


if __name__ == "__main__":
    main()
