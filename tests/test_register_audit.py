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


def test_weak_citations_under_ten_percent(result):
    weak = [c.url for c in result.citations if c.kind == "weak"]
    assert result.weak_share < 0.10, weak


def test_register_term_fields_reach_the_treaty_attributes():
    """Treaty term_end / renewal / renewal_months (read by the term rule) are validated and stored."""
    import json

    from foedus.register.load import load_register
    from foedus.register.model import Treaty
    from foedus.register.store import _Rows, _treaty_rows

    register = load_register()
    treaty = next(e for _, e in register.of_kind(Treaty) if e.id == "russia-belarus-security-guarantees-2024")
    assert (treaty.term_end, treaty.renewal, treaty.renewal_months) == ("2035-03-13", "automatic", 120)
    rows = _Rows(1)
    _treaty_rows(rows, "post2017.yaml", "2026-12-01", treaty)
    attributes = json.loads(rows.tables["treaties"][0]["attributes"])
    assert attributes["term_end"] == "2035-03-13" and attributes["renewal"] == "automatic"
    assert attributes["renewal_months"] == 120


def test_renewal_months_needs_automatic_renewal():
    from pydantic import ValidationError

    from foedus.register.model import Treaty

    base = {"kind": "treaty", "id": "x-y", "name": "X", "members": [{"ccode": 2}, {"ccode": 20}], "signed": "2020",
            "checked": "2026-12-01", "citations": [{"title": "abc", "issuer": "xy", "date": "2020"}]}
    with pytest.raises(ValidationError, match="renewal_months needs renewal: automatic"):
        Treaty(**base, renewal_months=60)
    with pytest.raises(ValidationError, match="contradicts a term_end"):
        Treaty(**base, renewal="indefinite", term_end="2030")
    assert Treaty(**base, term_end="2030-01-01", renewal="automatic", renewal_months=60).renewal_months == 60


def test_classification_rules():
    assert domain_kind("https://www.nato.int/docu/pr/2003/p030216e.htm") == ("nato.int", "primary")
    assert domain_kind("https://en.wikipedia.org/wiki/ANZUS")[1] == "weak"
    assert domain_kind("https://example.invalid/x") == (None, "unclassified")
    assert home_page_only("https://www.osw.waw.pl") and not home_page_only("https://tass.com/world/1950153")
