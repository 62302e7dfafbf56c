"""Batch checks: same verdicts as single checks, bad rows named by line and field, no half-written output."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from foedus.errors import InputFileError
from foedus.sanctions.batch import check_file, read_shipments, write_atomic
from foedus.sanctions.check import Shipment, check, check_frame
from foedus.sanctions.load import load_regime

ROWS = """id,from,to,hs,date,purpose,quantity,unit,labour,joint_venture,origin
a,PRK,China,2701,2017-08-04,,,,,,
b,North Korea,CHN,2701,2017-08-05,,,,,,
c,731,710,6109,2017-09-10,,,,,,
d,DPRK,China,6109,2017-09-11,,,,,,
e,Russia,DPRK,2710,2018-03-01,,600000,bbl,,,
f,Russia,DPRK,2710,2018-03-01,,6000,barrels,,,
g,China,DPRK,8432,2019-06-01,humanitarian,,,,,
h,DPRK,Russia,,2019-12-23,prior-contract,,,true,,
i,China,DPRK,,2018-06-01,,,,,yes,
j,DPRK,China,2701,2018-05-01,rajin-transit,,,,,Russia
"""


@pytest.fixture(scope="module")
def regime():
    return load_regime()


@pytest.fixture
def shipments(tmp_path) -> Path:
    path = tmp_path / "shipments.csv"
    path.write_text(ROWS, encoding="utf-8")
    return path


def test_batch_writes_verdicts_measures_and_citations(regime, shipments, tmp_path):
    out = tmp_path / "verdicts.csv"
    counts = check_file(regime, shipments, out)
    result = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("id")
    assert result["verdict"].to_dict() == {
        "a": "conditional",
        "b": "prohibited",
        "c": "permitted",
        "d": "prohibited",
        "e": "prohibited",
        "f": "conditional",
        "g": "exempt",
        "h": "prohibited",
        "i": "prohibited",
        "j": "exempt",
    }
    assert result.loc["b", "measures"] == "coal-iron-2371"
    assert result.loc["b", "citations"] == "S/RES/2371 (2017) para 8"
    assert result.loc["h", "measures"] == "workers-repatriation-2397"
    assert result.loc["c", "measures"] == ""
    assert counts == {"prohibited": 5, "conditional": 2, "exempt": 2, "permitted": 1}


def test_batch_agrees_with_single_checks(regime, shipments):
    _, frame = read_shipments(shipments, regime)
    batch = check_frame(regime, frame)
    for index, row in frame.iterrows():
        single = check(
            regime,
            Shipment(
                int(row.from_state),
                int(row.to_state),
                row.date.date(),
                hs=row.hs or None,
                purpose=row.purpose or None,
                quantity=None if pd.isna(row.quantity) else row.quantity,
                unit=row.unit or None,
                labour=bool(row.labour),
                joint_venture=bool(row.joint_venture),
                origin=None if row.origin < 0 else int(row.origin),
            ),
        )
        assert batch.loc[index, "verdict"] == single.verdict
        assert batch.loc[index, "measures"] == ";".join(f.measure.id for f in single.deciding)


@pytest.mark.parametrize(
    ("line", "field", "value", "message"),
    [
        (4, "date", "2017-02-30", "is not a date"),
        (3, "hs", "271", "not an HS code"),
        (5, "from", "Atlantis", "Unknown state 'Atlantis'"),
        (2, "purpose", "charity", "not one of"),
        (6, "quantity", "lots", "not a number"),
        (3, "unit", "gallons", "not bbl, t or usd"),
        (4, "labour", "maybe", "true or false"),
    ],
)
def test_malformed_row_names_line_and_field_and_writes_nothing(regime, tmp_path, line, field, value, message):
    frame = pd.read_csv(pd.io.common.StringIO(ROWS), dtype=str, keep_default_na=False)
    frame.loc[line - 2, field] = value
    source = tmp_path / "shipments.csv"
    frame.to_csv(source, index=False)
    out = tmp_path / "verdicts.csv"
    with pytest.raises(InputFileError) as info:
        check_file(regime, source, out)
    assert (info.value.line, info.value.column) == (line, field)
    assert message in str(info.value)
    assert f"line {line}, column '{field}'" in str(info.value)
    assert list(tmp_path.iterdir()) == [source]


def test_first_bad_line_is_reported_when_several_are_bad(regime, tmp_path):
    source = tmp_path / "s.csv"
    source.write_text("from,to,hs,date\n731,710,2701,2018-01-01\n731,710,xx,2018-01-01\n731,710,2701,soon\n")
    with pytest.raises(InputFileError) as info:
        check_file(regime, source, tmp_path / "out.csv")
    assert (info.value.line, info.value.column) == (3, "hs")


def test_blank_line_keeps_line_numbers_right(regime, tmp_path):
    source = tmp_path / "s.csv"
    source.write_text("from,to,hs,date\n731,710,2701,2018-01-01\n\n731,710,2701,2018-01-01\n")
    with pytest.raises(InputFileError) as info:
        check_file(regime, source, tmp_path / "out.csv")
    assert info.value.line == 3


def test_missing_column_and_empty_goods(regime, tmp_path):
    source = tmp_path / "s.csv"
    source.write_text("from,to,hs\n731,710,2701\n")
    with pytest.raises(InputFileError, match="missing column 'date'"):
        read_shipments(source, regime)
    source.write_text("from,to,hs,date\n731,710,,2018-01-01\n")
    with pytest.raises(InputFileError) as info:
        read_shipments(source, regime)
    assert (info.value.line, info.value.column) == (2, "hs")


def test_existing_output_survives_a_failed_write(tmp_path, monkeypatch):
    out = tmp_path / "verdicts.csv"
    out.write_text("old contents\n")

    def explode(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", explode)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(pd.DataFrame({"a": [1]}), out)
    assert out.read_text() == "old contents\n"
    assert [p.name for p in tmp_path.iterdir()] == ["verdicts.csv"]


def test_shipment_frame_of_a_single_shipment_matches_the_file_path(regime):
    frame = Shipment(731, 710, dt.date(2017, 8, 5), hs="2701").frame()
    assert check_frame(regime, frame)["verdict"].tolist() == ["prohibited"]
