"""The shared YAML loader: libyaml when available, dates kept as text, problems located by file, line and field."""

from __future__ import annotations

import textwrap

import pytest
import yaml
from pydantic import BaseModel

from foedus.yamlload import FastSafeLoader, TextDatesLoader, YamlLoadError, load_model, read_yaml


class _Item(BaseModel):
    id: str
    size: int


class _File(BaseModel):
    entries: list[_Item]


def _write(tmp_path, text: str):
    path = tmp_path / "items.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_the_fast_loader_is_libyaml_when_pyyaml_has_it():
    if yaml.__with_libyaml__:
        assert FastSafeLoader is yaml.CSafeLoader and issubclass(TextDatesLoader, yaml.CSafeLoader)
    else:
        assert FastSafeLoader is yaml.SafeLoader


def test_dates_stay_text_and_plain_loads_parse_them(tmp_path):
    path = _write(tmp_path, "day: 2024-06-19\nn: 3\n")
    text, _ = read_yaml(path, TextDatesLoader)
    parsed, _ = read_yaml(path)
    assert text == {"day": "2024-06-19", "n": 3}
    assert str(parsed["day"]) == "2024-06-19" and not isinstance(parsed["day"], str)


def test_a_bad_field_names_file_line_entry_and_field(tmp_path):
    path = _write(tmp_path, """\
        entries:
          - id: first
            size: 1
          - id: second
            size: big
        """)
    with pytest.raises(YamlLoadError) as caught:
        load_model(path, _File, loader=TextDatesLoader)
    problem = caught.value.problems[0]
    assert (problem.file, problem.line, problem.entry, problem.field) == ("items.yaml", 5, "second", "size")
    assert str(caught.value).startswith("items.yaml, line 5, entry 'second', field 'size': ")


def test_broken_yaml_names_the_line(tmp_path):
    path = _write(tmp_path, "entries:\n  - id: a\n    size: [1, 2\n")
    with pytest.raises(YamlLoadError) as caught:
        load_model(path, _File)
    problem = caught.value.problems[0]
    assert problem.file == "items.yaml" and problem.line is not None and problem.line >= 3
    assert "not valid YAML" in problem.message
