"""Issue 16.4/16.5 through the CLI's --json: permitted, regime start, wind-down, votes, names, trade claims."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from foedus.cli.sanctions import app
from foedus.sanctions.load import load_regime

runner = CliRunner()


def as_json(*args: str):
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def chapter(payload, code):
    return next(c for s in payload["sections"] for c in s["chapters"] if c["chapter"] == code)


def test_permitted_2024_many_chapters_remain_lawful_to_the_dprk():
    payload = as_json("permitted", "--on", "2024-06-01")
    to = payload["counts"]["to_dprk"]
    assert sum(to.values()) == 96  # 97 chapters, 77 reserved
    # "the 2017 resolutions prohibit any trade except humanitarian food" is overstated: most chapters remain
    assert to["permitted"] > 50 and payload["counts"]["from_dprk"]["permitted"] > 30
    assert chapter(payload, "93")["to_dprk"]["status"] == "prohibited"
    assert chapter(payload, "01")["to_dprk"]["status"] == "permitted"
    assert chapter(payload, "03")["from_dprk"]["status"] == "prohibited"  # seafood, 2371
    machinery = chapter(payload, "84")["to_dprk"]
    assert machinery["status"] == "exempt"
    assert any("aircraft" in e["requires"] for m in machinery["measures"] for e in m.get("exemptions", []))
    fuels = chapter(payload, "27")["to_dprk"]
    assert fuels["status"] == "partial"
    caps = {r["hs"]: r for r in fuels["restricted"]}
    assert caps["2710"]["caps"][0]["amount"] == 500000 and caps["2709"]["effect"] == "conditional"
    assert any(m["id"] == "catch-all-2270" for m in payload["not_by_hs"])


def test_permitted_direction_and_before_the_regime():
    only_from = as_json("permitted", "--on", "2016-06-01", "--direction", "from")
    assert only_from["directions"] == ["from_dprk"]
    assert chapter(only_from, "27")["from_dprk"]["status"] == "partial"  # coal 2701 with exemptions
    before = as_json("permitted", "--on", "1990-01-01")
    assert before["regime_in_force"] is False and before["counts"]["to_dprk"]["permitted"] == 96
    bad = runner.invoke(app, ["permitted", "--on", "2024-06-01", "--direction", "up"])
    assert bad.exit_code == 2 and "--direction" in bad.output


def test_regime_start_in_on_and_check():
    on = as_json("on", "1990-01-01")
    assert on["measures"] == [] and "did not exist yet" in on["regime_note"] and on["regime_start"] == "2006-10-14"
    day_before = as_json("check", "--from", "China", "--to", "PRK", "--hs", "9301", "--on", "2006-10-13")
    assert day_before["verdict"] == "permitted" and "did not exist yet" in day_before["regime_note"]
    first_day = as_json("check", "--from", "China", "--to", "PRK", "--hs", "930110", "--on", "2006-10-14")
    assert first_day["verdict"] == "prohibited" and "regime_note" not in first_day
    human = runner.invoke(app, ["on", "1990-01-01"])
    assert human.exit_code == 0 and "did not exist yet" in human.output


def test_wind_down_is_explained():
    labour = as_json("check", "--from", "DPRK", "--to", "Russia", "--labour", "--on", "2019-12-22")
    repatriation = next(m for m in labour["measures"] + labour["also_applicable"]
                        if m["id"] == "workers-repatriation-2397")
    assert repatriation["effect"] == "conditional"
    assert any("2019-12-22" in step and "2019-12-23" in step for step in repatriation["wind_down"])
    on = as_json("on", "2017-09-20")
    textiles = next(m for m in on["measures"] if m["id"] == "textiles-2375")
    assert any("Transition" in step and "2017-12-10" in step for step in textiles["wind_down"])
    cap = next(m for m in as_json("on", "2017-03-01")["measures"] if m["id"] == "coal-cap-2321")
    assert any("replaced from 2017-08-05" in step for step in cap["wind_down"])


def test_window_end_is_exclusive():
    # coal-cap-2321 until 2017-08-05 (exclusive): its last day is 4 August, 2371's first day is 5 August
    last = as_json("check", "--from", "PRK", "--to", "China", "--hs", "2701", "--on", "2017-08-04")
    first = as_json("check", "--from", "PRK", "--to", "China", "--hs", "2701", "--on", "2017-08-05")
    assert [m["id"] for m in last["measures"]] == ["coal-cap-2321"]
    assert [m["id"] for m in first["measures"]] == ["coal-iron-2371"] and first["measures"][0]["from"] == "2017-08-05"


def test_votes_in_history_and_on():
    history = as_json("history")
    resolutions = [e for e in history if e["type"] == "resolution"]
    assert all(e["vote"]["unanimous"] and e["vote"]["tally"]["in_favour"] == 15 for e in resolutions)
    first = resolutions[0]["vote"]
    assert first["meeting"] == "S/PV.5551"
    assert {m["code"] for m in first["members"]} == {"CHN", "FRA", "GBR", "RUS", "USA", "ARG", "COG", "DNK", "GHA",
                                                    "GRC", "JPN", "PER", "QAT", "SVK", "TZA"}
    assert any("sc8853" in s["url"] for s in first["sources"])
    r2397 = next(e for e in resolutions if e["resolution"] == 2397)["vote"]
    assert {"KAZ", "ETH", "BOL", "SWE"} <= {m["code"] for m in r2397["members"]}
    drafts = {e["symbol"]: e["vote"] for e in history if e["type"] == "draft"}
    assert drafts["S/2022/431"]["vetoed_by"] == ["CHN", "RUS"] and drafts["S/2022/431"]["adopted"] is False
    panel = {m["code"]: m["vote"] for m in drafts["S/2024/255"]["members"]}
    assert panel["RUS"] == "no" and panel["CHN"] == "abstain" and panel["KOR"] == "yes"
    assert list(panel.values()).count("yes") == 13
    on = as_json("on", "2025-01-01")
    assert [r["number"] for r in on["resolutions"]][-1] == 2397 and len(on["drafts"]) == 2
    assert "vote" in on["resolutions"][0]


def test_a_vote_naming_a_state_off_the_council_is_rejected(tmp_path):
    from foedus.sanctions.load import _default

    source = _default("measures.yaml").read_text(encoding="utf-8")
    broken = source.replace("      against: [CHN, RUS]\n", "      against: [CHN, DEU]\n", 1)
    assert broken != source
    path = tmp_path / "measures.yaml"
    path.write_text(broken, encoding="utf-8")
    result = runner.invoke(app, ["history", "--regime", str(path)])
    assert result.exit_code == 2 and "DEU did not sit on the Council in 2022" in result.output


def test_arms_to_russia_prohibited_and_flags_say_why():
    payload = as_json("check", "--item", "artillery shells", "--from", "PRK", "--to", "RUS", "--on", "2024-06-01")
    assert payload["verdict"] == "prohibited" and payload["hs_reading"]["code"] == "930690"
    cited = {(m["resolution"], m["paragraph"]): m for m in payload["measures"]}
    assert set(cited) == {(1718, "8(a)(i), 8(b)"), (1874, "9"), (2270, "6")}
    # the 2006 ban on the DPRK's heavy-arms exports decides it on its own, with a verified paragraph
    assert cited[(1718, "8(a)(i), 8(b)")]["effect"] == "prohibited" and not cited[(1718, "8(a)(i), 8(b)")]["uncertain"]
    regime = load_regime()
    confirmed = [("1874", "26"), ("2397", "6"), ("2397", "8"), ("2397", "14"), ("2375", "17"), ("2321", "30")]
    flagged = {(str(m.resolution), m.paragraph) for m in regime.measures if m.uncertain}
    flagged |= {(str(s.resolution), s.paragraph) for s in regime.status_changes if s.uncertain}
    assert not flagged & set(confirmed)
    humanitarian = next(e for e in regime.general_exemptions if e.id == "humanitarian-2321")
    assert humanitarian.end is None  # no basis for an end date (2397 OP25 restates it)


@pytest.mark.parametrize("code", ["cow:731", "iso:PRK", "gw:731", "PRK", "North Korea"])
def test_state_prefixes(code):
    payload = as_json("check", "--from", code, "--to", "iso:CHN", "--hs", "2701", "--on", "2018-01-01")
    assert payload["shipment"]["from"] == 731 and payload["shipment"]["to"] == 710


def test_korea_is_ambiguous_not_south_korea():
    result = runner.invoke(app, ["check", "--from", "Korea", "--to", "CHN", "--hs", "2701", "--on", "2018-01-01"])
    assert result.exit_code == 2
    assert "--from" in result.output and "ambiguous" in result.output and "731" in result.output


def test_trade_side_by_side_and_parts_of_years():
    groups = as_json("trade", "--reporter", "Russia", "--side-by-side")["groups"]
    periods = {(g["year"], g["period"]) for g in groups}
    assert (2016, "Jan–Aug") in periods and (2016, "whole year") in periods
    assert all(f["source"] for g in groups for f in g["figures"])
    china_2024 = as_json("trade", "--reporter", "China", "--year", "2024")
    whole = [r for r in china_2024 if not r["months"]]
    assert whole[0]["value_usd"] == 2_180_000_000 and whole[0]["status"] == "official"
    assert whole[0]["url"].startswith("https://")


def test_trade_assess():
    off = as_json("trade", "--assess", "26 million", "--reporter", "Russia", "--year", "2024")
    assert off["verdict"] == "off by -24%" and off["compared"][0]["value_usd"] == 34_000_000
    ok = as_json("trade", "--assess", "$2.2 bn", "--reporter", "China", "--year", "2024")
    assert ok["verdict"] == "consistent"
    none = as_json("trade", "--assess", "1 million", "--reporter", "Russia", "--year", "2021")
    assert none["verdict"] == "no figure" and "evaporated" in none["gaps"][0]["note"]
    part = as_json("trade", "--assess", "43m", "--reporter", "Russia", "--year", "2016", "--months", "Jan-Aug")
    assert part["verdict"] == "consistent" and any(c["period"] == "whole year" for c in part["context"])
    bad = runner.invoke(app, ["trade", "--assess", "lots", "--reporter", "Russia", "--year", "2024"])
    assert bad.exit_code == 2 and "--assess" in bad.output
