"""Trade table, importers (Comtrade-style and pair totals), screening a small file, and the plot."""

from __future__ import annotations

import datetime as dt

import pytest

from foedus.errors import InputFileError
from foedus.sanctions.load import load_regime
from foedus.sanctions.plot import plot_trade
from foedus.sanctions.screen import screen, summary
from foedus.sanctions.trade import read_comtrade, read_pair_totals, read_trade, seed_trade, series

COMTRADE = """refYear,reporterISO,partnerISO,flowCode,cmdCode,primaryValue
2016,CHN,PRK,M,2701,1180000000
2017,CHN,PRK,M,2701,400000000
2017,CHN,PRK,M,6109,500000
2017,CHN,PRK,M,0801,700
2018,CHN,PRK,X,2710,1000000
2018,CHN,PRK,X,8703,2000000
2018,CHN,PRK,M,8703,3000
2015,CHN,PRK,M,0302,100
2018,RUS,PRK,X,TOTAL,30000000
"""


@pytest.fixture(scope="module")
def regime():
    return load_regime()


@pytest.fixture
def comtrade(tmp_path):
    path = tmp_path / "comtrade.csv"
    path.write_text(COMTRADE, encoding="utf-8")
    return path


def test_seed_series_russia_and_china(regime):
    table = seed_trade()
    russia = series(table, reporter=365, partner=731)
    assert russia.set_index("year")["value_usd"].to_dict()[2018] == 34_000_000
    assert set(russia["status"]) == {"official", "derived", "estimated"}
    china = series(table, reporter=710)
    assert china.set_index("year").loc[2025, "value_usd"] == 2_730_000_000
    assert china.set_index("year").loc[2017, "status"] == "derived"
    assert (table["source"] != "").all()


def test_comtrade_import_resolves_states_flows_and_codes(comtrade):
    table = read_comtrade(comtrade)
    assert set(table["reporter"]) == {710, 365} and set(table["partner"]) == {731}
    assert table.loc[0, ["year", "flow", "hs", "value_usd"]].tolist() == [2016, "import", "2701", 1.18e9]
    assert table.loc[8, "hs"] == "" and table.loc[8, "flow"] == "export"
    assert read_trade(comtrade).equals(table)


def test_comtrade_m49_codes_and_legacy_names(tmp_path):
    path = tmp_path / "legacy.csv"
    path.write_text(
        "Year,Reporter Code,Partner Code,Trade Flow,Commodity Code,Trade Value (US$)\n"
        "2017,156,408,Import,2701,5\n2017,643,408,Export,2710,7\n"
    )
    table = read_comtrade(path)
    assert table[["reporter", "partner", "flow"]].values.tolist() == [
        [710, 731, "import"],
        [365, 731, "export"],
    ]


def test_comtrade_bad_row_is_located(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(COMTRADE.replace("2017,CHN,PRK,M,6109,500000", "2017,CHN,PRK,M,6109,lots"))
    with pytest.raises(InputFileError) as info:
        read_comtrade(path)
    assert (info.value.line, info.value.column) == (4, "primaryValue")
    path.write_text(COMTRADE.replace("2018,CHN,PRK,M,8703", "2018,CHN,PRK,Q,8703"))
    with pytest.raises(InputFileError, match="flow 'Q'"):
        read_comtrade(path)


def test_pair_totals_import(tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_text(
        "reporter,partner,year,value_usd,status,source\n"
        "Russia,DPRK,2021,42000,estimated,NK News\nChina,North Korea,2021,318000000,,GAC\n"
    )
    table = read_pair_totals(path)
    assert table[["reporter", "partner", "year", "flow", "status"]].values.tolist() == [
        [365, 731, 2021, "total", "estimated"],
        [710, 731, 2021, "total", "unspecified"],
    ]
    assert read_trade(path).equals(table)
    path.write_text("reporter,partner,year,value_usd,status\nRussia,DPRK,2021,1,rumoured\n")
    with pytest.raises(InputFileError, match="status 'rumoured'"):
        read_pair_totals(path)


def test_screen_flags_covered_flows_with_their_measures(regime, comtrade):
    table = read_comtrade(comtrade)
    flags = screen(regime, table)
    by_row = flags.groupby("row")["measure"].apply(set).to_dict()
    assert by_row[0] == {"coal-2270", "coal-cap-2321"}  # 2016: ban to 29 Nov, then the cap
    assert by_row[1] == {"coal-cap-2321", "coal-iron-2371"}
    assert by_row[2] == {"textiles-2375"}
    assert by_row[4] == {"refined-2397"} and by_row[5] == {"supplies-2397"}
    assert by_row[3] == {"exports-2397"}  # nuts in 2017: the food ban of 22 December covers part of the year
    assert flags[flags["row"] == 3]["partial_year"].all()
    assert 6 not in by_row  # cars *from* the DPRK are not covered by the supply ban
    assert 7 not in by_row and 8 not in by_row  # seafood in 2015; a total without HS code
    capped = flags[flags["measure"] == "refined-2397"].iloc[0]
    assert (capped["effect"], capped["citation"], bool(capped["partial_year"])) == (
        "capped",
        "S/RES/2397 (2017) para 5",
        False,
    )
    ban = flags[(flags["row"] == 1) & (flags["measure"] == "coal-iron-2371")].iloc[0]
    assert ban["partial_year"] and ban["in_force_from"] == dt.date(2017, 8, 5)
    assert ban["possible_exemptions"] == "rajin-russian-coal-2371;prior-contract-2371"


def test_screen_summary_per_partner_and_year(regime, comtrade):
    table = read_comtrade(comtrade)
    totals = summary(table, screen(regime, table)).set_index("year")
    assert totals.loc[2017, "rows"] == 3 and totals.loc[2017, "flagged_rows"] == 3
    assert totals.loc[2017, "flagged_value_usd"] == 400_500_700
    assert totals.loc[2015, "flagged_share"] == 0.0
    assert totals.loc[2018, "flagged_value_usd"] == 3_000_000


def test_plot_png_and_svg(regime, tmp_path):
    rows = series(seed_trade(), partner=731)
    png = plot_trade(rows, tmp_path / "trade.png", regime, log=True)
    svg = plot_trade(rows, tmp_path / "trade.svg", regime)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    text = svg.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    for number in ("2270", "2321", "2371", "2375", "2397"):
        assert number in text  # resolution labels drawn as text in the SVG
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        plot_trade(rows, tmp_path / "trade.pdf", regime)
    with pytest.raises(ValueError, match="no trade observations"):
        plot_trade(rows.iloc[0:0], tmp_path / "empty.png", regime)
