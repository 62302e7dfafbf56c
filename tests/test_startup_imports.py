"""Start-up of the command line (issue 13.3): the as-of commands print their --json without importing pandas,
numpy, pyarrow, pydantic, scipy, matplotlib or networkx, and that plain path gives the same answers as the typed,
pandas-based one.

- `foedus dyad|obligations|treaty|history ... --json` against a store file holding its interval table: the
  modules loaded are listed by a tiny wrapper run with ``python -c`` (deterministic, not timed);
- the DuckDB reader of the stored table (foedus.query.asof) and the pandas reader (foedus.query.intervals) give
  the same JSON text for 200 random (pair, date, status) cases and 40 states (seeded), and the plain payloads are
  the typed answers' JSON, key order included (what the CLI prints is what the API returns).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
import sys

import duckdb
import pytest

from foedus.naming import StateNames
from foedus.query import asof, intervals
from foedus.query.answers import dyad_typed, obligations_typed
from foedus.query.history import History
from foedus.query.periods import history_payload
from foedus.query.treaty import Treaty
from foedus.query.treaty_record import treaty as treaty_record
from tests.fixture_files import stored_copy

pytestmark = pytest.mark.realdata

HEAVY = ("pandas", "numpy", "pyarrow", "pydantic", "scipy", "matplotlib", "networkx")
TODAY = "2026-06-01"
SEED = 13
WRAPPER = (
    "import sys\n"
    "from foedus.cli import main\n"
    "sys.argv = ['foedus', *sys.argv[1:]]\n"
    "try:\n"
    "    main()\n"
    "except SystemExit as exc:\n"
    "    code = exc.code\n"
    "else:\n"
    "    code = 0\n"
    "sys.stdout.flush()\n"
    "sys.stderr.write('\\nMODULES ' + ' '.join(sorted(sys.modules)) + '\\n')\n"
    "sys.exit(code)\n"
)


@pytest.fixture(scope="module")
def stored_file(real_store, tmp_path_factory) -> str:
    """A store file with the interval table written in, as `foedus data import` leaves it."""
    return str(stored_copy(real_store, tmp_path_factory.mktemp("startup")))


@pytest.fixture()
def reader(stored_file, monkeypatch):
    monkeypatch.setenv("FOEDUS_TODAY", TODAY)
    intervals.clear_cache()
    con = duckdb.connect(stored_file, read_only=True)
    yield con
    con.close()
    intervals.clear_cache()


def run(db: str, *args: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    env = {**os.environ, "FOEDUS_DB": db, "FOEDUS_TODAY": TODAY}
    done = subprocess.run([sys.executable, "-c", WRAPPER, *args], capture_output=True, text=True, env=env,
                          timeout=120)
    line = next(x for x in done.stderr.splitlines() if x.startswith("MODULES "))
    return done, {name.split(".")[0] for name in line.split()[1:]}


@pytest.mark.parametrize("args", [
    ("dyad", "365", "731", "--on", "1990-01-01", "--json"),
    ("dyad", "Russia", "North Korea", "--on", "2025-01-01", "--json"),
    ("obligations", "365", "--on", "1990-01-01", "--json"),
    ("obligations", "USA", "--on", "2020-01-01", "--types", "defense", "--json"),
    ("treaty", "3440", "--json"),
    ("treaty", "NATO", "--json"),
    ("history", "365", "731", "--json"),
], ids=lambda a: " ".join(a[:2]))
def test_as_of_json_imports_nothing_heavy(stored_file, args):
    done, modules = run(stored_file, *args)
    assert done.returncode == 0, done.stderr
    json.loads(done.stdout)
    assert sorted(modules & set(HEAVY)) == []
    assert "rich" not in modules  # --json prints plain JSON


def test_serve_help_imports_nothing_heavy(stored_file):
    done, modules = run(stored_file, "serve", "--help")
    assert done.returncode == 0, done.stderr
    assert "serve" in done.stdout.lower()
    assert sorted(modules & set(HEAVY)) == []


def test_error_names_the_cli_argument(stored_file):
    done, _ = run(stored_file, "dyad", "Korea", "Japan", "--on", "1990-01-01", "--json")
    assert done.returncode == 2
    assert "error: A: 'Korea' is ambiguous" in done.stderr
    assert all(code in done.stderr for code in ("730", "731", "732"))
    done, _ = run(stored_file, "obligations", "Korea", "--on", "1990-01-01")
    assert done.returncode == 2 and "error: STATE: 'Korea' is ambiguous" in done.stderr
    done, _ = run(stored_file, "dyad", "Russia", "Russia", "--json")
    assert done.returncode == 2 and "error: B: Russia (365) is paired with itself" in done.stderr


def test_a_date_settles_an_ambiguous_name(reader):
    found = asof.dyad_payload(reader, "Korea", "Japan", "1900-01-01")
    assert found.payload["a"] == 730
    assert any("can also mean" in note for note in found.notes)


def _day(rng: random.Random) -> dt.date:
    first, last = dt.date(1816, 1, 1), dt.date(2026, 12, 31)
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def _text(payload) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False, default=str)


def test_duckdb_slice_equals_pandas_slice(reader, monkeypatch):
    """Same JSON text from the stored table read by DuckDB and from the pandas table, on random cases."""
    assert asof.stored_table(reader)
    monkeypatch.setattr(asof, "_pandas_loaded", lambda: False)  # as in a command-line process
    names = StateNames(reader)
    rng = random.Random(SEED)
    pairs = reader.execute(f"SELECT DISTINCT from_ccode, to_ccode FROM {asof.TABLE} ORDER BY 1, 2").fetchall()
    rows = reader.execute(f"SELECT from_ccode, to_ccode, _start, least(_end, 20819) FROM {asof.TABLE} "
                          "ORDER BY rowid").fetchall()  # 20819: 2026-12-31
    dyads = [(*rng.choice(pairs), _day(rng), rng.choice(asof.STATUS_CHOICES)) for _ in range(100)]
    for a, b, start, end in rng.sample(rows, 100):  # a date inside one of the pair's intervals
        day = asof.EPOCH + dt.timedelta(days=rng.randrange(start, max(end, start + 1)))
        dyads.append((a, b, day, rng.choice(asof.STATUS_CHOICES)))
    dyads += [(365, 731, dt.date(1990, 1, 1), "presumed"), (365, 731, dt.date(2025, 1, 1), "any"),
              (2, 200, dt.date(2024, 6, 1), "confirmed")]
    states = [(rng.choice(pairs)[0], _day(rng), rng.choice(asof.STATUS_CHOICES)) for _ in range(40)]
    states += [(365, dt.date(2025, 1, 1), "presumed"), (2, dt.date(2020, 1, 1), "any")]

    def answers():
        out = [_text(asof.dyad_payload(reader, a, b, d, names=names, status=s).payload) for a, b, d, s in dyads]
        return out + [_text(asof.obligations_payload(reader, c, d, names=names, status=s).payload)
                      for c, d, s in states]

    by_duckdb = answers()
    assert not intervals.cached(asof.fingerprint(reader))  # nothing loaded pandas' copy so far
    intervals.build(reader)  # now the pandas table answers
    by_pandas = answers()
    assert sum('"from_ccode"' in text for text in by_duckdb) > 100  # the cases are not mostly empty
    for case, duck, pan in zip(dyads + states, by_duckdb, by_pandas, strict=True):
        assert duck == pan, case


def test_plain_payload_is_the_typed_json(reader):
    """What the CLI prints without pydantic is the typed answer's JSON, key order included."""
    names = StateNames(reader)
    rng = random.Random(SEED + 1)
    pairs = reader.execute(f"SELECT DISTINCT from_ccode, to_ccode FROM {asof.TABLE} ORDER BY 1, 2").fetchall()
    for a, b in [*rng.sample(pairs, 30), (365, 731)]:
        day = _day(rng)
        found = asof.dyad_payload(reader, a, b, day, names=names, status="any")
        assert _text(found.payload) == _text(dyad_typed(found).to_json())
        found = asof.obligations_payload(reader, a, day, names=names)
        assert _text(found.payload) == _text(obligations_typed(reader, found).to_json())
        periods, *_ = history_payload(reader, a, b, names=names)
        assert _text(periods) == _text(History(periods).to_json())
    treaties = [r[0] for r in reader.execute("SELECT treaty_id FROM treaties ORDER BY 1").fetchall()]
    for tid in [*rng.sample(treaties, 40), "atop:3440", "atop:3180", "reg:russia-dprk-2024"]:
        found = treaty_record(reader, tid)
        assert _text(found) == _text(Treaty.model_validate(found).to_json()), tid
