"""Network analytics on the real ATOP 4.01, COW and NMC data."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from foedus.network.blocs import bloc_history, blocs, yearly_dates
from foedus.network.diff import diff
from foedus.network.snapshot import commitment_graph, defense_pairs
from foedus.network.sscore import add_sscore, sscore, sscore_matrix
from foedus.network.triads import classify, find_triads

USA, UKG, RUS, CHN, PRK, JPN = 2, 200, 365, 710, 731, 740
# NATO's 28 members on 2010-01-01 (Albania and Croatia joined 2009-04-01)
NATO_2010 = [2, 20, 200, 210, 211, 212, 220, 230, 235, 255, 290, 310, 316, 317, 325, 339, 344, 349, 350, 355, 360,
             366, 367, 368, 385, 390, 395, 640]


@pytest.fixture(scope="module")
def graph_2010(real_store):
    return commitment_graph(real_store, "2010-01-01", multi=False)


def test_nato_members_form_one_defense_clique(graph_2010):
    pairs = defense_pairs(graph_2010)
    missing = [(a, b) for a, b in itertools.combinations(NATO_2010, 2) if not pairs.has_edge(a, b)]
    assert missing == []
    # every pair is bound by the North Atlantic Treaty itself, both ways
    for a, b in itertools.combinations(NATO_2010, 2):
        assert "atop:3180" in graph_2010[a][b]["treaties"] and "atop:3180" in graph_2010[b][a]["treaties"]
    # so every three of them close a triangle
    some = find_triads(graph_2010, among=[USA, 640, 385, 366])
    assert len(some) == 4 and all(t.kind == "closed" and t.score == 3 for t in some)


def test_snapshot_node_attributes(graph_2010):
    assert graph_2010.nodes[USA]["major"] and graph_2010.nodes[USA]["cinc_year"] == 2010
    assert graph_2010.nodes[CHN]["cinc"] > graph_2010.nodes[PRK]["cinc"] > 0
    assert not graph_2010.nodes[PRK]["major"]
    assert graph_2010.nodes[PRK]["name"] == "North Korea"


def test_us_japan_defense_is_one_way(real_store):
    g = commitment_graph(real_store, "1990-01-01", types="defense", multi=False)
    assert g[USA][JPN]["direction"] == "one_way" and not g.has_edge(JPN, USA)


def test_russia_china_dprk_in_2010_has_one_defense_side(real_store):
    """Inside ATOP coverage: only PRC–DPRK is a defense pact, so this is not (yet) an open triad."""
    g = commitment_graph(real_store, "2010-06-01", multi=False)
    triad = classify(g, [RUS, CHN, PRK])
    assert triad.kind == "one_defense"
    sides = {(s.a, s.b): s for s in triad.sides}
    assert sides[CHN, PRK].defense == "mutual" and "atop:3445" in sides[CHN, PRK].treaties
    assert sides[RUS, CHN].defense == "none"
    assert {"consultation", "nonaggression"} <= set(sides[RUS, CHN].obligations)
    assert sides[RUS, PRK].defense == "none" and "consultation" in sides[RUS, PRK].obligations
    assert "atop:4940" in sides[RUS, PRK].treaties
    assert all(t.kind in ("closed", "open") for t in find_triads(g, among=[RUS, PRK]))
    assert not any(set(t.members) == {RUS, CHN, PRK} for t in find_triads(g, among=[RUS, PRK]))


def test_open_triads_are_ranked_and_explained(graph_2010):
    found = find_triads(graph_2010, top=20, kinds=["open"])
    assert len(found) == 20
    scores = [t.score for t in found]
    assert scores == sorted(scores, reverse=True)
    for t in found:
        assert t.open_side.defense == "none"
        assert sum(s.defense != "none" for s in t.sides) == 2
        assert "open triad pivoting on" in t.explanation


def test_diff_shows_the_1996_downgrade_around_dprk(real_store):
    changes = {(c.a, c.b): c for c in diff(real_store, "1990-01-01", "2001-01-01", around="731")}
    russia = changes[RUS, PRK]
    assert russia.change == "downgraded"
    assert "defense" in russia.before.a_to_b and russia.after.a_to_b == ["consultation"]
    assert {c["treaty_id"] for c in russia.removed} == {"atop:3440"}
    assert {c["treaty_id"] for c in russia.added} == {"atop:4940"}
    assert all(c["source"]["dataset"] == "ATOP" for c in russia.added + russia.removed)


def test_diff_across_coverage_does_not_invent_endings(real_store):
    changes = diff(real_store, "2016-06-01", "2020-06-01", around=PRK)
    assert not [c for c in changes if c.change == "ended"]


def test_blocs_1960_cold_war(real_store):
    result = blocs(real_store, "1960-01-01")
    again = blocs(real_store, "1960-01-01")
    assert [b.members for b in result.blocs] == [b.members for b in again.blocs]
    home = {c: b.id for b in result.blocs for c in b.members}
    assert home[USA] == home[UKG] == home[220]
    assert home[RUS] == home[290] == home[310]  # Warsaw Pact: Poland, Hungary
    assert home[USA] != home[RUS]
    p = result.polarization
    assert p["blocs"] >= 3 and 0 < p["cross_bloc_ties"] < 0.2 and p["modularity"] > 0.3
    assert 0 < p["two_bloc_capability_share"] <= 1


def test_bloc_history_keeps_ids(real_store):
    history = bloc_history(real_store, yearly_dates(1960, 1964, 2))
    usa = history[history.ccode == USA]
    assert len(usa) == 3 and usa.bloc.nunique() == 1
    assert usa.label.iloc[0].startswith("USA bloc")


def test_sscore_matrix_real(real_store):
    for weighted in (False, True):
        matrix = sscore_matrix(real_store, 1960, weighted=weighted)
        values = matrix.to_numpy()
        assert np.allclose(np.diag(values), 1.0) and np.allclose(values, values.T)
        assert values.min() >= -1 and values.max() <= 1
        assert matrix.loc[USA, UKG] > matrix.loc[USA, RUS]
        assert matrix.loc[RUS, 290] > matrix.loc[RUS, USA]
    assert sscore(real_store, USA, UKG, 1960, weighted=True) == pytest.approx(
        sscore_matrix(real_store, 1960, weighted=True).loc[USA, UKG])


def test_add_sscore_real_panel(real_store):
    panel = pd.DataFrame({"ccode1": [USA, USA, RUS], "ccode2": [UKG, RUS, 290], "year": [1960, 1960, 1985]})
    out = add_sscore(panel, real_store)
    matrix = sscore_matrix(real_store, 1985, weighted=True)
    assert out.s_weighted[2] == pytest.approx(matrix.loc[RUS, 290])
    assert out.s_unweighted[0] > out.s_unweighted[1]
