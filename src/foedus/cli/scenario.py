"""`foedus scenario` and `foedus sweep`: the casus foederis engine on the command line."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from foedus.cli.common import DbOption, JsonOption, OnOption, console, fail, print_json, store
from foedus.dates import parse_date
from foedus.naming import StateNames
from foedus.scenario import Scenario, ScenarioContext, run_scenario
from foedus.scenario.montecarlo import monte_carlo
from foedus.scenario.sweep import sweep as run_sweep

STATUS_STYLE = {"obliged": "bold red", "offense": "bold magenta", "conflicted": "bold yellow", "conditional": "yellow",
                "consultation": "cyan", "neutrality": "green", "nonaggression": "dim"}


def _states(names: StateNames, texts: list[str], option: str) -> tuple[int, ...]:
    codes = []
    for text in texts:
        for part in text.split(","):
            if part.strip():
                codes.append(names.resolve(part.strip()).code)
    if not codes:
        fail(f"{option}: name at least one state")
    return tuple(dict.fromkeys(codes))


def _where(names: StateNames, text: str | None):
    if text is None:
        return None
    if text.lower().startswith("region:"):
        return text.split(":", 1)[1].strip()
    return names.resolve(text).code


def _reliability(text: str) -> float | dict:
    """'0.75' or 'defense=0.8,offense=0.6'."""
    try:
        if "=" not in text:
            return float(text)
        table = {}
        for part in text.split(","):
            kind, _, value = part.partition("=")
            if kind.strip() not in ("defense", "offense"):
                raise ValueError(f"unknown obligation type '{kind.strip()}' (defense, offense)")
            table[kind.strip()] = float(value)
        return table
    except ValueError as exc:
        fail(f"--reliability: '{text}' is not a probability or a table like defense=0.8,offense=0.6 ({exc})")


def _capability_line(side: str, info: dict) -> str:
    cap = info["capability"]
    if cap["year"] is None:
        return f"{side}: {len(info['members'])} states; no capability data"
    stale = " [yellow](older than the scenario date)[/]" if cap["stale"] else ""
    return (f"{side}: {len(info['members'])} states, combined CINC {cap['cinc']:.3f} "
            f"({cap['source']}, latest year {cap['year']}){stale}")


def scenario(
    attack: list[str] = typer.Option(..., "--attack", help="Attacker(s): names or codes, repeat or comma-separate"),
    target: list[str] = typer.Option(..., "--target", help="Target(s)"),
    on: str = OnOption,
    rounds: int = typer.Option(1, "--rounds", min=1, max=10, help="Escalation rounds"),
    mode: str = typer.Option("legal", "--mode", help="legal or chain (see README)"),
    where: str = typer.Option(None, "--where", help="Where the fighting is: a state, or region:NAME"),
    provoked: bool = typer.Option(None, "--provoked/--not-provoked", help="Did the target provoke the attack?"),
    requested: bool = typer.Option(None, "--requested/--not-requested", help="Did the target request help?"),
    assume_in_force: bool = typer.Option(
        False, "--assume-in-force", help="Treat commitments last seen in force past a dataset's coverage as binding"
    ),
    reliability: str = typer.Option(
        None, "--reliability",
        help="Monte Carlo: probability an obligation is honoured, e.g. 0.75, or per type: defense=0.8,offense=0.6",
    ),
    draws: int = typer.Option(10_000, "--draws", help="Monte Carlo draws"),
    seed: int = typer.Option(0, "--seed", help="Monte Carlo seed"),
    show_all: bool = typer.Option(False, "--all", help="Also list consultation, neutrality and non-aggression states"),
    as_json: bool = JsonOption,
    db: str = DbOption,
) -> None:
    """Who is obliged to act when TARGET is attacked by ATTACK on a date, and why."""
    with store(db) as con:
        day = parse_date(on, "--on")
        names = StateNames(con)
        model = Scenario(
            on=day, attackers=_states(names, attack, "--attack"), targets=_states(names, target, "--target"),
            where=_where(names, where), provoked=provoked, requested=requested, rounds=rounds, mode=mode,
            assume_in_force=assume_in_force,
        )
        context = ScenarioContext(con, day)
        typed = run_scenario(context, model)
        if reliability is not None:
            typed.monte_carlo = monte_carlo(context, model, draws=draws, reliability=_reliability(reliability),
                                            seed=seed)
        result = typed.to_json()
        if as_json:
            print_json(result)
            return
        parties = lambda side: ", ".join(f"{p['name']} ({p['ccode']})" for p in result[side])  # noqa: E731
        console.print(f"[bold]{parties('attackers')}[/] attacks [bold]{parties('targets')}[/] on {result['on']} "
                      f"— mode {mode}, {rounds} round(s)")
        table = Table(show_lines=False)
        for column in ("round", "state", "side", "status", "why"):
            table.add_column(column, overflow="fold")
        shown = [s for s in result["states"] if show_all or s["status"] in ("obliged", "offense", "conflicted",
                                                                                "conditional")]
        for s in shown:
            style = STATUS_STYLE.get(s["status"], "")
            table.add_row(str(s["round"]), escape(f"{s['name']} ({s['ccode']})"), s["side"],
                          f"[{style}]{s['status']}[/]", escape(s["explanation"]))
        console.print(table if shown else "No state is obliged or conditionally obliged to act.")
        hidden = len(result["states"]) - len(shown)
        if hidden:
            console.print(f"{hidden} more state(s) owe only consultation, neutrality or non-aggression "
                          "(--all lists them).")
        if result["unknown"]:
            console.print(f"[yellow]{len(result['unknown'])} commitment(s) toward the parties were in force at the end "
                          "of their dataset's coverage and are not counted (later status unknown; --assume-in-force "
                          "counts them).[/]")
        for side in ("attacker", "target"):
            console.print(_capability_line(f"{side} side", result["sides"][side]))
        if "monte_carlo" in result:
            mc = result["monte_carlo"]
            console.print(f"Monte Carlo: {mc['draws']} draws, seed {mc['seed']}, reliability {mc['reliability']}")
            for side in ("attacker", "target"):
                d = mc["coalition_size"][side]
                console.print(f"  {side} coalition size: mean {d['mean']:.2f}, 5–95%: {d['p5']:.0f}–{d['p95']:.0f}")
            for s in mc["states"][:15]:
                console.print(f"  {s['name']} ({s['ccode']}): joins target side {s['p_join_target']:.1%}, "
                              f"attacker side {s['p_join_attacker']:.1%}")
            console.print(f"  reliability default from {mc['reliability_source']}")


def sweep(
    on: str = OnOption,
    rounds: int = typer.Option(1, "--rounds", min=1, max=10),
    mode: str = typer.Option("legal", "--mode"),
    out: Path = typer.Option(None, "--out", help="CSV of every ordered pair"),
    top: int = typer.Option(10, "--top"),
    db: str = DbOption,
) -> None:
    """Every ordered (attacker, target) pair among system members on a date: unconditional joiners."""
    with store(db) as con:
        frame = run_sweep(con, parse_date(on, "--on"), rounds=rounds, mode=mode)
        if out:
            tmp = Path(f"{out}.tmp")
            frame.to_csv(tmp, index=False)
            os.replace(tmp, out)
        names = StateNames(con)
        console.print(f"{len(frame)} ordered pairs; mean joiners defending the target: "
                      f"{frame.joiners_target_side.mean():.2f}")
        table = Table(title=f"Targets drawing the most unconditional defenders ({mode}, {rounds} round(s))")
        for column in ("attacker", "target", "defenders", "joining attacker"):
            table.add_column(column)
        for r in frame.sort_values("joiners_target_side", ascending=False).head(top).to_dict("records"):
            table.add_row(names.name(r["attacker"]), names.name(r["target"]), str(r["joiners_target_side"]),
                          str(r["joiners_attacker_side"]))
        console.print(table)


def register(app: typer.Typer) -> None:
    app.command()(scenario)
    app.command()(sweep)
