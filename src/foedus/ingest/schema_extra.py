"""Tables for the datasets the validation work uses: contiguity, capitals, GML MIDs, COW wars, rivalries, IGOs.

Additive to `foedus.store.schema`: created on demand (CREATE TABLE IF NOT EXISTS) by the importers in
`foedus.ingest.extra` and by `ensure_extra_schema`; every row carries a `source_id` into `sources`.
Dates of spells are inclusive on both ends, as the sources list them.
"""

from __future__ import annotations

EXTRA_TABLES = (
    "contiguity", "capitals", "mid_participants", "mid_disputes", "mid_dyad_years", "cow_war_dyad_years",
    "rivalries", "igo_state_years",
)

DDL = """
CREATE TABLE IF NOT EXISTS contiguity (      -- COW Direct Contiguity v3.2, directed dyads
    code1 INTEGER NOT NULL,
    code2 INTEGER NOT NULL,
    conttype INTEGER NOT NULL,               -- 1 land/river; 2-5 water <= 12, 24, 150, 400 miles
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    source_id BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS capitals (
    code INTEGER NOT NULL,
    name VARCHAR,
    capital VARCHAR NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    lat DOUBLE NOT NULL,
    lng DOUBLE NOT NULL,
    source_id BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS mid_participants ( -- GML MID participant level
    dispnum INTEGER NOT NULL,
    code INTEGER NOT NULL,
    start_date DATE NOT NULL,
    start_precision VARCHAR NOT NULL,
    end_date DATE NOT NULL,
    end_precision VARCHAR NOT NULL,
    side_a BOOLEAN NOT NULL,
    hiact INTEGER,
    originator BOOLEAN NOT NULL,             -- present on the dispute's first day
    source_id BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS mid_disputes (     -- GML MID dispute level
    dispnum INTEGER NOT NULL,
    start_year INTEGER NOT NULL,
    start_month INTEGER,
    outcome INTEGER,
    settle INTEGER,
    fatality INTEGER,
    mindur INTEGER,
    maxdur INTEGER,
    hiact INTEGER,
    hostlev INTEGER,
    recip BOOLEAN,
    source_id BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS mid_dyad_years (   -- GML MID directed dispute-years
    dispnum INTEGER NOT NULL,
    code1 INTEGER NOT NULL,
    code2 INTEGER NOT NULL,
    year INTEGER NOT NULL,
    onset BOOLEAN NOT NULL,
    side_a1 BOOLEAN NOT NULL,
    side_a2 BOOLEAN NOT NULL,
    orig1 BOOLEAN,
    orig2 BOOLEAN,
    hostlev INTEGER,
    fatality INTEGER,
    source_id BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS cow_war_dyad_years ( -- COW Inter-State War v4.0, directed dyad-years
    war_num INTEGER NOT NULL,
    code1 INTEGER NOT NULL,
    code2 INTEGER NOT NULL,
    year INTEGER NOT NULL,
    onset BOOLEAN NOT NULL,
    side1 INTEGER NOT NULL,                  -- 1 = side A, 2 = side B
    side2 INTEGER NOT NULL,
    initiator1 BOOLEAN NOT NULL,
    initiator2 BOOLEAN NOT NULL,
    outcome1 INTEGER,
    outcome2 INTEGER,
    batdeath1 DOUBLE,
    batdeath2 DOUBLE,
    resume BOOLEAN,
    source_id BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS rivalries (        -- Thompson-Dreyer strategic rivalries
    rivalry_id INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    code1 INTEGER NOT NULL,
    code2 INTEGER NOT NULL,
    start_year INTEGER NOT NULL,
    end_year INTEGER NOT NULL,
    region VARCHAR,
    types VARCHAR[],
    source_id BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS igo_state_years (  -- COW IGO v3 state-year membership counts
    code INTEGER NOT NULL,
    year INTEGER NOT NULL,
    full_members INTEGER,
    associate INTEGER,
    observer INTEGER,
    any_type INTEGER,
    source_id BIGINT NOT NULL
);
"""


def ensure_extra_schema(con) -> None:
    """Create the extra tables if they are missing (idempotent)."""
    con.execute(DDL)


def has_table(con, table: str) -> bool:
    """Whether `table` exists and has rows."""
    found = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]
    ).fetchone()[0]
    return bool(found) and con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0
