"""`kill -9` of `foedus data import` at several moments leaves the database entirely old or entirely new.

Before the build-and-swap import, 22 of 36 kills left a mixed database (issue 11). Each run here starts the
real import, kills it with SIGKILL after a delay from a fixed list (0.05-3 s, so the kills land in different
steps), then reads the database: its build id must be the one before the kill or a complete new build, and
every table's row count must equal a complete build's.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from foedus.store import connect
from foedus.store.build import leftovers, read_build

pytestmark = pytest.mark.realdata

DELAYS = (0.05, 0.4, 0.9, 1.6, 2.3, 3.0)


def _snapshot(db: Path) -> tuple[str, dict[str, int]]:
    con = connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()]
        counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in sorted(tables) if t != "meta"}
        counts["imports"] = con.execute("SELECT count(*) FROM imports").fetchone()[0]
        return read_build(con)["build_id"], counts
    finally:
        con.close()


def _import(db: Path, data: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "foedus.cli", "data", "import", "--db", str(db),
                             "--data-dir", str(data), "--json"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ})


def test_sigkill_at_any_moment_leaves_old_or_new(shared_data, tmp_path):
    db = tmp_path / "foedus.duckdb"
    first = _import(db, shared_data)
    assert first.wait(timeout=600) == 0
    build, complete = _snapshot(db)
    assert complete["commitments"] > 1000 and complete["treaty_events"] > 0
    seen = {build}
    outcomes = []
    for delay in DELAYS:
        process = _import(db, shared_data)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        after, counts = _snapshot(db)
        assert counts == complete, f"killed after {delay} s: a mixed or partial database"
        if after == build:
            outcomes.append("old")
        else:
            assert after not in seen, "a new build id is new"
            outcomes.append("new")
        seen.add(after)
        build = after
    assert "old" in outcomes  # at least one kill landed before the swap
    final = _import(db, shared_data)
    assert final.wait(timeout=600) == 0
    last, counts = _snapshot(db)
    assert counts == complete and last not in seen
    assert leftovers(db) == []  # the next import removed what the killed ones left
