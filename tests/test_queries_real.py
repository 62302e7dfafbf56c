"""As-of queries on the real ATOP 4.01 and COW data."""

from __future__ import annotations

import pytest

from foedus.errors import UnknownStateError
from foedus.naming import StateNames
from foedus.query import dyad, obligations, records, treaty


def owed(con, a, b, on) -> dict[str, set[str]]:
    """treaty_id -> obligations A owes B on `on`."""
    out = {}
    for r in records(dyad(con, a, b, on)):
        if r["from_ccode"] == a:
            out.setdefault(r["treaty_id"], set()).update(r["obligations"])
    return out


def test_ussr_dprk_mutual_defense_in_1990(real_store):
    for a, b in ((365, 731), (731, 365)):
        assert "defense" in owed(real_store, a, b, "1990-01-01")["atop:3440"]


def test_russia_dprk_consultation_not_defense_in_2010(real_store):
    both = owed(real_store, 365, 731, "2010-06-01")
    assert both["atop:4940"] == {"consultation"}
    assert not any("defense" in obligations for obligations in both.values())
    assert "atop:3440" not in both


def test_1961_treaty_ends_on_exit_day(real_store):
    assert "atop:3440" in owed(real_store, 365, 731, "1996-09-09")
    assert "atop:3440" not in owed(real_store, 365, 731, "1996-09-10")


@pytest.mark.parametrize("year", [1961, 1970, 1985, 2000, 2016])
def test_china_dprk_mutual_defense_throughout(real_store, year):
    on = f"{year}-12-01"
    assert "defense" in owed(real_store, 710, 731, on)["atop:3445"]
    assert "defense" in owed(real_store, 731, 710, on)["atop:3445"]


def test_us_japan_is_asymmetric(real_store):
    assert "defense" in owed(real_store, 2, 740, "1990-01-01")["atop:3375"]
    assert "defense" not in owed(real_store, 740, 2, "1990-01-01")["atop:3375"]


def test_after_coverage_the_answer_says_the_data_end(real_store):
    rows = records(dyad(real_store, 40, 731, "2025-01-01"))  # Cuba–DPRK (ATOP 3975): not in the register
    cuba = [r for r in rows if r["treaty_id"] == "atop:3975"]
    assert cuba and all(r["status"] == "unknown_after_coverage" for r in cuba)
    assert all(r["coverage_end"] == "2016-12-31" for r in cuba)
    # issue 15: past coverage, nothing known to end it and no fixed term: presumed, and the note says so
    assert "in force at end of ATOP 4.01 coverage, 2016-12-31" in cuba[0]["note"]
    assert cuba[0]["tier"] == "presumed" and "presumed in force" in cuba[0]["note"]
    inside = records(dyad(real_store, 40, 731, "2016-06-01"))
    assert all(r["status"] == "in_force" and "coverage_end" not in r for r in inside)


def test_after_coverage_the_register_confirms_or_ends(real_store):
    china = [r for r in records(dyad(real_store, 710, 731, "2025-01-01")) if r["treaty_id"] == "atop:3445"]
    assert china and all(r["status"] == "in_force" and r["confirmed_by"] for r in china)
    russia = records(dyad(real_store, 365, 731, "2025-01-01"))
    assert "atop:4940" not in {r["treaty_id"] for r in russia}  # ended 2024-12-04 by the 2024 treaty
    assert any("defense" in r["obligations"] and r["treaty_id"].startswith("reg:") for r in russia)


def test_obligations_lists_both_directions_with_sources(real_store):
    rows = records(obligations(real_store, 731, "1990-01-01"))
    partners = {r["to_ccode"] for r in rows if r["from_ccode"] == 731}
    assert {365, 710} <= partners
    assert all(r["source"]["dataset"] == "ATOP" and r["source"]["line"] > 1 for r in rows)


def test_treaty_record(real_store):
    record = treaty(real_store, "3180")
    assert record["treaty_id"] == "atop:3180"
    phases = {m["phase"] for m in record["members"]}
    assert phases == {1, 2}
    assert "defense" in record["obligations"]
    germany = [m for m in record["members"] if m["ccode"] == 260]
    assert germany and germany[0]["exit"] == "1990-10-03"


@pytest.mark.parametrize(
    "text, code",
    [("731", 731), ("PRK", 731), ("North Korea", 731), ("DPRK", 731), ("Korea, North", 731),
     ("Russia", 365), ("USSR", 365), ("Soviet Union", 365), ("cow:AUS", 305), ("iso:AUS", 900),
     ("Australia", 900), ("Austria", 305), ("gw:260", 255), ("United States", 2), ("Japan", 740)],
)
def test_state_names(real_store, text, code):
    assert StateNames(real_store).resolve(text).code == code


def test_colliding_code_says_which_state_was_picked(real_store):
    found = StateNames(real_store).resolve("AUS")
    assert found.code == 900 and "ISO3" in found.how and "cow:AUS" in found.ambiguous


def test_unknown_name_suggests_closest(real_store):
    with pytest.raises(UnknownStateError) as caught:
        StateNames(real_store).resolve("Nort Korae")
    assert any("731" in s for s in caught.value.suggestions) or "731" in str(caught.value)
    with pytest.raises(UnknownStateError, match="closest matches"):
        StateNames(real_store).resolve("Atlantisia")
