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
from foedus.query.asof import projection_text
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


def _edges(pairs: dict) -> list[dict]:
    """The view's undirected edges from the pairs both builders collect (one place for the edge's JSON)."""
    from foedus.network.snapshot import RANK, best_tier

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


def _pairs(graph) -> list[dict]:
    pairs: dict[tuple[int, int], dict] = {}
    for a, b, data in graph.edges(data=True):
        low, high = min(a, b), max(a, b)
        edge = pairs.setdefault((low, high), {"a": low, "b": high, "a_to_b": [], "b_to_a": [], "treaties": set(),
                                              "known": False, "tiers": []})
        edge["a_to_b" if a == low else "b_to_a"] = list(data["obligations"])
        edge["treaties"].update(data["treaties"])
        edge["known"] |= data["status"] == "in_force"
        edge["tiers"].append(data.get("tier"))
    return _edges(pairs)


def network_view(con, on: str | dt.date | None = None, types=None, frame=None,
                 layout: dict[int, tuple[float, float]] | None = None, status: str | None = None, table=None,
                 names=None) -> NetworkView:
    """The page's compact network on `on` (`layout`: :func:`view_layout`, when cached; `status`: the tiers that
    count).

    `table`: the store's interval table (:func:`foedus.query.intervals.build`), when the caller holds it (the
    server, per store generation): the view is then made from its columns directly (:func:`_view_from_table`, the
    same answer without a pandas frame or a networkx graph); `names`: the store's state names, when cached."""
    if table is not None and frame is None:
        return _view_from_table(con, table, on, types, layout, status, names)
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


def _view_from_table(con, table, on, types, layout, status, names) -> NetworkView:
    """:func:`network_view` from the interval table's columns: the rows in force on the date whose tier counts and
    that carry a wanted type, merged per ordered pair (:func:`_directed_pairs`), then per unordered pair as
    :func:`_pairs` does. Nodes and edges come in the order the graph of :func:`graph_on` gives them (codes
    ascending; a node's partners by code), so the JSON is the same text."""
    from foedus.naming import StateNames
    from foedus.network.snapshot import coverage_text
    from foedus.query.capability import cinc_scores, major_powers, parse_types, system_members
    from foedus.query.intervals import check_status

    day = parse_date(on, "on")
    wanted = parse_types(types)
    status = check_status(status)
    merged = _directed_pairs(table, day, wanted, status)
    names = StateNames(con) if names is None else names
    members = set(system_members(con, day))
    partners: dict[int, set[int]] = {code: set() for code in members}
    for a, b in merged:
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    majors = major_powers(con, day)
    cinc, _ = cinc_scores(con, day.year)
    layout = view_layout(con) if layout is None else layout
    nodes = []
    for code in sorted(partners):
        x, y = layout.get(code, (0.0, 0.0))
        nodes.append({"code": code, "abbr": names.abbr(code), "name": names.name(code), "major": code in majors,
                      "system_member": code in members, "cinc": cinc.get(code), "x": x, "y": y,
                      "partners": len(partners[code])})
    warning = projection_text(table.register_checked, day)
    return NetworkView(on=day.isoformat(), types=list(wanted), status=status,
                       **({"warning": warning} if warning else {}), coverage=coverage_text(con),
                       colors=dict(COLORS), nodes=nodes, edges=_table_pairs(merged))


def _directed_pairs(table, day: dt.date, wanted: tuple[str, ...], status: str) -> dict[tuple[int, int], list]:
    """(A, B) -> [obligation bits (RANK order, wanted types only), treaties, any row in force, row tiers] over the
    rows in force on `day` whose tier `status` counts and that carry a wanted type, by (A, B) ascending."""
    import numpy as np

    from foedus.network.snapshot import RANK

    rows = table.rows_on(day, None, status)
    plain = table.plain
    bits = np.zeros(len(rows), dtype=np.int64)
    for i, name in enumerate(RANK):
        if name in wanted:
            column = plain.column(name)[rows]
            if column.dtype == object:  # a column with missing values: missing is false
                column = np.array([bool(v) and v == v for v in column.tolist()], dtype=bool)
            bits |= column.astype(np.int64) << i
    keep = bits != 0
    rows, bits = rows[keep], bits[keep]
    columns = (table.from_ccode[rows].tolist(), table.to_ccode[rows].tolist(), bits.tolist(),
               plain.column("treaty_id")[rows].tolist(), plain.column("status")[rows].tolist(),
               plain.column("tier")[rows].tolist())
    merged: dict[tuple[int, int], list] = {}
    for a, b, mask, treaty, legacy, tier in zip(*columns, strict=True):
        edge = merged.get((a, b))
        if edge is None:
            edge = merged[(a, b)] = [0, set(), False, []]
        edge[0] |= mask
        edge[1].add(treaty)
        edge[2] |= legacy == "in_force"
        edge[3].append(tier if isinstance(tier, str) else None)
    return {pair: merged[pair] for pair in sorted(merged)}


def _table_pairs(merged: dict[tuple[int, int], list]) -> list[dict]:
    """:func:`_pairs` on the merged directed pairs of :func:`_directed_pairs`."""
    from foedus.network.snapshot import RANK, best_tier

    pairs: dict[tuple[int, int], dict] = {}
    for (a, b), (mask, treaty_ids, known, tiers) in merged.items():
        low, high = min(a, b), max(a, b)
        edge = pairs.setdefault((low, high), {"a": low, "b": high, "a_to_b": [], "b_to_a": [], "treaties": set(),
                                              "known": False, "tiers": []})
        edge["a_to_b" if a == low else "b_to_a"] = [o for i, o in enumerate(RANK) if mask >> i & 1]
        edge["treaties"].update(treaty_ids)
        edge["known"] |= known
        edge["tiers"].append(best_tier(tiers))
    return _edges(pairs)
