"""`foedus network`, `triads`, `diff`, `blocs`, `sscore` and `plot`, and the figures, on the real data."""

from __future__ import annotations

import datetime as dt
import json

import networkx as nx
import pandas as pd
import pytest
from typer.testing import CliRunner

from foedus.cli import app
from foedus.network import plots
from foedus.network.blocs import bloc_history, bloc_sizes, yearly_dates

runner = CliRunner()
PNG = b"\x89PNG\r\n\x1a\n"


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_triads_json_contract(real_db_file):
    result = run("triads", "--on", "2010-06-01", "--top", "3", "--json", "--db", real_db_file)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert isinstance(payload, list) and len(payload) == 6
    assert [t["kind"] for t in payload] == ["closed"] * 3 + ["open"] * 3
    for triad in payload:
        assert len(triad["members"]) == 3 and triad["on"] == "2010-06-01"
        assert len(triad["sides"]) == 3
        for side in triad["sides"]:
            assert {"pair", "obligations", "treaties", "defense"} <= set(side)


def test_triads_among_names_the_kind(real_db_file):
    result = run("triads", "--on", "2010-06-01", "--among", "Russia,China,North Korea", "--json", "--db",
                 real_db_file)
    assert result.exit_code == 0, result.output
    (triad,) = json.loads(result.stdout)
    assert triad["members"] == [365, 710, 731] and triad["kind"] == "one_defense"
    table = run("triads", "--on", "2010-06-01", "--among", "RUS,CHN,DPRK", "--db", real_db_file)
    assert table.exit_code == 0 and "one_defense" in table.stdout and "atop:3445" in table.stdout


def test_network_exports_and_summary(real_db_file, tmp_path):
    out = tmp_path / "net.graphml"
    result = run("network", "--on", "2010-01-01", "--types", "defense", "--out", out, "--out", tmp_path / "e.csv",
                 "--db", real_db_file)
    assert result.exit_code == 0, result.output
    assert "United States of America" in result.stdout
    graph = nx.read_graphml(out)
    assert graph.has_edge("2", "200") and graph.nodes["2"]["major"] is True
    edges = pd.read_csv(tmp_path / "e.csv")
    assert set(edges.defense) == {True}
    as_json = run("network", "--on", "1914-06-01", "--json", "--db", real_db_file)
    payload = json.loads(as_json.stdout)
    assert payload["on"] == "1914-06-01" and payload["graph"]["links"]


def test_diff_json(real_db_file):
    result = run("diff", "--from", "1990-01-01", "--to", "2001-01-01", "--around", "DPRK", "--json", "--db",
                 real_db_file)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    russia = next(c for c in payload["changes"] if c["pair"] == [365, 731])
    assert russia["change"] == "downgraded"
    assert russia["treaties_removed"][0]["treaty_id"] == "atop:3440"
    assert russia["treaties_removed"][0]["sources"][0]["file"]
    table = run("diff", "--from", "1990-01-01", "--to", "2001-01-01", "--around", "DPRK", "--db", real_db_file)
    assert "downgraded" in table.stdout


def test_blocs_and_sscore_commands(real_db_file, tmp_path):
    result = run("blocs", "--on", "1960-01-01", "--json", "--db", real_db_file)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["seed"] == 0 and payload["blocs"] and "modularity" in payload["polarization"]
    history = run("blocs", "--from", "1950", "--to", "1960", "--step", "5", "--db", real_db_file)
    assert history.exit_code == 0 and "1955-01-01" in history.stdout
    one = run("sscore", "USA", "UKG", "--year", "1960", "--json", "--db", real_db_file)
    s = json.loads(one.stdout)["s"]
    assert -1 <= s["weighted"] <= 1 and -1 <= s["unweighted"] <= 1
    out = tmp_path / "s.csv"
    matrix = run("sscore", "--year", "1960", "--out", out, "--db", real_db_file)
    assert matrix.exit_code == 0, matrix.output
    assert pd.read_csv(out, index_col=0).shape[0] > 80
    ranking = run("sscore", "Russia", "--year", "1960", "--top", "5", "--db", real_db_file)
    assert ranking.exit_code == 0 and "Poland" in ranking.stdout
    bare = run("sscore", "--year", "1960", "--db", real_db_file)
    assert bare.exit_code == 2 and "--out" in bare.output


def test_bad_input_is_a_clean_error(real_db_file):
    result = run("network", "--on", "2010-01-01", "--types", "friendship", "--db", real_db_file)
    assert result.exit_code == 2 and "unknown obligation" in result.output
    result = run("triads", "--on", "2010-01-01", "--among", "Atlantis", "--db", real_db_file)
    assert result.exit_code == 2 and "Unknown state" in result.output


def test_plot_commands(real_db_file, tmp_path):
    result = run("plot", "network", "--on", "1914-06-01", "--on", "1939-01-01", "--layout", "spring", "--out",
                 tmp_path / "n.png", "--highlight", "GMY", "--db", real_db_file)
    assert result.exit_code == 0, result.output
    for day in ("1914-06-01", "1939-01-01"):
        assert (tmp_path / f"n_{day}.png").read_bytes().startswith(PNG)
    dyad = run("plot", "dyad", "Russia", "North Korea", "--from", "1950-01-01", "--to", "2020-01-01", "--out",
               tmp_path / "d.svg", "--db", real_db_file)
    assert dyad.exit_code == 0, dyad.output
    svg = (tmp_path / "d.svg").read_text()
    assert "<svg" in svg and "Russia" in svg and "coverage" in svg
    result = run("plot", "blocs", "--from", "1950", "--to", "1960", "--step", "5", "--out", tmp_path / "b.png",
                 "--db", real_db_file)
    assert result.exit_code == 0 and (tmp_path / "b.png").read_bytes().startswith(PNG)


def test_network_figure_title_has_date_and_coverage(real_store, tmp_path):
    path = plots.plot_network(real_store, "2020-01-01", tmp_path / "n.svg")
    svg = path.read_text()
    assert "2020-01-01" in svg and "ATOP 4.01 to 2016-12-31" in svg and "presumed" in svg
    with pytest.raises(ValueError):
        plots.plot_network(real_store, "2020-01-01", tmp_path / "n.pdf")


def test_ring_layout_is_stable_across_dates(real_store):
    first = plots.stable_layout(real_store, [])
    later = plots.stable_layout(real_store, [])
    assert all((first[c] == later[c]).all() for c in first)
    assert abs(sum(p @ p for p in first.values()) / len(first) - 1) < 1e-9  # all on the unit circle


def test_dyad_periods_from_the_history_query(real_store, tmp_path):
    periods = plots.dyad_periods(real_store, 365, 731, start="1955-01-01", end="2010-01-01")
    treaty = periods[(periods.treaty_id == "atop:3440") & (periods.from_ccode == 365)].iloc[0]
    assert treaty.start == dt.date(1961, 7, 6) and treaty.end == dt.date(1996, 9, 10)
    assert "defense" in treaty.obligations and "atop4_01_member_level.csv" in treaty.source
    assert plots.dyad_periods(real_store, 365, 731, start="1955-01-01", end="1960-01-01").empty
    path = plots.plot_dyad_history(periods, tmp_path / "d.png", 365, 731)
    assert path.read_bytes().startswith(PNG)


def test_bloc_sizes_figure(real_store, tmp_path):
    sizes = bloc_sizes(bloc_history(real_store, yearly_dates(1955, 1965, 5)))
    assert sizes.index.is_monotonic_increasing and (sizes.sum(axis=1) > 20).all()
    path = plots.plot_bloc_sizes(sizes, tmp_path / "b.svg", top=3)
    assert "other blocs" in path.read_text()
