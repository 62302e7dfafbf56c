"""Typed answers of the network questions: triads, diff, blocs (one date or a history) and S-scores.

Each function resolves its state arguments (names or codes), computes with the algorithm module
(:mod:`~foedus.network.triads`, :mod:`~foedus.network.diff`, :mod:`~foedus.network.blocs`,
:mod:`~foedus.network.sscore`) and returns a :mod:`foedus.results` model whose ``to_json()`` is the
``--json`` contract the CLI prints and the HTTP API returns.

Every one takes the status rule all commands share (`status`: confirmed, presumed — the default,
:data:`foedus.query.intervals.DEFAULT_STATUS` — or any) and says which it used; a date after the register's
check date or after today carries the projection `warning` (in the envelope, or on every item of a list answer).
"""

from __future__ import annotations

import datetime as dt
import math

from pydantic import Field, PrivateAttr

from foedus.dates import parse_date
from foedus.errors import BadInputError
from foedus.naming import StateNames
from foedus.query.intervals import check_status
from foedus.query.states import names_for, state_code
from foedus.results import ListResult, Record, Result


def _warning(con, day: dt.date) -> str | None:
    from foedus.query.commitments import warning_for

    return warning_for(con, day)


def _status(status: str | None, parameter: str = "status") -> str:
    try:
        return check_status(status)
    except BadInputError as exc:
        raise BadInputError(parameter, exc.message, fix="use confirmed, presumed or any") from None

# ----------------------------------------------------------------------------- triads


class TriadSide(Record):
    pair: list[int]
    obligations: list[str]
    a_to_b: list[str]
    b_to_a: list[str]
    defense: str
    treaties: list[str]
    status: str | None
    tier: str | None = None
    commitments: list[dict]


class TriadRecord(Record):
    on: str
    status: str
    members: list[int]
    kind: str
    score: int
    sides: list[TriadSide]
    explanation: str


class Triads(ListResult):
    """Closed defense triangles and open triads, ranked, each explained (`foedus triads --json`)."""

    root: list[TriadRecord]
    _counts: dict[str, int] = PrivateAttr(default_factory=dict)
    _coverage: str = PrivateAttr("")
    _on: str = PrivateAttr("")
    _notes: list[str] = PrivateAttr(default_factory=list)
    _status: str = PrivateAttr("")
    _warning: str | None = PrivateAttr(None)

    @property
    def counts(self) -> dict[str, int]:
        return self._counts


def _states(names: StateNames, among, parameter: str, notes: list[str]) -> list[int]:
    if among is None:
        return []
    parts = [p.strip() for p in among.split(",")] if isinstance(among, str) else [str(p) for p in among]
    return list(dict.fromkeys(state_code(names, p, parameter, notes=notes) for p in parts if p))


def triads(con, on: str | dt.date | None = None, among=None, top: int | None = 10,
           kinds=("closed", "open"), names: StateNames | None = None, frame=None, status: str | None = None) -> Triads:
    """Ranked triads on `on`; `among` states (names or codes, comma-separated or a list); `top` per kind (0 or
    None: all); `frame`: the directed commitments of the date (every tier), when cached; `status`: the tiers that
    count. Each triad record says the status used and, for a projected date, carries the `warning`.

    Args:
        con (duckdb.DuckDBPyConnection): An open store connection (`foedus.store.open_reader`).
        on: The date (ISO text or a date); None means today.
        among (str | list | None): Only triads of these states (names or codes, comma-separated text or a list).
        top: How many triads of each kind to keep, best first (0 or None: all).
        kinds (str | list[str]): `closed` (defense triangles), `open` (two pairs defense-bound, the third not), or both.
        names: The state names to resolve `among` with (default: the store's).
        frame (pandas.DataFrame | None): The directed commitments of `on` (every tier), when already computed.
        status: The tiers that count: `confirmed`, `presumed` (default: confirmed and presumed) or `any`.

    Returns:
        The ranked triads, each with its three states, score, sides and explanation (`foedus triads --json`).

    Raises:
        BadInputError: `on`, a state in `among`, a kind or `status` is not valid.

    Examples:
        >>> from foedus.network.answers import triads
        >>> found = triads(con, "1990-01-01", top=3, kinds="closed")
        >>> all(record["status"] == "presumed" for record in found.to_json())
        True

    References:
        Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long. 2002.
        "Alliance Treaty Obligations and Provisions, 1815-1944." International Interactions 28: 237-260.

        Signorino, Curtis S. and Jeffrey M. Ritter. 1999. "Tau-b or Not Tau-b: Measuring the Similarity of
        Foreign Policy Positions." International Studies Quarterly 43(1): 115-144. (The obligation scale
        used to rank open triads.)
    """
    from foedus.network import triads as triads_module
    from foedus.network.view import graph_on

    day = parse_date(on, "on")
    names = names_for(con, names)
    notes: list[str] = []
    codes = _states(names, among, "among", notes)
    if isinstance(kinds, str):
        kinds = [k.strip() for k in kinds.split(",") if k.strip()]
    status = _status(status)
    graph = graph_on(con, day, multi=False, frame=frame, status=status)
    try:
        found = triads_module.find_triads(graph, among=codes or None, top=top or None, kinds=kinds)
    except ValueError as exc:
        raise BadInputError("kind", str(exc)) from None
    warning = _warning(con, day)
    extra = {"warning": warning} if warning else {}
    out = Triads([{"on": day.isoformat(), "status": status, **t.record(), **extra} for t in found])
    out._counts, out._coverage, out._on, out._notes = (triads_module.triad_counts(graph), graph.graph["coverage"],
                                                       day.isoformat(), notes)
    out._status, out._warning = status, warning
    return out


# ----------------------------------------------------------------------------- diff


class PairTerms(Record):
    a_to_b: list[str]
    b_to_a: list[str]
    treaties: list[str]


class ChangeRecord(Record):
    pair: list[int]
    change: str
    directions: dict[str, str]
    before: PairTerms
    after: PairTerms
    treaties_added: list[dict]
    treaties_removed: list[dict]


class Diff(Result):
    """Commitments begun, ended, upgraded or downgraded between two dates (`foedus diff --json`)."""

    from_: str = Field(alias="from")
    to: str
    around: int | None
    status: str
    warning: str | None = None
    changes: list[ChangeRecord]
    _changes: list = PrivateAttr(default_factory=list)
    _coverage: str = PrivateAttr("")
    _notes: list[str] = PrivateAttr(default_factory=list)


def diff(con, start, end, around: str | int | None = None, types=None, names: StateNames | None = None,
         status: str | None = None) -> Diff:
    """Changes between `start` and `end`, optionally only pairs including `around` (a name or code); `status`:
    the tiers that count on both dates; `warning` when either date is a projection."""
    from foedus.network import diff as diff_module
    from foedus.network.snapshot import coverage_text
    from foedus.query.answers import parse_obligation_types

    first, second = parse_date(start, "from"), parse_date(end, "to")
    names = names_for(con, names)
    notes: list[str] = []
    code = state_code(names, around, "around", notes=notes) if around not in (None, "") else None
    status = _status(status)
    changes = diff_module.diff(con, first, second, around=code, types=parse_obligation_types(types), status=status)
    warning = _warning(con, max(first, second))
    out = Diff(**{"from": first.isoformat()}, to=second.isoformat(), around=code, status=status,
               **({"warning": warning} if warning else {}), changes=[c.record(names) for c in changes])
    out._changes, out._coverage, out._notes = changes, coverage_text(con), notes
    return out


# ----------------------------------------------------------------------------- blocs


class BlocRecord(Record):
    id: int
    label: str
    leader: int
    size: int
    cinc: float
    members: list[int]


class Blocs(Result):
    """Blocs of the defense network on a date with polarization measures (`foedus blocs --json`)."""

    on: str
    seed: int
    status: str
    warning: str | None = None
    method: str
    blocs: list[BlocRecord]
    unaligned: list[int]
    polarization: dict
    coverage: str


class BlocHistory(Result):
    """Bloc membership and sizes on 1 January of every `step`-th year (`foedus blocs --from --to --json`)."""

    seed: int
    status: str
    warning: str | None = None
    dates: list[str]
    sizes: dict[str, dict[str, int]]
    members: list[dict]
    _columns: list[str] = PrivateAttr(default_factory=list)


def blocs(con, on: str | dt.date | None = None, seed: int | None = None, names: StateNames | None = None,
          status: str | None = None) -> Blocs:
    from foedus.network import blocs as blocs_module

    seed = blocs_module.DEFAULT_SEED if seed is None else seed
    day, status = parse_date(on, "on"), _status(status)
    result = blocs_module.blocs(con, day, seed=seed, status=status)
    warning = _warning(con, day)
    return Blocs.model_validate({**result.record(names_for(con, names)), "status": status,
                                 **({"warning": warning} if warning else {})})


def bloc_history(con, start, end, step: int = 5, seed: int | None = None, status: str | None = None) -> BlocHistory:
    """Bloc sizes on 1 January of every `step`-th year from `start` to `end` (years or dates); `status`: the tiers
    that count on every date; `warning` when the last date is a projection."""
    from foedus.network import blocs as blocs_module

    if start in (None, "") or end in (None, ""):
        raise BadInputError("from" if start in (None, "") else "to", "a bloc history needs both --from and --to",
                            fix="give both years, e.g. --from 1950 --to 1990")
    if step < 1:
        raise BadInputError("step", f"{step} is not a number of years", fix="give 1 or more")
    seed = blocs_module.DEFAULT_SEED if seed is None else seed
    status = _status(status)
    dates = blocs_module.yearly_dates(start, end, step)
    history = blocs_module.bloc_history(con, dates, seed=seed, status=status)
    sizes = blocs_module.bloc_sizes(history)
    warning = _warning(con, max(dates)) if dates else None
    out = BlocHistory(
        seed=seed, status=status, **({"warning": warning} if warning else {}), dates=[d.isoformat() for d in dates],
        sizes={str(k.date()) if hasattr(k, "date") else str(k): {c: int(v) for c, v in row.items()}
               for k, row in sizes.to_dict("index").items()},
        members=history.assign(date=history.date.astype(str)).to_dict("records"),
    )
    out._columns = list(sizes.max().sort_values(ascending=False).index) if not sizes.empty else []
    return out


# ----------------------------------------------------------------------------- S-scores

FLAVOURS = (("unweighted", False), ("weighted", True))


def _finite(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


class SScorePair(Result):
    """The S-score of one dyad in a year, unweighted and capability-weighted (`foedus sscore A B --json`)."""

    a: int
    b: int
    year: int
    s: dict[str, float | None]


class SScoreEntry(Record):
    ccode: int
    unweighted: float
    weighted: float


class SScoreRanking(Result):
    """Every system member's S-score with `state` in a year, most similar first (`foedus sscore A --json`)."""

    state: int
    year: int
    on: str
    s: list[SScoreEntry]
    _weighted: bool = PrivateAttr(False)


class SScoreMatrix(Result):
    """The S-score matrix of a year (`foedus sscore --json`)."""

    year: int
    on: str
    weighted: bool
    ccodes: list[int]
    matrix: list[list[float]]


def sscore_pair(con, a: str | int, b: str | int, year: int, on=None, names: StateNames | None = None,
                status: str | None = None) -> SScorePair:
    from foedus.network import sscore as sscore_module

    names = names_for(con, names)
    code_a, code_b = state_code(names, a, "a"), state_code(names, b, "b")
    status = _status(status)
    values = {flavour: sscore_module.sscore(con, code_a, code_b, year, weighted=w, on=on, status=status)
              for flavour, w in FLAVOURS}
    return SScorePair.model_construct(a=code_a, b=code_b, year=year, s=values)


def sscore_matrices(con, year: int, on=None, status: str | None = None) -> dict:
    """Both flavours of the year's matrix (DataFrames indexed by COW code); `status`: the tiers that count."""
    from foedus.network import sscore as sscore_module

    status = _status(status)
    return {flavour: sscore_module.sscore_matrix(con, year, weighted=w, on=on, status=status)
            for flavour, w in FLAVOURS}


def sscore_ranking(con, state: str | int, year: int, on=None, weighted: bool = False,
                   names: StateNames | None = None, matrices: dict | None = None,
                   status: str | None = None) -> SScoreRanking:
    names = names_for(con, names)
    code = state_code(names, state, "a")
    matrices = sscore_matrices(con, year, on, status) if matrices is None else matrices
    chosen = matrices["weighted" if weighted else "unweighted"]
    if code not in chosen.index:
        raise BadInputError("a", f"{names.name(code)} ({code}) is not a system member on {chosen.attrs['on']}",
                            fix="choose a state that exists then, or another --year/--on")
    frame = {f: m.loc[code].drop(code) for f, m in matrices.items()}
    ranking = frame["weighted" if weighted else "unweighted"].sort_index().sort_values(ascending=False, kind="stable")
    out = SScoreRanking(state=code, year=year, on=chosen.attrs["on"],
                        s=[{"ccode": int(c), "unweighted": float(frame["unweighted"][c]),
                            "weighted": float(frame["weighted"][c])} for c in ranking.index])
    out._weighted = weighted
    return out


def sscore_matrix(con, year: int, on=None, weighted: bool = False, matrices: dict | None = None,
                  status: str | None = None) -> SScoreMatrix:
    matrices = sscore_matrices(con, year, on, status) if matrices is None else matrices
    chosen = matrices["weighted" if weighted else "unweighted"]
    return SScoreMatrix(year=year, on=chosen.attrs["on"], weighted=weighted, ccodes=[int(c) for c in chosen.index],
                        matrix=chosen.round(6).to_numpy().tolist())
