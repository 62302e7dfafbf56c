"""The shared YAML loader names file, line, entry and field; register and sanctions both use it."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict

from foedus.register.load import RegisterError, load_file
from foedus.sanctions.load import load_regime
from foedus.sanctions.model import SanctionsDataError
from foedus.yamlload import TextDatesLoader, YamlLoadError, load_model


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    size: int


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    items: list[_Item]


def test_problem_names_file_line_entry_and_field(tmp_path):
    path = tmp_path / "things.yaml"
    path.write_text("title: t\nitems:\n  - id: first\n    size: 1\n  - id: second\n    size: big\n", encoding="utf-8")
    with pytest.raises(YamlLoadError) as caught:
        load_model(path, _File)
    problem = caught.value.problems[0]
    assert (problem.file, problem.line, problem.entry, problem.field) == ("things.yaml", 6, "second", "size")
    assert str(caught.value).startswith("things.yaml, line 6, entry 'second', field 'size': ")


def test_entry_without_id_is_named_by_position_and_syntax_errors_give_a_line(tmp_path):
    path = tmp_path / "things.yaml"
    path.write_text("title: t\nitems:\n  - size: 1\n", encoding="utf-8")
    with pytest.raises(YamlLoadError) as caught:
        load_model(path, _File)
    assert caught.value.problems[0].entry == "#1" and caught.value.problems[0].field == "id"
    path.write_text("title: [unclosed\nitems: []\n", encoding="utf-8")
    with pytest.raises(YamlLoadError) as caught:
        load_model(path, _File)
    assert caught.value.problems[0].line is not None and "not valid YAML" in str(caught.value)


def test_text_dates_loader_keeps_dates_as_text(tmp_path):
    class _Dated(BaseModel):
        when: str

    path = tmp_path / "d.yaml"
    path.write_text("when: 2024-12-04\n", encoding="utf-8")
    assert load_model(path, _Dated, loader=TextDatesLoader).when == "2024-12-04"


def test_register_and_sanctions_errors_carry_the_line(tmp_path):
    reg = tmp_path / "r.yaml"
    reg.write_text(
        "title: t\nchecked: 2025-01-01\nentries:\n  - kind: status_note\n    id: note-x\n    subject: org:x\n"
        "    status: wrong\n    start: 2024\n    text: t\n    checked: 2025\n"
        "    citations: [{title: abc, issuer: xy, date: 2024}]\n",
        encoding="utf-8",
    )
    with pytest.raises(RegisterError) as caught:
        load_file(reg)
    assert (caught.value.entry, caught.value.field, caught.value.line) == ("note-x", "status", 7)
    bad = tmp_path / "measures.yaml"
    bad.write_text("name: x\ntarget: 731\n", encoding="utf-8")
    with pytest.raises(SanctionsDataError, match=r"measures\.yaml, line 1: field 'committee'"):
        load_regime(bad)
