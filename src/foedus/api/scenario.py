"""Scenarios: who is obliged to act when a state is attacked, deterministic and (optionally) Monte Carlo."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from foedus.api import models
from foedus.api.errors import BadInput
from foedus.api.params import Answer, day, get_store, state
from foedus.api.store import Store
from foedus.naming import StateNames
from foedus.scenario import Scenario, run_scenario
from foedus.scenario.montecarlo import monte_carlo

router = APIRouter(tags=["scenario"])


def _parties(names: StateNames, texts: list[str], parameter: str) -> tuple[int, ...]:
    codes = [state(names, part.strip(), parameter) for text in texts for part in text.split(",") if part.strip()]
    if not codes:
        raise BadInput(parameter, "name at least one state")
    return tuple(dict.fromkeys(codes))


def _where(names: StateNames, text: str | None):
    if not text:
        return None
    if text.lower().startswith("region:"):
        return text.split(":", 1)[1].strip()
    return state(names, text, "where")


def scenario_payload(store: Store, request: models.ScenarioRequest) -> dict:
    date = day(request.on)
    names = store.names()
    try:
        model = Scenario(
            on=date, attackers=_parties(names, request.attackers, "attackers"),
            targets=_parties(names, request.targets, "targets"), where=_where(names, request.where),
            provoked=request.provoked, requested=request.requested, rounds=request.rounds, mode=request.mode,
            assume_in_force=request.assume_in_force,
        )
    except ValueError as exc:
        raise BadInput("scenario", str(exc)) from None
    context = store.context(date)
    result = run_scenario(context, model)
    if request.reliability is not None:
        result.monte_carlo = monte_carlo(context, model, draws=request.draws, reliability=request.reliability,
                                         seed=request.seed)
    return result.to_json()


@router.post("/scenario", response_model=models.ScenarioResult, responses=models.ERRORS)
async def scenario(
    request: models.ScenarioRequest, store: Store = Depends(get_store), answer: Answer = Depends()
) -> Response:
    """Who must act when the targets are attacked on a date, and why (`foedus scenario --json`); with
    `reliability`, also the Monte Carlo distribution of coalitions (reproducible with `seed`)."""
    key = ("scenario", request.model_dump_json())
    return await answer(key, lambda: scenario_payload(store, request))
