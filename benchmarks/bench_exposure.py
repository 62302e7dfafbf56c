"""Exposure sweep throughput (issue 19): dyad-dates per second in process, on 1 and 2 Dask workers, the full
year-level sweep 1816-2026 (target <= 10 minutes, bit-identical to the single process), and the day-level
history's projected cost on N machines.

Run: .venv/bin/python benchmarks/bench_exposure.py [--db FILE] [--quick] [--cores-per-machine 32]
(`--quick`: the throughput samples only, no full sweep). Without --db the shared datasets are imported into
a temporary DuckDB file (Dask workers open the file read-only).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import logging
import tempfile
import time
from pathlib import Path

from foedus.exposure import exposure_sweep, read_exposure

SAMPLE = {"start": 1990, "end": 1997}  # eight modern dates (~150-190 states): the expensive end of the history


def digests(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.glob("year=*/*.parquet"))}


def build_db(directory: Path) -> str:
    from foedus.config import data_dir
    from foedus.ingest.discover import import_directory
    from foedus.store import connect

    path = directory / "foedus.duckdb"
    con = connect(str(path))
    import_directory(con, data_dir())
    con.close()
    return str(path)


def rate(run) -> float:
    return run.rows_written / run.elapsed


def on_cluster(db: str, work: Path, workers: int, **params):
    """A LocalCluster of `workers` processes, warmed by one block (imports, the store's interval table), then
    the timed run: warm throughput, the cluster's start-up reported apart."""
    from distributed import LocalCluster

    start = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster:
        up = time.perf_counter() - start
        for i in range(workers):  # one block per worker, so every worker has built its view of the store
            exposure_sweep(db, 1816 + i, 1816 + i, scheduler=cluster.scheduler_address,
                           out=work / f"warm-{workers}-{i}")
        warm = time.perf_counter() - start - up
        run = exposure_sweep(db, scheduler=cluster.scheduler_address, out=work / f"w{workers}-{params}", **params)
    return run, up, warm


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=None)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--cores-per-machine", type=int, default=32)
    parser.add_argument("--mc-draws", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-exposure-") as tmp:
        work = Path(tmp)
        db = args.db or build_db(work)
        print(f"store: {db}")
        results = {}
        single = exposure_sweep(db, scheduler="none", out=work / "single", **SAMPLE)
        results["single"] = rate(single)
        print(f"in process, {SAMPLE['start']}-{SAMPLE['end']} yearly, deterministic: {single.rows_written:,} "
              f"dyad-dates in {single.elapsed:.1f} s = {rate(single):,.0f} dyad-dates/s")
        for workers in (1, 2):
            run, up, warm = on_cluster(db, work, workers, **SAMPLE)
            same = digests(run.out) == digests(single.out)
            results[workers] = rate(run)
            print(f"LocalCluster {workers} worker(s): {rate(run):,.0f} dyad-dates/s warm ({run.elapsed:.1f} s; "
                  f"cluster start {up:.1f} s, warm-up {warm:.1f} s); identical to in process: {same}")
        mc = exposure_sweep(db, 1995, 1995, draws=args.mc_draws, scheduler="none", out=work / "mc")
        results["mc"] = rate(mc)
        print(f"in process, Monte Carlo {args.mc_draws} draws on 1995-01-01: {mc.rows_written:,} dyad-dates in "
              f"{mc.elapsed:.1f} s = {rate(mc):,.1f} dyad-dates/s ({rate(mc) * args.mc_draws:,.0f} scenario draws/s)")

        rows_per_year = None
        if not args.quick:
            full_single = exposure_sweep(db, 1816, 2026, scheduler="none", out=work / "full-single")
            print(f"full year-level sweep 1816-2026 in process: {full_single.rows_written:,} dyad-dates in "
                  f"{full_single.elapsed:.1f} s ({full_single.elapsed / 60:.1f} min)")
            full = exposure_sweep(db, 1816, 2026, out=work / "full-dask")  # the default: LocalCluster per core
            same = digests(full.out) == digests(full_single.out)
            print(f"full year-level sweep 1816-2026 on {full.scheduler} (start-up included): {full.elapsed:.1f} s "
                  f"({full.elapsed / 60:.1f} min; target <= 10 min: {'met' if full.elapsed <= 600 else 'MISSED'}); "
                  f"bit-identical to in process: {same} ({len(digests(full.out))} partitions)")
            frame = read_exposure(full.out, columns=["ccode1"])
            rows_per_year = frame.groupby("year").size()
        project(rows_per_year, results, args.cores_per_machine, args.mc_draws)


def project(rows_per_year, results: dict, cores: int, draws: int) -> None:
    """The day-level history: every day 1816-01-01..2026-12-31, each with its year's pair count."""
    if rows_per_year is None:
        print("(day-level projection needs the full year-level sweep: run without --quick)")
        return
    days = {y: (dt.date(y + 1, 1, 1) - dt.date(y, 1, 1)).days for y in range(1816, 2027)}
    dyad_days = int(sum(rows_per_year.get(y, 0) * n for y, n in days.items()))
    per_core = results[1]  # one warm worker process = one core
    scaling = results[2] / (2 * results[1]) if results.get(1) else 1.0
    print(f"day-level history: {sum(days.values()):,} days, {dyad_days:,} directed dyad-days")
    print(f"per core (1 warm worker): {per_core:,.0f} dyad-dates/s deterministic, {results['mc']:,.1f} with "
          f"{draws} draws; 2-worker efficiency here {scaling:.0%} (2 cores shared with other work)")
    for label, speed in (("deterministic", per_core), (f"Monte Carlo {draws} draws", results["mc"])):
        core_hours = dyad_days / speed / 3600
        print(f"  {label}: {core_hours:,.0f} core-hours")
        for machines in (1, 4, 16, 64, 256):
            hours = core_hours / (machines * cores)
            print(f"    {machines:>4} machines x {cores} cores: {hours:,.1f} h")


if __name__ == "__main__":
    main()
