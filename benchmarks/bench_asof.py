"""Uncached as-of answers in process (issue 13.1): dyad, obligations and a network view's commitments.

Random pairs of states and random dates 1816–2026, every date different (no answer cache can help); the
interval table (`foedus.query.intervals`) is computed once per store build and stored in the file
(`materialise`); the time to read it back (what every fresh process pays) and the time to compute it (a store
without it: in-memory, a supposed world) are printed separately, wall and CPU. Targets: dyad <= 5 ms,
obligations <= 10 ms, directed_commitments (network view) <= 50 ms (p95 wall; the CPU median is printed beside
it, since on a loaded machine the wall time includes waiting for a core). Also prints the per-date SQL merge the
table replaces, for comparison, and the DuckDB reader of the stored table a command-line process uses instead of
pandas (foedus.query.asof.stored_rows; no target: it replaces a 0.4 s import, and pays a few ms per query).

    .venv/bin/python benchmarks/bench_asof.py [--db PATH] [--n 200] [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time

from foedus.query import asof, commitments, intervals
from foedus.store import connect

TARGETS_MS = {"dyad": 5.0, "obligations": 10.0, "directed_commitments": 50.0}


def _dates(rng: random.Random, n: int) -> list[dt.date]:
    first, last = dt.date(1816, 1, 1).toordinal(), dt.date(2026, 12, 31).toordinal()
    return [dt.date.fromordinal(rng.randint(first, last)) for _ in range(n)]


def _time(fn, args_list) -> list[tuple[float, float]]:
    """(wall ms, CPU ms) of each call."""
    out = []
    for args in args_list:
        start, cpu = time.perf_counter(), time.process_time()
        fn(*args)
        out.append(((time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000))
    return out


def _line(name: str, runs: list[tuple[float, float]]) -> str:
    times = sorted(w for w, _ in runs)
    p95 = times[int(0.95 * (len(times) - 1))]
    median = statistics.median(times)
    cpu = statistics.median(c for _, c in runs)
    target = TARGETS_MS.get(name)
    verdict = ""
    if target is not None:
        verdict = "  target met" if p95 <= target else f"  MISSES {target} ms by {p95 - target:.1f}"
        verdict += f" (CPU median {'within' if cpu <= target else 'over'})"
    return (f"{name:<24} median {median:7.2f} ms   p95 {p95:7.2f} ms   CPU median {cpu:7.2f} ms   "
            f"(n={len(times)}){verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    con = connect(args.db, read_only=True)
    rng = random.Random(args.seed)
    intervals.clear_cache()
    [(wall, cpu)] = _time(lambda: intervals.build(con), [()])
    table = intervals.build(con)
    how = "read from the file" if table.stored else "computed (the file has no stored table: built by an older foedus?)"
    print(f"interval table, first use in a process: {wall:.0f} ms wall, {cpu:.0f} ms CPU, {how}; "
          f"{len(table):,} intervals")
    [(wall, cpu)] = _time(lambda: intervals._assemble(con, table.fingerprint), [()])
    print(f"interval table computed (once per store build, at import): {wall:.0f} ms wall, {cpu:.0f} ms CPU")
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
    if asof.stored_table(con):  # what a command-line process reads (no pandas): same cases, DuckDB on the file
        print(_line("dyad, DuckDB reader", _time(
            lambda a, b, d: asof.stored_rows(con, d, "presumed", pair=(a, b)), dyad_args)))
        print(_line("obligations, DuckDB reader", _time(
            lambda s, d: asof.stored_rows(con, d, "presumed", state=s), [(rng.choice(states), d) for d in dates[:n]]
        )))
    few = dates[: max(5, n // 20)]
    before = _time(lambda d: commitments.directed_commitments_sql(con, d), [(d,) for d in few])
    print(_line("per-date SQL (before)", before))


if __name__ == "__main__":
    main()
