"""`foedus history`, `org`, `memberships` and `foedus register load|check` (the curated register)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from foedus.cli.common import (
    CompareOption,
    DbOption,
    JsonOption,
    OnOption,
    SupposeFileOption,
    SupposeOption,
    console,
    escape,
    fail,
    print_json,
    show_comparison,
    store,
)
from foedus.cli.invocations import audit
from foedus.cli.queries import show_notes, state_names
from foedus.dates import parse_date

if TYPE_CHECKING:
    from rich.table import Table

    from foedus.naming import StateNames
    from foedus.query.history import History, Period

app = typer.Typer(help="The curated register: validate it, load it into the database.", no_args_is_help=True)
DirOption = typer.Option(None, "--dir", help="Register directory (default: the one shipped with foedus)")


def _end_text(p: Period) -> str:
    if p.end:
        return p.end
    if p.status == "unknown_after_coverage":
        return f"? (data end {p.coverage_end})"
    if p.status == "none":
        return "—"
    return "in force"


def _period_sources(p: Period) -> str:
    parts = [p.source_text]
    if p.partner_source:
        parts.append(f"partner: {p.partner_source.text()}")
    if p.ended_by:
        parts.append(f"ended: {p.ended_by.text()}")
    if p.confirmed_by:
        parts.append(f"confirmed: {p.confirmed_by.text()} (checked {p.confirmed_by.checked})")
    return "; ".join(x for x in parts if x)


def _treaty_text(p: Period) -> str:
    if not p.treaty_id:
        return "—"
    articles = ", ".join(f"{ob} {art}" for ob, art in p.articles.items())
    name = p.treaty_name or p.treaty_id
    return f"{name} ({p.treaty_id})" + (f" [{articles}]" if articles else "")


def _readings_lines(periods: History) -> list[str]:
    lines, seen = [], set()
    for p in periods:
        for r in p.readings:
            key = (r.get("entry"), r["field"], r["value"])
            if key in seen:
                continue
            seen.add(key)
            lines.append(f"  {r.get('entry')}: {r['field']} = {r['value']}: {r['claim']}")
    return lines


def _plain_history(title: str, periods: History, names: StateNames) -> None:
    console.print(title, highlight=False)
    for p in periods:
        mark = " [uncertain]" if p.uncertain else ""
        console.print(
            f"{names.abbr(p.from_ccode)}→{names.abbr(p.to_ccode)} {p.start} – {_end_text(p)}: "
            f"{', '.join(p.obligations) or 'none'} | {_treaty_text(p)} | {p.change}{mark} | {_period_sources(p)}",
            highlight=False, markup=False, soft_wrap=True,
        )


def _history_table(title: str, periods: History, names: StateNames) -> Table:
    from rich.table import Table

    table = Table(title=title)
    for column in ("from → to", "start", "end", "obligations", "treaty [articles]", "change", "source"):
        table.add_column(column, overflow="fold")
    for p in periods:
        mark = " [yellow](uncertain)[/]" if p.uncertain else ""
        gap = p.status == "none"
        table.add_row(
            f"{names.abbr(p.from_ccode)} → {names.abbr(p.to_ccode)}",
            p.start + (mark if gap else ""),
            _end_text(p) + ("" if gap else mark),
            ", ".join(p.obligations) or "[dim]none[/]",
            _treaty_text(p),
            p.change,
            escape(_period_sources(p)),
        )
    return table


def _history_warning(con) -> None:
    """Periods still open run to today: when today is past the register's check date, they are projections."""
    from foedus.cli.common import date_warning, show_warning
    from foedus.dates import today

    warning = date_warning(con, today())
    if warning:
        show_warning(f"periods still in force (no end) are read to today; {warning}")


def history(
    a: str = typer.Argument(..., help="First state"),
    b: str = typer.Argument(..., help="Second state (not A)"),
    as_json: bool = JsonOption,
    plain: bool = typer.Option(False, "--plain", help="Plain text, one period a line."),
    db: str = DbOption,
    suppose: list[str] = SupposeOption,
    suppose_file: str = SupposeFileOption,
) -> None:
    """The relationship's whole story: every commitment between A and B from any source, as periods."""
    from foedus.query.periods import history_payload

    with store(db, suppose=suppose, suppose_file=suppose_file) as con:
        names = state_names(con)
        found, code_a, code_b, notes = history_payload(con, a, b, names=names)
        show_notes(notes, as_json)
        _history_warning(con)
        if as_json:  # the typed answer's JSON (tests/test_startup_imports.py), without importing pydantic
            print_json(found)
            return
        from foedus.query.history import History

        periods = History(found)
        periods._a, periods._b, periods._notes = code_a, code_b, notes
        title = f"History of {names.name(periods.a)} ({periods.a}) and {names.name(periods.b)} ({periods.b})"
        if not len(periods):
            console.print(f"{title}: no commitment recorded")
            return
        if plain:
            _plain_history(title, periods, names)
        else:
            console.print(_history_table(title, periods, names))
        readings = _readings_lines(periods)
        if readings:
            console.print("Uncertain (competing readings):", highlight=False)
            for line in readings:
                console.print(line, highlight=False, markup=False, soft_wrap=True)


def org(
    name: str = typer.Argument(..., help="Organization: NATO, CSTO, SCO, BRICS, AUKUS, Quad, ANZUS …"),
    on: str = OnOption,
    as_json: bool = JsonOption,
    db: str = DbOption,
    suppose: list[str] = SupposeOption,
    suppose_file: str = SupposeFileOption,
    compare: bool = CompareOption,
) -> None:
    """An organization's members and their status on a date (register)."""
    from foedus.query.organizations import organization_answer

    with store(db, suppose=None if compare else suppose, suppose_file=None if compare else suppose_file) as con:
        if compare:
            return show_comparison(con, suppose, suppose_file, "org", as_json, name=name, on=parse_date(on, "--on"))
        record = organization_answer(con, name, parse_date(on, "--on"))
        if as_json:
            print_json(record.to_json())
            return
        names = state_names(con)
        defence = f"mutual defence: {record.defence_article}" if record.mutual_defence else "no mutual defence"
        console.print(f"[bold]{record.name}[/] ({record.short_name}): {record.kind}, founded {record.founded}; "
                      f"{defence}", highlight=False)
        from rich.table import Table

        table = Table(title=f"Members on {record.on}")
        for column in ("state", "since", "status", "note"):
            table.add_column(column, overflow="fold")
        for m in record.members:
            notes = "; ".join(f"{n.status} since {n.since}: {n.text}" for n in m.status_notes)
            since = (m.since or "") + (" (uncertain)" if m.uncertain else "")
            table.add_row(f"{names.name(m.ccode)} ({m.ccode})", since, m.status, notes or (m.note or ""))
        console.print(table)
        console.print(f"source: {record.source.text()}", highlight=False, markup=False)


def memberships(
    state: str = typer.Argument(..., help="State: COW code, abbreviation, ISO3 or name"),
    on: str = OnOption,
    as_json: bool = JsonOption,
    db: str = DbOption,
    suppose: list[str] = SupposeOption,
    suppose_file: str = SupposeFileOption,
) -> None:
    """The organizations a state belongs to on a date, with its status in each (register)."""
    from foedus.query.organizations import memberships_answer

    with store(db, suppose=suppose, suppose_file=suppose_file) as con:
        names = state_names(con)
        record = memberships_answer(con, state, parse_date(on, "--on"), names=names)
        if as_json:
            print_json(record.to_json())
            return
        title = f"Memberships of {names.name(record.state)} ({record.state}) on {record.on}"
        if not record.memberships:
            console.print(f"{title}: none in the register")
            return
        from rich.table import Table

        table = Table(title=title)
        for column in ("organization", "kind", "since", "status", "mutual defence"):
            table.add_column(column, overflow="fold")
        for m in record.memberships:
            table.add_row(f"{m.short_name} ({m.name})", m.kind, m.since or "", m.status, m.defence_article or "no")
        console.print(table)


@app.command("load")
def load(directory: Path = DirOption, db: str = DbOption) -> None:
    """Validate the register and swap in a copy of the database with it (the datasets kept; re-loading replaces)."""
    from foedus.register.load import RegisterError, load_register
    from foedus.store.build import rebuild  # builds beside the live file and renames it over (readers never block)

    try:
        register = load_register(directory)
    except RegisterError as exc:
        fail(str(exc))
    rows = rebuild(db, register_dir=directory, keep_datasets=True).counts["register"]
    console.print(
        f"register loaded: {len(register.files)} files, {len(list(register.entries()))} entries, "
        f"{rows} rows (checked {register.checked})"
    )


@app.command("check")
def check(directory: Path = DirOption) -> None:
    """Validate the register files without touching the database."""
    from foedus.register.load import RegisterError, load_register

    try:
        register = load_register(directory)
    except RegisterError as exc:
        fail(str(exc))
    uncertain = [e.id for _, e in register.entries() if e.uncertain]
    console.print(
        f"register valid: {len(register.files)} files, {len(list(register.entries()))} entries; "
        f"uncertain: {', '.join(uncertain) or 'none'}"
    )


app.command("audit")(audit)


def register(main: typer.Typer) -> None:
    for command in (history, org, memberships):
        main.command()(command)
    main.add_typer(app, name="register")
