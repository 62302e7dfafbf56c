"""`foedus sanctions` via the typer sub-app: check (single, JSON, batch), on, history, screen, trade, plot."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from foedus.cli.sanctions import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def as_json(*args: str):
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_check_json_contract_day_before_and_of_2371():
    before = as_json("check", "--from", "PRK", "--to", "China", "--hs", "2701", "--on", "2017-08-04")
    after = as_json("check", "--from", "North Korea", "--to", "CHN", "--hs", "2701", "--on", "2017-08-05")
    assert before["verdict"] == "conditional" and after["verdict"] == "prohibited"
    measure = after["measures"][0]
    assert (measure["resolution"], measure["paragraph"], measure["kind"]) == (2371, "8", "export_ban")
    cap = before["measures"][0]
    assert cap["aggregate"] is True and "notification" in cap["requires"]
    assert {c["unit"] for c in cap["caps"]} == {"usd", "t"}
    assert after["shipment"] == {
        "from": 731,
        "to": 710,
        "hs": "2701",
        "date": "2017-08-05",
        "purpose": None,
        "quantity": None,
        "unit": None,
        "labour": False,
        "joint_venture": False,
        "origin": None,
    }


def test_check_exempt_names_what_it_requires():
    payload = as_json(
        "check",
        "--from",
        "China",
        "--to",
        "DPRK",
        "--hs",
        "8432",
        "--on",
        "2019-06-01",
        "--purpose",
        "humanitarian",
    )
    assert payload["verdict"] == "exempt"
    exemption = payload["measures"][0]["exemption"]
    assert exemption["resolution"] == 2397 and exemption["paragraph"] == "25"
    assert "Committee" in exemption["requires"]


def test_check_labour_after_deadline_and_quantity_over_cap():
    labour = as_json("check", "--from", "DPRK", "--to", "Russia", "--labour", "--on", "2019-12-23")
    assert labour["verdict"] == "prohibited"
    assert [m["resolution"] for m in labour["measures"]] == [2375, 2397]
    over = as_json(
        "check",
        "--from",
        "RUS",
        "--to",
        "PRK",
        "--hs",
        "2710",
        "--on",
        "2018-02-01",
        "--quantity",
        "600000",
        "--unit",
        "bbl",
    )
    assert over["verdict"] == "prohibited" and over["measures"][0]["exceeds_cap"] is True


def test_check_human_output_shows_verdict_and_citation():
    result = invoke("check", "--from", "PRK", "--to", "China", "--hs", "6109", "--on", "2017-09-11")
    assert result.exit_code == 0
    assert "PROHIBITED" in result.output and "S/RES/2375 (2017)" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("check", "--from", "PRK", "--to", "China", "--hs", "2701", "--on", "2017-08"), "full date"),
        (
            ("check", "--from", "Atlantis", "--to", "China", "--hs", "2701", "--on", "2017-08-05"),
            "Unknown state",
        ),
        (
            ("check", "--from", "PRK", "--to", "China", "--hs", "271", "--on", "2017-08-05"),
            "odd number of digits",
        ),
        (("check", "--from", "PRK", "--to", "China", "--on", "2017-08-05"), "--hs"),
        (("check", "--from", "PRK", "--hs", "2701", "--on", "2017-08-05"), "--to"),
        (
            ("check", "--from", "PRK", "--to", "CHN", "--hs", "2701", "--on", "2017-08-05", "--purpose", "x"),
            "purpose",
        ),
        (("check", "--batch", "whatever.csv"), "--out"),
    ],
)
def test_check_errors_are_clean(args, message):
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_batch_mode_and_malformed_row(tmp_path):
    source = tmp_path / "shipments.csv"
    source.write_text("from,to,hs,date\nPRK,China,2701,2017-08-04\nPRK,China,2701,2017-08-05\n")
    out = tmp_path / "verdicts.csv"
    result = invoke("check", "--batch", str(source), "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["verdicts"] == {
        "prohibited": 1,
        "conditional": 1,
        "exempt": 0,
        "permitted": 0,
    }
    assert out.read_text().splitlines()[2].startswith("PRK,China,2701,2017-08-05,prohibited,coal-iron-2371")
    source.write_text("from,to,hs,date\nPRK,China,2701,2017-08-04\nPRK,China,2701,August\n")
    bad_out = tmp_path / "bad.csv"
    result = invoke("check", "--batch", str(source), "--out", str(bad_out))
    assert result.exit_code == 2
    assert "line 3" in result.output and "'date'" in result.output
    assert not bad_out.exists()


def test_on_and_history():
    on = as_json("on", "2017-08-05")
    ids = {m["id"] for m in on["measures"]}
    assert "coal-iron-2371" in ids and "coal-cap-2321" not in ids
    assert all({"resolution", "paragraph", "kind"} <= set(m) for m in on["measures"])
    history = as_json("history")
    resolutions = [e["resolution"] for e in history if e["type"] == "resolution"]
    assert resolutions == [1718, 1874, 2087, 2094, 2270, 2321, 2356, 2371, 2375, 2397]
    r2371 = next(e for e in history if e.get("resolution") == 2371 and e["type"] == "resolution")
    assert {r["id"] for r in r2371["replaced"]} == {"coal-cap-2321", "iron-2270"}
    assert any("Panel of Experts mandate expires" in e.get("event", "") for e in history)
    table = invoke("on", "2018-01-01")
    assert table.exit_code == 0 and "in force on 2018-01-01" in table.output


def test_screen_small_file(tmp_path):
    path = tmp_path / "trade.csv"
    path.write_text(
        "refYear,reporterISO,partnerISO,flowCode,cmdCode,primaryValue\n"
        "2018,CHN,PRK,M,6109,100\n2018,CHN,PRK,M,9999,5\n2016,CHN,PRK,M,6109,7\n"
    )
    out = tmp_path / "flags.csv"
    payload = as_json("screen", str(path), "--out", str(out))
    assert [(f["row"], f["measure"]) for f in payload["flags"]] == [(0, "textiles-2375")]
    summary = {s["year"]: s for s in payload["summary"]}
    assert summary[2018]["flagged_value_usd"] == 100 and summary[2016]["flagged_rows"] == 0
    assert "textiles-2375" in out.read_text()
    human = invoke("screen", str(path))
    assert human.exit_code == 0 and "Per partner and year" in human.output


def test_trade_and_plot(tmp_path):
    rows = as_json("trade", "--reporter", "Russia")
    assert {r["reporter"] for r in rows} == {365}
    assert any(r["year"] == 2023 and r["value_usd"] == 34_400_000 for r in rows)
    image = tmp_path / "russia.svg"
    result = invoke("plot", "--out", str(image), "--reporter", "Russia")
    assert result.exit_code == 0, result.output
    assert "<svg" in image.read_text()
    bad = invoke("plot", "--out", str(tmp_path / "x.gif"))
    assert bad.exit_code == 2 and ".png or .svg" in bad.output


def test_broken_regime_file_is_a_clean_error(tmp_path):
    path = tmp_path / "measures.yaml"
    path.write_text("name: x\ntarget: 731\n", encoding="utf-8")
    result = invoke("on", "2018-01-01", "--regime", str(path))
    assert result.exit_code == 2
    assert "measures.yaml" in result.output and "field 'committee'" in result.output
