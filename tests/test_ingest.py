"""Importers on small fixture files: happy path, every kind of malformed file, atomicity, idempotency."""

from __future__ import annotations

import datetime as dt

import pytest

from foedus.errors import InputFileError
from foedus.ingest.atop import import_atop
from foedus.ingest.discover import import_directory
from foedus.ingest.states import import_cow_states, import_gw_states
from foedus.store import connect
from tests.fixture_files import COW, MEMBER, TREATY, alliance_rows, member_rows, write_dataset_dir

TABLES = ("states", "state_spells", "treaties", "commitments", "sources", "imports")


def snapshot(con, ignore: tuple[str, ...] = ("imported_at",)) -> dict:
    """Full contents of the data tables, to compare before and after an import."""
    out = {}
    for table in TABLES:
        frame = con.execute(f"SELECT * FROM {table}").df()
        frame = frame.drop(columns=[c for c in ignore if c in frame])
        out[table] = frame.sort_values(list(frame.columns[:2])).to_csv(index=False)
    return out


@pytest.fixture
def loaded(tmp_path):
    directory = write_dataset_dir(tmp_path / "data")
    con = connect(":memory:")
    import_directory(con, directory, register=False)
    return con, directory


def test_import_directory_loads_every_dataset(loaded):
    con, _ = loaded
    assert con.execute("SELECT count(*) FROM states WHERE system='cow'").fetchone()[0] == 4
    assert con.execute("SELECT count(*) FROM state_spells WHERE code=365 AND system='cow'").fetchone()[0] == 2
    assert con.execute("SELECT count(*) FROM commitments").fetchone()[0] == 2
    row = con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    assert row is not None and int(row[0]) >= 1


def test_reimport_is_idempotent(loaded):
    con, directory = loaded
    before = snapshot(con, ignore=("imported_at", "source_id"))
    import_directory(con, directory, register=False)
    after = snapshot(con, ignore=("imported_at", "source_id"))
    for table in ("states", "state_spells", "treaties", "commitments"):
        assert before[table] == after[table], table
    assert con.execute("SELECT count(*) FROM sources").fetchone()[0] == len(COW.splitlines()) - 1 + 4 + 1 + 2


def test_sources_name_file_and_line(loaded):
    con, _ = loaded
    line, file, version = con.execute(
        "SELECT s.line, s.file, s.version FROM commitments c JOIN sources s USING (source_id) WHERE member = 731"
    ).fetchone()
    assert (file, line, version) == ("atop4_01m.csv", 3, "4.01")


def test_unknown_month_and_day_are_coarsened_with_precision(tmp_path):
    members = [
        {**MEMBER, "member": 365, "dayent": 0, "yrexit": 0, "moexit": 0, "dayexit": 0},
        {**MEMBER, "member": 731, "moent": -9, "dayent": "", "dayexit": ""},
    ]
    con = connect(":memory:")
    import_directory(con, write_dataset_dir(tmp_path / "d", members), register=False)
    rows = dict(
        (m, rest)
        for m, *rest in con.execute(
            "SELECT member, entry_date, entry_precision, exit_date, exit_precision, coverage_end FROM commitments"
        ).fetchall()
    )
    assert rows[365][:2] == [dt.date(1961, 7, 1), "month"]
    assert rows[365][2] is None and rows[365][4] == dt.date(2016, 12, 31)  # in force at coverage end
    assert rows[731][:2] == [dt.date(1961, 1, 1), "year"]
    assert rows[731][2:4] == [dt.date(1996, 9, 1), "month"]


BAD_MEMBER_FILES = {
    "missing column": (lambda rows: member_rows(rows).replace("defense,", "", 1), 1, "defense"),
    "non-numeric code": (lambda rows: member_rows([rows[0], {**rows[1], "member": "PRK"}]), 3, "member"),
    "impossible date": (lambda rows: member_rows([{**rows[0], "moent": 2, "dayent": 30}, rows[1]]), 2, "dayent"),
    "exit before entry": (lambda rows: member_rows([rows[0], {**rows[1], "yrexit": 1950}]), 3, "yrexit"),
    "unknown state code": (lambda rows: member_rows([rows[0], {**rows[1], "member": 999}]), 3, "member"),
}


@pytest.mark.parametrize("kind", sorted(BAD_MEMBER_FILES))
def test_malformed_atop_file_names_line_and_column_and_changes_nothing(loaded, kind):
    con, directory = loaded
    make, line, column = BAD_MEMBER_FILES[kind]
    rows = [{**MEMBER, "member": 365, "yrexit": 0, "moexit": 0, "dayexit": 0}, {**MEMBER, "member": 731}]
    bad = directory / "atop4_01m.csv"
    bad.write_text(make(rows))
    before = snapshot(con)
    with pytest.raises(InputFileError) as caught:
        import_atop(con, bad, directory / "atop4_01a.csv")
    error = caught.value
    assert error.file.endswith("atop4_01m.csv")
    assert (error.line, error.column) == (line, column)
    assert f"line {line}" in str(error) and column in str(error)
    assert snapshot(con) == before


def test_malformed_state_files(tmp_path):
    con = connect(":memory:")
    path = tmp_path / "states2016.csv"
    path.write_text(COW.replace("1950,1,1,2016", "1950,1,1,1949"))
    with pytest.raises(InputFileError, match=r"line 6, column 'endyear'.*ends"):
        import_cow_states(con, path)
    path.write_text(COW.replace("PRK,731", "PRK,x731"))
    with pytest.raises(InputFileError, match=r"line 5, column 'ccode'"):
        import_cow_states(con, path)
    gw = tmp_path / "gw_states.csv"
    gw.write_text("gwcode,stateabb,statename,startdate,enddate\n2,USA,United States,1816-02-30,2017-12-31\n")
    with pytest.raises(InputFileError, match=r"line 2, column 'startdate'"):
        import_gw_states(con, gw)
    assert con.execute("SELECT count(*) FROM states").fetchone()[0] == 0


def test_failed_reimport_keeps_previous_data(loaded):
    """A broken re-import of a dataset leaves the earlier import of it in place."""
    con, directory = loaded
    before = snapshot(con)
    (directory / "atop4_01a.csv").write_text(alliance_rows([{**TREATY, "begmo": 13}]))
    with pytest.raises(InputFileError, match="begmo"):
        import_atop(con, directory / "atop4_01m.csv", directory / "atop4_01a.csv")
    assert snapshot(con) == before
    assert con.execute("SELECT count(*) FROM commitments").fetchone()[0] == 2


def test_extra_columns_are_tolerated_and_kept(loaded):
    con, _ = loaded
    attributes = con.execute("SELECT attributes->>'hinst' FROM treaties").fetchone()[0]
    assert attributes == "0"


def test_official_gw_dat_layout(tmp_path):
    con = connect(":memory:")
    path = tmp_path / "iisystem.dat"
    path.write_text("2\tUSA\tUnited States of America\t01:01:1816\t31:12:2017\n")
    assert import_gw_states(con, path) == 1
    assert con.execute("SELECT start_date FROM state_spells").fetchone()[0] == dt.date(1816, 1, 1)


def test_atop_v5_layout_names(tmp_path):
    """v5.x files are found by their official names and read by column name."""
    directory = write_dataset_dir(tmp_path / "v5")
    (directory / "atop4_01m.csv").rename(directory / "atop5_1m.csv")
    (directory / "atop4_01a.csv").rename(directory / "atop5_1a.csv")
    for name in ("atop5_1m.csv", "atop5_1a.csv"):
        path = directory / name
        path.write_text(path.read_text().replace(",4.01", ",5.1"))
    con = connect(":memory:")
    import_directory(con, directory, register=False)
    version, coverage = con.execute("SELECT version, coverage_end FROM imports WHERE dataset='ATOP'").fetchone()
    assert version == "5.1" and coverage == dt.date(2018, 12, 31)
