"""The commitment network on a date, its compact view for the web page, triads and the diff between dates."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Response

from foedus.api import models
from foedus.api.params import Answer, day, get_store, state, states, types
from foedus.api.store import Store
from foedus.network import diff as diff_module
from foedus.network import triads as triads_module
from foedus.network.plots import COLORS, ring_layout
from foedus.network.snapshot import RANK, commitment_graph, commitments_on, node_link
from foedus.store.schema import OBLIGATIONS

router = APIRouter(tags=["network"])

OnQuery = Query(None, description="Date YYYY-MM-DD, YYYY-MM or YYYY (default: today)")
TypesQuery = Query(None, description="Obligation types, comma-separated (default: all): "
                                     "defense,offense,neutrality,nonaggression,consultation")


def _graph(store: Store, date, wanted: tuple[str, ...], multi: bool):
    """The library's commitment graph, built on the cached commitments of the date."""
    frame = commitments_on(None, date, wanted, frame=store.directed(date))
    with store.cursor() as cur:
        return commitment_graph(cur, date, types=wanted, multi=multi, frame=frame)


@router.get("/network", response_model=models.Network, responses=models.ERRORS)
async def network(
    on: str | None = OnQuery,
    types_: str | None = Query(None, alias="types", description=TypesQuery.description),
    per_treaty: bool = Query(False, description="One edge per treaty phase (MultiDiGraph)"),
    store: Store = Depends(get_store),
    answer: Answer = Depends(),
) -> Response:
    """The commitment graph on a date as node-link JSON (`foedus network --json`)."""
    date, wanted = day(on), types(types_)

    def compute():
        graph = _graph(store, date, wanted, per_treaty)
        return {"on": date.isoformat(), "types": graph.graph["types"], "graph": node_link(graph)}

    return await answer(("network", date, wanted, per_treaty), compute)


def _layout(store: Store) -> dict:
    def compute():
        with store.cursor() as cur:
            codes = [r[0] for r in cur.execute("SELECT DISTINCT code FROM states WHERE system = 'cow'").fetchall()]
        return {code: (round(float(x), 4), round(float(-y), 4)) for code, (x, y) in ring_layout(codes).items()}

    return store.responses.get_or_compute((store.generation, "layout"), compute)


def view_payload(store: Store, date, wanted: tuple[str, ...]) -> dict:
    """One edge per pair (a < b) with what each owes the other; nodes placed on the ring of
    :func:`foedus.network.plots.ring_layout` (a state keeps its place on every date)."""
    graph = _graph(store, date, wanted, multi=False)
    layout = _layout(store)
    pairs: dict[tuple[int, int], dict] = {}
    for a, b, data in graph.edges(data=True):
        low, high = min(a, b), max(a, b)
        edge = pairs.setdefault((low, high), {"a": low, "b": high, "a_to_b": [], "b_to_a": [], "treaties": set(),
                                              "known": False})
        edge["a_to_b" if a == low else "b_to_a"] = list(data["obligations"])
        edge["treaties"].update(data["treaties"])
        edge["known"] |= data["status"] == "in_force"
    edges = []
    for edge in pairs.values():
        both = set(edge["a_to_b"]) | set(edge["b_to_a"])
        edges.append({
            "a": edge["a"], "b": edge["b"], "a_to_b": edge["a_to_b"], "b_to_a": edge["b_to_a"],
            "strongest": next(o for o in RANK if o in both),
            "direction": "mutual" if edge["a_to_b"] == edge["b_to_a"] else "one_way",
            "treaties": sorted(edge["treaties"]),
            "status": "in_force" if edge["known"] else "unknown_after_coverage",
        })
    partners = {n: len(set(graph.successors(n)) | set(graph.predecessors(n))) for n in graph}
    nodes = []
    for code, data in graph.nodes(data=True):
        x, y = layout.get(code, (0.0, 0.0))
        nodes.append({"code": code, "abbr": data["abbr"], "name": data["name"], "major": data["major"],
                      "system_member": data["system_member"], "cinc": data.get("cinc"), "x": x, "y": y,
                      "partners": partners[code]})
    return {"on": date.isoformat(), "types": list(wanted), "coverage": graph.graph["coverage"],
            "colors": dict(COLORS), "nodes": nodes, "edges": edges}


@router.get("/network/view", response_model=models.NetworkView, responses=models.ERRORS)
async def network_view(
    on: str | None = OnQuery,
    types_: str | None = Query(None, alias="types", description=TypesQuery.description),
    store: Store = Depends(get_store),
    answer: Answer = Depends(),
) -> Response:
    """The compact network the web page draws: one edge per pair, obligations each way, the strongest
    obligation (for the colour), treaties and status; node positions on a fixed ring."""
    date, wanted = day(on), types(types_)
    return await answer(("view", date, wanted), lambda: view_payload(store, date, wanted))


@router.get("/triads", response_model=list[models.Triad], responses=models.ERRORS)
async def triads(
    on: str | None = OnQuery,
    among: str | None = Query(None, max_length=500, description="States, comma-separated: with 3+ every triad "
                                                                 "of them; with 1–2 the triads that include them"),
    top: int = Query(10, ge=0, le=1000, description="Keep the first N of each kind (0: all)"),
    kind: str = Query("closed,open", description="closed, open (or one_defense, no_defense with --among)"),
    store: Store = Depends(get_store),
    answer: Answer = Depends(),
) -> Response:
    """Closed defense triangles and open triads, ranked with explanations (`foedus triads --json`)."""
    date = day(on)
    kinds = [k.strip() for k in kind.split(",") if k.strip()]

    def compute():
        codes = states(store.names(), among, "among")
        graph = _graph(store, date, OBLIGATIONS, multi=False)
        found = triads_module.find_triads(graph, among=codes or None, top=top or None, kinds=kinds)
        return [{"on": date.isoformat(), **t.record()} for t in found]

    key = ("triads", date, (among or "").strip().casefold(), top, tuple(kinds))
    return await answer(key, compute)


@router.get("/diff", response_model=models.Diff, responses=models.ERRORS)
async def diff(
    from_: str = Query(..., alias="from", description="First date YYYY-MM-DD"),
    to: str = Query(..., description="Second date YYYY-MM-DD"),
    around: str | None = Query(None, max_length=100, description="Only pairs including this state"),
    types_: str | None = Query(None, alias="types", description=TypesQuery.description),
    store: Store = Depends(get_store),
    answer: Answer = Depends(),
) -> Response:
    """Commitments begun, ended, upgraded or downgraded between two dates, with sources (`foedus diff --json`)."""
    first, second, wanted = day(from_, "from"), day(to, "to"), types(types_)

    def compute():
        names = store.names()
        code = state(names, around, "around") if around else None
        with store.cursor() as cur:
            changes = diff_module.diff(cur, first, second, around=code, types=wanted)
        return {"from": first.isoformat(), "to": second.isoformat(), "around": code,
                "changes": [c.record(names) for c in changes]}

    return await answer(("diff", first, second, (around or "").strip().casefold(), wanted), compute)
