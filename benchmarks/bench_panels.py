"""Wall time and peak memory of each panel verb and of the full pipeline.

    .venv/bin/python benchmarks/bench_panels.py [--db PATH] [--repeat N]

Builds a store from the data directory in a temporary file (unless --db is given), then runs
every scenario in a fresh Python process, N times (default 3), and prints the median and the
worst wall time, and the worst peak memory:

- "step peak" is the process's peak resident memory while the timed step ran (VmHWM after
  resetting it through /proc/self/clear_refs; where Linux refuses, the whole-process peak);
- "process peak" is the whole process's peak (ru_maxrss): interpreter, libraries, DuckDB, the
  frames built before the step, and the step.

"full pipeline (copy-on-write)" runs it with pandas' copy-on-write mode on, where each verb
shares its input's columns instead of copying them.

Budget (issue 4): the full directed COW panel 1816-2024 with ATOP, NMC and majors in under
3 s wall and 1.5 GB peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET_SECONDS = 3.0
BUDGET_BYTES = 1.5 * 1024**3
THROUGH = 2024


def _status_kib(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _scenario(name: str, db: str) -> dict:
    """Run one scenario in this process; time only its step."""
    from foedus.panels import (
        add_atop_alliance,
        add_majors,
        add_nmc,
        create_dyadyears,
        create_stateyears,
        write_panel,
    )
    from foedus.store import connect

    con = connect(db, read_only=True)
    prepared = None
    if name in ("add_atop_alliance", "add_nmc", "add_majors", "write_parquet"):
        prepared = create_dyadyears(con, system="cow", directed=True, through=THROUGH)
    if name == "write_parquet":
        prepared = add_majors(add_nmc(add_atop_alliance(prepared, con), con), con)
    steps = {
        "create_stateyears": lambda: create_stateyears(con, system="cow", through=THROUGH),
        "create_dyadyears": lambda: create_dyadyears(con, system="cow", directed=True, through=THROUGH),
        "create_dyadyears (non-directed)": lambda: create_dyadyears(
            con, system="cow", directed=False, through=THROUGH
        ),
        "create_dyadyears (gw)": lambda: create_dyadyears(con, system="gw", directed=True, through=THROUGH),
        "add_atop_alliance": lambda: add_atop_alliance(prepared, con),
        "add_nmc": lambda: add_nmc(prepared, con),
        "add_majors": lambda: add_majors(prepared, con),
        "full pipeline": lambda: _pipeline(db),
        "full pipeline (copy-on-write)": lambda: _pipeline(db, copy_on_write=True),
        "write_parquet": lambda: write_panel(prepared, Path(tempfile.mkdtemp()) / "panel.parquet"),
    }
    reset = _reset_peak()
    start = time.perf_counter()
    result = steps[name]()
    wall = time.perf_counter() - start
    hwm = _status_kib("VmHWM") if reset else None
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    shape = list(result.shape) if hasattr(result, "shape") else None
    con.close()
    return {"wall": wall, "step_peak": (hwm or maxrss) * 1024, "process_peak": maxrss * 1024, "shape": shape}


def _pipeline(db: str, copy_on_write: bool = False):
    """The full directed COW panel with ATOP, NMC and majors, opening its own connection."""
    import pandas as pd

    from foedus.panels import add_atop_alliance, add_majors, add_nmc, create_dyadyears
    from foedus.store import connect

    pd.options.mode.copy_on_write = copy_on_write
    con = connect(db, read_only=True)
    try:
        panel = create_dyadyears(con, system="cow", directed=True, through=THROUGH)
        return add_majors(add_nmc(add_atop_alliance(panel, con), con), con)
    finally:
        con.close()


SCENARIOS = [
    "create_stateyears",
    "create_dyadyears",
    "create_dyadyears (non-directed)",
    "create_dyadyears (gw)",
    "add_atop_alliance",
    "add_nmc",
    "add_majors",
    "full pipeline",
    "full pipeline (copy-on-write)",
    "write_parquet",
]


def _build_store(path: str) -> float:
    from foedus.config import data_dir
    from foedus.ingest.discover import import_directory
    from foedus.store import connect

    start = time.perf_counter()
    con = connect(path)
    import_directory(con, data_dir())
    con.close()
    return time.perf_counter() - start


def _mib(value: float) -> str:
    return f"{value / 1024**2:,.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an existing foedus store (default: build one in a temporary file)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scenario", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scenario:
        print(json.dumps(_scenario(args.scenario, args.db)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = os.path.join(tmp, "foedus.duckdb")
            print(f"store built from the data directory in {_build_store(db):.2f} s (not counted below)")
        print(f"{os.cpu_count()} CPUs; each scenario in a new process, {args.repeat} runs, through {THROUGH}")
        print()
        columns = [("rows x cols", 16), ("median s", 9), ("worst s", 8), ("step peak", 11)]
        columns.append(("process peak", 13))
        header = f"{'step':34} " + " ".join(f"{title:>{width}}" for title, width in columns)
        print(header)
        print("-" * len(header))
        results = {}
        for name in SCENARIOS:
            runs = []
            for _ in range(args.repeat):
                command = [sys.executable, __file__, "--scenario", name, "--db", db]
                output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
                runs.append(json.loads(output.strip().splitlines()[-1]))
            walls = [run["wall"] for run in runs]
            shape = runs[0]["shape"]
            size = f"{shape[0]:,} x {shape[1]}" if shape else ""
            step_peak = max(run["step_peak"] for run in runs)
            process_peak = max(run["process_peak"] for run in runs)
            results[name] = (max(walls), process_peak)
            print(
                f"{name:34} {size:>16} {statistics.median(walls):9.3f} {max(walls):8.3f} "
                f"{_mib(step_peak):>11} {_mib(process_peak):>13}"
            )
        wall, peak = results["full pipeline"]
        verdict = "within" if wall < BUDGET_SECONDS and peak < BUDGET_BYTES else "OVER"
        print(
            f"\nfull pipeline: worst {wall:.2f} s, peak {_mib(peak)} — {verdict} the budget "
            f"({BUDGET_SECONDS:.0f} s, {BUDGET_BYTES / 1024**3:.1f} GiB)"
        )


if __name__ == "__main__":
    main()
