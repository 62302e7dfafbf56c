"""The curated register: it validates, its dates are consistent, and broken files are named precisely."""

from __future__ import annotations

import re
import textwrap

import pytest

from foedus.register.load import RegisterError, load_register
from foedus.register.model import DatasetUpdate, Organization, StatusNote, Treaty, day


@pytest.fixture(scope="module")
def register():
    return load_register()


def test_register_validates_and_ids_are_unique(register):
    ids = [e.id for _, e in register.entries()]
    assert len(ids) == len(set(ids)) >= 25


def test_every_entry_cites_a_source_and_every_obligation_names_its_article(register):
    for _, entry in register.entries():
        assert entry.citations, entry.id
        for citation in entry.citations:
            assert citation.title and citation.issuer and citation.date
        if isinstance(entry, Treaty):
            assert entry.obligations, entry.id
            assert all(ob.article for ob in entry.obligations)
        if isinstance(entry, Organization) and entry.mutual_defence:
            assert entry.defence_article


def _treaty_dates(e: Treaty) -> None:
    dates = [day(d) for d in (e.signed, e.in_force, e.end) if d]
    assert dates == sorted(dates), e.id
    for m in e.members:
        assert day(m.joined or e.start()) >= day(e.signed)
        if m.left:
            assert day(m.left) >= day(m.joined or e.start())


def _dataset_update_dates(e: DatasetUpdate) -> None:
    if e.in_force_from and e.in_force_until:
        assert day(e.in_force_from) <= day(e.in_force_until), e.id
    if e.action == "termination" and e.in_force_from:
        assert day(e.in_force_from) <= day(e.date), e.id


def _organization_dates(e: Organization) -> None:
    for m in e.members:
        if m.left:
            assert day(m.joined) <= day(m.left), (e.id, m.ccode)
        for s in m.suspensions:
            assert day(m.joined) <= day(s.start)


def _status_note_dates(e: StatusNote) -> None:
    if e.end:
        assert day(e.start) <= day(e.end)


# each kind of entry -> the check of its dates
_DATE_CHECKS = (
    (Treaty, _treaty_dates),
    (DatasetUpdate, _dataset_update_dates),
    (Organization, _organization_dates),
    (StatusNote, _status_note_dates),
)


def test_dates_are_consistent(register):
    for _, e in register.entries():
        for kind, check in _DATE_CHECKS:
            if isinstance(e, kind):
                check(e)


def _by_id(register):
    return {e.id: e for _, e in register.entries()}


def test_minimum_content_is_there(register):
    found = _by_id(register)
    new = found["russia-dprk-2024"]
    assert (new.signed, new.in_force) == ("2024-06-19", "2024-12-04")
    assert {ob.type: ob.article for ob in new.obligations} == {"defense": "Art. 4", "consultation": "Art. 3"}
    assert "state of war" in next(ob.condition_text for ob in new.obligations if ob.type == "defense")
    links = {e.atopid: e for e in found.values() if isinstance(e, DatasetUpdate)}
    assert {3440, 3445, 4940, 4980, 3180, 4220, 3375, 3240, 3210, 3215} <= set(links)
    assert links[4940].action == "termination" and links[4940].date == "2024-12-04"
    assert links[4940].ended_by == "reg:russia-dprk-2024"
    assert links[4980].action == "extension" and links[4980].date.startswith("2021")
    assert links[3445].action == "confirmation" and links[3445].in_force_until is None
    nato = found["nato"]
    joined = {m.ccode: m.joined for m in nato.members}
    assert joined[341] == "2017-06-05" and joined[343] == "2020-03-27"
    assert joined[375] == "2023-04-04" and joined[380] == "2024-03-07"
    csto = found["csto"]
    assert any(s.start == "2012-12-19" for m in csto.members if m.ccode == 704 for s in m.suspensions)
    freeze = found["csto-armenia-freeze"]
    assert (freeze.member, freeze.status) == (371, "frozen")
    sco = {m.ccode: m.joined for m in found["sco"].members}
    assert (sco[750], sco[770], sco[630], sco[370]) == (
        "2017-06-09",
        "2017-06-09",
        "2023-07-04",
        "2024-07-04",
    )
    brics = {m.ccode: m.joined for m in found["brics"].members if m.role == "member"}
    assert {651, 530, 630, 696, 850} <= set(brics)
    for org in ("aukus", "quad", "anzus"):
        assert org in found
    iran = found["russia-iran-2025"]
    assert {ob.type for ob in iran.obligations} == {"neutrality"}
    for treaty in (
        "russia-belarus-security-guarantees-2024",
        "saudi-pakistan-smda-2025",
        "france-poland-nancy-2025",
    ):
        assert any(ob.type == "defense" for ob in found[treaty].obligations)


def test_uncertain_facts_carry_competing_readings(register):
    ussr = _by_id(register)["atop-3440-ussr-dprk-1961"]
    assert ussr.uncertain
    ends = {r.value for r in ussr.readings if r.field == "end"}
    assert {"1995-09-07", "1996-09-10"} <= ends
    assert all(r.sources for r in ussr.readings)


GOOD = """
title: test
checked: 2025-01-01
entries:
  - kind: treaty
    id: test-treaty
    name: A test treaty
    members: [{ccode: 2}, {ccode: 20}]
    signed: 2020-01-01
    in_force: 2020-06-01
    obligations:
      - type: defense
        article: Art. 1
    checked: 2025-01-01
    citations:
      - {title: A source, issuer: Somebody, date: 2020-01-01, url: "https://example.org"}
"""


def _write(tmp_path, text: str):
    (tmp_path / "broken.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def test_a_good_file_loads(tmp_path):
    register = load_register(_write(tmp_path, GOOD))
    assert [e.id for _, e in register.entries()] == ["test-treaty"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (("in_force: 2020-06-01", "in_force: 2019-06-01"), None, "before signed"),
        (("in_force: 2020-06-01", "in_force: 2020-13-01"), "in_force", "not a valid date"),
        (("type: defense", "type: protection"), "obligations[0].type", "defense"),
        (("        article: Art. 1\n", ""), "obligations[0].article", "Field required"),
        (
            (
                '    citations:\n      - {title: A source, issuer: Somebody, date: 2020-01-01, url: "https://example.org"}\n',
                "    citations: []\n",
            ),
            "citations",
            "at least 1",
        ),
        (
            ("checked: 2025-01-01\n    citations", "checked: 2025-01-01\n    uncertain: true\n    citations"),
            None,
            "two competing readings",
        ),
        (("members: [{ccode: 2}, {ccode: 20}]", "members: [{ccode: 2}, {ccode: 2}]"), None, "listed twice"),
    ],
)
def test_a_broken_file_names_file_entry_and_field(tmp_path, change, field, message):
    old, new = change
    assert old in GOOD
    with pytest.raises(RegisterError) as caught:
        load_register(_write(tmp_path, GOOD.replace(old, new, 1)))
    error = caught.value
    assert error.file == "broken.yaml"
    assert error.entry == "test-treaty"
    if field is not None:
        assert error.field == field
    assert message in str(error)
    assert str(error).startswith("broken.yaml, entry 'test-treaty'")


def test_an_entry_without_id_is_named_by_position(tmp_path):
    with pytest.raises(RegisterError) as caught:
        load_register(_write(tmp_path, GOOD.replace("    id: test-treaty\n", "")))
    assert caught.value.entry == "#1" and caught.value.field == "id"


def test_unknown_references_and_duplicate_ids_are_caught(tmp_path):
    broken = GOOD + textwrap.indent(
        textwrap.dedent("""
        - kind: status_note
          id: test-note
          subject: org:nowhere
          status: frozen
          start: 2024-01-01
          text: a note
          checked: 2025-01-01
          citations: [{title: A source, issuer: Somebody, date: 2024}]
        """),
        "  ",
    )
    with pytest.raises(RegisterError, match=re.escape("entry 'test-note', field 'subject': unknown subject")):
        load_register(_write(tmp_path, broken))
    (tmp_path / "second.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(RegisterError, match="id already used in broken.yaml"):
        load_register(tmp_path)


def test_invalid_yaml_names_the_file(tmp_path):
    with pytest.raises(RegisterError, match="broken.yaml: not valid YAML"):
        load_register(_write(tmp_path, "title: [unclosed\n"))
