"""Scenarios: who is obliged to act when a state is attacked, deterministic and (optionally) Monte Carlo.

The request body, its bounds and parsing are `foedus.scenario.request.ScenarioRequest`; the answer is
`foedus.scenario.result.ScenarioResult.to_json()` — the `foedus scenario --json` bytes.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from foedus.api import models
from foedus.api.errors import BadInput
from foedus.api.params import Answer, answer_for, get_store
from foedus.api.store import Store
from foedus.scenario.request import ScenarioRequest, warning_for
from foedus.scenario.result import ScenarioResult

router = APIRouter(tags=["scenario"])


def scenario_payload(store: Store, request: ScenarioRequest) -> dict:
    from foedus.naming import StateNames
    from foedus.scenario.actors import actor_expander
    from foedus.scenario.coalitions import from_body
    from foedus.scenario.montecarlo import is_model

    limits = store.limits.scenario()
    request.check(limits=limits)
    defined = from_body(request.coalitions, limits=limits)
    status = request.counted()

    def actors(con):
        names = StateNames(con)
        return names, actor_expander(con, names, defined, status=status)
    if request.suppose:  # a what-if: plan and run in an in-memory copy with the suppositions applied
        from foedus.scenario import ScenarioContext
        from foedus.suppose import apply, parse_many

        items = parse_many(request.suppose)
        with store.cursor() as cur, apply(cur, items) as world:
            names, expand = actors(world)
            plan = request.plan(names, limits=limits, organizations=expand)
            return request.run(ScenarioContext(world, plan.scenario.on), plan, warning_for(world, plan),
                               con=world).to_json()
    with store.cursor() as cur:  # names read from this request's cursor: resolving on a date reads the store
        names, expand = actors(cur)
        plan = request.plan(names, limits=limits, organizations=expand)
        warning = warning_for(cur, plan)
    # the cached context holds every tier; run() counts those the request's status keeps
    if is_model(request.reliability):  # the joining model reads its features from the store
        with store.cursor() as cur:
            return request.run(store.context(plan.scenario.on), plan, warning, con=cur).to_json()
    return request.run(store.context(plan.scenario.on), plan, warning).to_json()


@router.post("/scenario", response_model=ScenarioResult, responses=models.ERRORS)
async def scenario(
    request: ScenarioRequest, store: Store = Depends(get_store), answer: Answer = Depends(answer_for)
) -> Response:
    """Who must act when the targets are attacked on a date, and why (`foedus scenario --json`); with
    `reliability`, also the Monte Carlo distribution of coalitions (reproducible with `seed`). Bounded: the body
    at most 64 KiB, each list at most 20 items, names 100 characters, `draws` at most 1,000,000 (this server's
    limits: README); Monte Carlo and what-if runs share a small pool (429 with `Retry-After` when it is full)."""
    limits = answer.limits
    request.check(limits=limits.scenario())
    for item in request.suppose:
        if len(item) > limits.suppose_length:
            raise BadInput("suppose", f"an item of {len(item):,} characters is too long",
                           fix=f"at most {limits.suppose_length}")
    key = ("scenario", request.model_dump_json())
    heavy = request.reliability is not None or bool(request.suppose)
    return await answer(key, lambda: scenario_payload(store, request), heavy=heavy)
