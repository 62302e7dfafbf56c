"""Figures (PNG or SVG, by the file's suffix) drawn on matplotlib Figure objects (Agg), no pyplot state.

* :func:`plot_network`: the commitment network on a date. The default ``ring`` layout puts every
  state of the COW list on a circle in COW-code order, regions separated by gaps (Americas, Europe,
  Africa, Middle East, Asia and Oceania), so a state sits at the same place on every date and
  in every figure; ``spring`` is a Fruchterman–Reingold layout (networkx ``spring_layout``, fixed
  seed, started from the ring) over the union of the dates' networks, stable across those dates.
* :func:`plot_dyad_history`: a dyad's commitments as a timeline, one row per treaty phase, each
  direction its own bar; the periods are input data (:func:`dyad_periods` reads them from
  :func:`foedus.query.history.history`). Periods the register marks uncertain have a dotted outline.
* :func:`plot_bloc_sizes`: bloc sizes over time from :func:`foedus.network.blocs.bloc_history`.

Every figure carries labels, a legend and a title with the date(s) and the data's coverage.
Reference: Hunter (2007), "Matplotlib: A 2D graphics environment", Computing in Science &
Engineering 9(3); Fruchterman and Reingold (1991), Software—Practice and Experience 21(11).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import matplotlib
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from foedus.dates import parse_date
from foedus.errors import BadInputError
from foedus.naming import StateNames
from foedus.network.blocs import bloc_history, bloc_sizes
from foedus.network.snapshot import RANK, commitment_graph, coverage, coverage_text, parse_types
from foedus.network.view import COLORS, REGIONS, region, ring_layout
from foedus.query.history import history
from foedus.source import source_text

FORMATS = (".png", ".svg")
_region = region


def _check_path(path: str | Path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise BadInputError("", f"{path}: figures are written as .png or .svg")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _coverage_line(con) -> str:
    return "Data: " + coverage_text(con, keep=("ATOP", "register", "NMC", "major", "COW states"))


def _atop_end(con) -> dt.date | None:
    ends = [dt.date.fromisoformat(c) for d, _, c in coverage(con) if d.startswith("ATOP") and c]
    return max(ends) if ends else None


def all_state_codes(con) -> list[int]:
    return [int(r[0]) for r in con.execute("SELECT DISTINCT code FROM states WHERE system = 'cow'").fetchall()]


def stable_layout(con, graphs: Sequence[nx.Graph] = (), kind: str = "ring", seed: int = 0) -> dict[int, np.ndarray]:
    """A layout shared by several dates: ``ring`` (the whole COW list) or ``spring`` (union of `graphs`)."""
    codes = set(all_state_codes(con))
    for graph in graphs:
        codes.update(graph.nodes)
    ring = ring_layout(codes)
    if kind == "ring":
        return ring
    if kind != "spring":
        raise BadInputError("", f"unknown layout '{kind}'; use ring or spring")
    union = nx.Graph()
    for graph in graphs:
        union.add_nodes_from(graph.nodes)
        union.add_edges_from((a, b) for a, b in graph.edges() if a != b)
    union.remove_nodes_from([n for n in list(union) if union.degree(n) == 0])
    if union.number_of_nodes() == 0:
        return ring
    nx.set_edge_attributes(union, 1.0, "weight")
    hub = object()  # a weak pull to the centre keeps disconnected groups from drifting apart
    union.add_edges_from(((hub, n) for n in list(union)), weight=0.05)
    start = {n: ring[n] * 0.8 for n in union if n is not hub} | {hub: np.zeros(2)}
    spring = nx.spring_layout(union, pos=start, seed=seed, iterations=100, weight="weight")
    spring.pop(hub)
    xy = np.array(list(spring.values()))
    xy = (xy - xy.mean(axis=0)) / (np.abs(xy - xy.mean(axis=0)).max() or 1.0) * 0.85
    placed = {n: p for n, p in zip(spring, xy, strict=True)}
    return {**{n: p * 1.1 for n, p in ring.items()}, **placed}


def _save(fig: Figure, path: Path) -> Path:
    fig.savefig(path, dpi=150 if path.suffix.lower() == ".png" else None, bbox_inches="tight")
    return path


def plot_network(
    con,
    on: str | dt.date | None,
    path: str | Path,
    types: str | Iterable[str] | None = "defense",
    layout: str | dict = "ring",
    highlight: Iterable[int] = (),
    graph: nx.DiGraph | None = None,
) -> Path:
    """The commitment network on `on`: one line per bound pair, coloured by its strongest obligation."""
    path = _check_path(path)
    day = parse_date(on, "on")
    wanted = parse_types(types)
    graph = graph if graph is not None else commitment_graph(con, day, types=wanted, multi=False)
    pos = layout if isinstance(layout, dict) else stable_layout(con, [graph], kind=layout)
    highlight = {int(h) for h in highlight}
    fig = Figure(figsize=(13, 13))
    ax = fig.add_subplot()
    ax.set_aspect("equal")
    ax.axis("off")
    pairs = _bound_pairs(graph, wanted)
    shown_types, any_unknown = _draw_pairs(ax, pairs, pos)
    tied = {n for pair in pairs for n in pair}
    ring = isinstance(layout, str) and layout == "ring"
    xy = _draw_states(ax, graph, pos, tied, highlight, ring)
    if ring:
        _ring_regions(ax, pos, graph)
    limit = max(1.3, float(np.abs(xy).max()) + 0.15) if len(xy) else 1.3
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.legend(handles=_network_legend(shown_types, any_unknown), loc="lower left", fontsize=8, frameon=False,
              title="strongest obligation")
    bound = len(pairs)
    fig.suptitle(f"Alliance commitments on {day.isoformat()} — {', '.join(wanted)} "
                 f"({bound} pairs, {len(tied)} states)", fontsize=14, y=0.93)
    ax.set_title(_coverage_note(con, day), fontsize=8, color="#555555")
    return _save(fig, path)


def _bound_pairs(graph: nx.DiGraph, wanted) -> dict[tuple[int, int], dict]:
    """Each bound pair (low code, high code): its wanted obligations, how many directions owe, and whether
    every direction is presumed rather than confirmed."""
    pairs: dict[tuple[int, int], dict] = {}
    for a, b, data in graph.edges(data=True):
        key = (min(a, b), max(a, b))
        entry = pairs.setdefault(key, {"obligations": set(), "directions": 0, "unknown": True})
        entry["obligations"].update(o for o in data["obligations"] if o in wanted)
        entry["directions"] += 1
        entry["unknown"] &= data.get("tier", "unknown" if data["status"] != "in_force" else "confirmed") != "confirmed"
    return pairs


def _draw_pairs(ax, pairs: dict[tuple[int, int], dict], pos: dict) -> tuple[set, bool]:
    """One line per pair, coloured by its strongest obligation (strongest on top, presumed ones dashed);
    the obligation kinds drawn and whether any presumed pair was."""
    shown_types, any_unknown = set(), False
    for kind in reversed(RANK):  # strongest drawn last, on top
        for unknown in (True, False):
            segments, widths = [], []
            for (a, b), entry in pairs.items():
                strongest = next((o for o in RANK if o in entry["obligations"]), None)
                if strongest != kind or entry["unknown"] != unknown:
                    continue
                segments.append([pos[a], pos[b]])
                widths.append(1.3 if entry["directions"] == 2 else 0.6)
            if segments:
                shown_types.add(kind)
                any_unknown |= unknown
                ax.add_collection(LineCollection(segments, colors=COLORS[kind], linewidths=widths,
                                                 alpha=0.35 if kind in ("defense", "offense") else 0.25,
                                                 linestyles="dashed" if unknown else "solid", zorder=1))
    return shown_types, any_unknown


def _draw_states(ax, graph: nx.DiGraph, pos: dict, tied: set, highlight: set, ring: bool) -> np.ndarray:
    """The states as points sized by CINC (major powers outlined, highlighted ones red) with their labels;
    the points' coordinates."""
    nodes = [n for n in graph.nodes if n in pos]
    xy = np.array([pos[n] for n in nodes]) if nodes else np.empty((0, 2))
    cinc = np.array([graph.nodes[n].get("cinc") or 0.0 for n in nodes])
    sizes = 12 + 900 * np.sqrt(cinc)
    majors = np.array([bool(graph.nodes[n].get("major")) for n in nodes], dtype=bool)
    face = ["#34495e" if n in tied else "#d5d8dc" for n in nodes]
    edge = ["#e74c3c" if n in highlight else ("black" if m else "white") for n, m in zip(nodes, majors, strict=True)]
    if nodes:
        ax.scatter(xy[:, 0], xy[:, 1], s=sizes, c=face, edgecolors=edge, linewidths=[
            2.5 if n in highlight else (1.5 if m else 0.5) for n, m in zip(nodes, majors, strict=True)], zorder=3)
    for n, (x, y), major in zip(nodes, xy, majors, strict=True):
        label = graph.nodes[n].get("abbr") or str(n)
        style = {"fontsize": 8 if major else 6.5, "fontweight": "bold" if (major or n in highlight) else "normal",
                 "color": "#c0392b" if n in highlight else ("black" if n in tied else "#909497"), "zorder": 4}
        _state_label(ax, label, x, y, style, ring)
    return xy


def _state_label(ax, label: str, x: float, y: float, style: dict, ring: bool) -> None:
    """On the ring a label points outwards along its radius; elsewhere it sits beside its point."""
    if not ring:
        ax.annotate(label, (x, y), xytext=(3, 3), textcoords="offset points", **style)
        return
    angle = math.degrees(math.atan2(y, x))
    flip = 90 < angle or angle < -90
    radius = math.hypot(x, y) or 1.0
    ax.text(x * (1 + 0.045 / radius), y * (1 + 0.045 / radius), label, rotation=angle + 180 if flip else angle,
            rotation_mode="anchor", ha="right" if flip else "left", va="center", **style)


def _network_legend(shown_types: set, any_unknown: bool) -> list[Line2D]:
    handles = [Line2D([], [], color=COLORS[k], lw=2, label=k) for k in RANK if k in shown_types]
    handles += [Line2D([], [], color="black", lw=1.3, label="both owe"), Line2D([], [], color="black", lw=0.6,
                                                                                  label="one way")]
    if any_unknown:
        handles.append(Line2D([], [], color="black", lw=1, ls="--", label="past coverage: presumed, not confirmed"))
    handles += [Line2D([], [], marker="o", ls="", mfc="#34495e", mec="black", mew=1.5, ms=9,
                       label="major power (size ∝ √CINC)"),
                Line2D([], [], marker="o", ls="", mfc="#d5d8dc", mec="white", ms=5, label="no commitment shown")]
    return handles


def _coverage_note(con, day: dt.date) -> str:
    text = _coverage_line(con)
    end = _atop_end(con)
    if end is not None and day > end:
        text += (f"\n{day.isoformat()} is after ATOP coverage ({end}): dashed commitments are presumed in force "
                 "(nothing known to end them), not confirmed")
    return text


def _ring_regions(ax, pos: dict, graph: nx.Graph) -> None:
    for name, low, high in REGIONS:
        members = [pos[c] for c in pos if low <= c <= high]
        if not members:
            continue
        mean = np.mean(members, axis=0)
        norm = np.linalg.norm(mean) or 1.0
        x, y = mean / norm * 1.22
        ax.text(x, y, name, ha="center", va="center", fontsize=10, color="#566573", style="italic")


# ----------------------------------------------------------------------------- dyad history


def dyad_periods(con, a: int, b: int, start=None, end=None) -> pd.DataFrame:
    """The periods of every commitment between `a` and `b`, one row per direction and treaty spell.

    Read from :func:`foedus.query.history.history` (datasets and register merged, register
    terminations and confirmations applied), keeping the periods with obligations that overlap
    [start, end]; a period reaching back before `start` is clipped to it. Columns: from_ccode,
    to_ccode, treaty_id, treaty_name, phase, start, end (None: still in force, or unknown after
    coverage), status, coverage_end, uncertain, obligations, source.
    """
    first = parse_date(start, "from") if start is not None else None
    last = parse_date(end, "to") if end is not None else None
    rows = []
    for p in history(con, int(a), int(b)):
        if not p["obligations"]:
            continue
        begin = dt.date.fromisoformat(p["start"])
        stop = dt.date.fromisoformat(p["end"]) if p["end"] else None
        if (last is not None and begin > last) or (first is not None and stop is not None and stop <= first):
            continue
        rows.append({
            "from_ccode": p["from_ccode"], "to_ccode": p["to_ccode"], "treaty_id": p["treaty_id"],
            "treaty_name": p["treaty_name"], "phase": p["phase"],
            "start": max(begin, first) if first is not None else begin, "end": stop, "status": p["status"],
            "coverage_end": dt.date.fromisoformat(p["coverage_end"]) if p["coverage_end"] else None,
            "uncertain": bool(p["uncertain"]), "obligations": [o for o in RANK if o in p["obligations"]],
            "source": source_text(p["source"]),
        })
    columns = ["from_ccode", "to_ccode", "treaty_id", "treaty_name", "phase", "start", "end", "status",
               "coverage_end", "uncertain", "obligations", "source"]
    return pd.DataFrame(rows, columns=columns).sort_values(["start", "treaty_id", "from_ccode"], ignore_index=True)


def plot_dyad_history(periods: pd.DataFrame, path: str | Path, a: int, b: int, names: StateNames | None = None,
                      coverage_note: str = "", until: dt.date | None = None) -> Path:
    """A dyad's commitments over time: one row per treaty phase, the upper bar a→b, the lower b→a."""
    path = _check_path(path)
    a, b = int(a), int(b)
    label = (lambda c: f"{names.name(c)} ({c})") if names is not None else str
    short = (lambda c: names.abbr(c)) if names is not None else str
    fig = Figure(figsize=(12, max(3.0, 1.0 + 0.55 * max(1, periods.groupby(["treaty_id", "phase"]).ngroups))))
    ax = fig.add_subplot()
    until = until or dt.date.today()
    rows = periods.groupby(["treaty_id", "phase"], sort=False) if not periods.empty else []
    ticks, tick_labels, coverage_ends, uncertain = [], [], set(), False
    for y, ((treaty_id, phase), group) in enumerate(rows):
        for offset, (x, z) in ((0.2, (a, b)), (-0.2, (b, a))):
            for r in group[(group.from_ccode == x) & (group.to_ccode == z)].itertuples():
                strongest = next((o for o in RANK if o in r.obligations), "consultation")
                stop = r.end or r.coverage_end or until
                start = pd.Timestamp(r.start).to_pydatetime()
                doubt = bool(getattr(r, "uncertain", False))
                uncertain |= doubt
                ax.broken_barh([(start, pd.Timestamp(stop).to_pydatetime() - start)], (y + offset - 0.17, 0.34),
                               facecolors=COLORS[strongest], edgecolor="black", linewidth=1.2 if doubt else 0.3,
                               linestyle=":" if doubt else "-")
                if r.end is None and r.coverage_end is not None and r.coverage_end < until:
                    coverage_ends.add(r.coverage_end)
                    begin = pd.Timestamp(r.coverage_end).to_pydatetime()
                    ax.broken_barh([(begin, pd.Timestamp(until).to_pydatetime() - begin)], (y + offset - 0.17, 0.34),
                                   facecolors="none", edgecolor=COLORS[strongest], hatch="///", linewidth=0.5)
        name = group.treaty_name.dropna()
        ticks.append(y)
        tick_labels.append(f"{treaty_id} ph.{phase}" + (f"\n{_shorten(name.iloc[0])}" if len(name) else ""))
    for end in sorted(coverage_ends):
        ax.axvline(pd.Timestamp(end).to_pydatetime(), color="#555555", ls=":", lw=1)
        ax.text(pd.Timestamp(end).to_pydatetime(), -0.75, f" coverage ends {end}", fontsize=7, color="#555555")
    ax.set_yticks(ticks, tick_labels, fontsize=8)
    ax.set_ylim(-0.9, max(len(ticks), 1) - 0.4)
    ax.invert_yaxis()
    ax.set_xlabel("year")
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    present = {next((o for o in RANK if o in obl), "consultation") for obl in periods.obligations} if len(
        periods) else set()
    handles = [Patch(facecolor=COLORS[k], label=k) for k in RANK if k in present]
    if coverage_ends:
        handles.append(Patch(facecolor="none", hatch="///", edgecolor="black", label="past coverage: status unknown"))
    if uncertain:
        handles.append(Patch(facecolor="white", edgecolor="black", linestyle=":", linewidth=1.2,
                             label="uncertain (register readings differ)"))
    handles += [Patch(facecolor="white", edgecolor="white", label=f"upper bar: {short(a)} owes {short(b)}"),
                Patch(facecolor="white", edgecolor="white", label=f"lower bar: {short(b)} owes {short(a)}")]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False,
              title="strongest obligation")
    span = f"{periods.start.min()} to {until}" if len(periods) else f"to {until}"
    ax.set_title(f"Commitments between {label(a)} and {label(b)}, {span}\n", fontsize=13)
    ax.text(0.5, 1.02, coverage_note + ("" if len(periods) else " — no commitment recorded"), fontsize=8,
            color="#555555", ha="center", transform=ax.transAxes)
    return _save(fig, path)


def _shorten(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def plot_dyad(con, a: int, b: int, path: str | Path, start=None, end=None, periods: pd.DataFrame | None = None) -> Path:
    """Build the periods (unless given) and draw the dyad's timeline."""
    until = parse_date(end, "to") if end is not None else dt.date.today()
    periods = periods if periods is not None else dyad_periods(con, a, b, start, until)
    return plot_dyad_history(periods, path, a, b, StateNames(con), _coverage_line(con), until)


# ----------------------------------------------------------------------------- blocs


def plot_bloc_sizes(sizes: pd.DataFrame, path: str | Path, top: int = 12, coverage_note: str = "",
                    seed: int | None = None) -> Path:
    """Stacked bloc sizes over time (from :func:`foedus.network.blocs.bloc_sizes`); smaller blocs merged."""
    path = _check_path(path)
    fig = Figure(figsize=(12, 6))
    ax = fig.add_subplot()
    if sizes.empty:
        ax.text(0.5, 0.5, "no blocs on these dates", ha="center", transform=ax.transAxes)
        fig.suptitle("Alliance blocs over time")
        return _save(fig, path)
    order = sizes.sum().sort_values(ascending=False).index  # by area: size summed over the dates
    kept = list(order[:top])
    shown = sizes[kept].copy()
    if len(order) > top:
        shown["other blocs"] = sizes[list(order[top:])].sum(axis=1)
    x = [pd.Timestamp(d).to_pydatetime() for d in shown.index]
    palette = matplotlib.colormaps["tab20"].colors
    colors = [palette[i % len(palette)] for i in range(len(kept))] + (["#cccccc"] if len(order) > top else [])
    ax.stackplot(x, shown.T.to_numpy(), labels=list(shown.columns), colors=colors, alpha=0.85)
    ax.set_ylabel("member states")
    ax.set_xlabel("date")
    ax.grid(axis="y", color="#eeeeee")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False,
              title="bloc (named after its\nstrongest member)")
    first, last = shown.index.min(), shown.index.max()
    method = "Louvain communities of the defense network" + (f", seed {seed}" if seed is not None else "")
    fig.suptitle(f"Alliance blocs, {pd.Timestamp(first).date()} to {pd.Timestamp(last).date()} ({method})",
                 fontsize=12)
    ax.set_title(coverage_note, fontsize=8, color="#555555")
    return _save(fig, path)


def plot_blocs(con, dates: Iterable, path: str | Path, seed: int = 0, top: int = 12) -> Path:
    """Bloc history on `dates`, drawn as stacked sizes."""
    sizes = bloc_sizes(bloc_history(con, dates, seed=seed))
    return plot_bloc_sizes(sizes, path, top=top, coverage_note=_coverage_line(con), seed=seed)
