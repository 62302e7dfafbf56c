"""add_register_alliance: ATOP within coverage, the merged view after it (1 where the status counts, else NA)."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from foedus.cli import app
from foedus.panels import add_atop_alliance, add_register_alliance, cite, create_dyadyears, create_stateyears
from foedus.panels.register_alliance import reading_dates

COLUMNS = ["alliance_defense", "alliance_offense", "alliance_neutral", "alliance_nonagg", "alliance_consul"]


@pytest.fixture(scope="module")
def panel(real_store):
    return create_dyadyears(real_store, since=2010, through=2025)


@pytest.fixture(scope="module")
def extended(real_store, panel):
    return add_register_alliance(panel, real_store)


def row(frame, a, b, year):
    found = frame[(frame.ccode1 == a) & (frame.ccode2 == b) & (frame.year == year)]
    assert len(found) == 1
    return found.iloc[0]


def test_russia_dprk_after_coverage(extended):
    assert row(extended, 365, 731, 2025).alliance_defense == 1  # the 2024 treaty, Art. 4
    assert row(extended, 731, 365, 2025).alliance_defense == 1
    assert row(extended, 365, 731, 2024).alliance_defense == 1  # in force from 2024-12-04
    in_2020 = row(extended, 365, 731, 2020)
    assert pd.isna(in_2020.alliance_defense)  # nothing known says defense in 2020
    assert in_2020.alliance_consul == 1  # ATOP 4940, confirmed by the register until 2024-12-04


def test_china_dprk_confirmed_and_russia_china(extended):
    assert row(extended, 710, 731, 2020).alliance_defense == 1
    russia_china = row(extended, 365, 710, 2025)
    assert russia_china.alliance_consul == 1 and pd.isna(russia_china.alliance_defense)


def test_uncounted_after_coverage_is_na_never_zero(real_store, panel, extended):
    # ATOP 3975 (Cuba-DPRK 1986), not in the register: presumed in force after 2016 (counted by the default,
    # as by every command), not confirmed; its 20-year term ran to 2026-03-11.
    assert row(extended, 40, 731, 2020).alliance_defense == 1
    confirmed = add_register_alliance(panel, real_store, status="confirmed")
    assert all(pd.isna(row(confirmed, 40, 731, 2020)[c]) for c in COLUMNS)
    for frame in (extended, confirmed):
        later = frame[frame.year > 2016]
        assert not (later[COLUMNS] == 0).any().any()
    assert (confirmed[COLUMNS] == 1).sum().sum() < (extended[COLUMNS] == 1).sum().sum()


def test_equal_to_atop_within_coverage(real_store, panel, extended):
    atop = add_atop_alliance(panel, real_store)
    inside = extended.year <= 2016
    for column in COLUMNS:
        expected = atop.loc[inside, column.replace("alliance_", "atop_")].astype("Int8")
        assert extended.loc[inside, column].astype("Int8").equals(expected)


def test_input_untouched_and_provenance(real_store):
    panel = create_dyadyears(real_store, since=2014, through=2025)
    before, attrs = panel.copy(), dict(panel.attrs)
    extended = add_register_alliance(panel, real_store)
    pd.testing.assert_frame_equal(panel, before)
    assert panel.attrs == attrs and not any(c in panel.columns for c in COLUMNS)
    source = extended.attrs["foedus"]["sources"]["alliance_defense"]
    assert "register" in source["dataset"] and "4.01" in source["version"]
    assert source["register_checked"] and "dprk.yaml" in source["register_files"]
    assert "russia-dprk-2024" in source["register_entries"]
    assert "register" in cite(extended).lower() and "Leeds" in cite(extended)


def test_reading_dates_catch_mid_year_starts(real_store):
    dates = [d.isoformat() for d in reading_dates(real_store, [2023, 2024])]
    assert dates[0] == "2023-01-01" and "2024-01-01" in dates and "2024-12-04" in dates
    assert all(d[:4] in ("2023", "2024") for d in dates)
    assert reading_dates(real_store, []) == []


def test_non_directed_is_either_direction(real_store, extended):
    undirected = add_register_alliance(create_dyadyears(real_store, directed=False, since=2010, through=2025),
                                       real_store)
    both = extended.assign(a=extended[["ccode1", "ccode2"]].min(axis=1), b=extended[["ccode1", "ccode2"]].max(axis=1))
    expected = both.groupby(["a", "b", "year"])[COLUMNS].max().reset_index()
    got = undirected.merge(expected, left_on=["ccode1", "ccode2", "year"], right_on=["a", "b", "year"],
                           suffixes=("", "_d"))
    assert len(got) == len(undirected)
    for column in COLUMNS:
        assert got[column].astype("Int8").equals(got[f"{column}_d"].astype("Int8"))
    assert row(undirected, 365, 731, 2020).alliance_consul == 1


def test_within_coverage_only(real_store):
    panel = create_dyadyears(real_store, since=2012, through=2016)
    out = add_register_alliance(panel, real_store)
    assert not out[COLUMNS].isna().any().any()


def test_state_years(real_store):
    frame = create_stateyears(real_store, through=2025)
    states = add_register_alliance(frame, real_store)
    russia = states[(states.ccode == 365) & (states.year == 2025)].iloc[0]
    assert russia.alliance_defense == 1
    atop = add_atop_alliance(frame, real_store)
    inside = states.year <= 2016  # 1816-2016: every year of ATOP's coverage
    for column in COLUMNS:
        assert states.loc[inside, column].equals(atop.loc[inside, column.replace("alliance_", "atop_")])
    assert not (states.loc[~inside, COLUMNS] == 0).any().any()


def test_cli_add_register(real_db_file, tmp_path):
    out = tmp_path / "x.csv"
    result = CliRunner().invoke(app, ["panel", "dyad-years", "--through", "2025", "--since", "2015", "--add",
                                      "register", "--out", str(out), "--db", real_db_file])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert set(COLUMNS) <= set(frame.columns)
    assert frame[(frame.ccode1 == 365) & (frame.ccode2 == 731) & (frame.year == 2025)].alliance_defense.iloc[0] == 1


def test_equal_to_atop_in_sampled_years_of_the_full_panel(real_store):
    full = create_dyadyears(real_store, through=2024)
    sample = full[full.year.isin([1816, 1871, 1914, 1939, 1950, 1975, 1990, 2016])].reset_index(drop=True)
    out, atop = add_register_alliance(sample, real_store), add_atop_alliance(sample, real_store)
    for column in COLUMNS:
        assert out[column].equals(atop[column.replace("alliance_", "atop_")])
    assert (out.alliance_defense == 1).sum() > 1000


def test_the_interval_table_equals_the_merged_view_on_every_reading_date(real_store, extended):
    """The columns after coverage read the interval table; reading the merged view itself on 1 January and on
    every date a commitment can start to count (exact: see reading_dates) gives the same 1s and NAs."""
    from foedus.query.commitments import directed_commitments

    later = list(range(2017, 2026))
    confirmed = {}
    for day in reading_dates(real_store, later):
        frame = directed_commitments(real_store, day)  # the default status, as the panel's
        for row in frame.itertuples():
            for column, obligation in zip(COLUMNS, ["defense", "offense", "neutrality", "nonaggression",
                                                    "consultation"], strict=True):
                if getattr(row, obligation):
                    confirmed.setdefault(column, set()).add((row.from_ccode, row.to_ccode, day.year))
    after = extended[extended.year > 2016]
    keys = list(zip(after.ccode1, after.ccode2, after.year, strict=True))
    for column in COLUMNS:
        expected = [1 if key in confirmed.get(column, set()) else None for key in keys]
        got = [None if pd.isna(v) else int(v) for v in after[column]]
        assert got == expected, column
    assert len(confirmed["alliance_defense"]) > 10 and (after.alliance_defense == 1).sum() > 10
