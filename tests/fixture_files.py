"""Small dataset files written by the tests themselves (never copies of the real data)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from foedus.ingest.atop import ALLIANCE_COLUMNS, MEMBER_COLUMNS

COW = """stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday,version
USA,2,United States of America,1816,1,1,2016,12,31,2016
RUS,365,Russia,1816,1,1,1917,12,5,2016
RUS,365,Russia,1922,1,1,2016,12,31,2016
PRK,731,North Korea,1948,9,9,2016,12,31,2016
CHN,710,China,1950,1,1,2016,12,31,2016
"""

GW = """gwcode,stateabb,statename,startdate,enddate
2,USA,United States of America,1816-01-01,2017-12-31
365,RUS,Russia (Soviet Union),1816-01-01,2017-12-31
731,PRK,"Korea, People's Republic of",1948-09-09,2017-12-31
710,CHN,China,1816-01-01,2017-12-31
"""


def _row(columns: list[str], values: dict) -> str:
    return ",".join(str(values.get(c, 0)) for c in columns)


def member_rows(rows: list[dict], extra_header: str = "") -> str:
    columns = [*MEMBER_COLUMNS, "version"]
    lines = [",".join(columns)]
    for values in rows:
        lines.append(_row(columns, {"version": "4.01", **values}))
    return "\n".join(lines) + "\n"


def alliance_rows(rows: list[dict]) -> str:
    columns = [*ALLIANCE_COLUMNS, "mem1", "mem2", "version", "hinst"]
    lines = [",".join(columns)]
    for values in rows:
        lines.append(_row(columns, {"version": "4.01", **values}))
    return "\n".join(lines) + "\n"


TREATY = {"atopid": 3440, "begyr": 1961, "begmo": 7, "begday": 6, "endyr": 1996, "endmo": 9, "endday": 10,
          "bilat": 1, "defense": 1, "nonagg": 1, "mem1": 365, "mem2": 731}
MEMBER = {"atopid": 3440, "yrent": 1961, "moent": 7, "dayent": 6, "yrexit": 1996, "moexit": 9, "dayexit": 10,
          "defense": 1, "nonagg": 1}


def write_dataset_dir(directory: Path, members: list[dict] | None = None) -> Path:
    """A complete small data directory: COW, GW and a two-member ATOP treaty."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "states2016.csv").write_text(COW)
    (directory / "gw_states.csv").write_text(GW)
    if members is None:
        members = [{**MEMBER, "member": 365}, {**MEMBER, "member": 731}]
    (directory / "atop4_01m.csv").write_text(member_rows(members))
    (directory / "atop4_01a.csv").write_text(alliance_rows([TREATY]))
    return directory


def stored_copy(real_store, directory: Path) -> Path:
    """`real_store` written to `directory/foedus.duckdb` with the interval table stored in it, as
    `foedus data import` leaves a database file (for tests of the stored table and of its readers)."""
    from foedus.query import intervals

    path = directory / "foedus.duckdb"
    real_store.execute(f"ATTACH '{path}' AS stored_copy")
    try:
        real_store.execute("COPY FROM DATABASE memory TO stored_copy")
    finally:
        real_store.execute("DETACH stored_copy")
    con = duckdb.connect(str(path))
    intervals.materialise(con)
    con.close()
    intervals.clear_cache()
    return path
