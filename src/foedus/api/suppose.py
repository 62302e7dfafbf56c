"""What-if answers over HTTP: the real and a supposed world side by side (`foedus … --suppose … --compare --json`).

``POST /api/compare`` takes the suppositions in the body (the grammar of :mod:`foedus.suppose.grammar`) and one
question (``dyad``, ``org`` or ``triads``; a supposed scenario is ``POST /api/scenario`` with ``suppose``) and
returns :class:`foedus.suppose.sidebyside.Comparison` — the same bytes as the CLI's ``--compare --json``. The
store is never written: the supposed world is an in-memory copy, built in the heavy pool (bounded, 429 when full).
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from foedus.api import models
from foedus.api.errors import BadInput
from foedus.api.params import Answer, answer_for, get_store
from foedus.api.store import Store
from foedus.suppose.sidebyside import Comparison

router = APIRouter(tags=["what-if"])


class CompareRequest(BaseModel):
    """One question asked in the real world and under the suppositions."""

    model_config = ConfigDict(extra="forbid")

    question: Literal["dyad", "org", "triads"] = Field(..., description="What to compare")
    suppose: list[str] = Field(..., min_length=1, description="Suppositions, e.g. 'PRK joins CSTO from 2025-01-01', "
                               "'defense RUS CHN from 2026-01-01', 'ARM leaves CSTO 2026-01-01'")
    on: str | None = Field(None, description="Date YYYY-MM-DD (default: today)", max_length=40)
    a: str | None = Field(None, description="dyad: the first state (name, code or abbreviation)", max_length=100)
    b: str | None = Field(None, description="dyad: the second state", max_length=100)
    name: str | None = Field(None, description="org: the organization (e.g. CSTO)", max_length=100)
    among: str | None = Field(None, description="triads: states, comma-separated (default: all)", max_length=2000)
    kinds: str = Field("closed,open", description="triads: kinds, comma-separated", max_length=100)
    top: int = Field(0, ge=0, le=1000, description="triads: keep the N highest-scoring (0 = all)")

    def arguments(self) -> dict:
        """The question's own arguments for :func:`foedus.suppose.compare`; a missing one is a 422 naming it."""
        needed = {"dyad": ("a", "b"), "org": ("name",), "triads": ()}[self.question]
        for field in needed:
            if not getattr(self, field):
                raise BadInput(field, f"the {self.question} question needs `{field}`",
                               fix={"a": "e.g. \"a\": \"RUS\"", "b": "e.g. \"b\": \"PRK\"",
                                    "name": "e.g. \"name\": \"CSTO\""}[field])
        if self.question == "dyad":
            return {"a": self.a, "b": self.b}
        if self.question == "org":
            return {"name": self.name}
        return {"among": self.among, "kinds": self.kinds, "top": self.top}


def compare_payload(store: Store, request: CompareRequest) -> dict:
    from foedus.suppose import compare, parse_many

    items = parse_many(request.suppose)
    with store.cursor() as cur:
        return compare(cur, items, request.question, on=request.on, **request.arguments()).to_json()


@router.post("/compare", response_model=Comparison, responses=models.ERRORS)
async def compare_worlds(
    request: CompareRequest, store: Store = Depends(get_store), answer: Answer = Depends(answer_for)
) -> Response:
    """A dyad, an organization's members or the triads in the real world and in a supposed one, with what differs
    (`foedus dyad|org|triads … --suppose … --compare --json`). Supposed facts are marked `hypothetical`. Bounded
    like `POST /api/scenario` (list items, item length; what-ifs share the heavy pool: 429 with `Retry-After`)."""
    limits = answer.limits
    if len(request.suppose) > limits.list_items:
        raise BadInput("suppose", f"{len(request.suppose)} suppositions are too many",
                       fix=f"at most {limits.list_items}")
    for item in request.suppose:
        if len(item) > limits.suppose_length:
            raise BadInput("suppose", f"an item of {len(item):,} characters is too long",
                           fix=f"at most {limits.suppose_length}")
    request.arguments()  # a missing argument is a 422 before any work
    key = ("compare", request.model_dump_json())
    return await answer(key, lambda: compare_payload(store, request), heavy=True)
