"""The real and a supposed world side by side for one question (``--compare``).

Questions: ``scenario`` (the states obliged to defend the target side, and to join the attacker side, in each
world), ``triads`` (each triad's kind and score in each world), ``org`` (members in each world) and ``dyad``
(the directed commitments of a pair in each world). :func:`compare` returns a :class:`Comparison` with
``to_json()`` and a short ``text()``, e.g. "HYPOTHETICAL: PRK joins CSTO from 2025-01-01 — 5 more states obliged to
defend North Korea (BLR, ARM, TAJ, KYR, KZK): 2 in the real world, 7 supposed".
"""

from __future__ import annotations

import datetime as dt

from foedus.dates import parse_date
from foedus.errors import BadInputError
from foedus.naming import StateNames
from foedus.results import Result
from foedus.suppose.overlay import applied, apply, as_suppositions

QUESTIONS = ("scenario", "triads", "org", "dyad")


class Comparison(Result):
    """One question in the real world (`baseline`) and the supposed one (`supposed`), and what differs."""

    question: str
    on: str
    suppositions: list[dict]
    baseline: dict
    supposed: dict
    difference: dict
    summary: list[str]

    def text(self) -> str:
        head = "; ".join(s["label"] for s in self.suppositions)
        return "\n".join([head, *(f"  {line}" for line in self.summary)])


def _abbrs(names: StateNames, codes) -> str:
    return ", ".join(names.abbr(c) for c in codes) or "none"


# ----------------------------------------------------------------------------------------------- questions


def _scenario(con, model, runner=None) -> dict:
    from foedus.scenario import ScenarioContext, run_scenario

    typed = runner(con) if runner is not None else run_scenario(ScenarioContext(con, model.on), model)
    result = typed.to_json()
    by_side: dict[str, list[int]] = {"target": [], "attacker": []}
    conditional: dict[str, list[int]] = {"target": [], "attacker": []}
    for s in result["states"]:
        if s["side"] not in by_side:
            continue
        if s["status"] in ("obliged", "offense"):
            by_side[s["side"]].append(s["ccode"])
        elif s["status"] == "conditional":
            conditional[s["side"]].append(s["ccode"])
    return {
        "obliged_target_side": by_side["target"],
        "obliged_attacker_side": by_side["attacker"],
        "conditional_target_side": conditional["target"],
        "conditional_attacker_side": conditional["attacker"],
        "hypothetical": sorted({s["ccode"] for s in result["states"] if _hypothetical(s)}),
    }


def _hypothetical(state: dict) -> bool:
    return any(step.get("source", {}).get("kind") == "supposition" for step in state.get("path", [])) or any(
        c.get("source", {}).get("kind") == "supposition" for c in state.get("commitments", [])
    )


def _list_diff(a: list, b: list) -> tuple[list, list]:
    return [x for x in b if x not in a], [x for x in a if x not in b]


def _compare_scenario(names, base, supposed, targets) -> tuple[dict, list[str]]:
    out, lines = {}, []
    who = _abbrs(names, targets) if len(targets) > 1 else names.name(targets[0])
    for key, verb in (("obliged_target_side", f"defend {who}"), ("obliged_attacker_side", "join the attacker")):
        more, fewer = _list_diff(base[key], supposed[key])
        out[key] = {"added": more, "removed": fewer, "baseline": len(base[key]), "supposed": len(supposed[key])}
        if more or fewer or key == "obliged_target_side":
            change = []
            if more:
                change.append(f"{len(more)} more state{'s' if len(more) != 1 else ''} obliged to {verb} "
                              f"({_abbrs(names, more)})")
            if fewer:
                change.append(f"{len(fewer)} fewer obliged to {verb} ({_abbrs(names, fewer)})")
            if not change:
                change.append(f"no change in the states obliged to {verb}")
            lines.append("; ".join(change) + f": {len(base[key])} in the real world, {len(supposed[key])} supposed")
    return out, lines


def _triads(con, on, among, kinds, top) -> dict:
    from foedus.network.answers import triads

    found = triads(con, on, among=among, top=top, kinds=kinds)
    return {"triads": {"-".join(str(c) for c in t.members): {"kind": t.kind, "score": t.score} for t in found},
            "counts": found.counts}


def _compare_triads(names, base, supposed) -> tuple[dict, list[str]]:
    keys = list(dict.fromkeys([*base["triads"], *supposed["triads"]]))
    changes, lines = [], []
    for key in keys:
        a, b = base["triads"].get(key), supposed["triads"].get(key)
        label = "–".join(names.abbr(int(c)) for c in key.split("-"))
        before = f"{a['kind']} (score {a['score']})" if a else "not a triad"
        after = f"{b['kind']} (score {b['score']})" if b else "not a triad"
        same = (a or {}).get("kind") == (b or {}).get("kind")
        changes.append({"members": [int(c) for c in key.split("-")], "baseline": a, "supposed": b,
                        "changed": a != b})
        verb = "stays" if same else "becomes"
        lines.append(f"the {label} triad {verb} {after.split(' (')[0] if same else after}"
                     + ("" if same and a == b else f" (real world: {before})"))
    if not keys:
        lines.append("no triad in either world")
    return {"triads": changes}, lines


def _org(con, name, on) -> dict:
    from foedus.query.organizations import organization

    found = organization(con, name, on)
    return {"org_id": found["org_id"], "short_name": found["short_name"],
            "members": [m["ccode"] for m in found["members"] if m["role"] == "member"]}


def _compare_org(names, base, supposed) -> tuple[dict, list[str]]:
    more, fewer = _list_diff(base["members"], supposed["members"])
    line = (f"{base['short_name']}: {len(base['members'])} members in the real world, "
            f"{len(supposed['members'])} supposed")
    if more:
        line += f"; joined: {_abbrs(names, more)}"
    if fewer:
        line += f"; left: {_abbrs(names, fewer)}"
    return {"added": more, "removed": fewer}, [line]


def _dyad(con, a, b, on) -> dict:
    from foedus.query.commitments import dyad, records

    rows = records(dyad(con, a, b, on))
    return {"commitments": [
        {"from_ccode": r["from_ccode"], "to_ccode": r["to_ccode"], "treaty_id": r["treaty_id"],
         "obligations": r["obligations"], "hypothetical": r["source"]["kind"] == "supposition"} for r in rows
    ]}


def _compare_dyad(names, base, supposed) -> tuple[dict, list[str]]:
    def key(r):
        return (r["from_ccode"], r["to_ccode"], r["treaty_id"], tuple(r["obligations"]))

    old = {key(r) for r in base["commitments"]}
    new = {key(r) for r in supposed["commitments"]}
    added = [r for r in supposed["commitments"] if key(r) not in old]
    removed = [r for r in base["commitments"] if key(r) not in new]
    lines = [f"{len(base['commitments'])} directed commitments in the real world, "
             f"{len(supposed['commitments'])} supposed"]
    for r, sign in [(r, "+") for r in added] + [(r, "-") for r in removed]:
        lines.append(f"{sign} {names.abbr(r['from_ccode'])} → {names.abbr(r['to_ccode'])}: "
                     f"{', '.join(r['obligations'])} ({r['treaty_id']})")
    return {"added": added, "removed": removed}, lines


# ----------------------------------------------------------------------------------------------- entry point


def compare(con, suppositions, question: str, on: str | dt.date | None = None, names: StateNames | None = None,
            **arguments) -> Comparison:
    """`question` ('scenario', 'triads', 'org' or 'dyad') in the real world and under `suppositions`.

    Arguments: scenario: ``model`` (a :class:`foedus.scenario.Scenario`; its date is the one compared) and
    optionally ``runner`` (connection -> scenario result, e.g. a request's own run);
    triads: ``among``, ``kinds``, ``top``; org: ``name``; dyad: ``a``, ``b`` (codes or names).
    """
    items = as_suppositions(suppositions)
    if not items:
        raise BadInputError("--suppose", "--compare needs at least one supposition",
                            fix='add --suppose "PRK joins CSTO from 2025-01-01" (or --suppose-file)')
    if question not in QUESTIONS:
        raise BadInputError("question", f"'{question}' cannot be compared", fix=f"one of {', '.join(QUESTIONS)}")
    names = names or StateNames(con)
    if question == "scenario":
        model = arguments["model"]
        day = model.on
        ask = lambda c: _scenario(c, model, arguments.get("runner"))  # noqa: E731
    else:
        day = parse_date(on, "--on")
        if question == "triads":
            ask = lambda c: _triads(c, day, arguments.get("among"), arguments.get("kinds", "closed,open"),  # noqa: E731
                                    arguments.get("top", 0))
        elif question == "org":
            ask = lambda c: _org(c, arguments["name"], day)  # noqa: E731
        else:
            from foedus.naming import code_for

            a = code_for(names, arguments["a"], day, "a")
            b = code_for(names, arguments["b"], day, "b")
            ask = lambda c: _dyad(c, a, b, day)  # noqa: E731
    base = ask(con)
    with apply(con, items) as world:
        supposed = ask(world)
        facts = applied(world)
    if question == "scenario":
        difference, lines = _compare_scenario(names, base, supposed, list(arguments["model"].targets))
    elif question == "triads":
        difference, lines = _compare_triads(names, base, supposed)
    elif question == "org":
        difference, lines = _compare_org(names, base, supposed)
    else:
        difference, lines = _compare_dyad(names, base, supposed)
    return Comparison(question=question, on=day.isoformat(), suppositions=facts, baseline=base, supposed=supposed,
                      difference=difference, summary=lines)
