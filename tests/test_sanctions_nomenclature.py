"""The HS 2022 nomenclature: valid and invalid codes, item names, and the check command's --item."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from foedus.errors import BadInputError
from foedus.sanctions.hs import normalize
from foedus.sanctions.nomenclature import item_names, read_code, read_item, sections

runner = CliRunner()


def test_sections_cover_every_chapter_once():
    chapters = [c for s in sections() for c in s["chapters"]]
    assert len(sections()) == 21
    assert len(chapters) == len(set(chapters)) == 96  # 01-97 without the reserved 77
    assert "77" not in chapters and chapters[0] == "01" and chapters[-1] == "97"


@pytest.mark.parametrize("code", ["99999999", "9901", "7701", "00", "2799", "9308"])
def test_codes_outside_the_nomenclature_are_errors(code):
    with pytest.raises(BadInputError) as info:
        read_code(code)
    assert info.value.parameter == "--hs"


def test_a_heading_in_a_complete_chapter_is_read_with_its_title():
    reading = read_code("2701.12")
    assert (reading.code, reading.chapter, reading.heading, reading.section) == ("270112", "27", "2701", "V")
    assert reading.heading_title.startswith("Coal") and reading.checked == "heading"
    other = read_code("0199")  # chapter 01's headings are not all listed: only the chapter is checked
    assert other.checked == "chapter" and other.heading_title is None


def test_items_read_as_headings_and_misses_name_the_closest():
    assert read_item("Artillery shells").code == "930690"  # munitions of war: 9306.90, not the cartridges
    assert read_item("ammunition").code == "9306"
    assert read_item("coal").code == "2701" and read_item("seafood").chapter == "03"
    assert read_item("missile").code == "930690"  # singular of a listed plural
    with pytest.raises(BadInputError) as info:
        read_item("artilery shell")
    assert "artillery shells" in str(info.value)
    with pytest.raises(BadInputError) as spans:
        read_item("textiles")  # a range of chapters cannot be one shipment
    assert "50-63" in str(spans.value)
    with pytest.raises(BadInputError):
        read_item("x" * 100_000)


def test_every_item_maps_to_a_valid_code_or_chapter_range():
    for name, spec in item_names().items():
        for part in spec.split("-"):
            assert read_code(part).chapter == normalize(part)[:2], name


def test_check_with_an_item_and_an_invalid_code():
    from foedus.cli.sanctions import app

    result = runner.invoke(app, ["check", "--item", "artillery shells", "--from", "PRK", "--to", "RUS",
                                 "--on", "2024-06-01", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["verdict"] == "prohibited" and payload["hs_reading"]["heading"] == "9306"
    assert payload["shipment"]["hs"] == "930690"
    bad = runner.invoke(app, ["check", "--hs", "99999999", "--from", "PRK", "--to", "RUS", "--on", "2024-06-01"])
    assert bad.exit_code == 2 and "--hs" in bad.output
