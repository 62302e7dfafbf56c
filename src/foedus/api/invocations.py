"""Treaty invocations from the register (`foedus invocations --json`)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Response

from foedus.api import models
from foedus.api.params import Answer, answer_for, state
from foedus.query.invocations import invocations as invocations_query

router = APIRouter(tags=["register"])


@router.get("/invocations", responses=models.ERRORS)
async def invocations(
    state_: str | None = Query(None, alias="state", min_length=1, max_length=100,
                               description="State that invoked or answered"),
    treaty: str | None = Query(None, min_length=1, max_length=100,
                               description="Treaty: NATO, CSTO, atop:3180, reg:<id>, org:<id>"),
    answer: Answer = Depends(answer_for),
) -> Response:
    """Invocation events: the state, date, article, what was asked and what each party did, with sources."""
    store = answer.store

    def compute():
        code = state(store.names(), state_, "state") if state_ else None
        with store.cursor() as cur:
            return invocations_query(cur, state=code, treaty=treaty).to_json()

    key = ("invocations", (state_ or "").strip().casefold(), (treaty or "").strip().casefold())
    return await answer(key, compute)
