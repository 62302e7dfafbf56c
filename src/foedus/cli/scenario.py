"""`foedus scenario` and `foedus sweep`: the casus foederis engine on the command line.

Parsing, bounds and the JSON form live in the library (`foedus.scenario.request`, `foedus.scenario.result`);
this module only turns options into a request and renders the typed result.
"""

from __future__ import annotations

from pathlib import Path

import typer

from foedus.cli import exposure
from foedus.cli.common import (
    CompareOption,
    DbOption,
    JsonOption,
    OnOption,
    StatusOption,
    SupposeFileOption,
    SupposeOption,
    console,
    print_json,
    show_comparison,
    show_warning,
    status_option,
    store,
)

STATUS_STYLE = {"obliged": "bold red", "offense": "bold magenta", "conflicted": "bold yellow", "conditional": "yellow",
                "consultation": "cyan", "neutrality": "green", "nonaggression": "dim"}
SHOWN = ("obliged", "offense", "conflicted", "conditional")


def _capability_line(side: str, info) -> str:
    cap = info.capability
    if cap.year is None:
        return f"{side}: {len(info.members)} states; no capability data"
    stale = " [yellow](older than the scenario date)[/]" if cap.stale else ""
    return (f"{side}: {len(info.members)} states, combined CINC {cap.cinc:.3f} "
            f"({cap.source}, latest year {cap.year}){stale}")


def _render_states(result, show_all: bool) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table(show_lines=False)
    for column in ("round", "state", "side", "status", "odds", "why"):
        table.add_column(column, overflow="fold")
    shown = [s for s in result.states if show_all or s.status in SHOWN]
    for s in shown:
        style = STATUS_STYLE.get(s.status, "")
        odds = "" if s.probability is None else f"{s.probability:.0%}"
        table.add_row(str(s.round), escape(f"{s.name} ({s.ccode})"), s.side, f"[{style}]{s.status}[/]", odds,
                      escape(s.explanation))
    console.print(table if shown else "No state is obliged or conditionally obliged to act.")
    hidden = len(result.states) - len(shown)
    if hidden:
        console.print(f"{hidden} more state(s) owe only consultation, neutrality or non-aggression (--all lists them).")


def _render_monte_carlo(mc) -> None:
    console.print(f"Monte Carlo: {mc.draws} draws, seed {mc.seed}, reliability {mc.reliability}")
    for side in ("attacker", "target"):
        d = mc.coalition_size[side]
        console.print(f"  {side} coalition size: mean {d.mean:.2f}, 5–95%: {d.p5:.0f}–{d.p95:.0f}")
    for s in mc.states[:15]:
        console.print(f"  {s.name} ({s.ccode}): joins target side {s.p_join_target:.1%}, "
                      f"attacker side {s.p_join_attacker:.1%}")
    if mc.model:  # reliability 'model': the joining model and the data it was fitted on
        console.print(f"  probabilities from the {mc.reliability_source}; data: "
                      + ", ".join(f"{k} {v}" for k, v in mc.model["data_versions"].items()))
        return
    console.print(f"  reliability default from {mc.reliability_source}")


def render(result, show_all: bool = False) -> None:
    """The scenario result as rich text (the JSON form is `result.to_json()`)."""
    from rich.markup import escape

    parties = lambda group: ", ".join(f"{p.name} ({p.ccode})" for p in group)  # noqa: E731
    console.print(f"[bold]{escape(parties(result.attackers))}[/] attacks [bold]{escape(parties(result.targets))}[/] "
                  f"on {result.on} — mode {result.mode}, {result.rounds} round(s)")
    _render_states(result, show_all)
    for note in result.notes or []:
        console.print(f"[cyan]note:[/] {escape(note)}")
    for supporter in result.supporters or []:
        findings = "; ".join(supporter.findings) or "no treaty wording bears on it"
        console.print(f"[cyan]supporter[/] {escape(supporter.name)} ({supporter.ccode}), supporting the "
                      f"{supporter.supports} side: {escape(findings)}")
    status = result.facts.status
    if result.unknown:
        what = ("are not confirmed on the date (presumed or unknown)" if status == "confirmed" else
                "were in force at the end of their dataset's coverage but their later status is unknown "
                "(a fixed term ran out with no renewal recorded, or a term the data do not code)")
        console.print(f"[yellow]{len(result.unknown)} commitment(s) toward the parties {what} and are not counted "
                      f"(status {status}; --status any counts them).[/]")
    for side in ("attacker", "target"):
        console.print(_capability_line(f"{side} side", result.sides[side]))
    if result.monte_carlo is not None:
        _render_monte_carlo(result.monte_carlo)


def scenario(
    attack: list[str] = typer.Option(
        ..., "--attack", help="Attacker(s): names, codes or an organization (NATO); repeat the option, or separate "
        "with ';' (or ',' when every part is a name)"),
    target: list[str] = typer.Option(..., "--target", help="Target(s), as --attack"),
    supporters: list[str] = typer.Option(
        [], "--supporters", help="States arming or funding a belligerent without fighting (reported separately)"),
    coalitions: Path = typer.Option(
        None, "--coalitions", help="YAML file of coalitions usable as actors ('name: [states]' or 'name: {members, "
        "from, until, source}'); presets: G7, Five Eyes, the West. Treaty ids work too: atop:3180, reg:..."),
    on: str = OnOption,
    rounds: int = typer.Option(1, "--rounds", help="Escalation rounds (1 to 10)"),
    mode: str = typer.Option("legal", "--mode", help="legal or chain (see README)"),
    where: str = typer.Option(None, "--where", help="Where the fighting is: a state, or region:NAME"),
    provoked: bool = typer.Option(None, "--provoked/--not-provoked", help="Did the target provoke the attack?"),
    requested: bool = typer.Option(None, "--requested/--not-requested", help="Did the target request help?"),
    assume_in_force: bool = typer.Option(
        False, "--assume-in-force", help="Count every commitment, unknown status too (the same as --status any)"
    ),
    status: str = StatusOption,
    reliability: str = typer.Option(
        None, "--reliability",
        help="Monte Carlo: probability an obligation is honoured, e.g. 0.75, or per type: defense=0.8,offense=0.6, "
        "or model (each state's side drawn from the joining model's probabilities)",
    ),
    draws: int = typer.Option(10_000, "--draws", help="Monte Carlo draws (1 to 1,000,000)"),
    seed: int = typer.Option(0, "--seed", help="Monte Carlo seed (0 or more)"),
    show_all: bool = typer.Option(False, "--all", help="Also list consultation, neutrality and non-aggression states"),
    as_json: bool = JsonOption,
    db: str = DbOption,
    suppose: list[str] = SupposeOption,
    suppose_file: str = SupposeFileOption,
    compare: bool = CompareOption,
) -> None:
    """Who is obliged to act when TARGET is attacked by ATTACK on a date, and why."""
    from foedus.scenario import ScenarioContext
    from foedus.scenario.actors import actor_expander
    from foedus.scenario.coalitions import load_file
    from foedus.scenario.request import ScenarioRequest

    request = ScenarioRequest(
        attackers=attack, targets=target, supporters=supporters, on=on, rounds=rounds, mode=mode, where=where,
        provoked=provoked, requested=requested, assume_in_force=assume_in_force, reliability=reliability,
        draws=draws, seed=seed, status=status,
    )
    request.check(cli=True)  # bounds first: no database needed to refuse --draws 0
    defined = load_file(coalitions) if coalitions is not None else []  # a bad file needs no database either
    with store(db, suppose=None if compare else suppose, suppose_file=None if compare else suppose_file) as con:
        from foedus.naming import StateNames
        from foedus.scenario.request import warning_for

        names = StateNames(con)
        expand = actor_expander(con, names, defined, status=request.counted())
        plan = request.plan(names, cli=True, organizations=expand)
        warning = warning_for(con, plan)
        show_warning(warning)
        if compare:
            return show_comparison(con, suppose, suppose_file, "scenario", as_json, model=plan.scenario,
                                   runner=lambda world: request.run(ScenarioContext(world, plan.scenario.on), plan,
                                                                    warning, con=world))
        result = request.run(ScenarioContext(con, plan.scenario.on), plan, warning, con=con)
    if as_json:
        print_json(result.to_json())
        return
    render(result, show_all)


def sweep(
    on: str = OnOption,
    rounds: int = typer.Option(1, "--rounds", help="Escalation rounds (1 to 10)"),
    mode: str = typer.Option("legal", "--mode"),
    out: Path = typer.Option(None, "--out", help="CSV of every ordered pair (--on), or the Parquet directory (--from)"),
    top: int = typer.Option(10, "--top"),
    status: str = StatusOption,
    as_json: bool = JsonOption,
    db: str = DbOption,
    start: str = exposure.FromOption, end: str = exposure.ToOption, every: str = exposure.EveryOption,
    draws: int = exposure.DrawsOption, reliability: float = exposure.ReliabilityOption,
    model: str = exposure.ModelOption, seed: int = exposure.SeedOption, scheduler: str = exposure.SchedulerOption,
    workers: int = exposure.WorkersOption, resume: bool = exposure.ResumeOption,
    suppose: list[str] = SupposeOption,
    suppose_file: str = SupposeFileOption,
) -> None:
    """Every ordered (attacker, target) pair among system members on a date: joiners bound whoever fights.

    With --from/--to: every directed dyad on every date of the range, on Dask (foedus.cli.exposure)."""
    status = status_option(status)
    if (start is not None or end is not None) and (suppose or suppose_file):
        from foedus.errors import BadInputError

        raise BadInputError("--suppose", "the whole-history sweep (--from/--to) runs on Dask workers that read the "
                            "store itself, not a supposed copy", fix="sweep one date with --on and --suppose")
    if start is not None or end is not None:
        from foedus.query.intervals import DEFAULT_STATUS

        if status != DEFAULT_STATUS:
            from foedus.errors import BadInputError

            raise BadInputError("--status", f"the whole-history sweep (--from/--to) counts {DEFAULT_STATUS} "
                                "commitments only", fix="drop --status, or sweep one date with --on")
        return exposure.run_exposure(db=db, start=start, end=end, every=every, draws=draws, mode=mode, rounds=rounds,
                                     model=model, seed=seed, reliability=reliability, scheduler=scheduler,
                                     workers=workers, out=out, resume=resume, as_json=as_json)
    from rich.table import Table

    from foedus.cli.common import date_warning
    from foedus.dates import parse_date
    from foedus.naming import StateNames
    from foedus.scenario import ScenarioContext
    from foedus.scenario.request import ScenarioRequest
    from foedus.scenario.sweep import sweep_result

    ScenarioRequest(attackers=["-"], targets=["-"], rounds=rounds, mode=mode).check(cli=True)
    with store(db, suppose=suppose, suppose_file=suppose_file) as con:
        day = parse_date(on, "--on")
        show_warning(date_warning(con, day))
        result = sweep_result(con, day, rounds=rounds, mode=mode, context=ScenarioContext(con, day, status=status))
        names = StateNames(con)
    if out:
        from foedus.atomic import write_atomic

        write_atomic(out, lambda path: result.frame.to_csv(path, index=False))
    if as_json:
        print_json(result.to_json())
        return
    frame = result.frame
    console.print(f"{len(frame)} ordered pairs; mean joiners defending the target: "
                  f"{frame.joiners_target_side.mean():.2f} (status: {status})")
    table = Table(title=f"Targets drawing the most defenders ({mode}, {rounds} round(s))")
    for column in ("attacker", "target", "defenders", "joining attacker"):
        table.add_column(column)
    for r in result.ordered().head(top).to_dict("records"):
        table.add_row(names.name(r["attacker"]), names.name(r["target"]), str(r["joiners_target_side"]),
                      str(r["joiners_attacker_side"]))
    console.print(table)
    ties = result.ties_at_top()
    if ties > 1:
        console.print(f"{ties} pairs share the top count; ties are ordered by fewest joiners on the attacker side, "
                      "then by attacker and target COW code.")


def register(app: typer.Typer) -> None:
    app.command()(scenario)
    app.command()(sweep)
