"""Blocs: communities of the defense network, their membership over time, and polarization.

The defense network on a date is undirected: two states are tied when at least one owes the
other defense (weight 2 when both do, 1 when one way). Blocs are its Louvain communities
(Blondel, Guillaume, Lambiotte and Lefebvre 2008, "Fast unfolding of communities in large
networks", J. Stat. Mech. P10008; networkx ``louvain_communities``) with a fixed seed, so the same
data and seed always give the same blocs. Communities of one state are not blocs: such states are
*unaligned*. A bloc is named after its member with the largest CINC score (ties: most defense ties).

Over time (:func:`bloc_history`), a bloc keeps its id from one date to the next when the best
one-to-one match by Jaccard overlap of members is at least ``0.3``; otherwise it is new.

Polarization measures (:func:`polarization`), all simple and documented in the result:
``modularity`` (Newman 2006, PNAS 103(23)) of the partition; ``cross_bloc_ties``, the share of
defense ties between blocs; ``effective_blocs`` = 1/Σ sᵢ² over bloc sizes and ``effective_poles``
over the blocs' CINC shares (Laakso and Taagepera 1979); ``two_bloc_capability_share``, the share
of the system's CINC held by the two strongest blocs (a bipolarization proxy in the spirit of
Wallace 1973, "Alliance Polarization, Cross-Cutting, and International War", J. Conflict Resolution
17(4)); ``aligned_share`` and ``largest_bloc_share``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx
import pandas as pd

from foedus.dates import parse_date
from foedus.naming import StateNames
from foedus.network.snapshot import cinc_scores, commitments_on, coverage_text, system_members

DEFAULT_SEED = 0
MATCH_AT_LEAST = 0.3


@dataclass
class Bloc:
    id: int
    members: list[int]
    leader: int
    label: str
    cinc: float

    @property
    def size(self) -> int:
        return len(self.members)

    def record(self, names: StateNames | None = None) -> dict:
        out = {"id": self.id, "label": self.label, "leader": self.leader, "size": self.size,
               "cinc": round(self.cinc, 6), "members": self.members}
        if names is not None:
            out["member_names"] = [names.name(c) for c in self.members]
        return out


@dataclass
class BlocResult:
    on: str
    blocs: list[Bloc]
    unaligned: list[int]
    polarization: dict
    seed: int
    coverage: str = ""
    graph: nx.Graph = field(default=None, repr=False)

    def record(self, names: StateNames | None = None) -> dict:
        return {
            "on": self.on,
            "seed": self.seed,
            "method": "louvain (networkx), weight 2 mutual / 1 one-way defense",
            "blocs": [b.record(names) for b in self.blocs],
            "unaligned": self.unaligned,
            "polarization": self.polarization,
            "coverage": self.coverage,
        }


def defense_graph(con, on: str | dt.date | None = None, known_only: bool = False,
                  status: str | None = None) -> nx.Graph:
    """The undirected defense network on `on`: every COW system member a node, CINC as attribute.

    `status`: the tiers that count (confirmed, presumed — the default —, any; `known_only`: confirmed)."""
    day = parse_date(on, "on")
    frame = commitments_on(con, day, ("defense",), known_only, status=status)
    directed = set(zip(frame.from_ccode.tolist(), frame.to_ccode.tolist(), strict=True))
    graph = nx.Graph(on=day.isoformat())
    cinc, year = cinc_scores(con, day.year)
    members = set(system_members(con, day)) | {a for a, _ in directed} | {b for _, b in directed}
    graph.add_nodes_from((c, {"cinc": cinc.get(c, 0.0)}) for c in sorted(members))
    graph.add_edges_from((a, b, {"weight": 2 if (b, a) in directed else 1}) for a, b in directed if a != b)
    graph.graph["cinc_year"] = year
    return graph


def as_defense_graph(graph: nx.Graph) -> nx.Graph:
    """Turn a commitment graph (any shape from :mod:`snapshot`) into the undirected defense network."""
    if not graph.is_directed():
        return graph
    directed = {(a, b) for a, b, data in graph.edges(data=True) if data.get("defense")}
    out = nx.Graph(**graph.graph)
    out.add_nodes_from((n, {"cinc": d.get("cinc") or 0.0}) for n, d in graph.nodes(data=True))
    out.add_edges_from((a, b, {"weight": 2 if (b, a) in directed else 1}) for a, b in directed if a != b)
    return out


def _leader(graph: nx.Graph, members: Iterable[int]) -> int:
    return max(members, key=lambda c: (graph.nodes[c].get("cinc") or 0.0, graph.degree(c), -c))


def detect_blocs(graph: nx.Graph, seed: int = DEFAULT_SEED, resolution: float = 1.0, labels=None) -> list[Bloc]:
    """Louvain communities (two or more states) of the defense network, largest first."""
    graph = as_defense_graph(graph)
    tied = graph.subgraph([n for n in graph if graph.degree(n) > 0])
    if tied.number_of_edges() == 0:
        return []
    communities = nx.community.louvain_communities(tied, weight="weight", resolution=resolution, seed=seed)
    groups = sorted((sorted(c) for c in communities if len(c) > 1), key=lambda c: (-len(c), c[0]))
    out = []
    for number, members in enumerate(groups, start=1):
        leader = _leader(graph, members)
        name = labels(leader) if labels else str(leader)
        cinc = sum(graph.nodes[c].get("cinc") or 0.0 for c in members)
        out.append(Bloc(number, members, leader, f"{name} bloc", cinc))
    return out


def polarization(graph: nx.Graph, blocs: list[Bloc]) -> dict:
    """Simple polarization measures of a partition of the defense network (see module docstring)."""
    graph = as_defense_graph(graph)
    states = graph.number_of_nodes()
    aligned = sum(b.size for b in blocs)
    out = {"states": states, "blocs": len(blocs), "aligned_share": round(aligned / states, 4) if states else None}
    if not blocs:
        return out | {"largest_bloc_share": None, "effective_blocs": None, "effective_poles": None,
                      "two_bloc_capability_share": None, "modularity": None, "cross_bloc_ties": None}
    sizes = [b.size / aligned for b in blocs]
    total_cinc = sum(d.get("cinc") or 0.0 for _, d in graph.nodes(data=True))
    bloc_cinc = sorted((b.cinc for b in blocs), reverse=True)
    aligned_cinc = sum(bloc_cinc)
    home = {c: b.id for b in blocs for c in b.members}
    ties = [(a, b) for a, b in graph.edges() if a in home and b in home]
    tied = graph.subgraph(home)
    return out | {
        "largest_bloc_share": round(max(b.size for b in blocs) / aligned, 4),
        "effective_blocs": round(1 / sum(s * s for s in sizes), 4),
        "effective_poles": round(1 / sum((c / aligned_cinc) ** 2 for c in bloc_cinc), 4) if aligned_cinc else None,
        "two_bloc_capability_share": round(sum(bloc_cinc[:2]) / total_cinc, 4) if total_cinc else None,
        "modularity": round(nx.community.modularity(tied, [set(b.members) for b in blocs], weight="weight"), 4),
        "cross_bloc_ties": round(sum(home[a] != home[b] for a, b in ties) / len(ties), 4) if ties else None,
    }


def blocs(con, on: str | dt.date | None = None, seed: int = DEFAULT_SEED, resolution: float = 1.0,
          graph: nx.Graph | None = None, status: str | None = None) -> BlocResult:
    """Blocs of the defense network on `on`, with polarization measures (`graph`: a snapshot to reuse;
    `status`: the tiers that count when the graph is built here)."""
    day = parse_date(on, "on")
    graph = defense_graph(con, day, status=status) if graph is None else as_defense_graph(graph)
    names = StateNames(con)
    found = detect_blocs(graph, seed, resolution, labels=names.abbr)
    home = {c for b in found for c in b.members}
    unaligned = sorted(c for c in graph if c not in home)
    return BlocResult(day.isoformat(), found, unaligned, polarization(graph, found), seed, coverage_text(con), graph)


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _match(previous: dict[int, set], current: list[Bloc], next_id: int) -> tuple[dict[int, int], int]:
    """Map current bloc numbers to stable ids: greedy one-to-one by Jaccard overlap."""
    candidates = sorted(
        ((_jaccard(set(b.members), members), stable, b.id) for b in current for stable, members in previous.items()),
        reverse=True,
    )
    mapping, used = {}, set()
    for score, stable, number in candidates:
        if score < MATCH_AT_LEAST or stable in used or number in mapping:
            continue
        mapping[number] = stable
        used.add(stable)
    for b in current:
        if b.id not in mapping:
            mapping[b.id] = next_id
            next_id += 1
    return mapping, next_id


def bloc_history(con, dates: Iterable, seed: int = DEFAULT_SEED, resolution: float = 1.0,
                 status: str | None = None) -> pd.DataFrame:
    """Bloc membership on each date: one row per (date, state in a bloc), ids stable across dates.

    Columns: date, bloc (stable id), label (the bloc's most frequent leader and the years it is
    seen, e.g. "RUS bloc (1955–1990)"), leader (on that date), ccode, abbr. `status`: the tiers that count.
    """
    names = StateNames(con)
    previous: dict[int, set] = {}
    next_id, rows = 1, []
    for value in sorted(parse_date(d, "date") for d in dates):
        found = detect_blocs(defense_graph(con, value, status=status), seed, resolution)
        mapping, next_id = _match(previous, found, next_id)
        previous = {mapping[b.id]: set(b.members) for b in found}
        for b in found:
            rows += [{"date": value, "bloc": mapping[b.id], "leader": b.leader, "ccode": c, "abbr": names.abbr(c)}
                     for c in b.members]
    frame = pd.DataFrame(rows, columns=["date", "bloc", "leader", "ccode", "abbr"])
    if frame.empty:
        return frame.assign(label=pd.Series(dtype=str))
    per_date = frame.drop_duplicates(["date", "bloc"])
    leaders = per_date.groupby("bloc").leader.agg(lambda s: Counter(s).most_common(1)[0][0])
    spans = per_date.groupby("bloc").date.agg(["min", "max"])
    labels = {}
    for bloc, leader in leaders.items():
        first, last = spans.loc[bloc, "min"].year, spans.loc[bloc, "max"].year
        labels[bloc] = f"{names.abbr(leader)} bloc ({first}" + (f"–{last})" if last != first else ")")
    return frame.assign(label=frame.bloc.map(labels))[["date", "bloc", "label", "leader", "ccode", "abbr"]]


def bloc_sizes(history: pd.DataFrame) -> pd.DataFrame:
    """Members per bloc label (columns) and date (index) from :func:`bloc_history`; 0 when absent."""
    if history.empty:
        return pd.DataFrame()
    return history.groupby(["date", "label"]).size().unstack(fill_value=0).sort_index()


def yearly_dates(start, end, step: int = 1, month: int = 1, day: int = 1) -> list[dt.date]:
    """1 January (or the given day) of every `step`-th year from `start` to `end` inclusive."""
    first, last = parse_date(start, "from"), parse_date(end, "to")
    return [dt.date(y, month, day) for y in range(first.year, last.year + 1, step) if first <= dt.date(y, month, day)
            <= last]
