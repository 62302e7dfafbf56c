"""Checking ATOP's condition flags against a scenario's facts.

Each flag qualifies one obligation (ATOP codebook v5.0 pp. 23-26). A condition is
'satisfied' or 'failed' when the scenario's facts settle it, else 'unsettled' with the reason.
"""

from __future__ import annotations

from foedus.scenario.context import Link
from foedus.scenario.model import Condition, Scenario
from foedus.store.schema import CONDITION_FLAGS

PREFIX = {"defense": "defco", "offense": "offco", "neutrality": "neuco", "consultation": "conco"}


def _adversary(link: Link, obligation: str, opponents: set[int], names) -> tuple[str, str]:
    if link.threats:
        named = ", ".join(names.name(t) for t in link.threats)
        hit = opponents & set(link.threats)
        if hit:
            return "satisfied", f"the treaty names {named} as the threat, and it is a party"
        return "failed", f"the treaty names only {named} as the threat"
    return "unsettled", "the treaty limits the adversary but ATOP names no threat state (specthrt "\
        f"{link.specthrt})"


def _location(scenario: Scenario, protected: int, names) -> tuple[str, str]:
    if scenario.where is None:
        return "unsettled", "limited to a location; the scenario does not say where the fighting is"
    if scenario.where == protected:
        return "satisfied", f"the fighting is on {names.name(protected)}'s own territory"
    where = names.name(scenario.where) if isinstance(scenario.where, int) else scenario.where
    return "unsettled", f"limited to a location; fighting in {where}, and the treaty area is not coded"


def check(link: Link, obligation: str, scenario: Scenario, protected: int, opponents: set[int], names):
    """Conditions on `obligation` of `link` (owed to `protected`, fighting `opponents`)."""
    out = []
    for flag in sorted(link.flags):
        family, name = CONDITION_FLAGS[flag]
        if family not in (obligation, "any"):
            continue
        if name == "specific_adversary":
            status, reason = _adversary(link, obligation, opponents, names)
        elif name == "location":
            status, reason = _location(scenario, protected, names)
        elif name == "non_provocation":
            if scenario.provoked is None:
                status, reason = "unsettled", "only if the ally did not provoke the attack; the scenario does not say"
            elif scenario.provoked:
                status, reason = "failed", "only if the ally did not provoke the attack, and it did"
            else:
                status, reason = "satisfied", "the ally did not provoke the attack"
        elif name == "ally_request":
            if scenario.requested is None:
                status, reason = "unsettled", "only at the ally's request; the scenario does not say"
            else:
                status = "satisfied" if scenario.requested else "failed"
                reason = "the ally requested help" if scenario.requested else "the ally did not request help"
        elif name == "ally_attacked":
            status, reason = "satisfied", "the ally was attacked"
        elif name == "number_of_adversaries":
            status, reason = "unsettled", f"limited by the number of adversaries ({len(opponents)} here); ATOP " \
                "does not code which number"
        elif name == "specific_conflict":
            status, reason = "unsettled", "limited to a particular conflict the scenario cannot identify"
        elif name == "demands_met":
            status, reason = "unsettled", "only if demands set out in the treaty are met"
        else:
            status, reason = "unsettled", "depends on a condition ATOP codes only as 'other' (olimob)"
        out.append(Condition(obligation=obligation, name=name, status=status, reason=reason))
    return out


def verdict(conditions: list[Condition]) -> str:
    """'binding' when every condition holds, 'released' when one fails, else 'conditional'."""
    if any(c.status == "failed" for c in conditions):
        return "released"
    if all(c.status == "satisfied" for c in conditions):
        return "binding"
    return "conditional"
