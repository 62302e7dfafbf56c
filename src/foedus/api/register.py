"""The curated register's views: a dyad's whole history, organizations and a state's memberships."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Response

from foedus.api import models
from foedus.api.errors import NotFound
from foedus.api.params import Answer, DateQuery, NameQuery, answer_for, day
from foedus.errors import BadInputError, FoedusError
from foedus.query.history import History, history_answer
from foedus.query.organizations import Memberships, Organization, memberships_answer, organization_answer

router = APIRouter(tags=["register"])


@router.get("/history", response_model=History, responses=models.ERRORS)
async def history(
    a: str = NameQuery("First state", ...),
    b: str = NameQuery("Second state (not A)", ...),
    answer: Answer = Depends(answer_for),
) -> Response:
    """Every commitment between A and B from any source, as periods each way, gaps included
    (`foedus history --json`)."""
    store = answer.store

    def compute():
        with store.cursor() as cur:
            return history_answer(cur, a, b, names=store.names()).to_json()

    return await answer(("history", a.strip().casefold(), b.strip().casefold()), compute)


@router.get("/organizations/{name}", response_model=Organization,
            responses={**models.ERRORS, 404: {"model": models.Error, "description": "No such organization"}})
async def organization(
    name: str = Path(..., min_length=1, max_length=100, description="NATO, CSTO, SCO, BRICS, AUKUS, Quad, ANZUS …"),
    on: str | None = DateQuery(),
    answer: Answer = Depends(answer_for),
) -> Response:
    """An organization's members and their status on a date (`foedus org --json`)."""
    date, store = day(on), answer.store

    def compute():
        with store.cursor() as cur:
            try:
                return organization_answer(cur, name, date).to_json()
            except BadInputError:
                raise
            except FoedusError as exc:
                raise NotFound(str(exc)) from None

    return await answer(("organization", name.strip().casefold(), date), compute)


@router.get("/memberships", response_model=Memberships, responses=models.ERRORS)
async def memberships(
    state_: str = NameQuery("State: COW code, abbreviation, ISO3 or name", ..., alias="state"),
    on: str | None = DateQuery(),
    answer: Answer = Depends(answer_for),
) -> Response:
    """The organizations a state belongs to on a date, with its status in each (`foedus memberships --json`)."""
    date, store = day(on), answer.store

    def compute():
        with store.cursor() as cur:
            return memberships_answer(cur, state_, date, names=store.names()).to_json()

    return await answer(("memberships", state_.strip().casefold(), date), compute)
