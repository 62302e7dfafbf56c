"""The commitment network as an answer: node-link JSON (`foedus network --json`, ``/api/network``) and the
compact view the web page draws (``/api/network/view``).

The view has one edge per pair (a < b) with what each owes the other, the strongest obligation (for the
colour, :data:`COLORS`), the treaties, the legacy status and the best status tier; nodes sit on the fixed ring
of :func:`ring_layout` (every COW state in code order, regions separated by gaps), so a state keeps its place on
every date. Both answers say which tiers count (`status`, the rule every command shares) and carry the date's
projection `warning` when the date lies after the register's check date or after today.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Literal

from foedus.dates import parse_date
from foedus.results import Record, Result

COLORS = {
    "defense": "#c0392b",
    "offense": "#7d3c98",
    "neutrality": "#d68910",
    "nonaggression": "#2e86c1",
    "consultation": "#7f8c8d",
}
REGIONS = (  # COW code ranges
    ("Americas", 0, 199),
    ("Europe", 200, 399),
    ("Africa", 400, 626),
    ("Middle East", 627, 699),
    ("Asia", 700, 899),
    ("Oceania", 900, 999),
)
GAP = 3  # empty slots between regions on the ring


def region(code: int) -> str:
    return next(name for name, low, high in REGIONS if low <= code <= high)


def ring_positions(codes: Iterable[int]) -> dict[int, tuple[float, float]]:
    """(x, y) on a unit circle in COW-code order with gaps between regions (stable for a code list)."""
    ordered = sorted({int(c) for c in codes})
    slots, slot, previous = {}, 0, None
    for code in ordered:
        here = region(code)
        if previous is not None and here != previous:
            slot += GAP
        slots[code] = slot
        slot += 1
        previous = here
    total = max(slot + GAP, 1)
    return {c: (math.cos(math.pi / 2 - 2 * math.pi * s / total), math.sin(math.pi / 2 - 2 * math.pi * s / total))
            for c, s in slots.items()}


def ring_layout(codes: Iterable[int]):
    """:func:`ring_positions` as numpy arrays (what networkx drawing takes)."""
    import numpy as np

    return {c: np.array(xy) for c, xy in ring_positions(codes).items()}


def view_layout(con) -> dict[int, tuple[float, float]]:
    """The page's node positions: the ring of every COW state, y pointing down, 4 decimals."""
    codes = [r[0] for r in con.execute("SELECT DISTINCT code FROM states WHERE system = 'cow'").fetchall()]
    return {code: (round(float(x), 4), round(float(-y), 4)) for code, (x, y) in ring_positions(codes).items()}


class Network(Result):
    """The commitment graph on a date as node-link data (networkx), edges under ``links``."""

    on: str
    types: list[str]
    status: str
    warning: str | None = None
    graph: dict


class ViewNode(Record):
    code: int
    abbr: str
    name: str
    major: bool
    system_member: bool
    cinc: float | None
    x: float
    y: float
    partners: int


class ViewEdge(Record):
    a: int
    b: int
    a_to_b: list[str]
    b_to_a: list[str]
    strongest: str
    direction: Literal["mutual", "one_way"]
    treaties: list[str]
    status: Literal["in_force", "unknown_after_coverage"]
    tier: Literal["confirmed", "presumed", "unknown"] | None = None


class NetworkView(Result):
    """The compact network the web page draws: one edge per pair of states, strongest obligation first."""

    on: str
    types: list[str]
    status: str
    warning: str | None = None
    coverage: str
    colors: dict[str, str]
    nodes: list[ViewNode]
    edges: list[ViewEdge]


def graph_on(con, on, types=None, multi: bool = False, frame=None, status: str | None = None):
    """The library's commitment graph; `frame`: the directed commitments of the date (every tier), when cached;
    `status`: the tiers that count (confirmed, presumed — the default —, any)."""
    from foedus.network.snapshot import commitment_graph, commitments_on, parse_types
    from foedus.query.intervals import check_status

    day = parse_date(on, "on")
    wanted = parse_types(types)
    status = check_status(status)
    cut = commitments_on(None, day, wanted, frame=frame, status=status) if frame is not None else None
    return commitment_graph(con, day, types=wanted, multi=multi, frame=cut, status=status)


def projection(con, day: dt.date) -> dict:
    """``{"warning": ...}`` when `day` is a projection (after the register's check date or today), else {}."""
    from foedus.query.commitments import warning_for

    warning = warning_for(con, day)
    return {"warning": warning} if warning else {}


def network(con, on: str | dt.date | None = None, types=None, per_treaty: bool = False, frame=None,
            status: str | None = None):
    """The commitment graph on `on` as a :class:`Network` answer, and the graph itself (for exports)."""
    from foedus.network.snapshot import node_link

    graph = graph_on(con, on, types, multi=per_treaty, frame=frame, status=status)
    day = parse_date(graph.graph["on"], "on")
    answer = Network(on=graph.graph["on"], types=graph.graph["types"], status=graph.graph["status"],
                     **projection(con, day), graph=node_link(graph))
    return answer, graph


def _pairs(graph) -> list[dict]:
    from foedus.network.snapshot import RANK, best_tier

    pairs: dict[tuple[int, int], dict] = {}
    for a, b, data in graph.edges(data=True):
        low, high = min(a, b), max(a, b)
        edge = pairs.setdefault((low, high), {"a": low, "b": high, "a_to_b": [], "b_to_a": [], "treaties": set(),
                                              "known": False, "tiers": []})
        edge["a_to_b" if a == low else "b_to_a"] = list(data["obligations"])
        edge["treaties"].update(data["treaties"])
        edge["known"] |= data["status"] == "in_force"
        edge["tiers"].append(data.get("tier"))
    edges = []
    for edge in pairs.values():
        both = set(edge["a_to_b"]) | set(edge["b_to_a"])
        edges.append({
            "a": edge["a"], "b": edge["b"], "a_to_b": edge["a_to_b"], "b_to_a": edge["b_to_a"],
            "strongest": next(o for o in RANK if o in both),
            "direction": "mutual" if edge["a_to_b"] == edge["b_to_a"] else "one_way",
            "treaties": sorted(edge["treaties"]),
            "status": "in_force" if edge["known"] else "unknown_after_coverage",
            "tier": best_tier(edge["tiers"]),
        })
    return edges


def network_view(con, on: str | dt.date | None = None, types=None, frame=None,
                 layout: dict[int, tuple[float, float]] | None = None, status: str | None = None) -> NetworkView:
    """The page's compact network on `on` (`layout`: :func:`view_layout`, when cached; `status`: the tiers that
    count)."""
    graph = graph_on(con, on, types, multi=False, frame=frame, status=status)
    layout = view_layout(con) if layout is None else layout
    partners = {n: len(set(graph.successors(n)) | set(graph.predecessors(n))) for n in graph}
    nodes = []
    for code, data in graph.nodes(data=True):
        x, y = layout.get(code, (0.0, 0.0))
        nodes.append({"code": code, "abbr": data["abbr"], "name": data["name"], "major": data["major"],
                      "system_member": data["system_member"], "cinc": data.get("cinc"), "x": x, "y": y,
                      "partners": partners[code]})
    return NetworkView(on=graph.graph["on"], types=graph.graph["types"], status=graph.graph["status"],
                       **projection(con, parse_date(graph.graph["on"], "on")), coverage=graph.graph["coverage"],
                       colors=dict(COLORS), nodes=nodes, edges=_pairs(graph))
