"""Claim checker: extraction on the example articles, every verdict kind, the JSON and HTML reports, the CLI,
and recall/precision on the held-out articles (examples/heldout/*.gold.json)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from foedus.claims.extract import detect_format, plain_text

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TODAY = dt.date(2026, 6, 1)
runner = CliRunner()


def test_html_is_reduced_to_visible_text():
    raw = (EXAMPLES / "articles" / "sanctions_trade.html").read_text(encoding="utf-8")
    assert detect_format(raw, "x.html") == "html"
    text = plain_text(raw, "html")
    assert "Coal exports from North Korea are banned." in text
    assert "are allowed" not in text  # the script's string is not article text
    assert "<p>" not in text and "color:black" not in text


def test_format_detection():
    assert detect_format("# Title\n\nText.", None) == "markdown"
    assert detect_format("Just text.", None) == "text"
    assert detect_format("<html><body><p>x</p></body></html>", None) == "html"


@pytest.fixture(scope="module")
def gazetteer(real_store):
    from foedus.claims.extract import Gazetteer

    return Gazetteer.from_store(real_store)


def _judge(real_store, gazetteer, name):
    from foedus.claims.evaluate import check_text

    raw = (EXAMPLES / "articles" / name).read_text(encoding="utf-8")
    plain, judged = check_text(real_store, raw, detect_format(raw, name), today=TODAY, gazetteer=gazetteer)
    return plain, {j.claim.text: j for j in judged}


def test_three_letter_codes_are_not_common_words(real_store, gazetteer):
    from foedus.claims.extract import extract

    claims = extract("Russia and North Korea are allies. Coal exports from North Korea are banned.", gazetteer)
    assert [c.subjects for c in claims] == [[365, 731], [731]]  # not Andorra ('and') or the UAE ('are')


def test_extraction_on_the_examples(real_store, gazetteer):
    _, history = _judge(real_store, gazetteer, "treaty_history.md")
    kinds = {text.split(" ")[1]: j.claim.kind for text, j in history.items()}
    assert kinds == {"1961": "event", "2000": "defence_clause", "new": "event", "treaty": "invocation"}
    _, blocs = _judge(real_store, gazetteer, "blocs.txt")
    assert [j.claim.kind for j in blocs.values()] == [
        "triangle", "allied", "defence_clause", "membership", "membership", "membership", "invocation"]
    assert not any("weather" in t for t in blocs)  # no claim in a sentence without one
    may = next(j.claim for t, j in blocs.items() if t.startswith("North Korea may join"))
    assert (may.subjects, may.object, may.modality) == ([731], "csto", "may")


def test_every_verdict_kind_with_evidence(real_store, gazetteer):
    _, history = _judge(real_store, gazetteer, "treaty_history.md")
    _, trade = _judge(real_store, gazetteer, "sanctions_trade.html")
    _, blocs = _judge(real_store, gazetteer, "blocs.txt")
    every = {**history, **trade, **blocs}

    def verdict(start: str) -> str:
        return next(j for t, j in every.items() if t.startswith(start)).verdict

    assert verdict("The 1961 treaty between the Soviet Union and North Korea expired") == "disputed"
    assert verdict("The 2000 treaty between Russia and North Korea contained") == "contradicted"
    assert verdict("The new treaty between Russia and North Korea was signed on 19 June 2023") == "contradicted"
    assert verdict("The treaty can be invoked if North Korea is attacked") == "supported"
    assert verdict("The 2017 sanctions prohibit any trade") == "overstated"
    assert verdict("Coal exports from North Korea are banned") == "supported"
    assert verdict("Refined petroleum may be sold") == "overstated"
    assert verdict("Trade between Russia and North Korea was a little over $1 million in 2021") == "unverifiable"
    assert verdict("Trade between Russia and North Korea was about $50 million in 2023") == "contradicted"
    assert verdict("Russia, China and North Korea form a triangle") == "contradicted"
    assert verdict("China and North Korea are allies") == "supported"
    assert verdict("Russia and China are allied by a defence pact") == "overstated"
    assert verdict("North Korea may join the CSTO") == "unverifiable"
    assert verdict("Belarus is a member of the CSTO") == "supported"
    assert verdict("Armenia is not a member of the CSTO") == "contradicted"
    assert verdict("Pyongyang invoked Article 2") == "unverifiable"
    for j in every.values():
        assert j.explanation and j.evidence, j.claim.text
        assert all(set(e) >= {"query", "answer", "sources"} for e in j.evidence)
    coal = next(j for t, j in every.items() if t.startswith("Coal exports"))
    assert any("S/RES/2371" in s for e in coal.evidence for s in e["sources"])


def test_offsets_point_into_the_text(real_store, gazetteer):
    plain, judged = _judge(real_store, gazetteer, "sanctions_trade.html")
    for j in judged.values():
        assert plain[j.claim.start:j.claim.end] == j.claim.text


def test_cli_json_contract_and_html_report(real_db_file, tmp_path):
    from foedus.cli import app

    article = (EXAMPLES / "articles" / "blocs.txt").read_text(encoding="utf-8")
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["check", "-", "--json", "--on", "2026-06-01", "--db", real_db_file,
                                 "--html", str(out)], input=article)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert list(payload) == ["claims"] and len(payload["claims"]) == 7
    for claim in payload["claims"]:
        assert list(claim) == ["text", "start", "end", "kind", "verdict", "explanation", "evidence"]
        assert article[claim["start"]:claim["end"]] == claim["text"]
        assert claim["verdict"] in ("supported", "contradicted", "overstated", "disputed", "unverifiable")
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert "<script" not in page and "<link" not in page and "src=" not in page  # nothing to fetch: offline
    assert page.count("<mark ") == 7 and 'href="#c1"' in page and 'id="c7"' in page


def test_cli_bad_file_is_a_one_line_error(real_db_file):
    from foedus.cli import app

    result = runner.invoke(app, ["check", "/nonexistent/article.md", "--db", real_db_file])
    assert result.exit_code == 2
    assert "no such file" in result.output


@pytest.mark.parametrize("article", ["russia_dprk_treaty.md", "blind_alliances_2026.md"])
def test_heldout_recall_and_precision(real_store, article, monkeypatch):
    """The held-out articles (gold files written by hand; the second one after the rules, never used to change
    them). Thresholds are below the measured values (1.0/1.0) so that a regression fails."""
    import importlib.util

    from foedus import dates

    monkeypatch.setattr(dates, "_clock", lambda: TODAY)
    spec = importlib.util.spec_from_file_location("score_heldout", EXAMPLES / "score_heldout.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = module.score(EXAMPLES / "heldout" / article, real_store)
    assert result["recall"] >= 0.9, result["missed"]
    assert result["precision"] >= 0.9, result["spurious"]
    right, total = map(int, result["verdict_agreement"].split("/"))
    assert right >= total - 2, result["verdict_differences"]
