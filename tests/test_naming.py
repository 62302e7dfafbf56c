"""foedus.naming: one resolver, names that never mislead (issue 16.3), bounded work (issue 12).

Store-free tests use the data tables in foedus/data; the `realdata` ones use the real COW/GW lists."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from importlib import resources

import pytest

from foedus.errors import BadInputError, UnknownStateError
from foedus.naming import (
    MAX_NAME_LENGTH,
    AmbiguousStateError,
    NotAStateError,
    StateNames,
    check_pair,
    code_for,
    fold,
    gw_to_cow,
    iso_entry,
    m49_to_alpha3,
    membership_note,
    offline_name,
    related_states,
    resolve_offline,
)

D = dt.date


def _table(name: str) -> list[dict]:
    with resources.files("foedus.data").joinpath(name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# ------------------------------------------------------------------------------ tables (store-free)


def test_iso_table_codes_are_unique_and_well_formed():
    rows = _table("iso_codes.csv")
    assert len(rows) >= 249
    alpha3 = Counter(r["alpha3"] for r in rows)
    assert [code for code, n in alpha3.items() if n > 1] == []
    current = [r for r in rows if r["status"] == "current"]
    assert len(current) == 249
    assert [c for c, n in Counter(r["alpha2"] for r in current).items() if n > 1] == []
    assert [c for c, n in Counter(r["m49"] for r in current).items() if n > 1] == []
    for row in rows:
        assert len(row["alpha2"]) == 2 and len(row["alpha3"]) == 3 and row["alpha3"].isupper()
        assert row["m49"] == "" or (len(row["m49"]) == 3 and row["m49"].isdigit())
        assert row["name"] and row["official_name"]
        assert row["status"] in {"current", "former", "user-assigned"}
        for column in ("cow", "gw"):
            assert row[column] == "" or row[column].isdigit()


def test_iso_table_knows_the_usual_rows():
    assert iso_entry("PRK")["cow"] == 731 and iso_entry("KP")["cow"] == 731 and iso_entry("408")["cow"] == 731
    assert iso_entry("DEU")["cow"] == 255 and iso_entry("DEU")["gw"] == 260
    assert iso_entry("HKG")["cow"] is None
    assert m49_to_alpha3("643") == "RUS" and m49_to_alpha3(156) == "CHN"
    assert m49_to_alpha3("180") == "COD"  # the current entry wins over Zaire (former)
    assert m49_to_alpha3("x") is None and m49_to_alpha3("99999") is None


def test_successions_and_ambiguous_tables_are_consistent():
    kinds = {"partition", "unification", "annexation", "confederation", "dissolution", "independence",
             "restoration", "occupation", "secession", "conquest", "union", "separation"}
    for row in _table("state_successions.csv"):
        assert row["predecessor"] != row["successor"]
        assert row["kind"] in kinds and row["source"].startswith("Correlates of War")
        D.fromisoformat(row["date"])
    groups = Counter(fold(r["name"]) for r in _table("state_ambiguous_names.csv"))
    assert all(n >= 2 for n in groups.values())
    assert {"korea", "congo", "germany", "yemen", "vietnam"} <= set(groups)


def test_aliases_are_unique_after_folding_and_cited():
    rows = _table("state_aliases.csv")
    folded: dict[str, set[int]] = {}
    for row in rows:
        folded.setdefault(fold(row["alias"]), set()).add(int(row["ccode"]))
    assert [a for a, codes in folded.items() if len(codes) > 1] == []  # spellings may repeat, codes may not
    assert all(r["source"] for r in rows)
    ambiguous = {fold(r["name"]) for r in _table("state_ambiguous_names.csv")}
    assert not ambiguous & set(folded), "an ambiguous name must not also be a plain alias"


def test_gw_codes_map_by_date():
    assert gw_to_cow(260) == 255
    assert gw_to_cow(260, D(1970, 1, 1)) == 260
    assert gw_to_cow(260, D(1991, 1, 1)) == 255
    assert gw_to_cow(678, D(1980, 1, 1)) == 678 and gw_to_cow(678) == 679
    assert gw_to_cow(970) == 946 and gw_to_cow(2) == 2


# --------------------------------------------------------------------------- offline resolver


@pytest.mark.parametrize(
    "text, code",
    [("North Korea", 731), ("DPRK", 731), ("PRK", 731), ("Korea, North", 731), ("South Korea", 732),
     ("Korea, Republic of", 732), ("Russian Federation", 365), ("Türkiye", 640), ("Turkiye", 640),
     ("Czechia", 316), ("Eswatini", 572), ("North Macedonia", 343), ("Côte d'Ivoire", 437), ("Cote d'Ivoire", 437),
     ("Cabo Verde", 402), ("Timor-Leste", 860), ("Myanmar/Burma", 775), ("Viet Nam", None), ("Lao PDR", 812),
     ("Iran (Islamic Republic of)", 630), ("United States of America", 2), ("UK", 200), ("Great Britain", 200),
     ("cow:731", 731), ("iso:KOR", 732), ("iso:KP", 731), ("iso:408", 731), ("gw:260", 255), ("  china ", 710),
     ("Antigua & Barbuda", 58), ("731", 731), (365, 365)],
)
def test_offline_names(text, code):
    if code is None:
        with pytest.raises(AmbiguousStateError):
            resolve_offline(text)
    else:
        assert resolve_offline(text) == code


@pytest.mark.parametrize("text, codes", [("Korea", {730, 731, 732}), ("Congo", {484, 490}),
                                         ("Germany", {255, 260, 265}), ("Yemen", {678, 679, 680}),
                                         ("Vietnam", {816, 817})])
def test_offline_ambiguous_names_list_candidates(text, codes):
    with pytest.raises(AmbiguousStateError) as caught:
        resolve_offline(text, parameter="--from")
    error = caught.value
    assert isinstance(error, BadInputError) and error.parameter == "--from"
    assert {c["ccode"] for c in error.candidates} == codes
    assert all(str(code) in str(error) for code in codes)
    assert all(c["member"] for c in error.candidates)


def test_offline_date_settles_or_not():
    assert resolve_offline("Yemen", D(2000, 1, 1)) == 679
    assert resolve_offline("Germany", D(2000, 1, 1)) == 255
    assert resolve_offline("Vietnam", D(2000, 1, 1)) == 816
    with pytest.raises(AmbiguousStateError):
        resolve_offline("Korea", D(2024, 6, 1))  # never silently South Korea


def test_offline_errors():
    with pytest.raises(NotAStateError, match="no COW state code"):
        resolve_offline("Hong Kong")
    with pytest.raises(NotAStateError):
        resolve_offline("iso:HKG")
    with pytest.raises(UnknownStateError) as caught:
        resolve_offline("Nort Korea")
    assert any("731" in s for s in caught.value.suggestions)
    with pytest.raises(UnknownStateError):
        resolve_offline("  ")
    assert offline_name(731) == "North Korea" and offline_name(99999) == "99999"


@pytest.mark.parametrize("length", [MAX_NAME_LENGTH + 1, 10_000, 100_000])
def test_long_names_are_refused_at_once(length):
    with pytest.raises(BadInputError) as caught:
        resolve_offline("Q" * length, parameter="attackers")
    assert caught.value.parameter == "attackers" and str(MAX_NAME_LENGTH) in str(caught.value)
    assert len(str(caught.value)) < 300
    with pytest.raises(BadInputError):
        resolve_offline("united states of " * (length // 17 + 1))


def test_name_at_the_bound_is_read():
    with pytest.raises(UnknownStateError):
        resolve_offline("Q" * MAX_NAME_LENGTH)


def test_check_pair():
    check_pair(365, 731)
    with pytest.raises(BadInputError) as caught:
        check_pair(365, 365, ("a", "b"))
    assert caught.value.parameter == "b" and "same state" in str(caught.value)


def test_related_states_walks_the_succession_table():
    def members(*codes):
        return lambda code, on: code in codes

    found, _ = related_states(315, D(2000, 1, 1), members(316, 317))
    assert {c for c, _ in found} == {316, 317}
    found, passed = related_states(255, D(1950, 1, 1), members())
    assert found == [] and {c for c, _ in passed} >= {260, 265}
    found, _ = related_states(731, D(1920, 1, 1), members(740))
    assert [c for c, _ in found] == [740]
    # Germany's restoration of Austria (1945) is not a reason to name Germany for Austria in 1900.
    found, _ = related_states(305, D(1900, 1, 1), members(300, 255))
    assert [c for c, _ in found] == [300]


# ------------------------------------------------------------------------------ store (real data)


@pytest.fixture(scope="module")
def names(real_store):
    return StateNames(real_store)


@pytest.mark.realdata
def test_every_cow_code_in_the_tables_exists(names):
    for row in _table("iso_codes.csv"):
        if row["cow"]:
            assert int(row["cow"]) in names.cow, row
    for row in _table("state_aliases.csv"):
        assert int(row["ccode"]) in names.cow, row
    for row in _table("state_successions.csv"):
        assert int(row["predecessor"]) in names.cow and int(row["successor"]) in names.cow, row


@pytest.mark.realdata
def test_colliding_three_letter_codes_are_the_documented_ones(names):
    collisions = set()
    for row in _table("iso_codes.csv"):
        cow = names.cow_abbr.get(row["alpha3"])
        if cow is not None and (not row["cow"] or int(row["cow"]) != cow):
            collisions.add(row["alpha3"])
    assert collisions == {"AUS", "CZE", "SLV", "SWZ", "KOR", "MNG", "MAC"}


@pytest.mark.realdata
def test_ambiguous_table_dates_match_the_store(names):
    for row in _table("state_ambiguous_names.csv"):
        assert names.membership(int(row["ccode"])) == row["member"].replace("/", "–").replace(";", ", "), row


@pytest.mark.realdata
@pytest.mark.parametrize(
    "text, on, codes",
    [("Korea", None, {730, 731, 732}), ("Korea", D(2000, 1, 1), {730, 731, 732}), ("Congo", D(2000, 1, 1), {484, 490}),
     ("Germany", None, {255, 260, 265}), ("Germany", D(1950, 1, 1), {255, 260, 265}), ("Yemen", None, {678, 679, 680}),
     ("Vietnam", D(1970, 1, 1), {816, 817}), ("Viet Nam", None, {816, 817}), ("Republic of China", D(1960, 1, 1),
                                                                              {710, 713})],
)
def test_ambiguous_names_are_errors_listing_codes_and_dates(names, text, on, codes):
    with pytest.raises(AmbiguousStateError) as caught:
        names.resolve(text, on, parameter="a")
    error = caught.value
    assert error.parameter == "a" and {c["ccode"] for c in error.candidates} == codes
    message = str(error)
    assert all(f"({code}, COW member" in message for code in codes)
    if on is not None:
        assert on.isoformat() in message


@pytest.mark.realdata
def test_germany_1950_names_both_german_states(names):
    with pytest.raises(AmbiguousStateError) as caught:
        names.resolve("Germany", D(1950, 1, 1))
    message = str(caught.value)
    assert "German Federal Republic (260" in message and "German Democratic Republic (265" in message
    assert "none of them is a COW system member" in message


@pytest.mark.realdata
@pytest.mark.parametrize(
    "text, on, code",
    [("Germany", D(2000, 1, 1), 255), ("Germany", D(1930, 1, 1), 255), ("Korea", D(1890, 1, 1), 730),
     ("Yemen", D(2000, 1, 1), 679), ("Yemen", D(2024, 1, 1), 679), ("Vietnam", D(2000, 1, 1), 816),
     ("Republic of China", D(1930, 1, 1), 710)],
)
def test_a_date_settles_an_ambiguous_name(names, text, on, code):
    found = names.resolve(text, on)
    assert found.code == code and found.ambiguous and on.isoformat() in found.how


@pytest.mark.realdata
@pytest.mark.parametrize(
    "text, code",
    [("731", 731), ("PRK", 731), ("North Korea", 731), ("DPRK", 731), ("Korea, North", 731), ("Russia", 365),
     ("USSR", 365), ("cow:AUS", 305), ("iso:AUS", 900), ("iso:AU", 900), ("iso:036", 900), ("Australia", 900),
     ("Austria", 305), ("gw:260", 255), ("United States", 2), ("Japan", 740), ("Türkiye", 640), ("Czechia", 316),
     ("Eswatini", 572), ("Timor-Leste", 860), ("Lao People's Democratic Republic", 812), ("Sudan", 625),
     ("Federated States of Micronesia", 987), ("Republic of Korea", 732), ("MAC", 343), ("cow:MAC", 343)],
)
def test_names_resolve(names, text, code):
    assert names.resolve(text).code == code


@pytest.mark.realdata
def test_colliding_code_says_which_state_was_picked(names):
    found = names.resolve("AUS")
    assert found.code == 900 and "ISO3" in found.how and "cow:AUS" in found.ambiguous
    found = names.resolve("MAC")
    assert found.code == 343 and "iso:MAC" in found.ambiguous


@pytest.mark.realdata
def test_gw_prefix_reads_the_date(names):
    assert names.resolve("gw:260", D(1970, 1, 1)).code == 260
    assert names.resolve("gw:260", D(2000, 1, 1)).code == 255


@pytest.mark.realdata
def test_unknown_and_bounded(names):
    with pytest.raises(UnknownStateError) as caught:
        names.resolve("Nort Korae")
    assert any("731" in s for s in caught.value.suggestions)
    with pytest.raises(BadInputError) as caught:
        names.resolve("Q" * 100_000, parameter="attackers")
    assert caught.value.parameter == "attackers"
    with pytest.raises(NotAStateError):
        names.resolve("Greenland")
    with pytest.raises(UnknownStateError):
        names.resolve(99999)


@pytest.mark.realdata
def test_membership_notes(names, real_store):
    note = membership_note(real_store, 315, D(2000, 1, 1))
    assert "not a COW system member on 2000-01-01" in note
    assert "Czech Republic (316)" in note and "Slovakia (317)" in note
    note = membership_note(names, 731, D(1800, 1, 1))
    assert "before 1816-01-01" in note and "1948-09-09" in note
    note = membership_note(names, 255, D(1950, 1, 1))
    assert "(260" in note and "(265" in note
    note = membership_note(names, 300, D(2000, 1, 1))
    assert all(f"({code})" in note for code in (305, 310, 316, 317))
    assert membership_note(names, 365, D(2000, 1, 1)) is None
    assert membership_note(names, 731, D(2024, 6, 1)) is None  # after the list ends, members carry on
    note = names.resolve("Czechoslovakia", D(2000, 1, 1)).note
    assert note and "Slovakia (317)" in note


@pytest.mark.realdata
def test_code_for_accepts_ints_and_names(real_store, names):
    assert code_for(real_store, 731) == 731
    assert code_for(real_store, "DPRK") == 731
    assert code_for(names, "Germany", on=D(2000, 1, 1)) == 255
    with pytest.raises(AmbiguousStateError) as caught:
        code_for(real_store, "Korea", parameter="b")
    assert caught.value.parameter == "b"


@pytest.mark.realdata
def test_check_pair_names_the_state(names):
    with pytest.raises(BadInputError, match=r"Russia \(365\)"):
        check_pair(365, names.resolve("USSR").code, names=names)
