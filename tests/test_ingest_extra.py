"""Importers for contiguity, capitals, GML MIDs, COW wars, rivalries and IGOs: real data and located errors."""

from __future__ import annotations

import time

import pytest

from foedus.errors import InputFileError
from foedus.ingest import extra
from foedus.ingest.discover import import_directory
from foedus.store import connect


def test_real_counts_and_provenance(real_store):
    con = real_store
    expected = {
        "contiguity": 1874, "capitals": 242, "mid_participants": 5217, "mid_disputes": 2174,
        "mid_dyad_years": 10276, "cow_war_dyad_years": 1932, "rivalries": 197, "igo_state_years": 15557,
    }
    for table, n in expected.items():
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == n, table
        orphans = con.execute(
            f"SELECT count(*) FROM {table} t LEFT JOIN sources s USING (source_id) WHERE s.file IS NULL"
        ).fetchone()[0]
        assert orphans == 0, table
    # the first data row of the contiguity file is USA-Canada, on line 2
    row = con.execute(
        "SELECT c.code1, c.code2, c.conttype, s.file, s.line, s.dataset FROM contiguity c JOIN sources s "
        "USING (source_id) ORDER BY s.line LIMIT 1"
    ).fetchone()
    assert row == (2, 20, 1, "cow_contdir.csv", 2, "COW contiguity")
    # Washington's coordinates
    lat, lng = con.execute("SELECT lat, lng FROM capitals WHERE code = 2").fetchone()
    assert abs(lat - 38.895) < 0.01 and abs(lng + 77.037) < 0.01
    # GML: unknown start days are coarsened to the month, not invented
    prec = con.execute("SELECT start_precision, count(*) FROM mid_participants GROUP BY 1 ORDER BY 1").fetchall()
    assert dict(prec)["month"] > 0 and dict(prec)["day"] > 0
    # COW wars: World War I (war 106) has Germany on the side opposite France
    sides = dict(con.execute(
        "SELECT code1, any_value(side1) FROM cow_war_dyad_years WHERE war_num = 106 GROUP BY 1").fetchall())
    assert sides[255] != sides[220]
    types = con.execute("SELECT types FROM rivalries WHERE rivalry_id = 1").fetchone()[0]
    assert types == ["spatial", "positional"]


def test_reimport_replaces_rows_and_is_fast(shared_data, tmp_path):
    con = connect(str(tmp_path / "f.duckdb"))
    started = time.perf_counter()
    import_directory(con, shared_data, register=False)
    first = time.perf_counter() - started
    import_directory(con, shared_data, register=False)
    assert con.execute("SELECT count(*) FROM contiguity").fetchone()[0] == 1874
    assert con.execute("SELECT count(*) FROM igo_state_years").fetchone()[0] == 15557
    assert first < 10
    con.close()


CASES = [
    ("contiguity", "ccode1,ccode2,conttype,stdate,enddate\n2,20,1,1920-01-01,2016-12-01\n2,31,7,1973-07-01,"
     "2016-12-01\n", 3, "conttype"),
    ("contiguity", "ccode1,ccode2,conttype,stdate,enddate\n2,20,1,1920-01-01,2016-13-01\n", 2, "enddate"),
    ("capitals", "ccode,statenme,capital,stdate,enddate,lat,lng\n2,USA,Washington,1816-01-01,2024-12-31,"
     "98.9,-77.0\n", 2, "lat"),
    ("mid_participants", "dispnum,ccode,styear,stmon,stday,endyear,endmon,endday,sidea,hiact,orig\n"
     "2,200,1902,5,-9,1902,5,-9,0,0,1\n2,2,1902,5,-9,1901,5,-9,1,7,1\n", 3, "endyear"),
    ("mid_participants", "dispnum,ccode,styear,stmon,stday,endyear,endmon,endday,sidea,hiact,orig\n"
     "2,200,1902,5,-9,1902,5,-9,2,0,1\n", 2, "sidea"),
    ("mid_disputes", "dispnum,styear,stmon,outcome,settle,fatality,mindur,maxdur,hiact,hostlev,recip\n"
     "2,1902,5,6,1,0,1,31,7,9,0\n", 2, "hostlev"),
    ("mid_dyad_years", "dispnum,ccode1,ccode2,year,midonset,sidea1,sidea2\n2,2,200,19o2,1,1,0\n", 2, "year"),
    ("cow_wars", "warnum,ccode1,ccode2,year,cowinteronset,sidea1,sidea2,initiator1,initiator2,outcome1,outcome2,"
     "batdeath1,batdeath2\n1,220,230,1823,1,1,1,1,0,1,2,400,600\n", 2, "sidea2"),
    ("rivalries", "rivalryno,rivalryname,ccode1,ccode2,styear,endyear\n1,A-F,220,300,1494,1400\n", 2, "endyear"),
    ("igo", "ccode,year,sum_igo_full,sum_igo_associate,sum_igo_observer,sum_igo_anytype\n2,1816,0,0,0,0\n"
     "2,1816,1,0,0,1\n", 3, "year"),
    ("igo", "ccode,year,sum_igo_full,sum_igo_associate,sum_igo_observer\n2,1816,0,0,0\n", 1, "sum_igo_anytype"),
]


@pytest.mark.parametrize(("kind", "text", "line", "column"), CASES)
def test_malformed_files_name_file_line_and_column(tmp_path, kind, text, line, column):
    path = tmp_path / f"{kind}.csv"
    path.write_text(text)
    con = connect(":memory:")
    with pytest.raises(InputFileError) as info:
        getattr(extra, f"import_{kind}")(con, path)
    assert (info.value.line, info.value.column) == (line, column)
    assert info.value.file.endswith(f"{kind}.csv")
    con.close()


def test_failed_reimport_keeps_previous_rows(tmp_path):
    good = tmp_path / "td.csv"
    good.write_text("rivalryno,rivalryname,ccode1,ccode2,styear,endyear\n1,A-F,220,300,1494,1918\n")
    con = connect(":memory:")
    assert extra.import_rivalries(con, good) == 1
    bad = tmp_path / "td_bad.csv"
    bad.write_text("rivalryno,rivalryname,ccode1,ccode2,styear,endyear\n1,A-F,220,300,1494,1918\n2,B,x,2,1,2\n")
    with pytest.raises(InputFileError):
        extra.import_rivalries(con, bad)
    assert con.execute("SELECT name FROM rivalries").fetchall() == [("A-F",)]
    assert con.execute("SELECT count(*) FROM sources WHERE dataset = 'Thompson-Dreyer rivalries'").fetchone()[0] == 1
    con.close()
