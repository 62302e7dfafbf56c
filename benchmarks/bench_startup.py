"""Start-up of the command line, whole process (issue 13.3): `foedus --help` and the as-of commands with --json.

Targets: `foedus --help` <= 0.25 s; `foedus dyad 365 731 --on 1990-01-01 --json` <= 0.3 s, and the same budget
shown for `obligations`, `treaty` and `history` --json. Prints, for each command, the best (minimum) CPU time
(user + system of the child) and the best wall time of REPEAT runs (default 5, after one warm-up run), the
target and MET / MISSED by how much, judged on CPU (other processes on a shared machine add waiting to the wall
time, hardly to the CPU time). The floor is measured the same way: the bare interpreter, and
``python -c "import typer, duckdb"`` (what every foedus command imports) with pydantic and rich beside it, so a
miss can be read against what cannot be cut. Then the number of modules imported and the slowest imports
(`python -X importtime`, cumulative). ``--import`` also times one ``foedus data import`` into a temporary file.

    .venv/bin/python benchmarks/bench_startup.py [--repeat 5] [--db PATH] [--import]

Without --db (or FOEDUS_DB) a database is built from the data directory into a temporary file first.

Bytecode: an installed package normally has its ``.pyc`` files (pip compiles them; ``uv pip install`` does with
``--compile-bytecode``). Where they are missing and PYTHONDONTWRITEBYTECODE is set (as in some sandboxes),
every start compiles pandas and the rest from source, which costs seconds. The figures are taken with a
private bytecode cache (PYTHONPYCACHEPREFIX in a temporary directory, filled by the warm-up run), so they show
what an ordinary installation sees; ``--no-bytecode-cache`` measures the environment as it is.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"--help": 0.25, "dyad": 0.30, "obligations": 0.30, "treaty": 0.30, "history": 0.30}
COMMANDS = {
    "--help": ["--help"],
    "dyad": ["dyad", "365", "731", "--on", "1990-01-01", "--json"],
    "obligations": ["obligations", "365", "--on", "1990-01-01", "--json"],
    "treaty": ["treaty", "3440", "--json"],
    "history": ["history", "365", "731", "--json"],
}
FLOORS = {
    "python -c pass": "pass",
    "import typer, duckdb": "import typer, duckdb",
    "+ pydantic BaseModel": "import typer, duckdb, pydantic; from pydantic import BaseModel",
    "+ rich.console": "import typer, duckdb, pydantic, rich.console; from pydantic import BaseModel",
}


def foedus_command() -> list[str]:
    script = Path(sys.executable).with_name("foedus")
    return [str(script)] if script.exists() else [sys.executable, "-m", "foedus.cli"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(argv: list[str], env: dict) -> tuple[float, float]:
    """(wall, CPU) seconds of one run of `argv`."""
    cpu, started = _children_cpu(), time.perf_counter()
    subprocess.run(argv, env=env, capture_output=True, check=True)
    return time.perf_counter() - started, _children_cpu() - cpu


def timed(argv: list[str], repeat: int, env: dict) -> tuple[list[float], list[float]]:
    """(wall times, CPU times) of `repeat` runs after one warm-up run (file cache, bytecode)."""
    subprocess.run(argv, env=env, capture_output=True, check=True)
    runs = [run_once(argv, env) for _ in range(repeat)]
    return [w for w, _ in runs], [c for _, c in runs]


def import_profile(args: list[str], env: dict, top: int = 8) -> tuple[int, list[tuple[int, str]]]:
    code = "import sys; from foedus.cli import main; sys.argv = ['foedus', *sys.argv[1:]]; main()"
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code, *args], env=env, capture_output=True,
                          text=True)
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        rows.append((int(cumulative), name.strip()))
    roots = [(c, n) for c, n in rows if n and not n.startswith(" ")]
    return len(rows), sorted(roots, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db", default=os.environ.get("FOEDUS_DB"))
    parser.add_argument("--no-bytecode-cache", action="store_true", help="measure the environment as it is")
    parser.add_argument("--import", dest="time_import", action="store_true",
                        help="also time one `foedus data import` into a temporary file")
    options = parser.parse_args()
    env = {**os.environ, "COLUMNS": "100"}
    with tempfile.TemporaryDirectory() as tmp:
        if not options.no_bytecode_cache:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        db = options.db
        if not db:
            from foedus.store.build import rebuild

            db = str(Path(tmp) / "foedus.duckdb")
            rebuild(db)
        env["FOEDUS_DB"] = db
        foedus = foedus_command()
        cases = {f"foedus {label}": [*foedus, *args] for label, args in COMMANDS.items()}
        floors = {label: [sys.executable, "-c", code] for label, code in FLOORS.items()}
        cache = "environment as it is" if options.no_bytecode_cache else "private bytecode cache"
        print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; best of {options.repeat} runs "
              f"each; {cache}")
        print(f"{'command':<28} {'CPU s':>7} {'wall s':>7} {'target':>7}  verdict (on CPU)")
        for label, argv in {**floors, **cases}.items():
            times, cpus = timed(argv, options.repeat, env)
            cpu, wall = min(cpus), min(times)
            target = TARGETS.get(label.removeprefix("foedus "))
            verdict = ""
            if label in cases and target is not None:
                verdict = "MET" if cpu <= target else f"MISSED by {cpu - target:.3f} s"
                verdict += f" (wall {'within' if wall <= target else 'over'} the target)"
            elif label in floors:
                verdict = "floor"
            print(f"{label:<28} {cpu:>7.3f} {wall:>7.3f} {target if target else '':>7}  {verdict}")
        if options.time_import:
            target_db = str(Path(tmp) / "import.duckdb")
            wall, cpu = run_once([*foedus, "data", "import", "--db", target_db, "--json"], env)
            print(f"{'foedus data import':<28} {wall:>9.3f} {'':>7} {cpu:>7.3f}  (one run, into an empty file)")
        for label, args in (("--help", COMMANDS["--help"]), ("dyad", COMMANDS["dyad"])):
            count, slowest = import_profile(args, env)
            print(f"\nfoedus {label}: {count} modules imported; slowest top-level imports (cumulative ms):")
            for cumulative, name in slowest:
                print(f"  {cumulative / 1000:8.1f}  {name}")


if __name__ == "__main__":
    main()
