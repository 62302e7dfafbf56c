"""Actors beyond single states: supporters, and notes on the attacker's side (filled in below)."""

from __future__ import annotations


def attacker_notes(context, scenario) -> list[str]:
    return []


def judge_supporters(context, scenario) -> list:
    return []


def organization_members(con):
    """An expander for ScenarioRequest.plan: None for now (organizations as actors come next)."""
    return None
