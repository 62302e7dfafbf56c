"""Timing of the network analytics on the real data (targets: snapshot + triads + blocs < 1 s per date;
the S-score matrix of every state in one year < 2 s).

Run: .venv/bin/python benchmarks/bench_network.py [DATE ...]
"""

from __future__ import annotations

import statistics
import sys
import time

from foedus.config import data_dir
from foedus.ingest.discover import import_directory
from foedus.network.blocs import blocs
from foedus.network.snapshot import commitment_graph
from foedus.network.sscore import sscore_matrix
from foedus.network.triads import find_triads
from foedus.store import connect

DATES = ("1914-06-01", "1960-01-01", "1985-01-01", "2010-01-01", "2016-06-01", "2025-01-01")
YEARS = (1960, 2010, 2016)
REPEATS = 3


def timed(function, *args, **kwargs) -> tuple[float, object]:
    runs, result = [], None
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = function(*args, **kwargs)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), result


def pipeline(con, day: str) -> tuple[int, int, int, int]:
    graph = commitment_graph(con, day, multi=False)
    triads = find_triads(graph)  # every closed and open triad, materialised with sides
    found = blocs(con, day, graph=graph)
    return graph.number_of_edges(), sum(t.kind == "closed" for t in triads), sum(t.kind == "open" for t in triads), \
        len(found.blocs)


def main(dates: tuple[str, ...]) -> None:
    con = connect(":memory:")
    start = time.perf_counter()
    import_directory(con, data_dir())
    print(f"import of {data_dir()}: {time.perf_counter() - start:.2f} s (not part of the targets)")
    pipeline(con, dates[0])  # warm caches (state names, country_converter)
    print(f"snapshot + triads + blocs (median of {REPEATS}; target < 1 s)")
    worst = 0.0
    for day in dates:
        seconds, (edges, closed, open_, found) = timed(pipeline, con, day)
        worst = max(worst, seconds)
        snapshot = timed(commitment_graph, con, day, multi=False)[0]
        print(f"  {day}: {seconds:.3f} s  ({edges} directed ties, {closed} closed, {open_} open triads, "
              f"{found} blocs; snapshot alone {snapshot:.3f} s)")
    print(f"  worst: {worst:.3f} s -> {'OK' if worst < 1 else 'OVER TARGET'}")
    print(f"S-score matrix, all system members (median of {REPEATS}; target < 2 s)")
    worst = 0.0
    for year in YEARS:
        for weighted in (False, True):
            seconds, matrix = timed(sscore_matrix, con, year, weighted=weighted)
            worst = max(worst, seconds)
            print(f"  {year} {'weighted' if weighted else 'unweighted'}: {seconds:.3f} s ({len(matrix)}×{len(matrix)})")
    print(f"  worst: {worst:.3f} s -> {'OK' if worst < 2 else 'OVER TARGET'}")


if __name__ == "__main__":
    main(tuple(sys.argv[1:]) or DATES)
