"""ATOP, NMC and major-power columns on known dyads and states; provenance and cite."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from foedus.panels import (
    add_atop_alliance,
    add_majors,
    add_nmc,
    cite,
    create_dyadyears,
    create_stateyears,
)
from foedus.query.commitments import directed_commitments

ATOP = ["atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul"]
NONE = dict.fromkeys(["defense", "offense", "neutral", "nonagg", "consul"], 0)
NMC = ["milex", "milper", "irst", "pec", "tpop", "upop", "cinc"]


@pytest.fixture(scope="module")
def con(real_store):
    return real_store


@pytest.fixture(scope="module")
def directed(con):
    return create_dyadyears(con, through=2024)


@pytest.fixture(scope="module")
def allied(con, directed):
    return add_atop_alliance(directed, con)


@pytest.fixture(scope="module")
def allied_undirected(con):
    return add_atop_alliance(create_dyadyears(con, directed=False, through=2024), con)


def row(df: pd.DataFrame, a: int, b: int, year: int) -> dict:
    found = df[(df.ccode1 == a) & (df.ccode2 == b) & (df.year == year)]
    assert len(found) == 1, (a, b, year)
    return found.iloc[0].to_dict()


def obligations(df, a, b, year) -> dict:
    values = row(df, a, b, year)
    return {column.removeprefix("atop_"): values[column] for column in ATOP}


def test_russia_north_korea_1990_and_2010(allied):
    """3440 (1961-1996): defense + nonaggression; 2010: 4940 consultation, 3755 nonaggression."""
    for a, b in ((365, 731), (731, 365)):
        assert obligations(allied, a, b, 1990) == {**NONE, "defense": 1, "nonagg": 1}
        assert obligations(allied, a, b, 1997) == NONE
        assert obligations(allied, a, b, 2010) == {**NONE, "nonagg": 1, "consul": 1}
    # 3440 ended 1996-09-10: still in force for part of 1996
    assert row(allied, 365, 731, 1996)["atop_defense"] == 1


def test_china_north_korea(allied):
    for year in (1962, 1990, 2016):
        for a, b in ((710, 731), (731, 710)):
            assert obligations(allied, a, b, year)["defense"] == 1
            assert obligations(allied, a, b, year)["nonagg"] == 1


def test_us_japan_is_asymmetric(allied, allied_undirected):
    for year in (1960, 1990, 2010):
        assert row(allied, 2, 740, year)["atop_defense"] == 1  # US→Japan
        assert row(allied, 740, 2, year)["atop_defense"] == 0  # Japan→US
        assert row(allied_undirected, 2, 740, year)["atop_defense"] == 1  # either direction


def test_belgium_france_1832_peacesciencer_example(allied):
    """ATOPID 1060: France promises to defend Belgium; Belgium promises nothing."""
    assert obligations(allied, 211, 220, 1832) == NONE
    assert obligations(allied, 220, 211, 1832)["defense"] == 1


def test_na_past_atop_coverage_never_zero(allied, allied_undirected, con):
    for frame in (allied, allied_undirected):
        late = frame.year > 2016
        for column in ATOP:
            assert frame[column].dtype == "Int8"
            assert frame.loc[late, column].isna().all()
            assert frame.loc[~late, column].notna().all()
            assert set(frame.loc[~late, column].unique()) <= {0, 1}
    assert pd.isna(row(allied, 2, 740, 2017)["atop_defense"])
    assert row(allied, 2, 740, 2016)["atop_defense"] == 1
    coverage = con.execute("SELECT coverage_end FROM imports WHERE dataset = 'ATOP'").fetchone()[0]
    source = allied.attrs["foedus"]["sources"]["atop_defense"]
    assert source["dataset"] == "ATOP" and source["version"] == "4.01"
    assert source["coverage_end"] == coverage.isoformat() == "2016-12-31"


def test_undirected_alliance_is_either_direction(allied, allied_undirected):
    def encoded(a, b, year):
        return (a.to_numpy() * 10_000 + b.to_numpy()) * 10_000 + year.to_numpy()

    forward = allied.set_index(encoded(allied.ccode1, allied.ccode2, allied.year))
    backward = allied.set_index(encoded(allied.ccode2, allied.ccode1, allied.year))
    index = encoded(allied_undirected.ccode1, allied_undirected.ccode2, allied_undirected.year)
    for column in ATOP:
        expected = np.maximum(
            forward[column].reindex(index).to_numpy(dtype=float, na_value=np.nan),
            backward[column].reindex(index).to_numpy(dtype=float, na_value=np.nan),
        )
        got = allied_undirected[column].to_numpy(dtype=float, na_value=np.nan)
        assert np.array_equal(got, expected, equal_nan=True), column


@pytest.mark.parametrize("day", ["1832-06-30", "1914-07-01", "1955-06-01", "1990-07-01", "2016-06-30"])
def test_every_commitment_in_force_on_a_day_shows_in_its_year(allied, con, day):
    """Cross-check with the store's as-of query (a separate implementation of the pairing rule)."""
    live = directed_commitments(con, day)
    year = int(day[:4])
    panel = allied[allied.year == year].set_index(["ccode1", "ccode2"])
    pairs = live[live.set_index(["from_ccode", "to_ccode"]).index.isin(panel.index)]
    assert len(pairs)
    for obligation, column in (("defense", "atop_defense"), ("nonaggression", "atop_nonagg")):
        owed = pairs[pairs[obligation]]
        values = panel.loc[list(zip(owed.from_ccode, owed.to_ccode, strict=True)), column]
        assert (values == 1).all(), (day, obligation)


def test_state_years_get_atop_any_partner(con):
    states = add_atop_alliance(create_stateyears(con, through=2024), con)
    japan = states[states.ccode == 740].set_index("year")
    usa = states[states.ccode == 2].set_index("year")
    assert usa.loc[1990, "atop_defense"] == 1 and japan.loc[1990, "atop_defense"] == 0
    assert japan.loc[1990, "atop_consul"] == 1
    assert pd.isna(japan.loc[2017, "atop_defense"])


def test_nmc_joins_both_states(con, directed):
    panel = add_nmc(directed[directed.year.between(1980, 2024)], con)
    capabilities = con.execute("SELECT * EXCLUDE (source_id) FROM capabilities").df()
    for side in ("1", "2"):
        renamed = capabilities.rename(columns={"code": f"ccode{side}", **{c: f"{c}{side}" for c in NMC}})
        expected = panel[["ccode1", "ccode2", "year"]].merge(renamed, how="left", on=[f"ccode{side}", "year"])
        for column in NMC:
            assert np.array_equal(
                panel[f"{column}{side}"].to_numpy(), expected[f"{column}{side}"].to_numpy(), equal_nan=True
            ), column
    us_japan = row(panel, 2, 740, 1990)
    assert us_japan["milex1"] == 289_755_000 and us_japan["milex2"] == 28_730_000
    assert panel.loc[panel.year > 2022, [f"{c}{s}" for s in "12" for c in NMC]].isna().all().all()
    assert panel.attrs["foedus"]["sources"]["cinc2"]["dataset"] == "COW NMC"


def test_nmc_on_state_years(con):
    states = add_nmc(create_stateyears(con), con)
    assert list(states.columns) == ["ccode", "statenme", "year", *NMC]
    assert states[(states.ccode == 2) & (states.year == 1990)]["milex"].iloc[0] == 289_755_000


def test_majors_na_past_the_list(con, directed):
    panel = add_majors(directed, con)
    assert row(panel, 2, 740, 1990)["cowmaj1"] == 1 and row(panel, 2, 740, 1990)["cowmaj2"] == 0
    assert row(panel, 2, 740, 1991)["cowmaj2"] == 1  # Japan again a major power from 1991-12-11
    assert row(panel, 2, 365, 1920)["cowmaj2"] == 0 and row(panel, 2, 365, 1922)["cowmaj2"] == 1
    late = panel.year > 2016
    assert panel.loc[late, ["cowmaj1", "cowmaj2"]].isna().all().all()
    assert panel.loc[~late, ["cowmaj1", "cowmaj2"]].notna().all().all()
    states = add_majors(create_stateyears(con, through=2024), con)
    assert states[(states.ccode == 200) & (states.year == 2016)]["cowmaj"].iloc[0] == 1
    assert pd.isna(states[(states.ccode == 200) & (states.year == 2017)]["cowmaj"].iloc[0])


def test_verbs_leave_their_input_alone(con):
    base = create_dyadyears(con, through=1900)
    before = base.copy()
    attrs = json.dumps(base.attrs, sort_keys=True)
    out = add_majors(add_nmc(add_atop_alliance(base, con), con), con)
    pd.testing.assert_frame_equal(base, before)
    assert json.dumps(base.attrs, sort_keys=True) == attrs
    copy_on_write = int(pd.__version__.split(".")[0]) >= 3 or pd.get_option("mode.copy_on_write") is True
    if not copy_on_write:  # without copy-on-write a shared column could be changed through the other frame
        for column in base.columns:
            assert not np.shares_memory(out[column].to_numpy(), base[column].to_numpy())
    out.loc[out.index[0], "ccode1"] = -1  # with or without sharing, a write stays in its own frame
    assert base["ccode1"].iloc[0] == before["ccode1"].iloc[0]
    step = add_atop_alliance(base, con)
    later = add_nmc(step, con)
    later.loc[later.index[0], "atop_defense"] = 1
    assert step["atop_defense"].iloc[0] == 0


def test_copy_on_write_shares_until_written(con):
    """With pandas copy-on-write on, verbs share the input's columns, and writes still stay apart."""
    with pd.option_context("mode.copy_on_write", True):
        base = create_dyadyears(con, through=1900)
        out = add_nmc(add_atop_alliance(base, con), con)
        assert np.shares_memory(out["ccode1"].to_numpy(), base["ccode1"].to_numpy())
        out.loc[out.index[0], "ccode1"] = -1
        assert base["ccode1"].iloc[0] == 2 and out["ccode1"].iloc[0] == -1
        assert list(out.attrs["foedus"]["sources"]) == list(out.columns)


def test_every_column_has_its_source(con):
    base = create_dyadyears(con, through=1950, since=1940)
    panel = add_majors(add_nmc(add_atop_alliance(base, con), con), con)
    sources = panel.attrs["foedus"]["sources"]
    assert set(sources) == set(panel.columns)
    assert {s["dataset"] for s in sources.values()} == {"COW states", "ATOP", "COW NMC", "COW major powers"}
    json.dumps(panel.attrs)  # JSON-safe, so Parquet can keep it
    text = cite(panel)
    assert "ATOP 4.01 (atop_defense" in text and "Leeds, Brett Ashley" in text
    assert "COW NMC 7.0" in text and "Singer, J. David" in text and "State System Membership List" in text


def test_cite_without_a_panel(con):
    assert "Gleditsch, Kristian S." in cite(datasets=["GW states"])
    from foedus.panels.cite import REFERENCES

    everything = cite()
    assert everything.count("\n") == len(REFERENCES) - 1 >= 4  # one line per dataset the store can hold
    names = ("ATOP", "COW states", "GW states", "COW NMC", "GML MID disputes")
    assert all(f"- {name}:" in everything for name in names)
    gw = cite(create_stateyears(con, system="gw"))
    assert gw.startswith("- GW states 2017") and "Leeds" not in gw
    with pytest.raises(ValueError, match="metadata"):
        cite(pd.DataFrame({"ccode": [2], "year": [1990]}))


def test_cow_columns_refuse_gw_frames_and_clashes(con):
    gw = create_dyadyears(con, system="gw", through=1900)
    for verb in (add_atop_alliance, add_nmc, add_majors):
        with pytest.raises(ValueError, match="COW codes"):
            verb(gw, con)
    allied = add_atop_alliance(create_stateyears(con, through=1900), con)
    with pytest.raises(ValueError, match="already has"):
        add_atop_alliance(allied, con)


def test_plain_frames_work_without_metadata(con):
    """A user's own frame: read as peacesciencer does (no row with ccode1 > ccode2 = non-directed)."""
    plain = pd.DataFrame({"ccode1": [2, 740, 2], "ccode2": [740, 2, 740], "year": [1990, 1990, 2020]})
    out = add_atop_alliance(plain, con)
    assert out["atop_defense"].tolist()[:2] == [1, 0] and pd.isna(out["atop_defense"].iloc[2])
    belgium_france = pd.DataFrame({"ccode1": [211], "ccode2": [220], "year": [1832]})
    assert add_atop_alliance(belgium_france, con)["atop_defense"].iloc[0] == 1  # France→Belgium counts
    assert add_atop_alliance(belgium_france, con, directed=True)["atop_defense"].iloc[0] == 0
