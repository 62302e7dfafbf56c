"""`foedus panel …` writes CSV, Parquet and Stata files that read back as the API's panel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from foedus.cli.panel import app
from foedus.config import data_dir
from foedus.ingest.discover import import_directory
from foedus.panels import add_atop_alliance, add_majors, add_nmc, create_dyadyears, create_stateyears
from foedus.store import connect

runner = CliRunner()
ATOP = ["atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul"]
ARGS = ["--no-directed", "--since", "2010", "--through", "2020", "--add", "atop,nmc,majors"]


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("panels") / "foedus.duckdb")
    con = connect(path)
    import_directory(con, data_dir())
    con.close()
    return path


@pytest.fixture(scope="module")
def expected(db) -> pd.DataFrame:
    con = connect(db, read_only=True)
    try:
        base = create_dyadyears(con, directed=False, since=2010, through=2020)
        return add_majors(add_nmc(add_atop_alliance(base, con), con), con)
    finally:
        con.close()


def same_floats(read: pd.Series, written: pd.Series) -> bool:
    """A nullable 0/1 column read back as floats: same values, NA where it was NA."""
    expected = written.to_numpy(dtype=float, na_value=np.nan)
    return np.array_equal(read.to_numpy(dtype=float), expected, equal_nan=True)


def run(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def test_parquet_keeps_types_and_provenance(db, expected, tmp_path):
    out = tmp_path / "panel.parquet"
    result = run("dyad-years", *ARGS, "--out", str(out), "--db", db)
    assert f"wrote {len(expected):,} rows" in result.stdout and "ATOP 4.01" in result.stdout
    panel = pd.read_parquet(out)
    pd.testing.assert_frame_equal(panel, expected)
    assert panel["atop_defense"].dtype == "Int8" and panel.loc[panel.year > 2016, ATOP].isna().all().all()
    assert panel.attrs["foedus"]["sources"]["atop_defense"]["version"] == "4.01"
    cited = run("cite", str(out)).stdout
    assert "ATOP 4.01 (atop_defense" in cited and "COW NMC 7.0" in cited and "Leeds" in cited


def test_csv_writes_na_as_empty(db, expected, tmp_path):
    out = tmp_path / "panel.csv"
    run("dyad-years", *ARGS, "--out", str(out), "--db", db)
    panel = pd.read_csv(out)
    assert list(panel.columns) == list(expected.columns) and len(panel) == len(expected)
    late = panel.year > 2016
    assert panel.loc[late, ATOP].isna().all().all() and panel.loc[~late, ATOP].notna().all().all()
    for column in ATOP + ["cowmaj1", "cowmaj2"]:
        assert same_floats(panel[column], expected[column]), column
    assert np.allclose(panel["cinc1"], expected["cinc1"], equal_nan=True)


def test_stata_turns_nullable_ints_into_floats_with_missing(db, expected, tmp_path):
    out = tmp_path / "panel.dta"
    run("dyad-years", *ARGS, "--out", str(out), "--db", db)
    panel = pd.read_stata(out)
    assert len(panel) == len(expected) and list(panel.columns) == list(expected.columns)
    assert panel["ccode1"].tolist() == expected["ccode1"].tolist()
    for column in ATOP + ["cowmaj1", "cowmaj2"]:
        assert same_floats(panel[column], expected[column]), column
    with pd.io.stata.StataReader(out) as reader:
        labels = reader.variable_labels()
        assert labels["atop_defense"] == "ATOP 4.01" and labels["milex2"] == "COW NMC 7.0"
        assert "dyad_year" in reader.data_label


def test_state_years_in_each_format(db, tmp_path):
    con = connect(db, read_only=True)
    try:
        expected = add_majors(add_nmc(create_stateyears(con, through=2024), con), con)
    finally:
        con.close()
    for suffix in ("csv", "parquet", "dta"):
        out = tmp_path / f"states.{suffix}"
        run("state-years", "--through", "2024", "--add", "nmc,majors", "--out", str(out), "--db", db)
        panel = {"csv": pd.read_csv, "parquet": pd.read_parquet, "dta": pd.read_stata}[suffix](out)
        assert list(panel.columns) == list(expected.columns) and len(panel) == len(expected)
        assert panel["statenme"].tolist() == expected["statenme"].tolist()
        assert panel["cowmaj"].isna().sum() == expected["cowmaj"].isna().sum() > 0


def test_cite_without_a_file():
    result = run("cite", "--system", "gw", "--add", "atop")
    assert "Gleditsch" in result.stdout and "Leeds" in result.stdout and "Singer" not in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["dyad-years", "--out", "x.xlsx"], "format"),
        (["dyad-years", "--add", "polity", "--out", "x.csv"], "--add: unknown step polity"),
        (["dyad-years", "--system", "gw", "--add", "atop", "--out", "x.csv"], "COW codes"),
        (["state-years", "--through", "1700", "--out", "x.csv"], "through"),
    ],
)
def test_errors_are_clean(db, tmp_path, args, message):
    result = runner.invoke(app, [*args[:-1], str(tmp_path / args[-1]), "--db", db])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / args[-1]).exists()


def test_default_store_from_the_environment(db, tmp_path, monkeypatch):
    monkeypatch.setenv("FOEDUS_DB", db)
    states = create_stateyears(through=1820)  # no connection: the default store, read-only
    assert len(states) == (states.year <= 1820).sum() > 0
    out = tmp_path / "gw.parquet"
    run("dyad-years", "--system", "gw", "--through", "1830", "--out", str(out))
    assert list(pd.read_parquet(out).columns) == ["gwcode1", "gwcode2", "year"]
