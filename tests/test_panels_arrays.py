"""Panels as numpy `Columns` (issue 13): the interval painting against brute force, SQL literals, files
written straight from Arrow equal to files written from the DataFrame, and a CLI build that never
imports pandas."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from foedus.panels import build_panel
from foedus.panels.frames import Columns, Nullable, covered, literal
from foedus.panels.output import write_panel


def brute_force(keys, starts, ends, flags):
    flags = np.asarray(flags, dtype=bool).reshape(len(starts), -1)
    out = np.zeros((flags.shape[1], len(keys)), dtype=bool)
    for i, (low, high) in enumerate(zip(starts, ends, strict=True)):
        inside = (keys >= low) & (keys <= high)
        for j in range(flags.shape[1]):
            if flags[i, j]:
                out[j] |= inside
    return out


@pytest.mark.parametrize("seed", range(8))
def test_covered_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    keys = np.unique(rng.integers(0, 400, size=int(rng.integers(1, 200))))
    if seed % 2:  # unsorted frame keys take the sorting path
        keys = rng.permutation(keys)
    count = int(rng.integers(0, 40))
    starts = rng.integers(-20, 420, size=count)
    ends = starts + rng.integers(-5, 60, size=count)  # some empty (end < start), many overlapping or touching
    flags = rng.random((count, 5)) < 0.5
    got = covered(keys, starts, ends, flags)
    assert len(got) == 5
    np.testing.assert_array_equal(np.array(got), brute_force(keys, starts, ends, flags))


def test_covered_with_no_intervals_or_rows():
    assert [a.tolist() for a in covered(np.arange(3), np.array([], np.int64), np.array([], np.int64),
                                        np.zeros((0, 2), bool))] == [[False] * 3, [False] * 3]
    assert [len(a) for a in covered(np.array([], np.int64), np.array([1]), np.array([2]), np.ones((1, 2), bool))] == [
        0, 0]


def test_literal_quotes_and_refuses_other_types():
    assert literal("atop:") == "'atop:'" and literal("O'Neil") == "'O''Neil'"
    assert literal(2024) == "2024" and literal(dt.date(2024, 12, 31)) == "DATE '2024-12-31'"
    for bad in (True, 1.5, None, [1]):
        with pytest.raises(TypeError):
            literal(bad)


def test_columns_to_frame_shares_arrays_and_keeps_na():
    values, mask = np.array([0, 1, 1], np.int8), np.array([False, False, True])
    panel = Columns({"ccode": np.array([2, 20, 200]), "flag": Nullable(values, mask)}, {"foedus": {"unit": "x"}})
    frame = panel.to_frame()
    assert str(frame["flag"].dtype) == "Int8" and frame["flag"].isna().tolist() == [False, False, True]
    assert frame["flag"].iloc[1] == 1 and frame.attrs == {"foedus": {"unit": "x"}} and len(panel) == 3
    frame.attrs["foedus"]["unit"] = "changed"
    assert panel.attrs["foedus"]["unit"] == "x"  # attrs copied, arrays shared
    assert np.shares_memory(frame["ccode"].to_numpy(), panel.data["ccode"])


@pytest.mark.realdata
@pytest.mark.parametrize(("kind", "add"), [("dyad-years", "atop,nmc,majors"), ("state-years", "atop,nmc,majors")])
def test_arrow_files_equal_dataframe_files(real_store, tmp_path, kind, add):
    result = build_panel(kind, since=2010, through=2020, add=add, con=real_store)
    for suffix in (".parquet", ".csv"):
        direct, via_pandas = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
        result.write(direct)  # from the Columns (no DataFrame made yet for dyad-years)
        write_panel(result.frame, via_pandas)
        if suffix == ".csv":
            assert direct.read_text() == via_pandas.read_text()
            continue
        a, b = pd.read_parquet(direct), pd.read_parquet(via_pandas)
        pd.testing.assert_frame_equal(a, b, check_exact=True)
        pd.testing.assert_frame_equal(a, result.frame, check_exact=True)
        assert a.attrs == b.attrs == result.frame.attrs
        meta = [json.loads(pq.read_schema(path).metadata[b"pandas"]) for path in (direct, via_pandas)]
        assert meta[0] == meta[1]


@pytest.mark.realdata
def test_cli_panel_never_imports_pandas(real_db_file, tmp_path):
    out = tmp_path / "x.parquet"
    code = (
        "import sys\n"
        "from foedus.cli import main\n"
        f"sys.argv = ['foedus', 'panel', 'dyad-years', '--since', '2000', '--through', '2020', '--add', "
        f"'atop,nmc,majors', '--out', {str(out)!r}, '--db', {real_db_file!r}, '--json']\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print('PANDAS', 'pandas' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "FOEDUS_DB"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "PANDAS False"
    summary = json.loads(done.stdout[: done.stdout.rindex("PANDAS")])
    frame = pd.read_parquet(out)
    assert summary["rows"] == len(frame) > 100_000 and summary["columns"] == list(frame.columns)
    assert str(frame["atop_defense"].dtype) == "Int8" and frame.attrs["foedus"]["unit"] == "dyad_year"


@pytest.mark.realdata
@pytest.mark.parametrize("directed", [True, False])
def test_rows_from_year_ranges_equal_rows_from_keys(real_store, directed):
    from foedus.panels.dyadyears import dyadyear_columns
    from foedus.panels.frames import covered_in, frame_keys, frame_kind, pair_keys

    panel = dyadyear_columns(real_store, directed=directed, since=1930, through=1960)
    kind = frame_kind(panel)
    assert "runs" in panel.cache
    codes = np.unique(panel.data["ccode1"])
    rng = np.random.default_rng(7)
    count = 3000  # pairs in and out of the panel, years before, inside, across gaps and after its window
    code1, code2 = rng.choice(codes, count), rng.choice(codes, count)
    first = rng.integers(1900, 1975, count)
    last = first + rng.integers(-2, 40, count)
    starts, ends = pair_keys(code1, code2, first), pair_keys(code1, code2, np.maximum(last, 0))
    flags = rng.random((count, 3)) < 0.6
    keys = frame_keys(panel, kind)
    expected = covered(keys, starts, ends, flags)
    got = covered_in(panel, kind, starts, ends, flags)
    assert any(column.any() for column in expected)
    for want, have in zip(expected, got, strict=True):
        np.testing.assert_array_equal(have, want)
