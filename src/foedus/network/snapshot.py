"""The commitment graph on a date, and its exports.

Nodes are states (COW codes) with their names, abbreviation, major-power status (COW major
powers list) and CINC score (NMC v7); edges are directed commitments A→B — what A owes B —
taken from :func:`foedus.query.directed_commitments`, so curated register entries appear as
soon as that function returns them. Two shapes:

* ``multi=True`` (default): a :class:`networkx.MultiDiGraph`, one edge per treaty phase, keyed
  ``"<treaty_id>#<phase>"``, with the obligation types, conditions, dates, status and source.
* ``multi=False``: a :class:`networkx.DiGraph`, one edge per ordered pair, obligations and
  treaties merged (the shape :mod:`foedus.network.triads` and :mod:`foedus.network.blocs` use).

``direction`` on an edge says whether the partner owes the same back (``mutual``) or not
(``one_way``, e.g. the US–Japan treaty). Which commitments count is the status rule every command
shares (``status``: 'confirmed', 'presumed' — the default, :data:`foedus.query.intervals.DEFAULT_STATUS` —
or 'any'; see :mod:`foedus.query.intervals`); each edge carries its ``tier`` (confirmed, presumed,
unknown) and ``status_reason``, and the legacy ``status`` (``in_force`` or ``unknown_after_coverage``).
``known_only=True`` is the old spelling of ``status='confirmed'``.

Exports: GraphML and GEXF (networkx writers; list attributes are joined with ``;`` and missing
values left out, since both formats only hold scalars), node-link JSON
(:func:`networkx.node_link_data`) and a CSV edge list.

References: Hagberg, Schult and Swart (2008), "Exploring network structure, dynamics, and function
using NetworkX", Proc. SciPy 2008; GraphML: Brandes et al. (2002); GEXF 1.2 draft (gexf.net).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from foedus.dates import parse_date
from foedus.errors import BadInputError
from foedus.naming import StateNames
from foedus.query import directed_commitments
from foedus.query.capability import cinc_scores, major_powers, parse_types, system_members  # also re-exported
from foedus.query.intervals import TIERS, check_status, select_status
from foedus.source import Source, source_text
from foedus.store.schema import CONDITION_FLAGS, OBLIGATIONS

# Ordinal strength of an obligation, the scale of Signorino & Ritter (1999) applied to ATOP:
# defense or offense pact 3, neutrality or non-aggression 2, consultation (entente) 1, nothing 0.
LEVEL = {"defense": 3, "offense": 3, "neutrality": 2, "nonaggression": 2, "consultation": 1}
# Display order, strongest first.
RANK = ("defense", "offense", "neutrality", "nonaggression", "consultation")

EXPORT_FORMATS = {".graphml": "graphml", ".gexf": "gexf", ".json": "json", ".csv": "csv"}


def level(obligations: Iterable[str]) -> int:
    """The strongest level among obligation names (0 for none)."""
    return max((LEVEL[o] for o in obligations), default=0)


def ranked(obligations: Iterable[str]) -> list[str]:
    """Obligation names, strongest first, without repeats."""
    present = set(obligations)
    return [o for o in RANK if o in present]


_BIT = {name: 1 << i for i, name in enumerate(RANK)}


def _bits(obligations: Iterable[str]) -> int:
    return sum(_BIT[o] for o in set(obligations))


@lru_cache(maxsize=64)
def _pattern(bits: int) -> tuple[str, ...]:
    return tuple(o for o in RANK if bits & _BIT[o])


def _from_bits(bits: int) -> list[str]:
    return list(_pattern(bits))


def coverage(con) -> list[tuple[str, str, str | None]]:
    """(dataset, version, coverage_end) of every import; the curated register has no coverage end."""
    rows = con.execute("SELECT dataset, version, coverage_end FROM imports ORDER BY dataset").fetchall()
    return [(d, str(v), str(c) if c is not None else None) for d, v, c in rows]


def _coverage_item(dataset: str, version: str, end: str | None) -> str:
    if end is None:
        return f"{dataset} (entries checked to {version})" if dataset == "register" else f"{dataset} {version}"
    return f"{dataset} {version} to {end}"


def coverage_text(con, keep: tuple[str, ...] | None = None) -> str:
    """Each dataset with its version and coverage end; `keep` limits it to names containing one of them."""
    return "; ".join(_coverage_item(*row) for row in coverage(con) if keep is None or any(k in row[0] for k in keep))


def commitments_on(con, on, types=None, known_only: bool = False, frame: pd.DataFrame | None = None,
                   status: str | None = None) -> pd.DataFrame:
    """Directed commitments on `on` that carry at least one of `types`, only those types kept true, whose
    status tier `status` counts ('confirmed', 'presumed' — the default — or 'any'; `known_only`: 'confirmed').

    `frame`: the directed commitments of that date (every tier), when the caller already has them.
    """
    status = "confirmed" if known_only else check_status(status)
    frame = directed_commitments(con, on, status=status) if frame is None else select_status(frame, status)
    wanted = parse_types(types)
    dropped = [t for t in OBLIGATIONS if t not in wanted]
    if dropped:
        frame = frame.assign(**{t: False for t in dropped})
    keep = frame[list(wanted)].any(axis=1)
    return frame[keep].reset_index(drop=True)


def best_tier(tiers: Iterable[str | None]) -> str | None:
    """The strongest status tier among `tiers` (confirmed > presumed > unknown), None when there is none."""
    found = [TIERS.index(t) for t in tiers if t in TIERS]
    return TIERS[max(found)] if found else None


def _iso(value) -> str | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date().isoformat()


def _iso_column(column: pd.Series) -> list[str | None]:
    if not pd.api.types.is_datetime64_any_dtype(column):
        column = pd.to_datetime(column)
    return [v if isinstance(v, str) else None for v in column.dt.strftime("%Y-%m-%d").tolist()]


def _flag_lists(frame: pd.DataFrame, names: list[str], labels: list[str]) -> list[list[str]]:
    """For each row, the labels of the true columns among `names` (vectorised through bit patterns)."""
    if frame.empty:
        return []
    bits = frame[names].fillna(False).astype(bool).to_numpy() @ (1 << np.arange(len(names), dtype=np.int64))
    patterns = {int(p): [labels[i] for i in range(len(names)) if int(p) >> i & 1] for p in np.unique(bits)}
    return [patterns[int(b)] for b in bits]


def _sources(frame: pd.DataFrame) -> list[dict]:
    columns = ("source_kind", "source_dataset", "source_version", "source_file", "source_line", "source_entry",
               "source_citation")
    out = []
    for kind, dataset, version, file, line, entry, citation in zip(*(frame[c] for c in columns), strict=True):
        if kind == "dataset":
            source = Source.dataset_line(dataset, version, file, line)
        else:
            source = Source.register(dataset, entry, citation, version=version)
        out.append(source.to_json())
    return out


def _edge_rows(frame: pd.DataFrame) -> list[tuple[int, int, dict]]:
    """(from, to, record) per directed row; the record's values are JSON-able."""
    obligations = _flag_lists(frame, list(RANK), list(RANK))
    conditions = _flag_lists(frame, list(CONDITION_FLAGS), [f"{o}:{c}" for o, c in CONDITION_FLAGS.values()])
    since, until, coverage_end = (_iso_column(frame[c]) for c in ("since", "until", "coverage_end"))
    sources = _sources(frame)
    tiers = frame["tier"].tolist() if "tier" in frame.columns else [None] * len(frame)
    reasons = frame["status_reason"].tolist() if "status_reason" in frame.columns else [None] * len(frame)
    columns = zip(frame.from_ccode.tolist(), frame.to_ccode.tolist(), frame.treaty_id, frame.treaty_name,
                  frame.phase.tolist(), frame.status, tiers, reasons, strict=True)
    out = []
    for i, (a, b, treaty_id, treaty_name, phase, status, tier, reason) in enumerate(columns):
        out.append((a, b, {
            "treaty_id": treaty_id,
            "treaty_name": treaty_name if isinstance(treaty_name, str) else None,
            "phase": phase,
            "obligations": obligations[i],
            "conditions": conditions[i],
            "since": since[i],
            "until": until[i],
            "status": status,
            "tier": tier if isinstance(tier, str) else None,
            "status_reason": reason if isinstance(reason, str) else None,
            "coverage_end": coverage_end[i],
            "source": sources[i],
        }))
    return out


def _node_attributes(con, on: dt.date, codes: Iterable[int], names: StateNames) -> dict[int, dict]:
    majors = major_powers(con, on)
    cinc, cinc_year = cinc_scores(con, on.year)
    members = set(system_members(con, on))
    out = {}
    for code in codes:
        attrs = {
            "code": int(code),
            "name": names.name(code),
            "abbr": names.abbr(code),
            "major": code in majors,
            "system_member": code in members,
        }
        if code in cinc:
            attrs["cinc"] = cinc[code]
            attrs["cinc_year"] = cinc_year
        out[int(code)] = attrs
    return out


def commitment_graph(
    con,
    on: str | dt.date | None = None,
    types: str | Iterable[str] | None = None,
    multi: bool = True,
    members: bool = True,
    known_only: bool = False,
    frame: pd.DataFrame | None = None,
    status: str | None = None,
) -> nx.MultiDiGraph | nx.DiGraph:
    """The commitment graph on `on`.

    `types` keeps commitments carrying at least one of those obligation types (default: all);
    `status` the tiers that count (module docstring; default presumed: confirmed and presumed);
    `members=True` adds every COW system member on the date as a node, isolated or not;
    `frame` lets a caller pass :func:`commitments_on` output it already has (already cut to `status`).
    """
    day = parse_date(on, "on")
    wanted = parse_types(types)
    status = "confirmed" if known_only else check_status(status)
    if frame is None:
        frame = commitments_on(con, day, wanted, status=status)
    names = StateNames(con)
    rows = _edge_rows(frame)
    graph = nx.MultiDiGraph() if multi else nx.DiGraph()
    graph.graph.update(on=day.isoformat(), types=list(wanted), coverage=coverage_text(con), multi=multi,
                       status=status)
    codes = set(system_members(con, day)) if members else set()
    codes.update(a for a, _, _ in rows)
    codes.update(b for _, b, _ in rows)
    graph.add_nodes_from(_node_attributes(con, day, sorted(codes), names).items())
    if multi:
        owed = {(a, b, r["treaty_id"], r["phase"]): r["obligations"] for a, b, r in rows}
        for a, b, r in rows:
            back = owed.get((b, a, r["treaty_id"], r["phase"]))
            r.update({t: t in r["obligations"] for t in OBLIGATIONS})
            r["direction"] = "mutual" if back == r["obligations"] else "one_way"
            r["source_text"] = source_text(r["source"])
            graph.add_edge(a, b, key=f"{r['treaty_id']}#{r['phase']}", **r)
        return graph
    merged: dict[tuple[int, int], dict] = {}
    for a, b, r in rows:
        edge = merged.setdefault((a, b), {"commitments": [], "bits": 0})
        edge["commitments"].append(r)
        edge["bits"] |= _bits(r["obligations"])
    for (a, b), edge in merged.items():
        obligations = _from_bits(edge["bits"])
        back = merged.get((b, a))
        commitments = edge["commitments"]
        attrs = {
            "obligations": obligations,
            "level": level(obligations),
            **{t: t in obligations for t in OBLIGATIONS},
            "direction": "mutual" if back is not None and back["bits"] == edge["bits"] else "one_way",
            "treaties": sorted({c["treaty_id"] for c in commitments}),
            "status": "in_force" if any(c["status"] == "in_force" for c in commitments) else "unknown_after_coverage",
            "tier": best_tier(c["tier"] for c in commitments),
            "commitments": commitments,
        }
        graph.add_edge(a, b, **attrs)
    return graph


def defense_pairs(graph: nx.DiGraph | nx.MultiDiGraph) -> nx.Graph:
    """Undirected graph of defense ties: weight 2 when both owe defense, 1 when one way."""
    out = nx.Graph()
    out.add_nodes_from(graph.nodes(data=True))
    directed = {(a, b) for a, b, data in graph.edges(data=True) if data.get("defense")}
    out.add_edges_from((a, b, {"weight": 2 if (b, a) in directed else 1}) for a, b in directed)
    return out


# ----------------------------------------------------------------------------- exports


def _scalar(value):
    if isinstance(value, list | tuple | set):
        return ";".join(str(_scalar(v)) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, np.generic):
        return value.item()
    return value


def flat_graph(graph: nx.Graph) -> nx.Graph:
    """A copy whose attributes are scalars (lists joined by ';', dicts as JSON, None dropped)."""
    flat = graph.__class__()
    flat.graph.update({k: _scalar(v) for k, v in graph.graph.items() if v is not None})
    for node, data in graph.nodes(data=True):
        flat.add_node(node, **{k: _scalar(v) for k, v in data.items() if v is not None})
    edges = graph.edges(keys=True, data=True) if graph.is_multigraph() else graph.edges(data=True)
    for *ends, data in edges:
        attrs = {k: _scalar(v) for k, v in data.items() if v is not None and k != "commitments"}
        if "commitments" in data:
            attrs["sources"] = "; ".join(source_text(c["source"]) for c in data["commitments"])
        flat.add_edge(*ends, **attrs)
    return flat


def edge_table(graph: nx.Graph) -> pd.DataFrame:
    """The edge list as a table: from, to, names, then every (flattened) edge attribute."""
    flat = flat_graph(graph)
    edges = flat.edges(keys=True, data=True) if flat.is_multigraph() else ((a, b, None, d) for a, b, d in
                                                                             flat.edges(data=True))
    records = []
    for a, b, _key, data in edges:
        records.append({
            "from_ccode": a, "from_abbr": flat.nodes[a].get("abbr"), "from_name": flat.nodes[a].get("name"),
            "to_ccode": b, "to_abbr": flat.nodes[b].get("abbr"), "to_name": flat.nodes[b].get("name"),
            **data,
        })
    return pd.DataFrame.from_records(records)


def node_link(graph: nx.Graph) -> dict:
    """JSON-able node-link data (networkx node_link_data, edges under "links")."""
    return nx.node_link_data(graph, edges="links")


def write_graph(graph: nx.Graph, path: str | Path, fmt: str | None = None) -> Path:
    """Write `graph` as GraphML, GEXF, node-link JSON or CSV edge list (format from the suffix)."""
    path = Path(path)
    fmt = fmt or EXPORT_FORMATS.get(path.suffix.lower())
    if fmt not in EXPORT_FORMATS.values():
        raise BadInputError("", f"cannot tell the export format of {path}; use one of {', '.join(EXPORT_FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "graphml":
        nx.write_graphml(flat_graph(graph), path)
    elif fmt == "gexf":
        nx.write_gexf(flat_graph(graph), path)
    elif fmt == "json":
        path.write_text(json.dumps(node_link(graph), indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    else:
        edge_table(graph).to_csv(path, index=False)
    return path
