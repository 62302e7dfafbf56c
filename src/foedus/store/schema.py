"""Table definitions of the foedus store and its schema version.

Dates: state spells store the first and last day of membership (both inclusive,
as COW and GW list them). Commitments store entry (inclusive) and exit (exclusive:
in force on D when entry <= D < exit); exit is NULL when the source says the
commitment was still in force at its coverage end.
"""

from __future__ import annotations

SCHEMA_VERSION = 1

ATOP_EXTRA_CODES = {8152: "Annam (ATOP code; not in COW or GW)"}
"""Codes ATOP uses that neither state list has (read by the ATOP import and by the name resolver)."""

OBLIGATIONS = ("defense", "offense", "neutrality", "nonaggression", "consultation")

# ATOP member-level condition flags: flag -> (obligation it qualifies, condition name).
CONDITION_FLAGS: dict[str, tuple[str, str]] = {
    "defcoadv": ("defense", "specific_adversary"),
    "defcoloc": ("defense", "location"),
    "defcocon": ("defense", "specific_conflict"),
    "defconum": ("defense", "number_of_adversaries"),
    "defcodem": ("defense", "demands_met"),
    "defconpr": ("defense", "non_provocation"),
    "offcoadv": ("offense", "specific_adversary"),
    "offcoloc": ("offense", "location"),
    "offcocon": ("offense", "specific_conflict"),
    "offconum": ("offense", "number_of_adversaries"),
    "offcodem": ("offense", "demands_met"),
    "neucoadv": ("neutrality", "specific_adversary"),
    "neucoloc": ("neutrality", "location"),
    "neucocon": ("neutrality", "specific_conflict"),
    "neuconum": ("neutrality", "number_of_adversaries"),
    "neucodem": ("neutrality", "demands_met"),
    "neuconpr": ("neutrality", "non_provocation"),
    "neucoatt": ("neutrality", "ally_attacked"),
    "concoadv": ("consultation", "specific_adversary"),
    "concoloc": ("consultation", "location"),
    "concocon": ("consultation", "specific_conflict"),
    "concoreq": ("consultation", "ally_request"),
    "olimob": ("any", "other_condition"),
}

SUMMARY_FLAGS = ("conditio", "defcon", "offcon", "neucon", "concon")

_flag_columns = ",\n    ".join(f"{flag} BOOLEAN" for flag in (*SUMMARY_FLAGS, *CONDITION_FLAGS))
_obligation_columns = ",\n    ".join(f"{name} BOOLEAN NOT NULL" for name in OBLIGATIONS)

DDL = f"""
CREATE TABLE IF NOT EXISTS meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR
);
CREATE SEQUENCE IF NOT EXISTS source_ids START 1;
CREATE TABLE IF NOT EXISTS sources (
    source_id BIGINT PRIMARY KEY,
    kind VARCHAR NOT NULL,           -- 'dataset' or 'register'
    dataset VARCHAR NOT NULL,        -- e.g. 'ATOP', 'COW states', or the register file
    version VARCHAR,
    file VARCHAR,
    line INTEGER,                    -- 1-based line in the file (header = line 1)
    entry VARCHAR,                   -- register entry id
    citation VARCHAR
);
CREATE TABLE IF NOT EXISTS imports (
    dataset VARCHAR PRIMARY KEY,
    version VARCHAR,
    file VARCHAR,
    sha256 VARCHAR,
    rows INTEGER,
    coverage_end DATE,
    imported_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS states (
    system VARCHAR NOT NULL,         -- 'cow' or 'gw'
    code INTEGER NOT NULL,
    abbr VARCHAR,
    name VARCHAR NOT NULL,
    PRIMARY KEY (system, code)
);
CREATE TABLE IF NOT EXISTS state_spells (
    system VARCHAR NOT NULL,
    code INTEGER NOT NULL,
    start_date DATE NOT NULL,
    start_precision VARCHAR NOT NULL,
    end_date DATE NOT NULL,          -- last day of membership (inclusive)
    end_precision VARCHAR NOT NULL,
    censored BOOLEAN NOT NULL,       -- still a member at the end of the list
    source_id BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS treaties (
    treaty_id VARCHAR PRIMARY KEY,   -- 'atop:3440' or 'reg:...'
    dataset VARCHAR NOT NULL,
    version VARCHAR,
    atopid INTEGER,
    name VARCHAR,
    begin_date DATE,
    begin_precision VARCHAR,
    end_date DATE,
    end_precision VARCHAR,
    coverage_end DATE,
    bilateral BOOLEAN,
    maxphase INTEGER,
    {_obligation_columns},
    active BOOLEAN,
    conditio BOOLEAN, defcon BOOLEAN, offcon BOOLEAN, neucon BOOLEAN, concon BOOLEAN,
    asymm BOOLEAN,
    specthrt INTEGER,
    statthr1 INTEGER,
    statthr2 INTEGER,
    members INTEGER[],
    attributes JSON,                 -- every other column of the source row, by name
    source_id BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS commitments (
    commitment_id VARCHAR PRIMARY KEY,
    treaty_id VARCHAR NOT NULL,
    phase INTEGER NOT NULL,
    member INTEGER NOT NULL,         -- COW code of the obliged state
    entry_date DATE NOT NULL,
    entry_precision VARCHAR NOT NULL,
    exit_date DATE,                  -- exclusive; NULL = in force at coverage_end
    exit_precision VARCHAR,
    coverage_end DATE,
    {_obligation_columns},
    {_flag_columns},
    asymm BOOLEAN,
    obvary BOOLEAN,
    termmode INTEGER,
    termcaus INTEGER,
    source_id BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS major_powers (
    code INTEGER NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    censored BOOLEAN NOT NULL,
    source_id BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS capabilities (
    code INTEGER NOT NULL,
    year INTEGER NOT NULL,
    milex DOUBLE, milper DOUBLE, irst DOUBLE, pec DOUBLE, tpop DOUBLE, upop DOUBLE, cinc DOUBLE,
    source_id BIGINT NOT NULL,
    PRIMARY KEY (code, year)
);
CREATE TABLE IF NOT EXISTS war_dyads (
    war_id INTEGER NOT NULL,          -- larger war (Reiter, Stam and Horowitz 2016)
    war_name VARCHAR NOT NULL,
    dyad_war_id INTEGER NOT NULL,     -- init_war_id: one dyadic war within it
    dyad_war_name VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    side_a INTEGER NOT NULL,          -- init_ccode
    side_b INTEGER NOT NULL,          -- target_ccode
    entry_date DATE,
    entry_precision VARCHAR,
    joiner BOOLEAN NOT NULL,
    source_id BIGINT NOT NULL
);
-- Curated register (foedus.register): what it says about dataset treaties, and organizations.
CREATE TABLE IF NOT EXISTS treaty_events (
    event_id VARCHAR PRIMARY KEY,    -- register entry id
    treaty_id VARCHAR NOT NULL,      -- the dataset treaty it concerns, e.g. 'atop:4940'
    action VARCHAR NOT NULL,         -- 'amendment', 'extension', 'termination' or 'confirmation'
    members INTEGER[],               -- members it concerns; NULL = all
    event_date DATE,                 -- termination: last day in force + 1 (exclusive end); extension: agreed
    event_precision VARCHAR,
    in_force_from DATE,              -- the register confirms the treaty in force from this day ...
    in_force_until DATE,             -- ... until this day (exclusive); NULL = still in force when checked
    term_end DATE,
    ended_by VARCHAR,                -- treaty id of the successor
    name VARCHAR,
    articles JSON,                   -- obligation -> article
    uncertain BOOLEAN NOT NULL,
    readings JSON,
    note VARCHAR,
    checked DATE,
    source_id BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS organizations (
    org_id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    short_name VARCHAR,
    aliases VARCHAR[],
    kind VARCHAR NOT NULL,           -- defence alliance, security organization, economic forum, strategic partnership
    founded DATE,
    founded_precision VARCHAR,
    mutual_defence BOOLEAN NOT NULL,
    defence_article VARCHAR,
    treaty_id VARCHAR,
    uncertain BOOLEAN NOT NULL,
    readings JSON,
    note VARCHAR,
    source_id BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS org_memberships (
    org_id VARCHAR NOT NULL,
    member INTEGER NOT NULL,
    role VARCHAR NOT NULL,           -- member, partner, observer
    start_date DATE NOT NULL,
    start_precision VARCHAR NOT NULL,
    end_date DATE,                   -- exclusive; NULL = still a member when checked
    end_precision VARCHAR,
    uncertain BOOLEAN NOT NULL,
    note VARCHAR,
    source_id BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS status_notes (
    note_id VARCHAR PRIMARY KEY,
    subject VARCHAR NOT NULL,        -- 'org:<id>', 'atop:<id>' or 'reg:<id>'
    member INTEGER,
    status VARCHAR NOT NULL,         -- frozen, suspended, partially suspended, disputed, other
    start_date DATE NOT NULL,
    start_precision VARCHAR NOT NULL,
    end_date DATE,                   -- exclusive
    end_precision VARCHAR,
    text VARCHAR NOT NULL,
    source_id BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS invocations (   -- register: a treaty article invoked, and what each party did
    event_id VARCHAR PRIMARY KEY,    -- register entry id
    treaty_id VARCHAR NOT NULL,      -- 'atop:<id>', 'reg:<id>' or 'org:<id>'
    article VARCHAR NOT NULL,
    invoked_by INTEGER[] NOT NULL,
    event_date DATE NOT NULL,
    event_precision VARCHAR NOT NULL,
    end_date DATE,
    end_precision VARCHAR,
    request VARCHAR NOT NULL,        -- invocation, request for assistance, request for consultation, considered
    asked VARCHAR NOT NULL,
    outcome VARCHAR,
    responses JSON NOT NULL,         -- [{{ccode, party, action, date, text}}]
    uncertain BOOLEAN NOT NULL,
    readings JSON,
    note VARCHAR,
    checked DATE,
    source_id BIGINT NOT NULL
);
"""


def ensure_schema(con, shown: str = "the database") -> None:
    """Create missing tables and record the schema version (a writer's connection)."""
    con.execute(DDL)
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
    elif row[0] != str(SCHEMA_VERSION):
        from foedus.store.errors import SchemaMismatchError

        raise SchemaMismatchError(shown, row[0], SCHEMA_VERSION)


def check_schema(con, shown: str = "the database") -> None:
    """Refuse a file this foedus cannot read (a reader's connection: nothing is created)."""
    from foedus.store.errors import SchemaMismatchError

    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except Exception as exc:  # duckdb.CatalogException: no `meta` table, so not a foedus database
        if type(exc).__name__ != "CatalogException":
            raise
        row = None
    if row is None or row[0] != str(SCHEMA_VERSION):
        raise SchemaMismatchError(shown, row[0] if row else None, SCHEMA_VERSION)
