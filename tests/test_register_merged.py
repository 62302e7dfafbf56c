"""The register written into the store and merged with the datasets: the as-of query, histories,
organizations, the store write itself and the CLI."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from foedus.cli import app
from foedus.ingest.discover import import_directory
from foedus.query import dyad, obligations, records, treaty
from foedus.query.history import history
from foedus.query.organizations import memberships, organization
from foedus.register.store import REGISTER_TABLES, write_register
from foedus.store import connect


@pytest.fixture(scope="module")
def merged(shared_data):
    """Real datasets plus the register, in memory."""
    con = connect(":memory:")
    import_directory(con, shared_data)
    write_register(con)
    yield con
    con.close()


def owed(con, a, b, on) -> dict[str, set[str]]:
    """treaty_id -> obligations A owes B on `on`, counting only commitments known to be in force."""
    out: dict[str, set[str]] = {}
    for r in records(dyad(con, a, b, on)):
        if r["from_ccode"] == a and r["status"] == "in_force":
            out.setdefault(r["treaty_id"], set()).update(r["obligations"])
    return out


def _table_rows(con):
    return {
        table: sorted(
            map(
                str,
                con.execute(
                    f"SELECT * EXCLUDE (source_id) FROM {table} "
                    "WHERE source_id IN (SELECT source_id FROM sources "
                    "WHERE kind = 'register')"
                ).fetchall(),
            )
        )
        for table in REGISTER_TABLES
    }


def test_store_write_is_idempotent_and_every_fact_has_a_register_source(shared_data):
    con = connect(":memory:")
    first = write_register(con)
    before = _table_rows(con)
    assert write_register(con) == first
    assert _table_rows(con) == before
    sources = con.execute(
        "SELECT count(*), count(DISTINCT entry) FROM sources WHERE kind = 'register'"
    ).fetchone()
    assert sources[0] == first and sources[1] >= 25
    assert (
        con.execute(
            "SELECT count(*) FROM sources WHERE kind = 'register' AND (citation IS NULL "
            "OR dataset NOT LIKE '%.yaml' OR entry IS NULL)"
        ).fetchone()[0]
        == 0
    )
    row = con.execute(
        "SELECT treaty_id, dataset FROM treaties WHERE treaty_id = 'reg:russia-dprk-2024'"
    ).fetchone()
    assert row == ("reg:russia-dprk-2024", "register")
    assert con.execute("SELECT rows FROM imports WHERE dataset = 'register'").fetchone()[0] == first
    con.close()


def test_register_survives_a_dataset_reimport(shared_data, merged):
    before = merged.execute("SELECT count(*) FROM sources WHERE kind = 'register'").fetchone()[0]
    from foedus.ingest.discover import find_files

    for known, paths in find_files(shared_data):
        if known.name == "ATOP":
            known.load(merged, *paths)
    assert merged.execute("SELECT count(*) FROM sources WHERE kind = 'register'").fetchone()[0] == before
    assert "reg:russia-dprk-2024" in owed(merged, 365, 731, "2025-01-01")


def test_2024_treaty_gives_russia_dprk_defense_on_2025_01_01(merged):
    for a, b in ((365, 731), (731, 365)):
        both = owed(merged, a, b, "2025-01-01")
        assert both["reg:russia-dprk-2024"] == {"defense", "consultation"}
        assert "atop:4940" not in both
    rows = [
        r
        for r in records(obligations(merged, 365, "2025-01-01"))
        if r["to_ccode"] == 731 and r["treaty_id"] == "reg:russia-dprk-2024"
    ]
    assert rows and rows[0]["source"]["kind"] == "register"
    assert rows[0]["source"]["entry"] == "russia-dprk-2024" and rows[0]["source"]["citation"]
    assert rows[0]["articles"] == {"defense": "Art. 4", "consultation": "Art. 3"}


def test_2000_treaty_ends_the_day_the_2024_treaty_enters_into_force(merged):
    assert owed(merged, 365, 731, "2024-12-03")["atop:4940"] == {"consultation"}
    assert "atop:4940" not in owed(merged, 365, 731, "2024-12-04")
    assert "reg:russia-dprk-2024" not in owed(merged, 365, 731, "2024-12-03")


def test_past_coverage_the_answer_says_it_is_confirmed_by_the_register(merged):
    rows = [r for r in records(dyad(merged, 710, 731, "2025-01-01")) if r["treaty_id"] == "atop:3445"]
    assert rows and all(r["status"] == "in_force" for r in rows)
    assert all(r["confirmed_by"]["entry"] == "atop-3445-prc-dprk-1961" for r in rows)
    assert all(r["source"]["kind"] == "dataset" and r["coverage_end"] == "2016-12-31" for r in rows)
    assert "confirmed by register" in rows[0]["note"]
    unconfirmed = [r for r in records(dyad(merged, 710, 731, "2025-01-01")) if r["treaty_id"] == "atop:3755"]
    assert unconfirmed and all(r["status"] == "unknown_after_coverage" for r in unconfirmed)


def test_russia_china_on_2025_01_01_is_consultation_and_nonaggression_not_defense(merged):
    for a, b in ((365, 710), (710, 365)):
        both = owed(merged, a, b, "2025-01-01")
        combined = set().union(*both.values())
        assert combined == {"consultation", "nonaggression"}
        assert both["atop:4980"] == {"consultation", "nonaggression"}


def test_nato_accessions_pair_with_atop_members(merged):
    assert "defense" in owed(merged, 2, 375, "2025-01-01")["atop:3180"]
    assert "defense" in owed(merged, 375, 2, "2025-01-01")["atop:3180"]
    assert "atop:3180" not in owed(merged, 2, 375, "2023-04-03")
    us_finland = [r for r in records(dyad(merged, 2, 375, "2025-01-01")) if r["treaty_id"] == "atop:3180"]
    assert us_finland[0]["partner_source"]["entry"] == "atop-3180-nato-accessions"
    record = treaty(merged, 3180)
    assert {380, 375, 343} <= {m["ccode"] for m in record["members"] if m["source"]["kind"] == "register"}
    assert record["name"].startswith("North Atlantic Treaty")


def test_status_notes_reach_the_answer(merged):
    rows = [r for r in records(dyad(merged, 365, 371, "2025-01-01")) if r["treaty_id"] == "atop:4220"]
    assert rows and all("frozen" in " ".join(r["status_notes"]) for r in rows)


def _periods(con, a, b):
    return [p for p in history(con, a, b) if p["from_ccode"] == a]


def test_history_russia_dprk(merged):
    periods = _periods(merged, 365, 731)
    core = [p for p in periods if p["treaty_id"] in (None, "atop:3440", "atop:4940", "reg:russia-dprk-2024")]
    assert [(p["treaty_id"], p["obligations"]) for p in core] == [
        ("atop:3440", ["defense", "nonaggression"]),
        (None, []),
        ("atop:4940", ["consultation"]),
        ("reg:russia-dprk-2024", ["defense", "consultation"]),
    ]
    ussr, gap, friendship, partnership = core
    assert ussr["start"] == "1961-07-06" and ussr["end"] == "1996-09-10" and ussr["uncertain"]
    assert {r["value"] for r in ussr["readings"] if r["field"] == "end"} >= {"1995-09-07", "1996-09-10"}
    assert gap["start"] == "1996-09-10" and gap["end"] == "2000-02-09" and gap["uncertain"]
    assert gap["status"] == "none" and gap["change"] == "defense, nonaggression → none"
    assert (
        friendship["end"] == "2024-12-04" and friendship["ended_by"]["entry"] == "atop-4940-russia-dprk-2000"
    )
    assert friendship["ended_by"]["replaced_by"] == "reg:russia-dprk-2024"
    assert partnership["start"] == "2024-12-04" and partnership["end"] is None
    assert partnership["status"] == "in_force" and partnership["source"]["entry"] == "russia-dprk-2024"
    assert "defense" in partnership["change"].split("→")[1]
    for p in periods:
        assert {
            "from_ccode",
            "to_ccode",
            "start",
            "end",
            "obligations",
            "treaty_id",
            "treaty_name",
            "source",
            "uncertain",
        } <= set(p)


def test_history_china_dprk(merged):
    periods = _periods(merged, 710, 731)
    alliance = [p for p in periods if p["treaty_id"] == "atop:3445"]
    assert len(alliance) == 1
    p = alliance[0]
    assert (p["start"], p["end"], p["obligations"]) == ("1961-07-11", None, ["defense", "nonaggression"])
    assert p["status"] == "in_force" and p["confirmed_by"]["entry"] == "atop-3445-prc-dprk-1961"
    assert not [q for q in periods if q["status"] == "none"]
    assert {q["from_ccode"] for q in history(merged, 710, 731)} == {710, 731}


def test_organizations_and_memberships(merged):
    csto = organization(merged, "csto", "2025-01-01")
    status = {m["ccode"]: m["status"] for m in csto["members"]}
    assert status[371] == "frozen" and status[704] == "suspended" and status[365] == "member"
    assert 373 not in status and csto["defence_article"].startswith("Art. 4")
    assert len(organization(merged, "NATO", "2024-03-06")["members"]) == 31
    assert len(organization(merged, "North Atlantic Treaty Organization", "2024-03-07")["members"]) == 32
    sco = {m["ccode"] for m in organization(merged, "SCO", "2024-07-04")["members"]}
    assert {750, 770, 630, 370} <= sco and len(sco) == 10
    assert 370 not in {m["ccode"] for m in organization(merged, "SCO", "2024-07-03")["members"]}
    brics = organization(merged, "brics", "2025-02-01")
    assert 850 in {m["ccode"] for m in brics["members"] if m["role"] == "member"}
    assert next(m for m in brics["members"] if m["ccode"] == 670)["uncertain"]
    iran = {m["short_name"] for m in memberships(merged, 630, "2025-01-01")["memberships"]}
    assert {"SCO", "BRICS"} <= iran


@pytest.fixture(scope="module")
def db_copy(real_db_file, tmp_path_factory):
    path = tmp_path_factory.mktemp("regdb") / "foedus.duckdb"
    shutil.copy(real_db_file, path)
    return str(path)


def test_cli_register_load_history_org_memberships(db_copy):
    runner = CliRunner()
    loaded = runner.invoke(app, ["register", "load", "--db", db_copy])
    assert loaded.exit_code == 0, loaded.output
    assert "register loaded" in loaded.output
    result = runner.invoke(app, ["history", "RUS", "PRK", "--json", "--db", db_copy])
    assert result.exit_code == 0, result.output
    periods = json.loads(result.output)
    assert periods[0]["from_ccode"] == 365 and periods[0]["treaty_id"] == "atop:3440"
    assert any(p["treaty_id"] == "reg:russia-dprk-2024" and p["end"] is None for p in periods)
    plain = runner.invoke(app, ["history", "China", "PRK", "--plain", "--db", db_copy])
    assert plain.exit_code == 0 and "atop:3445" in plain.output
    table = runner.invoke(app, ["history", "RUS", "PRK", "--db", db_copy])
    assert table.exit_code == 0 and "Uncertain" in table.output
    org = runner.invoke(app, ["org", "CSTO", "--on", "2025-01-01", "--json", "--db", db_copy])
    assert org.exit_code == 0 and json.loads(org.output)["short_name"] == "CSTO"
    unknown = runner.invoke(app, ["org", "Warsaw Pact", "--db", db_copy])
    assert unknown.exit_code == 2 and "Unknown organization" in unknown.output
    member = runner.invoke(app, ["memberships", "Armenia", "--on", "2025-01-01", "--db", db_copy])
    assert member.exit_code == 0 and "frozen" in member.output
    check = runner.invoke(app, ["register", "check"])
    assert check.exit_code == 0 and "register valid" in check.output


def test_cli_register_load_reports_a_broken_file(tmp_path, db_copy):
    (tmp_path / "bad.yaml").write_text("title: x\nchecked: 2025-01-01\nentries: []\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["register", "load", "--dir", str(tmp_path), "--db", db_copy])
    assert result.exit_code == 2 and "bad.yaml" in result.output
