"""The casus foederis engine: who is obliged to act when a state is attacked."""

from foedus.scenario.context import ScenarioContext
from foedus.scenario.engine import run_scenario
from foedus.scenario.model import Scenario

__all__ = ["Scenario", "ScenarioContext", "run_scenario"]
