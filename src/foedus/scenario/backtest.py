"""Replay real wars: predict joiners from the commitments in force on each war's first day.

Wars: Reiter, Stam and Horowitz (2016), revised interstate wars 1816–2007 with joiners
(`war_dyads`). For each larger war, the dyads that began on its first day give the
initiators and targets; every other participant is a real joiner, its side found by
two-colouring the war's dyads. The scenario assumes the fighting is on the first target's
territory and leaves provocation and requests unknown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from foedus.scenario.context import ScenarioContext
from foedus.scenario.engine import run_scenario
from foedus.scenario.model import Scenario


@dataclass
class War:
    war_id: int
    name: str
    start: dt.date
    initiators: tuple[int, ...]
    targets: tuple[int, ...]
    joiners: dict[int, str]  # joiner -> side ('attacker' or 'target')


def load_wars(con) -> list[War]:
    frame = con.execute(
        "SELECT war_id, war_name, dyad_war_id, side_a, side_b, min(entry_date) AS start, bool_or(joiner) AS joiner "
        "FROM war_dyads GROUP BY ALL ORDER BY war_id, start"
    ).df()
    wars = []
    for war_id, dyads in frame.groupby("war_id", sort=True):
        first = dyads[~dyads.joiner]
        first = first if not first.empty else dyads
        start = first.start.min()
        opening = first[first.start == start]
        initiators = tuple(sorted(set(opening.side_a) - set(opening.side_b)))
        targets = tuple(sorted(set(opening.side_b) - set(initiators)))
        side = {s: "attacker" for s in initiators} | {s: "target" for s in targets}
        changed = True
        while changed:
            changed = False
            for a, b in zip(dyads.side_a, dyads.side_b, strict=True):
                if a in side and b not in side:
                    side[b], changed = ("target" if side[a] == "attacker" else "attacker"), True
                elif b in side and a not in side:
                    side[a], changed = ("target" if side[b] == "attacker" else "attacker"), True
        joiners = {s: v for s, v in side.items() if s not in initiators and s not in targets}
        wars.append(War(int(war_id), str(dyads.war_name.iloc[0]), pd.Timestamp(start).date(), initiators,
                        targets, joiners))
    return wars


def _score(predicted: dict[int, str], actual: dict[int, str]) -> dict:
    hits = set(predicted) & set(actual)
    same_side = {s for s in hits if predicted[s] == actual[s]}
    return {
        "predicted": len(predicted),
        "actual": len(actual),
        "hits": len(hits),
        "hits_same_side": len(same_side),
        "precision": len(hits) / len(predicted) if predicted else None,
        "recall": len(hits) / len(actual) if actual else None,
    }


def backtest(con, modes=("legal", "chain"), rounds=(1, 2, 3), progress=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-war scores for each mode and round count, and the overall (pooled) scores."""
    rows = []
    wars = load_wars(con)
    for war in wars:
        if not war.initiators or not war.targets:
            continue
        context = ScenarioContext(con, war.start)
        for mode in modes:
            for n in rounds:
                scenario = Scenario(on=war.start, attackers=war.initiators, targets=war.targets, rounds=n, mode=mode,
                                    where=war.targets[0], assume_in_force=True)
                result = run_scenario(context, scenario)
                predicted = {
                    s["ccode"]: s["side"] for s in result["states"] if s["joins"] and s["status"] != "conflicted"
                }
                obliged = {s["ccode"] for s in result["states"] if s["status"] == "obliged" and s["round"] == 1}
                score = _score(predicted, war.joiners)
                rows.append({
                    "war_id": war.war_id, "war": war.name, "start": war.start.isoformat(), "mode": mode, "rounds": n,
                    "initiators": " ".join(map(str, war.initiators)), "targets": " ".join(map(str, war.targets)),
                    **score,
                    "obliged_round1": len(obliged),
                    "obliged_round1_joined": len(obliged & set(war.joiners)),
                    "predicted_joiners": " ".join(f"{s}:{v[0]}" for s, v in sorted(predicted.items())),
                    "actual_joiners": " ".join(f"{s}:{v[0]}" for s, v in sorted(war.joiners.items())),
                })
        if progress:
            progress(war)
    per_war = pd.DataFrame(rows)
    overall = per_war.groupby(["mode", "rounds"], as_index=False)[
        ["predicted", "actual", "hits", "hits_same_side", "obliged_round1", "obliged_round1_joined"]
    ].sum()
    overall["precision"] = overall.hits / overall.predicted.where(overall.predicted > 0)
    overall["recall"] = overall.hits / overall.actual.where(overall.actual > 0)
    overall["side_accuracy"] = overall.hits_same_side / overall.hits.where(overall.hits > 0)
    overall["obliged_share_joined"] = overall.obliged_round1_joined / overall.obliged_round1.where(
        overall.obliged_round1 > 0
    )
    overall["wars"] = per_war.war_id.nunique()
    return per_war, overall
