"""`foedus network`, `triads`, `diff`, `blocs`, `sscore` and the `plot` sub-app."""

from __future__ import annotations

import math
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from foedus.cli.common import DbOption, JsonOption, OnOption, console, print_json, store
from foedus.cli.queries import _resolve
from foedus.dates import parse_date
from foedus.naming import StateNames
from foedus.network import blocs as blocs_module
from foedus.network import diff as diff_module
from foedus.network import plots
from foedus.network import sscore as sscore_module
from foedus.network import triads as triads_module
from foedus.network.snapshot import commitment_graph, coverage_text, node_link, parse_types, write_graph
from foedus.query.commitments import source_text

TypesOption = typer.Option(None, "--types", help="Obligation types, comma-separated (default: all): "
                                                  "defense,offense,neutrality,nonaggression,consultation")


def _codes(names: StateNames, text: str | None, quiet: bool) -> list[int]:
    if not text:
        return []
    return [_resolve(names, part.strip(), quiet) for part in text.split(",") if part.strip()]


def network(
    on: str = OnOption,
    types: str = TypesOption,
    out: list[Path] = typer.Option(None, "--out", help="Export file(s): .graphml, .gexf, .json (node-link), .csv"),
    per_treaty: bool = typer.Option(False, "--per-treaty", help="One edge per treaty phase (MultiDiGraph)"),
    as_json: bool = JsonOption,
    db: str = DbOption,
) -> None:
    """The commitment graph on a date: states and who owes what to whom; export or summarise it."""
    with store(db) as con:
        day = parse_date(on, "--on")
        graph = commitment_graph(con, day, types=parse_types(types), multi=per_treaty)
        written = [write_graph(graph, path) for path in out or []]
        if as_json:
            print_json({"on": day.isoformat(), "types": graph.graph["types"], "graph": node_link(graph)})
            return
        tied = [n for n in graph if graph.degree(n) > 0]
        console.print(f"[bold]Commitment graph on {day.isoformat()}[/] ({', '.join(graph.graph['types'])}): "
                      f"{graph.number_of_nodes()} states, {len(tied)} with commitments, "
                      f"{graph.number_of_edges()} directed {'commitments' if per_treaty else 'ties'}")
        console.print(f"[dim]{graph.graph['coverage']}[/]")
        partners = sorted(tied, key=lambda n: (-len(set(graph.successors(n)) | set(graph.predecessors(n))), n))
        table = Table(title="Most connected states")
        for column in ("state", "partners", "owes to", "owed by", "major", "CINC"):
            table.add_column(column)
        for n in partners[:15]:
            data = graph.nodes[n]
            table.add_row(f"{data['name']} ({n})", str(len(set(graph.successors(n)) | set(graph.predecessors(n)))),
                          str(len(set(graph.successors(n)))), str(len(set(graph.predecessors(n)))),
                          "yes" if data.get("major") else "", f"{data['cinc']:.4f}" if "cinc" in data else "")
        console.print(table)
        for path in written:
            console.print(f"wrote {path}")


def triads(
    on: str = OnOption,
    among: str = typer.Option(None, "--among", help="States, comma-separated: with 3+ every triad of them; "
                                                    "with 1–2 the triads that include them"),
    top: int = typer.Option(10, "--top", help="Keep the first N of each kind (0: all)"),
    kind: str = typer.Option("closed,open", "--kind", help="closed, open or both"),
    as_json: bool = JsonOption,
    db: str = DbOption,
) -> None:
    """Closed defense triangles and open triads (two defense sides, the third weaker), ranked."""
    with store(db) as con:
        day = parse_date(on, "--on")
        names = StateNames(con)
        codes = _codes(names, among, as_json)
        graph = commitment_graph(con, day, multi=False)
        kinds = [k.strip() for k in kind.split(",") if k.strip()]
        found = triads_module.find_triads(graph, among=codes or None, top=top or None, kinds=kinds)
        if as_json:
            print_json([{"on": day.isoformat(), **t.record()} for t in found])
            return
        counts = triads_module.triad_counts(graph)
        console.print(f"[bold]Triads on {day.isoformat()}[/]: {counts['closed']} closed defense triangles, "
                      f"{counts['open']} open triads in all; showing {len(found)}")
        console.print(f"[dim]{graph.graph['coverage']}[/]")
        table = Table(show_lines=True)
        for column in ("kind", "members", "score", "explanation"):
            table.add_column(column, overflow="fold")
        for t in found:
            members = ", ".join(f"{names.abbr(c)} ({c})" for c in t.members)
            table.add_row(t.kind, members, str(t.score), escape(t.explanation))
        console.print(table if found else "no triads found")


def _terms(obligations: list[str]) -> str:
    return ", ".join(obligations) or "—"


def diff(
    start: str = typer.Option(..., "--from", help="First date YYYY-MM-DD"),
    end: str = typer.Option(..., "--to", help="Second date YYYY-MM-DD"),
    around: str = typer.Option(None, "--around", help="Only pairs including this state"),
    types: str = TypesOption,
    as_json: bool = JsonOption,
    db: str = DbOption,
) -> None:
    """Commitments begun, ended, upgraded or downgraded between two dates, with sources."""
    with store(db) as con:
        first, second = parse_date(start, "--from"), parse_date(end, "--to")
        names = StateNames(con)
        code = _resolve(names, around, as_json) if around else None
        changes = diff_module.diff(con, first, second, around=code, types=parse_types(types))
        if as_json:
            print_json({"from": first.isoformat(), "to": second.isoformat(), "around": code,
                        "changes": [c.record(names) for c in changes]})
            return
        where = f" around {names.name(code)} ({code})" if code is not None else ""
        title = f"Changes from {first.isoformat()} to {second.isoformat()}{where}: {len(changes)} pairs"
        table = Table(title=title, show_lines=True)
        for column in ("change", "pair", "before (a→b / b→a)", "after (a→b / b→a)", "treaties", "sources"):
            table.add_column(column, overflow="fold")
        for c in changes:
            treaties = [f"+{t}" for t in sorted({x["treaty_id"] for x in c.added})]
            treaties += [f"−{t}" for t in sorted({x["treaty_id"] for x in c.removed})]
            sources = {source_text(x["source"]) for x in c.added + c.removed}
            table.add_row(
                c.change, f"{names.abbr(c.a)} ({c.a}) – {names.abbr(c.b)} ({c.b})",
                f"{_terms(c.before.a_to_b)} / {_terms(c.before.b_to_a)}",
                f"{_terms(c.after.a_to_b)} / {_terms(c.after.b_to_a)}",
                " ".join(treaties) or "same treaties", "; ".join(sorted(sources)[:4]) + (" …" if len(sources) > 4
                                                                                         else ""),
            )
        console.print(table if changes else f"{title}: nothing changed")
        console.print(f"[dim]{coverage_text(con)}[/]")


def blocs(
    on: str = OnOption,
    start: str = typer.Option(None, "--from", help="With --to: bloc sizes on 1 January of each --step-th year"),
    end: str = typer.Option(None, "--to", help="Last year of the history"),
    step: int = typer.Option(5, "--step", help="Years between history dates"),
    seed: int = typer.Option(blocs_module.DEFAULT_SEED, "--seed", help="Louvain seed (fixed: same blocs every run)"),
    as_json: bool = JsonOption,
    db: str = DbOption,
) -> None:
    """Blocs of the defense network (Louvain, fixed seed) with polarization measures, or their history."""
    with store(db) as con:
        names = StateNames(con)
        if start or end:
            if not (start and end):
                raise ValueError("--from and --to go together")
            dates = blocs_module.yearly_dates(start, end, step)
            history = blocs_module.bloc_history(con, dates, seed=seed)
            sizes = blocs_module.bloc_sizes(history)
            if as_json:
                print_json({"seed": seed, "dates": [d.isoformat() for d in dates],
                            "sizes": {str(k.date()) if hasattr(k, "date") else str(k): v
                                      for k, v in sizes.to_dict("index").items()},
                            "members": history.assign(date=history.date.astype(str)).to_dict("records")})
                return
            table = Table(title=f"Bloc sizes {dates[0]} to {dates[-1]} (seed {seed})")
            table.add_column("date", no_wrap=True)
            columns = list(sizes.max().sort_values(ascending=False).index[:8]) if not sizes.empty else []
            for column in columns:
                table.add_column(column, justify="right")
            for date, row in sizes.iterrows():
                table.add_row(str(date), *(str(int(row[c])) for c in columns))
            console.print(table)
            return
        result = blocs_module.blocs(con, parse_date(on, "--on"), seed=seed)
        if as_json:
            print_json(result.record(names))
            return
        table = Table(title=f"Defense blocs on {result.on} (Louvain, seed {seed})", show_lines=True)
        for column in ("bloc", "size", "CINC", "members"):
            table.add_column(column, overflow="fold")
        for b in result.blocs:
            table.add_row(b.label, str(b.size), f"{b.cinc:.3f}", ", ".join(names.abbr(c) for c in b.members))
        console.print(table)
        console.print("Polarization: " + "; ".join(f"{k} {v}" for k, v in result.polarization.items()))
        console.print(f"Unaligned ({len(result.unaligned)}): " + ", ".join(names.abbr(c) for c in result.unaligned))
        console.print(f"[dim]{result.coverage}[/]")


def _fmt(value: float) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.4f}"


def sscore(
    a: str = typer.Argument(None, help="First state (omit for the full matrix)"),
    b: str = typer.Argument(None, help="Second state (omit to rank every partner of A)"),
    year: int = typer.Option(..., "--year", help="Year (portfolios read on 31 December unless --on)"),
    on: str = typer.Option(None, "--on", help="Reference day inside the year (default: 31 December)"),
    out: Path = typer.Option(None, "--out", help="Write the full matrix (CSV) here"),
    weighted: bool = typer.Option(False, "--weighted", help="Capability-weighted matrix for --out/--json"),
    top: int = typer.Option(10, "--top", help="With A only: the N most and least similar states"),
    as_json: bool = JsonOption,
    db: str = DbOption,
) -> None:
    """Signorino–Ritter S-scores of alliance portfolios: one dyad, one state's ranking, or the year matrix."""
    with store(db) as con:
        names = StateNames(con)
        if a and b:
            code_a, code_b = _resolve(names, a, as_json), _resolve(names, b, as_json)
            values = {flavour: sscore_module.sscore(con, code_a, code_b, year, weighted=w, on=on)
                      for flavour, w in (("unweighted", False), ("weighted", True))}
            if as_json:
                print_json({"a": code_a, "b": code_b, "year": year, "s": values})
                return
            console.print(f"S-score of {names.name(code_a)} ({code_a}) and {names.name(code_b)} ({code_b}), {year}: "
                          f"unweighted {_fmt(values['unweighted'])}, capability-weighted {_fmt(values['weighted'])}")
            return
        matrices = {flavour: sscore_module.sscore_matrix(con, year, weighted=w, on=on)
                    for flavour, w in (("unweighted", False), ("weighted", True))}
        chosen = matrices["weighted" if weighted else "unweighted"]
        if out is not None:
            out.parent.mkdir(parents=True, exist_ok=True)
            chosen.to_csv(out)
        if a:
            code = _resolve(names, a, as_json)
            if code not in chosen.index:
                raise ValueError(f"{names.name(code)} ({code}) is not a system member on {chosen.attrs['on']}")
            frame = {f: m.loc[code].drop(code) for f, m in matrices.items()}
            ranking = frame["weighted" if weighted else "unweighted"].sort_index().sort_values(ascending=False,
                                                                                              kind="stable")
            if as_json:
                print_json({"state": code, "year": year, "on": chosen.attrs["on"],
                            "s": [{"ccode": int(c), "unweighted": float(frame["unweighted"][c]),
                                   "weighted": float(frame["weighted"][c])} for c in ranking.index]})
                return
            table = Table(title=f"S-scores of {names.name(code)} ({code}), {year} "
                                f"(ranked by {'weighted' if weighted else 'unweighted'})")
            for column in ("state", "unweighted", "weighted"):
                table.add_column(column)
            picks = list(ranking.index[:top]) + (list(ranking.index[-top:]) if len(ranking) > 2 * top else [])
            for c in dict.fromkeys(picks):
                table.add_row(f"{names.name(int(c))} ({int(c)})", _fmt(frame["unweighted"][c]),
                              _fmt(frame["weighted"][c]))
            console.print(table)
        elif as_json:
            print_json({"year": year, "on": chosen.attrs["on"], "weighted": weighted,
                        "ccodes": [int(c) for c in chosen.index], "matrix": chosen.round(6).to_numpy().tolist()})
            return
        elif out is None:
            raise ValueError("the full matrix needs --out FILE.csv or --json (or name a state)")
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
) -> None:
    """The commitment network on a date (or several, with a shared layout)."""
    with store(db) as con:
        names = StateNames(con)
        days = [parse_date(d, "--on") for d in (on or [None])]
        marked = _codes(names, highlight, False)
        graphs = [commitment_graph(con, d, types=parse_types(types), multi=False) for d in days]
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
) -> None:
    """A dyad's commitments over time as a timeline."""
    with store(db) as con:
        names = StateNames(con)
        code_a, code_b = _resolve(names, a, False), _resolve(names, b, False)
        console.print(f"wrote {plots.plot_dyad(con, code_a, code_b, out, start=start, end=end)}")


@plot_app.command("blocs")
def plot_blocs(
    start: str = typer.Option(..., "--from", help="First year"),
    end: str = typer.Option(..., "--to", help="Last year"),
    step: int = typer.Option(1, "--step", help="Years between dates"),
    out: Path = typer.Option(..., "--out", help="File .png or .svg"),
    seed: int = typer.Option(blocs_module.DEFAULT_SEED, "--seed", help="Louvain seed"),
    db: str = DbOption,
) -> None:
    """Bloc sizes over time (1 January of every --step-th year)."""
    with store(db) as con:
        dates = blocs_module.yearly_dates(start, end, step)
        console.print(f"wrote {plots.plot_blocs(con, dates, out, seed=seed)}")


def register(app: typer.Typer) -> None:
    for command in (network, triads, diff, blocs, sscore):
        app.command()(command)
    app.add_typer(plot_app, name="plot")
