"""`foedus network`, `triads`, `diff`, `blocs`, `sscore` and the `plot` sub-app."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from foedus.cli.common import (
    CompareOption,
    DbOption,
    JsonOption,
    OnOption,
    StatusOption,
    SupposeFileOption,
    SupposeOption,
    console,
    no_status_with_compare,
    print_json,
    show_comparison,
    show_warning,
    status_option,
    store,
)
from foedus.cli.queries import TypesOption, _resolve, show_notes, state_names
from foedus.dates import parse_date
from foedus.errors import BadInputError
from foedus.source import source_text

if TYPE_CHECKING:
    from foedus.naming import StateNames



def parse_obligation_types(text, parameter: str):
    from foedus.query.answers import parse_obligation_types as parse

    return parse(text, parameter)


def _codes(names: StateNames, text: str | None, quiet: bool) -> list[int]:
    if not text:
        return []
    return [_resolve(names, part.strip(), quiet, "highlight") for part in text.split(",") if part.strip()]


def network(
    on: str = OnOption,
    types: str = TypesOption,
    out: list[Path] = typer.Option(None, "--out", help="Export file(s): .graphml, .gexf, .json (node-link), .csv"),
    per_treaty: bool = typer.Option(False, "--per-treaty", help="One edge per treaty phase (MultiDiGraph)"),
    status: str = StatusOption,
    as_json: bool = JsonOption,
    db: str = DbOption,
    suppose: list[str] = SupposeOption,
    suppose_file: str = SupposeFileOption,
) -> None:
    """The commitment graph on a date: states and who owes what to whom; export or summarise it."""
    from foedus.network.snapshot import write_graph
    from foedus.network.view import network as network_answer

    status = status_option(status)
    with store(db, suppose=suppose, suppose_file=suppose_file) as con:
        result, graph = network_answer(con, parse_date(on, "--on"), parse_obligation_types(types, "--types"),
                                       per_treaty=per_treaty, status=status)
        show_warning(result.warning)
        written = [write_graph(graph, path) for path in out or []]
        if as_json:
            print_json(result.to_json())
            return
        _network_summary(graph, result.on, per_treaty)
        for path in written:
            console.print(f"wrote {path}")


def _network_summary(graph, on: str, per_treaty: bool) -> None:
    tied = [n for n in graph if graph.degree(n) > 0]
    console.print(f"[bold]Commitment graph on {on}[/] ({', '.join(graph.graph['types'])}): "
                  f"{graph.number_of_nodes()} states, {len(tied)} with commitments, "
                  f"{graph.number_of_edges()} directed {'commitments' if per_treaty else 'ties'} "
                  f"(status: {graph.graph.get('status')})")
    console.print(f"[dim]{escape(graph.graph['coverage'])}[/]")

    def partners(n):
        return set(graph.successors(n)) | set(graph.predecessors(n))

    table = Table(title="Most connected states")
    for column in ("state", "partners", "owes to", "owed by", "major", "CINC"):
        table.add_column(column)
    for n in sorted(tied, key=lambda n: (-len(partners(n)), n))[:15]:
        data = graph.nodes[n]
        table.add_row(f"{data['name']} ({n})", str(len(partners(n))), str(len(set(graph.successors(n)))),
                      str(len(set(graph.predecessors(n)))), "yes" if data.get("major") else "",
                      f"{data['cinc']:.4f}" if "cinc" in data else "")
    console.print(table)


def triads(
    on: str = OnOption,
    among: str = typer.Option(None, "--among", help="States, comma-separated: with 3+ every triad of them; "
                                                    "with 1–2 the triads that include them"),
    top: int = typer.Option(10, "--top", help="Keep the first N of each kind (0: all)"),
    kind: str = typer.Option("closed,open", "--kind", help="closed, open or both"),
    status: str = StatusOption,
    as_json: bool = JsonOption,
    db: str = DbOption,
    suppose: list[str] = SupposeOption,
    suppose_file: str = SupposeFileOption,
    compare: bool = CompareOption,
) -> None:
    """Closed defense triangles and open triads (two defense sides, the third weaker), ranked and explained."""
    from foedus.network.answers import triads as triads_answer

    status = status_option(status)
    no_status_with_compare(status, compare)
    with store(db, suppose=None if compare else suppose, suppose_file=None if compare else suppose_file) as con:
        if compare:
            return show_comparison(con, suppose, suppose_file, "triads", as_json, on=parse_date(on, "--on"),
                                   among=among, kinds=kind, top=top)
        found = triads_answer(con, parse_date(on, "--on"), among=among, top=top, kinds=kind, status=status)
        show_notes(found._notes, as_json)
        show_warning(found._warning)
        if as_json:
            print_json(found.to_json())
            return
        names = state_names(con)
        counts = found.counts
        console.print(f"[bold]Triads on {found._on}[/]: {counts['closed']} closed defense triangles, "
                      f"{counts['open']} open triads in all (status: {found._status}); showing {len(found)}")
        console.print(f"[dim]{escape(found._coverage)}[/]")
        console.print("score: for an open triad, its nearness to closing (higher is nearer: 3 × the level of the "
                      "open side's strongest obligation — neutrality/non-aggression 2, consultation 1, none 0 — "
                      "+1 per further type, +1 if bound both ways, +1 per mutual defense side); for a closed "
                      "triangle, how many of its sides are mutual (0–3). Each row says how its score adds up.",
                      highlight=False)
        table = Table(show_lines=True)
        for column in ("kind", "members", "score", "explanation"):
            table.add_column(column, overflow="fold")
        for t in found:
            members = ", ".join(f"{names.abbr(c)} ({c})" for c in t.members)
            table.add_row(t.kind, members, str(t.score), escape(t.explanation))
        console.print(table if len(found) else "no triads found")


def _terms(obligations: list[str]) -> str:
    return ", ".join(obligations) or "—"


def _change_row(c, names: StateNames) -> tuple[str, ...]:
    treaties = [f"+{t}" for t in sorted({x["treaty_id"] for x in c.added})]
    treaties += [f"−{t}" for t in sorted({x["treaty_id"] for x in c.removed})]
    sources = sorted({source_text(x["source"]) for x in c.added + c.removed})
    return (
        c.change, f"{names.abbr(c.a)} ({c.a}) – {names.abbr(c.b)} ({c.b})",
        f"{_terms(c.before.a_to_b)} / {_terms(c.before.b_to_a)}",
        f"{_terms(c.after.a_to_b)} / {_terms(c.after.b_to_a)}",
        " ".join(treaties) or "same treaties", "; ".join(sources[:4]) + (" …" if len(sources) > 4 else ""),
    )


def diff(
    start: str = typer.Option(..., "--from", help="First date YYYY-MM-DD"),
    end: str = typer.Option(..., "--to", help="Second date YYYY-MM-DD"),
    around: str = typer.Option(None, "--around", help="Only pairs including this state"),
    types: str = TypesOption,
    status: str = StatusOption,
    as_json: bool = JsonOption,
    db: str = DbOption,
    suppose: list[str] = SupposeOption,
    suppose_file: str = SupposeFileOption,
) -> None:
    """Commitments begun, ended, upgraded or downgraded between two dates, with sources."""
    from foedus.network.answers import diff as diff_answer

    status = status_option(status)
    with store(db, suppose=suppose, suppose_file=suppose_file) as con:
        names = state_names(con)
        result = diff_answer(con, parse_date(start, "--from"), parse_date(end, "--to"), around=around,
                             types=parse_obligation_types(types, "--types"), names=names, status=status)
        show_notes(result._notes, as_json)
        show_warning(result.warning)
        if as_json:
            print_json(result.to_json())
            return
        code = result.around
        where = f" around {names.name(code)} ({code})" if code is not None else ""
        title = f"Changes from {result.from_} to {result.to}{where}: {len(result.changes)} pairs"
        table = Table(title=title, show_lines=True)
        for column in ("change", "pair", "before (a→b / b→a)", "after (a→b / b→a)", "treaties", "sources"):
            table.add_column(column, overflow="fold")
        for c in result._changes:
            table.add_row(*_change_row(c, names))
        console.print(table if result.changes else f"{title}: nothing changed")
        console.print(f"[dim]{escape(result._coverage)}[/]")


def _bloc_history_table(history) -> Table:
    table = Table(title=f"Bloc sizes {history.dates[0] if history.dates else ''} to "
                        f"{history.dates[-1] if history.dates else ''} (seed {history.seed}, status {history.status})")
    table.add_column("date", no_wrap=True)
    columns = history._columns[:8]
    for column in columns:
        table.add_column(column, justify="right")
    for date, row in history.sizes.items():
        table.add_row(date, *(str(row.get(c, 0)) for c in columns))
    return table


def _blocs_table(result, names: StateNames) -> None:
    table = Table(title=f"Defense blocs on {result.on} (Louvain, seed {result.seed}, status {result.status})",
                  show_lines=True)
    for column in ("bloc", "size", "CINC", "members"):
        table.add_column(column, overflow="fold")
    for b in result.blocs:
        table.add_row(b.label, str(b.size), f"{b.cinc:.3f}", ", ".join(names.abbr(c) for c in b.members))
    console.print(table)
    console.print("Polarization: " + "; ".join(f"{k} {v}" for k, v in result.polarization.items()))
    console.print(f"Unaligned ({len(result.unaligned)}): " + ", ".join(names.abbr(c) for c in result.unaligned))
    console.print(f"[dim]{escape(result.coverage)}[/]")


def blocs(
    on: str = OnOption,
    start: str = typer.Option(None, "--from", help="With --to: bloc sizes on 1 January of each --step-th year"),
    end: str = typer.Option(None, "--to", help="Last year of the history"),
    step: int = typer.Option(5, "--step", help="Years between history dates"),
    seed: int = typer.Option(0, "--seed", help="Louvain seed (fixed: same blocs every run)"),
    status: str = StatusOption,
    as_json: bool = JsonOption,
    db: str = DbOption,
    suppose: list[str] = SupposeOption,
    suppose_file: str = SupposeFileOption,
) -> None:
    """Blocs of the defense network (Louvain, fixed seed) with polarization measures, or their history."""
    from foedus.network import answers

    status = status_option(status)
    with store(db, suppose=suppose, suppose_file=suppose_file) as con:
        if start or end:
            history = answers.bloc_history(con, start, end, step, seed=seed, status=status)
            show_warning(history.warning)
            if as_json:
                print_json(history.to_json())
            else:
                console.print(_bloc_history_table(history))
            return
        names = state_names(con)
        result = answers.blocs(con, parse_date(on, "--on"), seed=seed, names=names, status=status)
        show_warning(result.warning)
        if as_json:
            print_json(result.to_json())
            return
        _blocs_table(result, names)


def _fmt(value: float) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.4f}"


def _sscore_pair(con, names: StateNames, a: str, b: str, year: int, on, as_json: bool, status: str) -> None:
    from foedus.network.answers import sscore_pair

    result = sscore_pair(con, a, b, year, on=on, names=names, status=status)
    if as_json:
        print_json(result.to_json())
        return
    console.print(f"S-score of {names.name(result.a)} ({result.a}) and {names.name(result.b)} ({result.b}), {year}: "
                  f"unweighted {_fmt(result.s['unweighted'])}, capability-weighted {_fmt(result.s['weighted'])}")


def _sscore_ranking(con, names: StateNames, a: str, year: int, on, weighted: bool, top: int, matrices) -> None:
    from foedus.network.answers import sscore_ranking

    result = sscore_ranking(con, a, year, on=on, weighted=weighted, names=names, matrices=matrices)
    table = Table(title=f"S-scores of {names.name(result.state)} ({result.state}), {year} "
                        f"(ranked by {'weighted' if weighted else 'unweighted'})")
    for column in ("state", "unweighted", "weighted"):
        table.add_column(column)
    ranking = result.s
    picks = ranking[:top] + (ranking[-top:] if len(ranking) > 2 * top else [])
    for entry in {e.ccode: e for e in picks}.values():
        table.add_row(f"{names.name(entry.ccode)} ({entry.ccode})", _fmt(entry.unweighted), _fmt(entry.weighted))
    console.print(table)


def sscore(
    a: str = typer.Argument(None, help="First state (omit for the full matrix)"),
    b: str = typer.Argument(None, help="Second state (omit to rank every partner of A)"),
    year: int = typer.Option(..., "--year", help="Year (portfolios read on 31 December unless --on)"),
    on: str = typer.Option(None, "--on", help="Reference day inside the year (default: 31 December)"),
    out: Path = typer.Option(None, "--out", help="Write the full matrix (CSV) here"),
    weighted: bool = typer.Option(False, "--weighted", help="Capability-weighted matrix for --out/--json"),
    top: int = typer.Option(10, "--top", help="With A only: the N most and least similar states"),
    status: str = StatusOption,
    as_json: bool = JsonOption,
    db: str = DbOption,
    suppose: list[str] = SupposeOption,
    suppose_file: str = SupposeFileOption,
) -> None:
    """Signorino–Ritter S-scores of alliance portfolios: one dyad, one state's ranking, or the year matrix."""
    from foedus.network import answers

    status = status_option(status)
    with store(db, suppose=suppose, suppose_file=suppose_file) as con:
        names = state_names(con)
        if a and b:
            _sscore_pair(con, names, a, b, year, on, as_json, status)
            return
        if not a and not as_json and out is None:
            raise BadInputError("--out", "the full matrix needs --out FILE.csv or --json", fix="or name a state")
        matrices = answers.sscore_matrices(con, year, on, status)
        chosen = matrices["weighted" if weighted else "unweighted"]
        if out is not None:
            out.parent.mkdir(parents=True, exist_ok=True)
            chosen.to_csv(out)
        if a and as_json:
            print_json(answers.sscore_ranking(con, a, year, on=on, weighted=weighted, names=names,
                                              matrices=matrices).to_json())
            return
        if a:
            _sscore_ranking(con, names, a, year, on, weighted, top, matrices)
        elif as_json:
            print_json(answers.sscore_matrix(con, year, on=on, weighted=weighted, matrices=matrices).to_json())
            return
        if out is not None:
            console.print(f"wrote {out} ({len(chosen)}×{len(chosen)}, {'weighted' if weighted else 'unweighted'})")


plot_app = typer.Typer(help="Figures (PNG or SVG by the file's suffix).", no_args_is_help=True)


@plot_app.command("network")
def plot_network(
    on: list[str] = typer.Option(None, "--on", help="Date(s); several dates share one layout"),
    out: Path = typer.Option(..., "--out", help="File .png or .svg; with several dates the date is added"),
    types: str = typer.Option("defense", "--types", help="Obligation types shown (default defense)"),
    layout: str = typer.Option("ring", "--layout", help="ring (same place for a state on every date) or spring"),
    highlight: str = typer.Option(None, "--highlight", help="States to mark, comma-separated"),
    db: str = DbOption,
    suppose: list[str] = SupposeOption,
    suppose_file: str = SupposeFileOption,
) -> None:
    """The commitment network on a date (or several, with a shared layout)."""
    from foedus.network import plots
    from foedus.network.snapshot import commitment_graph

    with store(db, suppose=suppose, suppose_file=suppose_file) as con:
        names = state_names(con)
        days = [parse_date(d, "--on") for d in (on or [None])]
        marked = _codes(names, highlight, False)
        graphs = [commitment_graph(con, d, types=parse_obligation_types(types, "--types"), multi=False) for d in days]
        pos = plots.stable_layout(con, graphs, kind=layout)
        for day, graph in zip(days, graphs, strict=True):
            path = out if len(days) == 1 else out.with_name(f"{out.stem}_{day.isoformat()}{out.suffix}")
            plots.plot_network(con, day, path, types=types, layout=pos if layout != "ring" else "ring",
                               highlight=marked, graph=graph)
            console.print(f"wrote {path}")


@plot_app.command("dyad")
def plot_dyad(
    a: str = typer.Argument(..., help="First state"),
    b: str = typer.Argument(..., help="Second state"),
    out: Path = typer.Option(..., "--out", help="File .png or .svg"),
    start: str = typer.Option(None, "--from", help="First date (default: when both states exist)"),
    end: str = typer.Option(None, "--to", help="Last date (default: today)"),
    db: str = DbOption,
    suppose: list[str] = SupposeOption,
    suppose_file: str = SupposeFileOption,
) -> None:
    """A dyad's commitments over time as a timeline."""
    from foedus.network import plots

    with store(db, suppose=suppose, suppose_file=suppose_file) as con:
        names = state_names(con)
        code_a, code_b = _resolve(names, a, False, "a"), _resolve(names, b, False, "b")
        console.print(f"wrote {plots.plot_dyad(con, code_a, code_b, out, start=start, end=end)}")


@plot_app.command("blocs")
def plot_blocs(
    start: str = typer.Option(..., "--from", help="First year"),
    end: str = typer.Option(..., "--to", help="Last year"),
    step: int = typer.Option(1, "--step", help="Years between dates"),
    out: Path = typer.Option(..., "--out", help="File .png or .svg"),
    seed: int = typer.Option(0, "--seed", help="Louvain seed"),
    db: str = DbOption,
    suppose: list[str] = SupposeOption,
    suppose_file: str = SupposeFileOption,
) -> None:
    """Bloc sizes over time (1 January of every --step-th year)."""
    from foedus.network import blocs as blocs_module
    from foedus.network import plots

    with store(db, suppose=suppose, suppose_file=suppose_file) as con:
        dates = blocs_module.yearly_dates(start, end, step)
        console.print(f"wrote {plots.plot_blocs(con, dates, out, seed=seed)}")


def register(app: typer.Typer) -> None:
    for command in (network, triads, diff, blocs, sscore):
        app.command()(command)
    app.add_typer(plot_app, name="plot")
