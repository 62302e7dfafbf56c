"""Core queries: meta (coverage per dataset), state lookup, obligations, dyad, treaty.

Each answer is the JSON the CLI prints with `--json` for the same query.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from foedus.api import models
from foedus.api.errors import NotFound
from foedus.api.params import Answer, DateQuery, NameQuery, StatusQuery, TypesQuery, answer_for, day, get_store, status
from foedus.api.store import Store
from foedus.errors import FoedusError
from foedus.query.answers import Dyad, Obligations, dyad_answer, obligations_answer
from foedus.query.states import StateLookup, search_states
from foedus.query.treaty import Treaty, treaty_answer
from foedus.store.status import store_meta

router = APIRouter(tags=["queries"])

OnQuery = DateQuery()


@router.get("/meta", response_model=models.Meta, responses=models.ERRORS)
async def meta(request: Request, store: Store = Depends(get_store), answer: Answer = Depends(answer_for)) -> Response:
    """What the store holds: each dataset's version, file, rows and coverage end; the date range; which
    optional endpoints this server has."""
    def compute():
        with store.cursor() as cur:
            return store_meta(cur, store.shown, writable=store.writable,
                              endpoints=request.app.state.endpoints).to_json()

    return await answer(("meta",), compute)


@router.get("/states", response_model=StateLookup, responses=models.ERRORS)
async def states(
    q: str | None = Query(None, max_length=100, description="Name, code, abbreviation, ISO3 or alias (prefix works)"),
    on: str | None = DateQuery("Flag system members on this date"),
    limit: int = Query(300, ge=1, le=1000),
    store: Store = Depends(get_store),
    answer: Answer = Depends(answer_for),
) -> Response:
    """State lookup for autocompletion: COW states matching `q` (best first) and how `q` itself resolves."""
    date = day(on) if on else None
    key = ("states", (q or "").strip().casefold(), date, limit)
    def compute():
        with store.cursor() as cur:
            return search_states(cur, q, date, limit, names=store.names()).to_json()

    return await answer(key, compute)


@router.get("/obligations", response_model=Obligations, responses=models.ERRORS)
async def obligations(
    state_: str = NameQuery("State: COW code, abbreviation, ISO3 or name", ..., alias="state"),
    on: str | None = OnQuery,
    types_: str | None = TypesQuery(),
    status_: str | None = StatusQuery,
    store: Store = Depends(get_store),
    answer: Answer = Depends(answer_for),
) -> Response:
    """Every commitment in force for a state on a date, by partner (`foedus obligations --json`)."""
    date, counted = day(on), status(status_)

    def compute():
        with store.lazy_cursor() as cur:  # no query when the cached table and names answer
            # no `frame=store.directed(date)`: one state's rows come from the interval table's state index,
            # faster than building the whole date's slice (the same answer), and no date frame is cached for it;
            # no partner importance (it orders `ranked()`, which the JSON does not use)
            return obligations_answer(cur, state_, date, types=types_, names=store.names(), status=counted,
                                      table=store.intervals(), importance=False).to_json()

    key = ("obligations", state_.strip().casefold(), date, (types_ or "").strip().casefold(), counted)
    return await answer(key, compute)


@router.get("/dyad", response_model=Dyad, responses=models.ERRORS)
async def dyad(
    a: str = NameQuery("First state", ...),
    b: str = NameQuery("Second state", ...),
    on: str | None = OnQuery,
    types_: str | None = TypesQuery(),
    status_: str | None = StatusQuery,
    store: Store = Depends(get_store),
    answer: Answer = Depends(answer_for),
) -> Response:
    """What A owes B and what B owes A on a date, directed (`foedus dyad --json`)."""
    date, counted = day(on), status(status_)

    def compute():
        with store.lazy_cursor() as cur:
            # the pair's rows from the interval table's pair index (see obligations above)
            return dyad_answer(cur, a, b, date, types=types_, names=store.names(), status=counted,
                               table=store.intervals()).to_json()

    key = ("dyad", a.strip().casefold(), b.strip().casefold(), date, (types_ or "").strip().casefold(), counted)
    return await answer(key, compute)


@router.get("/treaty/{treaty_id}", response_model=Treaty,
            responses={**models.ERRORS, 404: {"model": models.Error, "description": "No such treaty"}})
async def treaty(treaty_id: str = Path(..., min_length=1, max_length=100, description="atop:3180, reg:<id>, NATO …"),
                 store: Store = Depends(get_store), answer: Answer = Depends(answer_for)) -> Response:
    """One treaty: members and phases, provisions, conditions, threat identities, sources (`foedus treaty --json`)."""
    def compute():
        with store.cursor() as cur:
            try:
                return treaty_answer(cur, treaty_id).to_json()
            except FoedusError as exc:
                raise NotFound(str(exc)) from None

    return await answer(("treaty", treaty_id.strip()), compute)
