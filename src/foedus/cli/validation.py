"""`foedus backtest`, `foedus reliability` and `foedus model fit|evaluate|explain`: is the engine right?

Heavy libraries (scikit-learn, matplotlib) are imported inside the commands.
"""

from __future__ import annotations

from pathlib import Path

import typer

from foedus.cli.common import DbOption, JsonOption, console, fail, print_json, store
from foedus.errors import BadInputError

model_app = typer.Typer(help="The joining model: P(state joins war on a side), fitted on the store's wars.",
                        no_args_is_help=True)


def _pct(value) -> str:
    return "—" if value is None else f"{value:.1%}"


def _need(con, table: str, what: str) -> None:
    from foedus.ingest.schema_extra import has_table

    if not has_table(con, table):
        fail(f"no {what} in the store: put the file in the data directory and run `foedus data import`")


def backtest(
    mode: str = typer.Option("legal", "--mode", help="Engine mode: legal or chain."),
    rounds: int = typer.Option(3, "--rounds", min=1, max=10, help="Cascade rounds per scenario."),
    source: str = typer.Option("both", "--source", help="Joiners from: revised, cow or both."),
    composition: str = typer.Option("as-of-date", "--composition",
                                    help="What each dyad's scenario knows of the war: as-of-date (the participants "
                                    "that entered before the dyad's date are belligerents) or dyad-only."),
    modern: bool = typer.Option(False, "--modern", help="Replay the register's invocation events instead (NATO, "
                                "ANZUS, Rio 2001, CSTO, Russia-DPRK ...): engine and model on the day before each "
                                "against what each party did."),
    as_json: bool = JsonOption,
    db: str = DbOption,
) -> None:
    """Replay every war: same-side precision and recall of the engine, the naive rule and the base rate."""
    from foedus.scenario.backtest import backtest as run_backtest

    if modern:
        _modern(as_json, db)
        return

    if mode not in ("legal", "chain"):
        raise BadInputError("--mode", f"'{mode}' is not a mode", fix="use legal or chain")
    if source not in ("revised", "cow", "both"):
        raise BadInputError("--source", f"'{source}' is not a source", fix="use revised, cow or both")
    if composition not in ("as-of-date", "dyad-only"):
        raise BadInputError("--composition", f"'{composition}' is not a composition", fix="use as-of-date or dyad-only")
    with store(db) as con:
        _need(con, "war_dyads", "revised interstate wars (interstate_wars_revised.csv)")
        sources = ("revised", "cow") if source == "both" else (source,)
        result = run_backtest(con, mode=mode, rounds=rounds, sources=sources,
                              composition=composition.replace("-", " "))
    if as_json:
        print_json(result.to_json())
        return
    console.print(f"Backtest: {result.wars} wars, {result.dyad_scenarios} original-dyad scenarios, mode {mode}, "
                  f"{rounds} rounds, composition {result.composition}; {len(result.corrections)} coding "
                  "corrections applied (war_corrections.csv)")
    for src in result.sources:
        console.print(f"\n[bold]joiners from {src}[/]")
        for group in ("all wars", "other wars", "World War I", "World War II", "Korea"):
            ceiling = next(c for c in result.ceilings if c["source"] == src and c["group"] == group)
            console.print(f"  {group}: {ceiling['joiners']} joiners; recall ceiling {_pct(ceiling['ceiling'])}")
            for s in (x for x in result.scores if x.source == src and x.group == group):
                bands = "  ".join(f"{b} {h}/{n}" for b, (h, n) in s.recall_by_band.items())
                console.print(f"    {s.rule:9} {s.tier:22} predicted {s.predicted:5} hits {s.hits:3} "
                              f"precision {_pct(s.precision):>6} recall {_pct(s.recall):>6}  {bands}")


def _modern(as_json: bool, db: str) -> None:
    from foedus.validation.modern import replay, replay_report

    with store(db) as con:
        _need(con, "invocations", "invocation events (the register)")
        cases = replay(con)
    if as_json:
        print_json(replay_report(cases).to_json())
        return
    for case in cases:
        s = case.summary
        adversary = "no state attacker" if case.adversary is None else f"attacker {case.adversary}"
        console.print(f"\n[bold]{case.event_id}[/] {case.treaty_name or case.treaty_id} {case.article}, {case.date} "
                      f"(replayed on {case.on}; protected {', '.join(map(str, case.protected))}, {adversary})")
        console.print(f"  {s['parties']} parties: engine obliged {s['engine_obliged']}, conditional "
                      f"{s['engine_conditional']}; own help recorded {s['own_forces_or_help']} (obliged and helped "
                      f"{s['obliged_and_helped']}); model expected joiners {s['model_expected_joiners']}"
                      + (f" — {s['model_note']}" if s["model_note"] else ""))
        for r in case.parties:
            p = "—" if r.model_p is None else f"{r.model_p:.3f}"
            console.print(f"    {r.ccode:4} {r.name[:24]:24} engine {r.engine:24} model {p:>6}  did: {r.action}"
                          + (" (collective)" if r.collective else ""))


def reliability(
    as_json: bool = JsonOption,
    plot: Path = typer.Option(None, "--plot", help="Write a bar chart (PNG/SVG/PDF) of published vs foedus."),
    db: str = DbOption,
) -> None:
    """The published alliance-reliability figures beside foedus's recomputation from the store."""
    from foedus.validation.reliability import plot as draw
    from foedus.validation.reliability import reliability as compute

    if plot is not None and plot.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise BadInputError("--plot", f"'{plot}' has no known image suffix", fix="end the file name in .png, "
                            ".svg or .pdf")
    with store(db) as con:
        _need(con, "war_dyads", "revised interstate wars (interstate_wars_revised.csv)")
        result = compute(con)
    if plot is not None:
        draw(result, plot)
    if as_json:
        print_json(result.to_json())
        return
    for r in result.rows:
        console.print(f"{r.key:18} published {_pct(r.published):>6}  foedus {_pct(r.foedus):>6}  n={r.n:<5} "
                      f"{r.measure}")
        console.print(f"{'':18} [dim]{r.difference}[/]")
    if plot is not None:
        console.print(f"plot written to {plot}")


@model_app.command("fit")
def model_fit(
    out: Path = typer.Option(None, "--out", help="Model JSON (default: the packaged model file)."),
    c: float = typer.Option(0.01, "--c", min=1e-4, help="Inverse L2 penalty of the logistic regression."),
    as_json: bool = JsonOption,
    db: str = DbOption,
) -> None:
    """Fit the joining model on every war in the store and save its coefficients as JSON."""
    from foedus.validation import joining

    with store(db) as con:
        _need(con, "war_dyads", "revised interstate wars (interstate_wars_revised.csv)")
        data = joining.build_dataset(con)
        model = joining.fit(data, c=c, con=con)
    path = joining.save_model(model, out)
    if as_json:
        print_json(joining.saved_model(model, path).to_json())
        return
    console.print(f"fitted on {model.rows} rows ({model.positives} joins) from {model.wars} wars; saved to {path}")


@model_app.command("evaluate")
def model_evaluate(
    bootstrap: int = typer.Option(200, "--bootstrap", min=0, max=5000, help="Bootstrap resamples over wars."),
    seed: int = typer.Option(14, "--seed"),
    plot: Path = typer.Option(None, "--plot", help="Write a calibration plot (PNG/SVG/PDF)."),
    as_json: bool = JsonOption,
    db: str = DbOption,
) -> None:
    """Leave-one-war-out and time-split (train < 1945, test >= 1945) scores with bootstrap CIs over wars."""
    from foedus.validation import joining

    if plot is not None and plot.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise BadInputError("--plot", f"'{plot}' has no known image suffix", fix="end it in .png, .svg or .pdf")
    with store(db) as con:
        _need(con, "war_dyads", "revised interstate wars (interstate_wars_revised.csv)")
        data = joining.build_dataset(con)
    result = joining.evaluate(data, bootstrap=bootstrap, seed=seed)
    if plot is not None:
        joining.calibration_plot(result, plot)
    if as_json:
        print_json(result.to_json())
        return
    for scheme in result.schemes:
        console.print(f"[bold]{scheme.name}[/]: {scheme.rows} rows, {scheme.positives} joins, {scheme.wars} wars")
        for m in scheme.metrics:
            console.print(f"  {m.predictor:32} AUC {m.auc:.3f} [{m.auc_ci[0]:.3f}, {m.auc_ci[1]:.3f}]  "
                          f"Brier {m.brier:.5f} [{m.brier_ci[0]:.5f}, {m.brier_ci[1]:.5f}]  "
                          f"log loss {m.log_loss:.4f}")
    if plot is not None:
        console.print(f"calibration plot written to {plot}")


@model_app.command("explain")
def model_explain(
    path: Path = typer.Option(None, "--model", help="Model JSON (default: the packaged model file)."),
    as_json: bool = JsonOption,
) -> None:
    """The fitted coefficients (per standard deviation of each feature), largest first, and the data versions."""
    from foedus.validation import joining

    model = joining.load_model(path)
    if as_json:
        print_json(model.to_json())
        return
    console.print(f"joining model fitted on {model.rows} rows from {model.wars} wars; data: "
                  + ", ".join(f"{k} {v}" for k, v in model.data_versions.items()))
    if model.offset:
        console.print(f"  offset: -{model.offset} (fixed coefficient -1: odds per candidate scale as 1/N)")
    for name, coef in sorted(zip(model.features, model.coefficients, strict=True), key=lambda x: -abs(x[1])):
        console.print(f"  {name:32} {coef:+.3f}  ({joining.FEATURE_HELP.get(name, '')})")


def register(app: typer.Typer) -> None:
    app.command()(backtest)
    app.command()(reliability)
    app.add_typer(model_app, name="model")
