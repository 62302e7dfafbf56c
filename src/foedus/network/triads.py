"""Closed defense triangles and open triads on a date.

A pair of states is *defense-bound* when at least one owes the other defense (asymmetric
guarantees count; each side says which way the defense runs). Among three states:

* ``closed``: all three pairs are defense-bound (a transitive, "triangle" alliance);
* ``open``: two pairs are defense-bound and the third is bound only by consultation,
  non-aggression, neutrality or offense — or by nothing: the open triad of network analysis,
  here the wedge a pivot state holds between two partners that have not pledged defense to
  each other (e.g. Russia–North Korea–China after the 2024 Russia–DPRK treaty);
* ``one_defense`` and ``no_defense``: reported only when the three states are asked for.

Open triads are ranked by nearness to closing, in points (higher is nearer):
``3 × level`` of the third side's strongest obligation (Signorino–Ritter scale: neutrality or
non-aggression 2, consultation 1, nothing 0; offense without defense counts 3), ``+1`` per further
obligation type on that side, ``+1`` when the third pair is bound both ways, ``+1`` per defense side
that is mutual. Closed triangles are ranked by how many sides are mutual. Ties go to the triad
with the larger summed CINC, then to the lower COW codes.

Enumeration is vectorised on the adjacency matrix (numpy) in the manner of wedge and triangle
listing (Schank and Wagner 2005, "Finding, counting and listing all triangles in large graphs",
WEA 2005); the triad vocabulary follows Holland and Leinhardt (1971) and, for networks of
alliances, Maoz et al. (2007), "What is the enemy of my enemy?", Journal of Politics 69(1).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from foedus.errors import BadInputError
from foedus.network.snapshot import _BIT, LEVEL, RANK, _from_bits, best_tier, commitment_graph

KINDS = ("closed", "open", "one_defense", "no_defense")


@dataclass
class Side:
    """What binds one pair (a < b) of a triad."""

    a: int
    b: int
    a_to_b: list[str]
    b_to_a: list[str]
    commitments: list[dict] = field(default_factory=list)

    @property
    def obligations(self) -> list[str]:
        return [o for o in RANK if o in self.a_to_b or o in self.b_to_a]

    @property
    def defense(self) -> str:
        forward, back = "defense" in self.a_to_b, "defense" in self.b_to_a
        return {(True, True): "mutual", (True, False): "a_to_b", (False, True): "b_to_a"}.get((forward, back), "none")

    @property
    def treaties(self) -> list[str]:
        return sorted({c["treaty_id"] for c in self.commitments})

    @property
    def status(self) -> str | None:
        if not self.commitments:
            return None
        return "in_force" if any(c["status"] == "in_force" for c in self.commitments) else "unknown_after_coverage"

    @property
    def tier(self) -> str | None:
        """The strongest status tier of the side's commitments (confirmed > presumed > unknown)."""
        return best_tier(c.get("tier") for c in self.commitments)

    def record(self) -> dict:
        return {
            "pair": [self.a, self.b],
            "obligations": self.obligations,
            "a_to_b": self.a_to_b,
            "b_to_a": self.b_to_a,
            "defense": self.defense,
            "treaties": self.treaties,
            "status": self.status,
            "tier": self.tier,
            "commitments": self.commitments,
        }


@dataclass
class Triad:
    members: tuple[int, int, int]
    kind: str
    sides: list[Side]
    score: int
    cinc: float = 0.0
    labels: dict[int, str] = field(default_factory=dict, repr=False)

    def _name(self, code: int) -> str:
        return self.labels.get(code, str(code))

    @property
    def pivot(self) -> int | None:
        """In an open triad, the state bound by defense to both others."""
        if self.kind != "open":
            return None
        open_side = self.open_side
        return next(m for m in self.members if m not in (open_side.a, open_side.b))

    @property
    def open_side(self) -> Side | None:
        missing = [s for s in self.sides if s.defense == "none"]
        return missing[0] if self.kind == "open" else None

    def _describe(self, side: Side) -> str:
        a, b = self._name(side.a), self._name(side.b)
        if not side.obligations:
            return f"{a}–{b}: nothing recorded"
        if side.a_to_b == side.b_to_a:
            terms = f"{', '.join(side.a_to_b)} both ways"
        else:
            parts = []
            if side.a_to_b:
                parts.append(f"{a} owes {', '.join(side.a_to_b)}")
            if side.b_to_a:
                parts.append(f"{b} owes {', '.join(side.b_to_a)}")
            terms = "; ".join(parts)
        note = {"presumed": " (presumed in force: past the dataset's coverage, nothing known to end it)",
                "unknown": " (status after coverage unknown)"}.get(side.tier or "", "")
        return f"{a}–{b}: {terms} [{', '.join(side.treaties)}]{note}"

    @property
    def explanation(self) -> str:
        sides = "; ".join(self._describe(s) for s in self.sides)
        if self.kind == "closed":
            mutual = sum(s.defense == "mutual" for s in self.sides)
            return f"closed defense triangle ({mutual} of 3 sides mutual): {self.score_text()}. {sides}"
        if self.kind == "open":
            gap = self.open_side
            what = ", ".join(gap.obligations) if gap.obligations else "no recorded commitment"
            return (
                f"open triad pivoting on {self._name(self.pivot)}: {self._name(gap.a)} and {self._name(gap.b)} "
                f"are bound only by {what}; a defense commitment between them would close it. "
                f"{self.score_text()}. {sides}"
            )
        count = {"one_defense": "one defense side", "no_defense": "no defense side"}[self.kind]
        return f"not an open triad: {count}. {sides}"

    def score_parts(self) -> list[tuple[int, str]]:
        """The points of :attr:`score`, each with what it is for (module docstring)."""
        if self.kind == "closed":
            return [(1, f"{self._name(s.a)}–{self._name(s.b)} mutual defense") for s in self.sides
                    if s.defense == "mutual"]
        if self.kind != "open":
            return []
        gap = self.open_side
        strongest = next(iter(gap.obligations), None)
        parts = [(3 * LEVEL[strongest], f"3 × level {LEVEL[strongest]} of {strongest} on the open side")] if strongest \
            else []
        if len(gap.obligations) > 1:
            parts.append((len(gap.obligations) - 1, f"{len(gap.obligations) - 1} further obligation type(s) there"))
        if gap.a_to_b and gap.b_to_a:
            parts.append((1, "the open pair is bound both ways"))
        parts += [(1, f"{self._name(s.a)}–{self._name(s.b)} defense is mutual") for s in self.sides
                  if s is not gap and s.defense == "mutual"]
        return parts

    def score_text(self) -> str:
        """What the score means, with its points."""
        parts = " + ".join(f"{n} ({why})" for n, why in self.score_parts()) or "0"
        if self.kind == "closed":
            return f"score {self.score} = mutual sides (0–3; higher is a more solid triangle): {parts}"
        if self.kind == "open":
            return (f"score {self.score} = nearness to closing (higher is nearer; points: 3 × the open side's "
                    f"strongest level — neutrality/non-aggression 2, consultation 1, none 0 —, +1 per further "
                    f"type, +1 bound both ways, +1 per mutual defense side): {parts}")
        return f"score {self.score} (only closed and open triads are scored)"

    def record(self) -> dict:
        out = {
            "members": list(self.members),
            "kind": self.kind,
            "score": self.score,
            "sides": [s.record() for s in self.sides],
            "explanation": self.explanation,
        }
        if self.kind == "open":
            out["pivot"] = self.pivot
            out["open_pair"] = [self.open_side.a, self.open_side.b]
        return out


class _Matrices:
    """Adjacency as numpy arrays over the graph's nodes."""

    def __init__(self, graph: nx.DiGraph):
        if graph.is_multigraph():
            raise TypeError("triads need the merged DiGraph: commitment_graph(..., multi=False)")
        self.graph = graph
        self.nodes = np.array(sorted(graph.nodes), dtype=np.int64)
        self.index = {int(code): i for i, code in enumerate(self.nodes)}
        n = len(self.nodes)
        self.bits = np.zeros((n, n), dtype=np.int64)
        for a, b, data in graph.edges(data=True):
            self.bits[self.index[a], self.index[b]] = sum(_BIT[o] for o in data["obligations"])
        defense = (self.bits & _BIT["defense"]) != 0
        self.mutual_defense = defense & defense.T
        self.defense = defense | defense.T
        np.fill_diagonal(self.defense, False)
        union = self.bits | self.bits.T
        patterns = np.arange(1 << len(RANK))
        level = np.array([_level_of(int(p)) for p in patterns])
        count = np.array([bin(int(p)).count("1") for p in patterns])
        self.level, self.count = level[union], count[union]
        self.both_ways = (self.bits != 0) & (self.bits.T != 0)
        self.cinc = np.array([float(graph.nodes[int(c)].get("cinc") or 0.0) for c in self.nodes])

    def side(self, i: int, j: int) -> Side:
        a, b = (int(self.nodes[i]), int(self.nodes[j]))
        if a > b:
            a, b = b, a
        commitments = []
        for x, y in ((a, b), (b, a)):
            data = self.graph.get_edge_data(x, y)
            if data:
                commitments += [{"from": x, "to": y, **c} for c in data["commitments"]]
        forward = self.graph.get_edge_data(a, b) or {}
        back = self.graph.get_edge_data(b, a) or {}
        return Side(a, b, list(forward.get("obligations", [])), list(back.get("obligations", [])), commitments)


def _level_of(bits: int) -> int:
    names = _from_bits(bits)
    return max((LEVEL[o] for o in names), default=0)


def _closed(m: _Matrices) -> np.ndarray:
    """(k, 3) index triples i < j < l with all three pairs defense-bound."""
    out = []
    upper = np.triu(m.defense, 1)
    for i, j in zip(*np.nonzero(upper), strict=True):
        common = np.nonzero(m.defense[i] & m.defense[j])[0]
        common = common[common > j]
        if len(common):
            out.append(np.column_stack([np.full(len(common), i), np.full(len(common), j), common]))
    return np.vstack(out) if out else np.empty((0, 3), dtype=np.int64)


def _open(m: _Matrices) -> np.ndarray:
    """(k, 3) index triples (pivot, i, j), i < j, with pivot–i and pivot–j defense-bound and i–j not."""
    out = []
    for pivot in range(len(m.nodes)):
        partners = np.nonzero(m.defense[pivot])[0]
        if len(partners) < 2:
            continue
        gap = ~m.defense[np.ix_(partners, partners)]
        i, j = np.nonzero(np.triu(gap, 1))
        if len(i):
            out.append(np.column_stack([np.full(len(i), pivot), partners[i], partners[j]]))
    return np.vstack(out) if out else np.empty((0, 3), dtype=np.int64)


def _nearness(m: _Matrices, triples: np.ndarray) -> np.ndarray:
    pivot, i, j = triples[:, 0], triples[:, 1], triples[:, 2]
    return (
        3 * m.level[i, j]
        + np.maximum(m.count[i, j] - 1, 0)
        + m.both_ways[i, j]
        + m.mutual_defense[pivot, i]
        + m.mutual_defense[pivot, j]
    ).astype(int)


def _solidity(m: _Matrices, triples: np.ndarray) -> np.ndarray:
    i, j, k = triples[:, 0], triples[:, 1], triples[:, 2]
    return (m.mutual_defense[i, j].astype(int) + m.mutual_defense[j, k] + m.mutual_defense[i, k]).astype(int)


def _order(m: _Matrices, triples: np.ndarray, score: np.ndarray) -> np.ndarray:
    members = np.sort(m.nodes[triples], axis=1)
    cinc = m.cinc[triples].sum(axis=1)
    return np.lexsort((members[:, 2], members[:, 1], members[:, 0], -cinc, -score))


def _side(m: _Matrices, i: int, j: int, cache: dict) -> Side:
    if (i, j) not in cache:
        cache[i, j] = m.side(i, j)
    return cache[i, j]


def _make_many(m: _Matrices, triples: np.ndarray, kind: str, scores: np.ndarray, labels: dict,
               cache: dict) -> list[Triad]:
    """Triads from (k, 3) index triples, vectorised up to the Python objects."""
    if len(triples) == 0:
        return []
    ordered = np.sort(triples, axis=1)  # nodes are sorted by code, so indices sort as codes do
    members = m.nodes[ordered].tolist()
    cinc = m.cinc[ordered].sum(axis=1).tolist()
    out = []
    for (i, j, k), codes, total, score in zip(ordered.tolist(), members, cinc, np.asarray(scores).tolist(),
                                               strict=True):
        sides = [_side(m, i, j, cache), _side(m, i, k, cache), _side(m, j, k, cache)]
        out.append(Triad(tuple(codes), kind, sides, int(score), total, labels))
    return out


def _make(m: _Matrices, triple, kind: str, score: int, labels: dict, cache: dict) -> Triad:
    return _make_many(m, np.array([triple]), kind, np.array([score]), labels, cache)[0]


def _labels(graph: nx.DiGraph) -> dict[int, str]:
    return {int(n): d.get("abbr") or str(n) for n, d in graph.nodes(data=True)}


def _with_nodes(graph: nx.DiGraph, codes: Iterable[int]) -> nx.DiGraph:
    missing = [c for c in codes if c not in graph]
    if not missing:
        return graph
    graph = graph.copy()
    graph.add_nodes_from(missing)
    return graph


def _classify(m: _Matrices, codes: list[int], labels: dict, cache: dict) -> Triad:
    idx = [m.index[c] for c in codes]
    pairs = list(itertools.combinations(idx, 2))
    bound = [bool(m.defense[i, j]) for i, j in pairs]
    kind = {3: "closed", 2: "open", 1: "one_defense", 0: "no_defense"}[sum(bound)]
    if kind == "open":
        side = next(p for p, b in zip(pairs, bound, strict=True) if not b)
        pivot = next(i for i in idx if i not in side)
        score = int(_nearness(m, np.array([[pivot, *side]]))[0])
    elif kind == "closed":
        score = int(_solidity(m, np.array([idx]))[0])
    else:
        score = 0
    return _make(m, idx, kind, score, labels, cache)


def classify(graph: nx.DiGraph, members: Iterable[int]) -> Triad:
    """The triad of exactly three states, whatever its kind (closed, open, one_defense, no_defense)."""
    codes = sorted({int(c) for c in members})
    if len(codes) != 3:
        raise BadInputError("", f"a triad needs three different states, got {codes}")
    graph = _with_nodes(graph, codes)
    return _classify(_Matrices(graph), codes, _labels(graph), {})


def find_triads(
    graph: nx.DiGraph,
    among: Iterable[int] | None = None,
    top: int | None = None,
    kinds: Iterable[str] = ("closed", "open"),
) -> list[Triad]:
    """Closed and open triads of `graph` (the merged DiGraph of every obligation type), ranked.

    `among` with three or more states: every triad of those states, whatever its kind;
    with one or two: the closed and open triads that include all of them.
    `top` keeps the first N of each kind.
    """
    kinds = tuple(kinds)
    labels = _labels(graph)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise BadInputError("", f"unknown triad kind(s) {unknown}; choose from {', '.join(KINDS)}")
    wanted = sorted({int(c) for c in among}) if among is not None else None
    if wanted is not None and len(wanted) >= 3:
        graph = _with_nodes(graph, wanted)
        m, cache = _Matrices(graph), {}
        found = [_classify(m, list(combo), labels, cache) for combo in itertools.combinations(wanted, 3)]
        order = {k: n for n, k in enumerate(KINDS)}
        found.sort(key=lambda t: (order[t.kind], -t.score, -t.cinc, t.members))
        return _top(found, top)
    m = _Matrices(graph)
    cache: dict = {}
    out: list[Triad] = []
    for kind in kinds:
        if kind not in ("closed", "open"):
            continue
        triples = _closed(m) if kind == "closed" else _open(m)
        if wanted:
            missing = [c for c in wanted if c not in m.index]
            if missing:
                continue
            keep = np.all([np.any(triples == m.index[c], axis=1) for c in wanted], axis=0)
            triples = triples[keep]
        score = _solidity(m, triples) if kind == "closed" else _nearness(m, triples)
        order = _order(m, triples, score)
        if top is not None:
            order = order[:top]
        out += _make_many(m, triples[order], kind, score[order], labels, cache)
    return out


def _top(found: list[Triad], top: int | None) -> list[Triad]:
    if top is None:
        return found
    counts: dict[str, int] = {}
    out = []
    for triad in found:
        counts[triad.kind] = counts.get(triad.kind, 0) + 1
        if counts[triad.kind] <= top:
            out.append(triad)
    return out


def triad_counts(graph: nx.DiGraph) -> dict[str, int]:
    """How many closed triangles and open triads `graph` holds."""
    m = _Matrices(graph)
    return {"closed": len(_closed(m)), "open": len(_open(m))}


def triads(
    con,
    on: str | dt.date | None = None,
    among: Iterable[int] | None = None,
    top: int | None = None,
    kinds: Iterable[str] = ("closed", "open"),
    status: str | None = None,
) -> list[Triad]:
    """Closed and open defense triads on `on` (see :func:`find_triads`); `status`: the tiers that count."""
    return find_triads(commitment_graph(con, on, multi=False, status=status), among=among, top=top, kinds=kinds)
