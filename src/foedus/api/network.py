"""The commitment network on a date, its compact view for the web page, triads and the diff between dates.

Each endpoint returns the library's typed answer (:mod:`foedus.network.view`, :mod:`foedus.network.answers`),
computed on the store's cached commitments of the date. Every one takes `status` (confirmed, presumed — the
default — or any: the rule every command shares) and answers a projected date with a `warning`.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Query, Response

from foedus.api import models
from foedus.api.errors import BadInput, TooLarge
from foedus.api.params import (
    Answer,
    DateQuery,
    NameQuery,
    StatusQuery,
    TypesQuery,
    answer_for,
    day,
    get_store,
    status,
    types,
)
from foedus.api.store import Store
from foedus.network import answers
from foedus.network import view as view_module
from foedus.network.answers import BlocHistory, Blocs, Diff, SScoreMatrix, SScorePair, SScoreRanking, Triads
from foedus.network.view import Network, NetworkView

router = APIRouter(tags=["network"])

OnQuery = DateQuery()
KIND_PATTERN = r"^ *(closed|open|one_defense|no_defense) *(, *(closed|open|one_defense|no_defense) *)*$"


@router.get("/network", response_model=Network, responses=models.ERRORS)
async def network(
    on: str | None = OnQuery,
    types_: str | None = TypesQuery(),
    per_treaty: bool = Query(False, description="One edge per treaty phase (MultiDiGraph)"),
    status_: str | None = StatusQuery,
    store: Store = Depends(get_store),
    answer: Answer = Depends(answer_for),
) -> Response:
    """The commitment graph on a date as node-link JSON (`foedus network --json`)."""
    date, wanted, counted = day(on), types(types_), status(status_)

    def compute():
        with store.cursor() as cur:
            result, _graph = view_module.network(cur, date, wanted, per_treaty=per_treaty, frame=store.directed(date),
                                                 status=counted)
        return result.to_json()

    return await answer(("network", date, wanted, per_treaty, counted), compute)


def _layout(store: Store) -> dict:
    def compute():
        with store.cursor() as cur:
            return view_module.view_layout(cur)

    return store.responses.get_or_compute((store.generation, "layout"), compute)


def view_payload(store: Store, date: dt.date, wanted: tuple[str, ...], counted: str | None = None) -> dict:
    """The JSON of :func:`foedus.network.view.network_view` on the store's cached commitments and layout."""
    with store.cursor() as cur:
        return view_module.network_view(cur, date, wanted, layout=_layout(store), status=counted,
                                        table=store.intervals(), names=store.names()).to_json()


@router.get("/network/view", response_model=NetworkView, responses=models.ERRORS)
async def network_view(
    on: str | None = OnQuery,
    types_: str | None = TypesQuery(),
    status_: str | None = StatusQuery,
    store: Store = Depends(get_store),
    answer: Answer = Depends(answer_for),
) -> Response:
    """The compact network the web page draws: one edge per pair, obligations each way, the strongest
    obligation (for the colour), treaties and status; node positions on a fixed ring."""
    date, wanted, counted = day(on), types(types_), status(status_)
    return await answer(("view", date, wanted, counted), lambda: view_payload(store, date, wanted, counted))


@router.get("/triads", response_model=Triads, responses=models.ERRORS)
async def triads(
    on: str | None = OnQuery,
    among: str | None = Query(None, max_length=1300, description="States, comma-separated (at most 12): with 3+ "
                              "every triad of them; with 1–2 the triads that include them"),
    top: int = Query(10, ge=0, le=100, description="Keep the first N of each kind (0: all, only with 3+ among)"),
    kind: str = Query("closed,open", max_length=100, json_schema_extra={"pattern": KIND_PATTERN},
                      description="closed, open (or one_defense, no_defense with --among)"),
    status_: str | None = StatusQuery,
    store: Store = Depends(get_store),
    answer: Answer = Depends(answer_for),
) -> Response:
    """Closed defense triangles and open triads, ranked, each with its score explained (`foedus triads --json`).
    Bounded: `top` at most 100 per kind, `among` at most 12 states; all triads (`top=0`) only among 3+ states
    (the whole network's are hundreds of megabytes: 413)."""
    date, counted, limits = day(on), status(status_), answer.limits
    named = [p for p in (among or "").replace(";", ",").split(",") if p.strip()]
    if len(named) > limits.among_states:
        raise BadInput("among", f"{len(named)} states given", fix=f"at most {limits.among_states}")
    if top > limits.triads_top:
        raise BadInput("top", f"{top} is out of range", fix=f"give 1 to {limits.triads_top} (0: all, with among)")
    if top == 0 and len(named) < 3:
        raise TooLarge("top", "all triads of the whole network (or of every partner of one or two states) are "
                       "hundreds of megabytes", fix=f"give top 1 to {limits.triads_top}, or 3 or more among states")

    def compute():
        with store.cursor() as cur:
            return answers.triads(cur, date, among=among, top=top, kinds=kind, names=store.names(),
                                  frame=store.directed(date), status=counted).to_json()

    kinds = tuple(k.strip() for k in kind.split(",") if k.strip())
    return await answer(("triads", date, (among or "").strip().casefold(), top, kinds, counted), compute, heavy=True)


@router.get("/diff", response_model=Diff, responses=models.ERRORS)
async def diff(
    from_: str = DateQuery("First date YYYY-MM-DD", ..., alias="from"),
    to: str = DateQuery("Second date YYYY-MM-DD", ...),
    around: str | None = NameQuery("Only pairs including this state"),
    types_: str | None = TypesQuery(),
    status_: str | None = StatusQuery,
    store: Store = Depends(get_store),
    answer: Answer = Depends(answer_for),
) -> Response:
    """Commitments begun, ended, upgraded or downgraded between two dates, with sources (`foedus diff --json`)."""
    first, second, wanted, counted = day(from_, "from"), day(to, "to"), types(types_), status(status_)

    def compute():
        with store.cursor() as cur:
            return answers.diff(cur, first, second, around=around, types=wanted, names=store.names(),
                                status=counted).to_json()

    return await answer(("diff", first, second, (around or "").strip().casefold(), wanted, counted), compute)


@router.get("/blocs", response_model=Blocs, responses=models.ERRORS)
async def blocs(
    on: str | None = OnQuery,
    seed: int = Query(0, ge=0, le=2**31 - 1, description="Louvain seed (fixed: same blocs every run)"),
    status_: str | None = StatusQuery,
    store: Store = Depends(get_store),
    answer: Answer = Depends(answer_for),
) -> Response:
    """Blocs of the defense network (Louvain, fixed seed) with polarization measures (`foedus blocs --json`)."""
    date, counted = day(on), status(status_)

    def compute():
        with store.cursor() as cur:
            return answers.blocs(cur, date, seed=seed, names=store.names(), status=counted).to_json()

    return await answer(("blocs", date, seed, counted), compute)


@router.get("/blocs/history", response_model=BlocHistory, responses=models.ERRORS)
async def bloc_history(
    from_: str = DateQuery("First year (or date)", ..., alias="from"),
    to: str = DateQuery("Last year (or date)", ...),
    step: int = Query(5, ge=1, le=100, description="Years between dates"),
    seed: int = Query(0, ge=0, le=2**31 - 1, description="Louvain seed"),
    status_: str | None = StatusQuery,
    store: Store = Depends(get_store),
    answer: Answer = Depends(answer_for),
) -> Response:
    """Bloc sizes on 1 January of every `step`-th year (`foedus blocs --from --to --json`)."""
    first, last, counted = day(from_, "from"), day(to, "to"), status(status_)

    def compute():
        with store.cursor() as cur:
            return answers.bloc_history(cur, first, last, step, seed=seed, status=counted).to_json()

    return await answer(("bloc_history", first, last, step, seed, counted), compute, heavy=True)


@router.get("/sscore", response_model=SScorePair | SScoreRanking | SScoreMatrix, responses=models.ERRORS)
async def sscore(
    year: int = Query(..., ge=1816, le=2200, description="Year (portfolios read on 31 December unless on)"),
    a: str | None = NameQuery("First state (omit for the full matrix)"),
    b: str | None = NameQuery("Second state (omit to rank every partner of A)"),
    on: str | None = DateQuery("Reference day inside the year (default: 31 December)"),
    weighted: bool = Query(False, description="Capability-weighted ranking or matrix"),
    status_: str | None = StatusQuery,
    store: Store = Depends(get_store),
    answer: Answer = Depends(answer_for),
) -> Response:
    """Signorino–Ritter S-scores: one dyad (a and b), one state's ranking (a) or the year's matrix
    (`foedus sscore --json`)."""
    date, counted = (day(on) if on else None), status(status_)

    def compute():
        with store.cursor() as cur:
            if a and b:
                return answers.sscore_pair(cur, a, b, year, on=date, names=store.names(), status=counted).to_json()
            if a:
                return answers.sscore_ranking(cur, a, year, on=date, weighted=weighted, names=store.names(),
                                              status=counted).to_json()
            return answers.sscore_matrix(cur, year, on=date, weighted=weighted, status=counted).to_json()

    key = ("sscore", year, (a or "").strip().casefold(), (b or "").strip().casefold(), date, weighted, counted)
    return await answer(key, compute, heavy=not a)
