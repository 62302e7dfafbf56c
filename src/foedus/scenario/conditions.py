"""Checking ATOP's condition flags against a scenario's facts, by the rules in `foedus.scenario.rules`.

Each flag qualifies one obligation (ATOP codebook v5.0 pp. 23-26). A condition is
'satisfied' or 'failed' when the scenario's facts settle it, else 'unsettled' with the reason.
"""

from __future__ import annotations

from foedus.scenario import rules
from foedus.scenario.context import Link
from foedus.scenario.model import Condition


def check(link: Link, obligation: str, facts, protected: int, opponents, names) -> list[Condition]:
    """Conditions on `obligation` of `link` (owed to `protected`, against the states `opponents`).

    `facts` is a :class:`rules.Facts` (or anything with a `facts` attribute, such as a Scenario).
    """
    names_ = rules.flags_for(link.flags, obligation)
    if not names_:
        return []
    facts = getattr(facts, "facts", facts)
    case = rules.Case(facts, protected, link.threats, link.specthrt, frozenset(opponents), names)
    out = []
    for name in names_:
        status, reason = rules.RULES[name].settle(case)
        out.append(Condition.model_construct(obligation=obligation, name=name, status=status, reason=reason))
    return out


def verdict(conditions: list[Condition]) -> str:
    """'binding' when every condition holds, 'released' when one fails, else 'conditional'."""
    return rules.verdict(c.status for c in conditions)
