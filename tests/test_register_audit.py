"""The citation audit of the shipped register: every domain classified, no home-page-only citation."""

from __future__ import annotations

import pytest

from foedus.register.audit import audit, domain_kind, home_page_only


@pytest.fixture(scope="module")
def result():
    return audit()


def test_every_citation_is_classified_and_none_is_home_page_only(result):
    data = result.to_json()
    assert data["citations"] >= 100
    assert data["by_kind"]["unclassified"] == 0, [c["url"] for c in data["details"] if c["kind"] == "unclassified"]
    assert data["home_page_only"] == []
    assert data["ok"] and data["new_entries_without_url"] == []


@pytest.mark.xfail(strict=True, reason="weak citations are 17.8% on 2026-12-01; 23 still to replace (see report)")
def test_weak_citations_under_ten_percent(result):
    assert result.weak_share < 0.10


def test_classification_rules():
    assert domain_kind("https://www.nato.int/docu/pr/2003/p030216e.htm") == ("nato.int", "primary")
    assert domain_kind("https://en.wikipedia.org/wiki/ANZUS")[1] == "weak"
    assert domain_kind("https://example.invalid/x") == (None, "unclassified")
    assert home_page_only("https://www.osw.waw.pl") and not home_page_only("https://tass.com/world/1950153")
