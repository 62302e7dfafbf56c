"""Network analytics once the curated register is merged into the as-of query (post-2016 treaties)."""

from __future__ import annotations

import itertools
import json
import shutil

import pytest
from typer.testing import CliRunner

from foedus.cli import app
from foedus.network.diff import diff
from foedus.network.plots import dyad_periods, plot_dyad
from foedus.network.snapshot import commitment_graph, defense_pairs
from foedus.network.triads import classify, find_triads
from foedus.register.store import write_register
from foedus.store import connect

RUS, CHN, PRK, USA, FIN, SWE = 365, 710, 731, 2, 375, 380
TREATY_2024 = "reg:russia-dprk-2024"
NATO_2024 = [2, 20, 200, 210, 211, 212, 220, 230, 235, 255, 290, 310, 316, 317, 325, 339, 341, 343, 344, 349, 350,
             355, 360, 366, 367, 368, 375, 380, 385, 390, 395, 640]


@pytest.fixture(scope="module")
def merged_file(real_db_file, tmp_path_factory) -> str:
    """A copy of the shared test database with the register written into it."""
    path = str(tmp_path_factory.mktemp("merged") / "foedus.duckdb")
    shutil.copy(real_db_file, path)
    with connect(path) as con:
        write_register(con)
    return path


@pytest.fixture(scope="module")
def merged(merged_file):
    con = connect(merged_file, read_only=True)  # the CLI tests read the same file: both read-only
    yield con
    con.close()


def test_before_the_2024_treaty_one_defense_side(merged):
    assert classify(commitment_graph(merged, "2024-06-01", multi=False), [RUS, CHN, PRK]).kind == "one_defense"


@pytest.mark.parametrize("on", ["2024-12-04", "2025-06-01"])
def test_russia_dprk_china_is_an_open_triad_after_2024_12_04(merged, on):
    graph = commitment_graph(merged, on, multi=False)
    triad = classify(graph, [RUS, CHN, PRK])
    assert triad.kind == "open" and triad.pivot == PRK
    gap = triad.open_side
    assert (gap.a, gap.b) == (RUS, CHN) and gap.defense == "none"
    assert set(gap.obligations) == {"consultation", "nonaggression"}
    sides = {(s.a, s.b): s for s in triad.sides}
    assert sides[RUS, PRK].defense == "mutual" and TREATY_2024 in sides[RUS, PRK].treaties
    register = [c for c in sides[RUS, PRK].commitments if c["treaty_id"] == TREATY_2024]
    assert register and all(c["source"]["kind"] == "register" and c["status"] == "in_force" for c in register)
    assert sides[CHN, PRK].defense == "mutual" and "atop:3445" in sides[CHN, PRK].treaties
    # found among all open triads of the day, not only when asked for
    assert any(t.members == (RUS, CHN, PRK) for t in find_triads(graph, among=[RUS, PRK], kinds=["open"]))


def test_diff_across_2024_shows_the_russia_dprk_upgrade(merged):
    changes = {(c.a, c.b): c for c in diff(merged, "2024-01-01", "2024-12-31", around=PRK)}
    change = changes[RUS, PRK]
    assert change.change == "upgraded" and change.directions == {"a_to_b": "up", "b_to_a": "up"}
    assert "defense" not in change.before.a_to_b and "defense" in change.after.a_to_b
    record = change.record()
    added = {t["treaty_id"]: t for t in record["treaties_added"]}
    assert added[TREATY_2024]["since"] == "2024-12-04"
    assert added[TREATY_2024]["sources"][0]["kind"] == "register"
    assert "atop:4940" in {t["treaty_id"] for t in record["treaties_removed"]}  # replaced by the 2024 treaty


def test_nato_with_finland_and_sweden_is_one_defense_clique(merged):
    pairs = defense_pairs(commitment_graph(merged, "2024-06-01", types="defense", multi=False))
    assert [(a, b) for a, b in itertools.combinations(NATO_2024, 2) if not pairs.has_edge(a, b)] == []
    changes = {(c.a, c.b): c for c in diff(merged, "2023-01-01", "2024-06-01", around=SWE)}
    assert changes[USA, SWE].change == "upgraded"
    # Finland and Sweden already owed each other defense (EU, atop:4175): same obligations, one more treaty
    assert changes[FIN, SWE].change == "changed"
    assert {c["treaty_id"] for c in changes[FIN, SWE].added} == {"atop:3180"}


def test_dyad_timeline_from_the_history_query(merged, tmp_path):
    periods = dyad_periods(merged, RUS, PRK, start="1950-01-01")
    treaty = periods[(periods.treaty_id == TREATY_2024) & (periods.from_ccode == RUS)].iloc[0]
    assert str(treaty.start) == "2024-12-04" and treaty.end is None and treaty.status == "in_force"
    assert periods[periods.treaty_id == "atop:4940"].end.astype(str).unique().tolist() == ["2024-12-04"]
    path = plot_dyad(merged, RUS, PRK, tmp_path / "rus_prk.svg", start="1950-01-01", end="2025-06-01")
    svg = path.read_text()
    assert "Russia" in svg and "reg:russia-dprk-2024" in svg and "register (entries checked to" in svg


def test_cli_triads_and_diff_with_the_register(merged_file):
    runner = CliRunner()
    result = runner.invoke(app, ["triads", "--on", "2025-01-01", "--among", "Russia,China,North Korea", "--json",
                                 "--db", merged_file])
    assert result.exit_code == 0, result.output
    (triad,) = json.loads(result.stdout)
    assert triad["members"] == [RUS, CHN, PRK] and triad["kind"] == "open" and triad["pivot"] == PRK
    rus_prk = next(s for s in triad["sides"] if s["pair"] == [RUS, PRK])
    assert TREATY_2024 in rus_prk["treaties"] and "defense" in rus_prk["obligations"]
    args = ["diff", "--from", "2024-01-01", "--to", "2024-12-31", "--around", "DPRK", "--db", merged_file]
    table = runner.invoke(app, args)
    assert table.exit_code == 0 and "upgraded" in table.stdout
    (change,) = json.loads(runner.invoke(app, [*args, "--json"]).stdout)["changes"]
    assert change["pair"] == [RUS, PRK] and change["change"] == "upgraded"
    assert TREATY_2024 in {t["treaty_id"] for t in change["treaties_added"]}
