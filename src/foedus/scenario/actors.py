"""Actors beyond single states: organizations as attackers or targets, supporters, and notes on the attacker's side.

* An organization (NATO, CSTO, ...: id, short name, name or alias in the register) given as an attacker or
  target stands for its members (role 'member') on the scenario date, each listed, with a note.
* A treaty id (`atop:3180`, `reg:russia-dprk-2024`) stands for the states with a commitment under that
  treaty in force on the date (under the scenario's status rule), each listed, with a note.
* A coalition (`foedus.scenario.coalitions`: a cited preset, a `--coalitions FILE` entry or an inline API
  coalition) stands for its members on the date, with a note saying what it is and where it comes from.
* Supporters arm or fund the attacker side without fighting (`--supporters`). They never become
  belligerents; for each defence pledge the scenario calls on, the treaty's own wording (where the
  register quotes it) says whether support counts: a pledge that answers an *armed attack* does not
  make a supporter an attacker.
* Attacker's side: a defence pledge answers an attack on the ally, so an attacker's own defence partners
  are not called on by its attack; the result says so for each of them.
"""

from __future__ import annotations

import re

from foedus.errors import BadInputError, FoedusError
from foedus.scenario.model import StateOutcome
from foedus.scenario.result import Supporter

ARMED_ATTACK = re.compile(r"armed (attack|aggression)", re.IGNORECASE)
STATE_OF_WAR = re.compile(r"state of war", re.IGNORECASE)
SUPPORT = re.compile(r"\b(aid|assist|support|suppl)\w*\b[^.]{0,60}\b(aggressor|attacker|adversary)", re.IGNORECASE)


def _organization(con, text: str, on):
    """(member codes, note) of the organization `text` names on `on` (codes may be empty), or None."""
    from foedus.query.organizations import find_organization, organization

    try:
        find_organization(con, text)
    except FoedusError:
        return None
    org = organization(con, text, on)
    members = [m for m in org["members"] if m["role"] == "member"]
    codes = [m["ccode"] for m in members]
    entry = org["source"].get("entry") or org["org_id"]
    odd = [f"{m['ccode']} ({m['status']})" for m in members if m["status"] != "member"]
    note = (f"{text} stands for the {len(codes)} members of {org['name']} on {org['on']}: "
            f"{', '.join(map(str, codes))} [register {entry}]")
    if odd:
        note += "; status notes: " + ", ".join(odd)
    return codes, [note]


def organization_members(con):
    """An expander for `ScenarioRequest.plan`: (member codes, notes) for an organization's name, else None."""

    def expand(text: str, on, option: str = "actor"):
        found = _organization(con, text, on)
        if found is None or not found[0]:
            return None
        return found

    return expand


def treaty_members(con, text: str, on, status: str | None = None, option: str = "actor"):
    """(member codes, notes): the states with a commitment under the treaty `text` (an ATOP or register id)
    in force on `on`, under the status rule `status` (default presumed); raises BadInputError naming `option`
    for an unknown treaty or one with no member on the date."""
    from foedus.query.commitments import directed_commitments
    from foedus.query.intervals import check_status
    from foedus.query.treaty import find_treaty
    from foedus.query.treaty_names import treaty_catalogue

    status = check_status(status)
    try:
        tid = find_treaty(con, text)
    except FoedusError as exc:
        raise BadInputError(option, str(exc), fix="give an ATOP id (atop:3180) or a register id (reg:...)") from None
    extending = [r[0] for r in con.execute(
        "SELECT treaty_id FROM treaties WHERE json_extract_string(attributes, '$.extends') = ?", [tid]).fetchall()]
    frame = directed_commitments(con, on, status="any")
    rows = frame[frame.treaty_id.isin([tid, *extending])]
    entry = treaty_catalogue(con).get(tid)
    label = (entry.name if entry is not None and entry.name else None) or tid
    if rows.empty:
        raise BadInputError(option, f"{text} ({label}) has no member in force on {on.isoformat()}",
                            fix="choose a date when the treaty was in force (foedus treaty " + tid + ")")
    counted = rows if status == "any" else rows[(rows.tier == "confirmed") if status == "confirmed"
                                                else (rows.tier != "unknown")]
    codes = sorted(set(counted.from_ccode.astype(int)) | set(counted.to_ccode.astype(int)))
    every = sorted(set(rows.from_ccode.astype(int)) | set(rows.to_ccode.astype(int)))
    left = [c for c in every if c not in codes]
    if not codes:
        raise BadInputError(option, f"{text} ({label}): no commitment of it counts on {on.isoformat()} under "
                            f"status {status} ({len(every)} states whose commitments are not counted)",
                            fix="try --status any")
    tiers = counted.drop_duplicates(["from_ccode", "to_ccode"]).tier.value_counts().to_dict()
    tier_text = ", ".join(f"{n} {t}" for t, n in sorted(tiers.items()))
    sources = sorted({str(s) for s in counted.source_dataset.dropna().unique()})
    note = (f"{text} stands for the {len(codes)} states with a commitment under {label} ({tid}) in force on "
            f"{on.isoformat()}: {', '.join(map(str, codes))} (directed ties counted under status {status}: "
            f"{tier_text}) [{', '.join(sources) or tid}]")
    if left:
        note += f"; not counted under status {status}: {', '.join(map(str, left))}"
    return codes, [note]


def _treaty_group(con, text: str, on, where: str, status: str | None, probe: bool):
    """A treaty id inside a coalition: True when probing (the treaty exists), else its members on `on`."""
    if probe:
        from foedus.query.treaty import find_treaty

        try:
            find_treaty(con, text)
        except FoedusError as exc:
            raise BadInputError("coalition", f"{where}: {exc}") from None
        return True
    try:
        return treaty_members(con, text, on, status, option=where)
    except BadInputError as exc:
        if "has no member" in exc.message or "no commitment" in exc.message:
            return [], []
        raise


def _member_groups(con, is_organization, status: str | None):
    """The callback `Coalitions` uses for an organization or treaty member of a coalition: True/None when
    probing, else (codes, notes)."""
    from foedus.scenario.coalitions import TREATY_ID

    def group(text: str, on, where: str, probe: bool = False):
        if TREATY_ID.match(text):
            return _treaty_group(con, text, on, where, status, probe)
        if probe:
            return True if is_organization(text) else None
        return _organization(con, text, on) if is_organization(text) else None

    return group


def actor_expander(con, names=None, coalitions=(), status: str | None = None, presets: bool = True):
    """The expander `ScenarioRequest.plan` calls for each actor text: a coalition (presets and `coalitions`,
    checked here: name clashes refused), a treaty id (`atop:3180`, `reg:...`), or an organization; None for a
    state. Raises BadInputError for a refused coalition or a member that is not a state, organization or treaty."""
    from foedus.scenario.coalitions import TREATY_ID, Coalitions, organization_finder

    if names is None:
        from foedus.naming import StateNames

        names = StateNames(con)
    is_organization = organization_finder(con)
    group = _member_groups(con, is_organization, status)

    book = Coalitions(con, names, list(coalitions), use_presets=presets, members=group,
                      organization=is_organization)

    def expand(text: str, on, option: str = "actor"):
        found = book.expand(text, on, option)
        if found is not None:
            return found
        if TREATY_ID.match(text.strip()):
            return treaty_members(con, text.strip(), on, status, option)
        org = _organization(con, text, on) if is_organization(text) else None
        return org if org is not None and org[0] else None

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
