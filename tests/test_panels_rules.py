"""Panel rows follow peacesciencer's rules: counts, false dyads, `through`, direction, GW codes."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd
import pytest

from foedus.errors import NotImportedError
from foedus.panels import create_dyadyears, create_stateyears
from foedus.store import connect


@pytest.fixture(scope="module")
def con(real_store):
    return real_store


@pytest.fixture(scope="module")
def directed(con):
    return create_dyadyears(con, system="cow", directed=True, through=2024)


@pytest.fixture(scope="module")
def undirected(con):
    return create_dyadyears(con, system="cow", directed=False, through=2024)


def keys(df: pd.DataFrame, first: str = "ccode1", second: str = "ccode2") -> np.ndarray:
    return (df[first].to_numpy() * 10_000 + df[second].to_numpy()) * 10_000 + df["year"].to_numpy()


def spells(con, system: str, through: int) -> list[tuple[int, dt.date, dt.date]]:
    """The state list with right-censored spells extended to `through`, in plain Python."""
    rows = con.execute(
        "SELECT code, start_date, end_date, censored FROM state_spells WHERE system = ?", [system]
    ).fetchall()
    last = dt.date(through, 12, 31)
    return [(code, start, last if censored else end) for code, start, end, censored in rows]


def oracle(con, system: str, year: int, through: int) -> set[tuple[int, int]]:
    """Directed dyads of `year` by brute force: two states with spells sharing a day of that year."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    found = set()
    for (a, sa, ea), (b, sb, eb) in itertools.permutations(spells(con, system, through), 2):
        if a != b and max(sa, sb, first) <= min(ea, eb, last):
            found.add((a, b))
    return found


def test_directed_cow_count_is_peacesciencers(directed):
    assert len(directed) == 2_214_930
    assert list(directed.columns) == ["ccode1", "ccode2", "year"]
    assert directed["year"].min() == 1816 and directed["year"].max() == 2024


def test_rows_sorted_unique_and_int64(directed):
    k = keys(directed)
    assert (np.diff(k) > 0).all()
    assert all(directed[c].dtype == np.int64 for c in directed.columns)
    assert not (directed["ccode1"] == directed["ccode2"]).any()


def test_suriname_south_vietnam_1975_is_not_a_dyad(directed):
    pair = directed[directed.ccode1.isin([115, 817]) & directed.ccode2.isin([115, 817])]
    assert pair.empty
    in_1975 = directed[(directed.year == 1975) & (directed.ccode1 == 2)]
    assert {115, 817} <= set(in_1975.ccode2)  # both were members in 1975, on different days


def test_germanies_1990_false_dyad_removed(directed):
    """West Germany (260) left 1990-10-02, Germany (255) entered 1990-10-03: no common day."""
    germanies = directed[directed.ccode1.isin([255, 260]) & directed.ccode2.isin([255, 260])]
    assert germanies.empty
    assert ((directed.ccode1 == 2) & directed.ccode2.isin([255, 260]) & (directed.year == 1990)).sum() == 2


@pytest.mark.parametrize("year", [1816, 1918, 1940, 1944, 1975, 1990, 1991, 2016, 2024])
def test_rows_match_brute_force(con, directed, year):
    panel = directed[directed.year == year]
    assert set(zip(panel.ccode1, panel.ccode2, strict=True)) == oracle(con, "cow", year, 2024)


def test_undirected_is_directed_with_ccode1_below_ccode2(directed, undirected):
    assert len(undirected) == 1_107_465 == len(directed) // 2
    assert (undirected.ccode1 < undirected.ccode2).all()
    lower = directed[directed.ccode1 < directed.ccode2].reset_index(drop=True)
    pd.testing.assert_frame_equal(lower, undirected)
    assert undirected.attrs["foedus"]["directed"] is False


def test_directed_is_symmetric(directed):
    forward = np.sort(keys(directed))
    backward = np.sort(keys(directed, "ccode2", "ccode1"))
    assert np.array_equal(forward, backward)


def test_through_extends_only_right_censored_members(con, directed):
    sql = "SELECT count(*) FROM state_spells WHERE system = 'cow' AND censored"
    censored = con.execute(sql).fetchone()[0]
    for year in (2017, 2020, 2024):
        assert (directed.year == year).sum() == censored * (censored - 1)
    default = create_dyadyears(con)  # without `through`, the list's own end
    assert default["year"].max() == 2016
    assert len(default) == (directed.year <= 2016).sum()


def test_through_and_since_cut_the_same_rows(con, directed):
    cut = create_dyadyears(con, through=1960, since=1900)
    expected = directed[(directed.year >= 1900) & (directed.year <= 1960)].reset_index(drop=True)
    pd.testing.assert_frame_equal(cut, expected)
    assert cut.attrs["foedus"]["first_year"] == 1900 and cut.attrs["foedus"]["through"] == 1960


def test_gw_panels_carry_gw_codes(con):
    gw = create_dyadyears(con, system="gw", through=2024)
    assert list(gw.columns) == ["gwcode1", "gwcode2", "year"]
    assert gw.attrs["foedus"]["sources"]["gwcode1"]["dataset"] == "GW states"
    serbia = gw[(gw.gwcode1 == 2) & (gw.year == 2010)]
    assert 340 in set(serbia.gwcode2) and 345 not in set(serbia.gwcode2)  # GW: Serbia 340 from 2006
    assert gw[(gw.gwcode1 == 340) & (gw.gwcode2 == 345) & (gw.year == 2006)].empty  # 345 ends the day before
    for year in (1900, 2006, 2017, 2020):
        panel = gw[gw.year == year]
        assert set(zip(panel.gwcode1, panel.gwcode2, strict=True)) == oracle(con, "gw", year, 2024)
    undirected = create_dyadyears(con, system="gw", directed=False, through=2024)
    assert len(undirected) * 2 == len(gw) and (undirected.gwcode1 < undirected.gwcode2).all()


def test_stateyears_match_the_spells(con):
    for system, code, name in (("cow", "ccode", "statenme"), ("gw", "gwcode", "statename")):
        panel = create_stateyears(con, system=system, through=2024)
        assert list(panel.columns) == [code, name, "year"]
        listed = spells(con, system, 2024)
        expected = {(c, y) for c, start, end in listed for y in range(start.year, end.year + 1)}
        assert set(zip(panel[code], panel.year, strict=True)) == expected
        assert len(panel) == len(expected)  # no state-year twice
    cow = create_stateyears(con, through=2024)
    usa = cow[cow.ccode == 2]
    assert usa.year.tolist() == list(range(1816, 2025)) and set(usa.statenme) == {"United States of America"}
    assert create_stateyears(con)["year"].max() == 2016


def test_bad_arguments(con):
    with pytest.raises(ValueError, match="system"):
        create_dyadyears(con, system="polity")
    with pytest.raises(ValueError, match="through"):
        create_stateyears(con, through=1700)
    with pytest.raises(ValueError, match="since"):
        create_dyadyears(con, since=2000, through=1990)


def test_empty_store_says_what_to_import():
    empty = connect(":memory:")
    with pytest.raises(NotImportedError, match="COW states"):
        create_dyadyears(empty)
