"""Network analytics on a hand-made world of four states whose answers are known by construction.

Treaties (ATOP-shaped files written here, never copies of the real data):
  9001 CHN–PRK defense + non-aggression, 1961 on       9002 RUS–CHN non-aggression + consultation, 2001 on
  9003 RUS–PRK consultation, 2000 on                    9004 RUS–PRK defense, 2010-01-01 to 2015-01-01
  9006 RUS–CHN defense, 2012-01-01 to 2014-01-01        9007 USA owes CHN defense (one way), 2012-06-01 on
So on 2005-06-01 RUS–CHN–PRK has one defense side; on 2011-06-01 it is an open triad pivoting on PRK;
on 2013-06-01 a closed triangle; on 2014-06-01 open again.
"""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from foedus.ingest.discover import find_files
from foedus.network.blocs import blocs, detect_blocs, polarization
from foedus.network.diff import diff
from foedus.network.snapshot import commitment_graph, defense_pairs, edge_table, write_graph
from foedus.network.sscore import add_sscore, s_matrix, sscore, sscore_matrix
from foedus.network.triads import classify, find_triads, triad_counts
from foedus.store import connect
from tests.fixture_files import COW, GW, alliance_rows, member_rows

USA, RUS, CHN, PRK = 2, 365, 710, 731


def _treaty(atopid, a, b, start, end=None, a_terms=None, b_terms=None, **terms):
    y, m, d = start
    ey, em, ed = end or (0, 0, 0)
    dates = {"yrent": y, "moent": m, "dayent": d, "yrexit": ey, "moexit": em, "dayexit": ed}
    rows = [
        {"atopid": atopid, "member": a, **dates, **terms, **(a_terms or {})},
        {"atopid": atopid, "member": b, **dates, **terms, **(b_terms or {})},
    ]
    obligations = {k: 1 for k in ("defense", "offense", "neutral", "nonagg", "consul")
                   if any(r.get(k) for r in rows)}
    treaty = {"atopid": atopid, "begyr": y, "begmo": m, "begday": d, "endyr": ey, "endmo": em, "endday": ed,
              "bilat": 1, "mem1": a, "mem2": b, **obligations}
    return rows, treaty


TREATIES = [
    _treaty(9001, CHN, PRK, (1961, 7, 11), defense=1, nonagg=1),
    _treaty(9002, RUS, CHN, (2001, 7, 16), nonagg=1, consul=1),
    _treaty(9003, RUS, PRK, (2000, 2, 9), consul=1),
    _treaty(9004, RUS, PRK, (2010, 1, 1), (2015, 1, 1), defense=1),
    _treaty(9006, RUS, CHN, (2012, 1, 1), (2014, 1, 1), defense=1),
    _treaty(9007, USA, CHN, (2012, 6, 1), a_terms={"defense": 1}, b_terms={"consul": 0}, asymm=1),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    directory = tmp_path_factory.mktemp("world")
    (directory / "states2016.csv").write_text(COW)
    (directory / "gw_states.csv").write_text(GW)
    (directory / "atop4_01m.csv").write_text(member_rows([r for rows, _ in TREATIES for r in rows]))
    (directory / "atop4_01a.csv").write_text(alliance_rows([t for _, t in TREATIES]))
    con = connect(":memory:")
    for known, paths in find_files(directory):  # the datasets only: this world has no curated register
        known.load(con, *paths)
    yield con
    con.close()


def graph(world, on):
    return commitment_graph(world, on, multi=False)


# ----------------------------------------------------------------------------- snapshot


def test_snapshot_nodes_edges_and_direction(world):
    g = commitment_graph(world, "2013-06-01", multi=False)
    assert set(g.nodes) == {USA, RUS, CHN, PRK}
    assert g.nodes[RUS]["name"] == "Russia" and g.nodes[RUS]["abbr"] == "RUS"
    assert g[USA][CHN]["defense"] and g[USA][CHN]["direction"] == "one_way"
    assert not g.has_edge(CHN, USA)  # China owes the US nothing
    assert g[RUS][PRK]["obligations"] == ["defense", "consultation"] and g[RUS][PRK]["direction"] == "mutual"
    assert g[RUS][PRK]["treaties"] == ["atop:9003", "atop:9004"]
    source = g[RUS][PRK]["commitments"][0]["source"]
    assert source["dataset"] == "ATOP" and source["file"] == "atop4_01m.csv" and source["line"] > 1


def test_snapshot_multigraph_one_edge_per_treaty(world):
    g = commitment_graph(world, "2013-06-01")
    assert isinstance(g, nx.MultiDiGraph)
    assert set(g[RUS][PRK]) == {"atop:9003#0", "atop:9004#0"}
    assert g[RUS][PRK]["atop:9004#0"]["defense"] and not g[RUS][PRK]["atop:9003#0"]["defense"]


def test_snapshot_types_filter(world):
    g = commitment_graph(world, "2013-06-01", types="defense", multi=False)
    assert not g.has_edge(CHN, USA) and g.has_edge(USA, CHN)
    assert all(d["obligations"] == ["defense"] for _, _, d in g.edges(data=True))
    with pytest.raises(ValueError, match="unknown obligation"):
        commitment_graph(world, "2013-06-01", types="alliance")


def test_after_coverage_edges_say_status_unknown(world):
    g = commitment_graph(world, "2020-01-01", multi=False)
    assert g[CHN][PRK]["status"] == "unknown_after_coverage"
    assert commitment_graph(world, "2020-01-01", multi=False, known_only=True).number_of_edges() == 0


@pytest.mark.parametrize("suffix", [".graphml", ".gexf", ".json", ".csv"])
def test_exports_read_back(world, tmp_path, suffix):
    for multi in (False, True):
        g = commitment_graph(world, "2013-06-01", multi=multi)
        path = write_graph(g, tmp_path / f"g{int(multi)}{suffix}")
        if suffix == ".graphml":
            back = nx.read_graphml(path)
            assert back.number_of_edges() == g.number_of_edges()
            assert back.nodes[str(RUS)]["abbr"] == "RUS"
        elif suffix == ".gexf":
            assert nx.read_gexf(path).number_of_edges() == g.number_of_edges()
        elif suffix == ".json":
            data = json.loads(path.read_text())
            assert len(data["links"]) == g.number_of_edges() and len(data["nodes"]) == 4
        else:
            table = pd.read_csv(path)
            assert len(table) == g.number_of_edges() and {"from_ccode", "to_ccode", "treaty_id" if multi else
                                                           "treaties", "defense"} <= set(table.columns)
    with pytest.raises(ValueError):
        write_graph(g, tmp_path / "g.xlsx")


def test_edge_table_has_sources(world):
    table = edge_table(commitment_graph(world, "2011-06-01", multi=False))
    row = table[(table.from_ccode == RUS) & (table.to_ccode == PRK)].iloc[0]
    assert "atop4_01m.csv line" in row["sources"]


# ----------------------------------------------------------------------------- triads


def test_one_defense_side_is_not_an_open_triad(world):
    g = graph(world, "2005-06-01")
    triad = classify(g, [RUS, CHN, PRK])
    assert triad.kind == "one_defense"
    assert find_triads(g) == []
    sides = {(s.a, s.b): s for s in triad.sides}
    assert sides[RUS, CHN].obligations == ["nonaggression", "consultation"]
    assert sides[RUS, PRK].obligations == ["consultation"]
    assert sides[CHN, PRK].defense == "mutual"


def test_known_open_triad(world):
    g = graph(world, "2011-06-01")
    found = find_triads(g)
    assert [t.members for t in found] == [(RUS, CHN, PRK)]
    triad = found[0]
    assert triad.kind == "open" and triad.pivot == PRK
    assert (triad.open_side.a, triad.open_side.b) == (RUS, CHN)
    # 3 × level 2 (non-aggression) + 1 further type + 1 both ways + 2 mutual defense sides
    assert triad.score == 10
    assert "bound only by nonaggression, consultation" in triad.explanation
    record = triad.record()
    assert record["members"] == [RUS, CHN, PRK] and record["kind"] == "open"
    assert {tuple(s["pair"]) for s in record["sides"]} == {(RUS, CHN), (RUS, PRK), (CHN, PRK)}
    side = next(s for s in record["sides"] if s["pair"] == [RUS, PRK])
    assert side["obligations"] == ["defense", "consultation"] and side["treaties"] == ["atop:9003", "atop:9004"]
    json.dumps(record)


def test_known_closed_triangle_and_ranking(world):
    g = graph(world, "2013-06-01")
    assert triad_counts(g) == {"closed": 1, "open": 2}
    found = find_triads(g)
    assert found[0].kind == "closed" and found[0].members == (RUS, CHN, PRK) and found[0].score == 3
    opens = [t for t in found if t.kind == "open"]
    # US–CHN is a one-way guarantee; the third sides (US–RUS, US–PRK) are bound by nothing
    assert {t.members for t in opens} == {(USA, RUS, CHN), (USA, CHN, PRK)}
    assert all(t.pivot == CHN and "no recorded commitment" in t.explanation for t in opens)
    assert all(t.score == 1 for t in opens)  # only the pivot's partner side is mutual
    # equal nearness and no CINC in this world: the lower COW codes come first
    assert [t.members for t in find_triads(g, top=1)] == [(RUS, CHN, PRK), (USA, RUS, CHN)]


def test_among_filters(world):
    g = graph(world, "2013-06-01")
    assert {t.members for t in find_triads(g, among=[USA])} == {(USA, RUS, CHN), (USA, CHN, PRK)}
    every = find_triads(g, among=[USA, RUS, CHN, PRK])
    assert len(every) == 4 and {t.kind for t in every} == {"closed", "open", "one_defense"}
    with pytest.raises(ValueError):
        classify(g, [RUS, CHN])


def test_triads_after_the_triangle_breaks(world):
    assert classify(graph(world, "2014-06-01"), [RUS, CHN, PRK]).kind == "open"
    assert classify(graph(world, "2016-01-01"), [RUS, CHN, PRK]).kind == "one_defense"


# ----------------------------------------------------------------------------- diff


def test_diff_shows_upgrade_and_downgrade(world):
    up = diff(world, "2009-06-01", "2011-06-01")
    assert [(c.a, c.b, c.change) for c in up] == [(RUS, PRK, "upgraded")]
    change = up[0].record()
    assert change["before"]["a_to_b"] == ["consultation"] and change["after"]["a_to_b"] == ["defense", "consultation"]
    assert change["treaties_added"][0]["treaty_id"] == "atop:9004"
    assert change["treaties_added"][0]["sources"][0]["file"] == "atop4_01m.csv"
    down = {(c.a, c.b): c.change for c in diff(world, "2013-06-01", "2016-06-01")}
    assert down == {(RUS, CHN): "downgraded", (RUS, PRK): "downgraded"}
    assert {(c.a, c.b): c.change for c in diff(world, "2012-01-01", "2013-01-01")} == {(USA, CHN): "begun"}
    assert {(c.a, c.b) for c in diff(world, "2009-06-01", "2016-06-01", around=CHN)} == {(USA, CHN)}


def test_diff_ended_and_nothing(world):
    assert diff(world, "2011-06-01", "2011-07-01") == []
    ended = diff(world, "2005-06-01", "1990-06-01")
    assert {(c.a, c.b): c.change for c in ended} == {(RUS, CHN): "ended", (RUS, PRK): "ended"}


# ----------------------------------------------------------------------------- blocs


def test_blocs_are_reproducible(world):
    first = blocs(world, "2013-06-01", seed=7)
    again = blocs(world, "2013-06-01", seed=7)
    assert [b.members for b in first.blocs] == [b.members for b in again.blocs]
    members = {c for b in first.blocs for c in b.members}
    assert members == {USA, RUS, CHN, PRK}
    assert first.polarization["blocs"] == len(first.blocs)
    assert first.polarization["aligned_share"] == 1.0


def test_two_cliques_are_two_blocs():
    g = nx.Graph()
    g.add_nodes_from(range(1, 9), cinc=0.01)
    g.nodes[1]["cinc"] = 0.3
    g.nodes[5]["cinc"] = 0.2
    g.add_edges_from([(a, b) for a in range(1, 5) for b in range(a + 1, 5)], weight=2)
    g.add_edges_from([(a, b) for a in range(5, 9) for b in range(a + 1, 9)], weight=2)
    g.add_edge(4, 5, weight=1)
    g.add_node(9, cinc=0.1)
    found = detect_blocs(g, seed=0)
    assert [b.members for b in found] == [[1, 2, 3, 4], [5, 6, 7, 8]]
    assert [b.leader for b in found] == [1, 5]
    measures = polarization(g, found)
    assert measures["blocs"] == 2 and measures["effective_blocs"] == 2.0
    assert measures["cross_bloc_ties"] == pytest.approx(1 / 13, abs=1e-4)
    assert measures["aligned_share"] == pytest.approx(8 / 9, abs=1e-4)
    assert measures["two_bloc_capability_share"] == pytest.approx(0.56 / 0.66, abs=1e-4)
    assert measures["modularity"] > 0.4


# ----------------------------------------------------------------------------- S-scores


def test_sscore_known_values(world):
    assert sscore(world, RUS, CHN, 2011) == pytest.approx(1 - 2 * (2 / 3) / 4)
    assert sscore(world, RUS, PRK, 2011) == pytest.approx(1 - 2 * (1 / 3) / 4)
    assert sscore(world, USA, RUS, 2011) == pytest.approx(1 - 2 * (11 / 3) / 4)
    assert np.isnan(sscore(world, RUS, 999, 2011))


def test_sscore_matrix_identity_and_symmetry(world):
    matrix = sscore_matrix(world, 2011)
    values = matrix.to_numpy()
    assert list(matrix.index) == [USA, RUS, CHN, PRK]
    assert np.allclose(np.diag(values), 1.0)
    assert np.allclose(values, values.T)
    assert matrix.loc[RUS, CHN] == pytest.approx(sscore(world, RUS, CHN, 2011))
    with pytest.raises(ValueError, match="NMC"):
        sscore_matrix(world, 2011, weighted=True)  # the fixture world has no capability data


def test_weighted_s_by_formula():
    rng = np.random.default_rng(1)
    ties = rng.integers(0, 4, size=(6, 6))
    ties = np.maximum(ties, ties.T)
    np.fill_diagonal(ties, 3)
    w = rng.random(6)
    s = s_matrix(ties, w)
    assert np.allclose(np.diag(s), 1.0) and np.allclose(s, s.T)
    x, y = ties[1] / 3, ties[4] / 3
    assert s[1, 4] == pytest.approx(1 - 2 * np.sum(w * np.abs(x - y)) / w.sum())
    assert np.all(s <= 1 + 1e-12) and np.all(s >= -1 - 1e-12)
    opposite = np.array([[3, 0], [0, 3]])
    assert s_matrix(opposite, np.ones(2))[0, 1] == pytest.approx(-1.0)


def test_add_sscore_panel(world):
    panel = pd.DataFrame({"ccode1": [RUS, CHN, USA, RUS], "ccode2": [CHN, RUS, USA, 999],
                          "year": [2011, 2011, 2011, 2011]})
    out = add_sscore(panel, world, weighted=False)
    assert list(out.columns) == ["ccode1", "ccode2", "year", "s_unweighted"]
    assert out.s_unweighted[0] == pytest.approx(out.s_unweighted[1])  # symmetric
    assert out.s_unweighted[2] == 1.0 and np.isnan(out.s_unweighted[3])
    assert "s_unweighted" not in panel.columns


def test_defense_pairs_weights(world):
    pairs = defense_pairs(graph(world, "2013-06-01"))
    assert pairs[RUS][PRK]["weight"] == 2 and pairs[USA][CHN]["weight"] == 1
