"""Actors beyond single states: organizations as attackers or targets, supporters, and notes on the attacker's side.

* An organization (NATO, CSTO, ...: id, short name, name or alias in the register) given as an attacker or
  target stands for its members (role 'member') on the scenario date, each listed, with a note.
* Supporters arm or fund the attacker side without fighting (`--supporters`). They never become
  belligerents; for each defence pledge the scenario calls on, the treaty's own wording (where the
  register quotes it) says whether support counts: a pledge that answers an *armed attack* does not
  make a supporter an attacker.
* Attacker's side: a defence pledge answers an attack on the ally, so an attacker's own defence partners
  are not called on by its attack; the result says so for each of them.
"""

from __future__ import annotations

import re

from foedus.errors import FoedusError
from foedus.scenario.model import StateOutcome
from foedus.scenario.result import Supporter

ARMED_ATTACK = re.compile(r"armed (attack|aggression)", re.IGNORECASE)
STATE_OF_WAR = re.compile(r"state of war", re.IGNORECASE)
SUPPORT = re.compile(r"\b(aid|assist|support|suppl)\w*\b[^.]{0,60}\b(aggressor|attacker|adversary)", re.IGNORECASE)


def organization_members(con):
    """An expander for `ScenarioRequest.plan`: (member codes, notes) for an organization's name, else None."""
    from foedus.query.organizations import find_organization, organization

    def expand(text: str, on):
        try:
            find_organization(con, text)
        except FoedusError:
            return None
        org = organization(con, text, on)
        members = [m for m in org["members"] if m["role"] == "member"]
        if not members:
            return None
        codes = [m["ccode"] for m in members]
        entry = org["source"].get("entry") or org["org_id"]
        odd = [f"{m['ccode']} ({m['status']})" for m in members if m["status"] != "member"]
        note = (f"{text} stands for the {len(codes)} members of {org['name']} on {org['on']}: "
                f"{', '.join(map(str, codes))} [register {entry}]")
        if odd:
            note += "; status notes: " + ", ".join(odd)
        return codes, [note]

    return expand


def _quote(text: str, limit: int = 160) -> str:
    text = " ".join(text.split()).strip('"')
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def wording_on_support(context, treaty_id: str, obligation: str) -> str | None:
    """What a treaty's wording of `obligation` says about support for the other side, or None without wording."""
    text = context.wording.get(treaty_id, {}).get(obligation)
    if not text:
        return None
    if SUPPORT.search(text):
        return f"its wording also covers aid to the aggressor: \"{_quote(text)}\""
    if ARMED_ATTACK.search(text):
        war = " that puts the party in a state of war" if STATE_OF_WAR.search(text) else ""
        return f"it answers an armed attack{war}, so supplying or funding a belligerent is not an attack under " \
            f"its wording: \"{_quote(text)}\""
    return f"its wording does not define the attack: \"{_quote(text)}\""


def _pledges(states: list[StateOutcome]) -> dict[tuple, list[StateOutcome]]:
    """The pledges that brought states in (last step of each path), grouped by treaty, obligation and ally."""
    groups: dict[tuple, list[StateOutcome]] = {}
    for state in states:
        if state.path:
            step = state.path[-1]
            groups.setdefault((step.treaty_id, step.treaty_name, step.article, step.obligation, step.to_ccode),
                              []).append(state)
    return groups


def judge_supporters(context, scenario, states: list[StateOutcome]) -> list[Supporter]:
    """Each supporter, with what every pledge the scenario calls on says about support, by the treaty's wording."""
    names = context.names
    findings = []
    for (tid, tname, article, obligation, ally), group in _pledges(states).items():
        label = ", ".join(x for x in (tname or tid, article) if x)
        who = ", ".join(names.name(s.ccode) for s in group)
        said = wording_on_support(context, tid, obligation)
        if said is None:
            said = "no treaty wording in the store (ATOP codes the obligation only)"
        findings.append(f"{obligation} toward {names.name(ally)} ({label}; {who}): {said}")
    out = []
    for code in scenario.supporters:
        tail = f"{names.name(code)} supports the attacker side without fighting: it is not an attacker, and its " \
            "support calls on no one's defence pledge"
        out.append(Supporter(ccode=code, name=names.name(code), supports="attacker", findings=[*findings, tail]))
    return out


def attacker_notes(context, scenario, joined: set[int]) -> list[str]:
    """For each attacker, the defence partners its own attack does not call on (a pledge answers an attack)."""
    names = context.names
    notes = []
    for attacker in scenario.attackers:
        partners = {}
        for link in context.links_toward(attacker, scenario.assume_in_force):
            if "defense" in link.obligations and link.from_ccode not in scenario.parties | joined:
                partners.setdefault(link.from_ccode, link)
        if not partners:
            continue
        parts = []
        for code, link in sorted(partners.items()):
            article = link.article("defense")
            text = context.wording.get(link.treaty_id, {}).get("defense") or ""
            said = "; its wording: an armed attack on the party" if ARMED_ATTACK.search(text) else ""
            label = ", ".join(x for x in (link.label(), article) if x)
            parts.append(f"{names.name(code)} ({label}{said})")
        if len(parts) > 10:
            parts = [*parts[:10], f"and {len(parts) - 10} more"]
        chain = " (in chain mode they are called on once the target side has a joiner)" \
            if scenario.mode == "chain" else ""
        notes.append(f"{names.name(attacker)} is the attacker: its allies' defence pledges answer an attack on it, "
                     f"not its own attack, so they do not apply{chain}: " + "; ".join(parts))
    return notes
