"""`foedus obligations`, `dyad`, `treaty` and `briefing`: render the library's typed answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from foedus.cli.common import (
    CompareOption,
    DbOption,
    JsonOption,
    OnOption,
    StatusOption,
    SupposeFileOption,
    SupposeOption,
    console,
    errors,
    no_status_with_compare,
    print_json,
    show_comparison,
    show_warning,
    status_option,
    store,
)
from foedus.dates import parse_date

if TYPE_CHECKING:
    from rich.table import Table

    from foedus.naming import StateNames
    from foedus.query.answers import Commitment

TypesOption = typer.Option(None, "--types", help="Obligation types, comma-separated (default: all): "
                                                  "defense,offense,neutrality,nonaggression,consultation")
TOP = 25


def state_names(con) -> StateNames:
    from foedus.naming import StateNames

    return StateNames(con)


def _resolve(names: StateNames, text: str, quiet: bool, parameter: str = "state") -> int:
    """The COW code for `text`; unless `quiet`, a note on stderr when the reading was ambiguous."""
    from foedus.naming import state_code

    notes: list[str] = []
    code = state_code(names, text, parameter, notes=notes)
    show_notes(notes, quiet)
    return code


def show_notes(notes: list[str], quiet: bool) -> None:
    if not quiet:
        for note in notes:
            errors.print(f"[yellow]note:[/] {note}", highlight=False)


def _status(c: Commitment) -> str:
    extra = c.model_extra or {}
    tier = extra.get("tier")
    if tier and tier != "confirmed":
        return f"[yellow]{tier}: {extra.get('status_reason') or extra.get('note', c.status)}[/]"
    if c.status == "unknown_after_coverage":
        return f"[yellow]{extra.get('note', c.status)}[/]"
    return c.until or ("in force" if c.status == "in_force" else extra.get("note", c.status))


def _commitment_table(title: str, rows: list[Commitment], names: StateNames) -> Table:
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for column in ("from → to", "obligations", "conditions", "treaty", "since", "until / status", "source"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(
            f"{names.abbr(r.from_ccode)} ({r.from_ccode}) → {names.abbr(r.to_ccode)} ({r.to_ccode})",
            ", ".join(r.obligations) or "—",
            ", ".join(r.conditions) or "unconditional",
            r.treaty_name or r.treaty_id,
            r.since or "",
            _status(r),
            r.source_text,
        )
    return table


def obligations(
    state: str = typer.Argument(..., help="State: COW code, abbreviation, ISO3 or name"),
    on: str = OnOption,
    types: str = TypesOption,
    show_all: bool = typer.Option(False, "--all", help=f"Show every commitment (default: the first {TOP})"),
    status: str = StatusOption,
    as_json: bool = JsonOption,
    db: str = DbOption,
    suppose: list[str] = SupposeOption,
    suppose_file: str = SupposeFileOption,
) -> None:
    """Every commitment in force for STATE on a date, strongest obligation and most important partner first."""
    from foedus.query.asof import obligations_payload

    status = status_option(status)
    with store(db, suppose=suppose, suppose_file=suppose_file) as con:
        names = state_names(con)
        found = obligations_payload(con, state, parse_date(on, "--on"), types=types, names=names, status=status)
        show_notes(found.notes, as_json)
        show_warning(found.payload.get("warning"))
        if as_json:  # the typed answer's JSON (tests/test_startup_imports.py), without importing pydantic
            print_json(found.payload)
            return
        from foedus.query.answers import obligations_typed

        result = obligations_typed(con, found)
        title = f"Commitments of {names.name(result.state)} ({result.state}) on {result.on}"
        if not result.commitments:
            console.print(f"{title}: none recorded")
            return
        ranked = result.ranked()
        shown = ranked if show_all else ranked[:TOP]
        console.print(_commitment_table(title, shown, names))
        if len(shown) < len(ranked):
            console.print(f"… and {len(ranked) - len(shown)} more (weaker or with lesser partners); "
                          f"--all shows every one, --types narrows them", highlight=False)


def dyad(
    a: str = typer.Argument(..., help="First state"),
    b: str = typer.Argument(..., help="Second state"),
    on: str = OnOption,
    types: str = TypesOption,
    status: str = StatusOption,
    as_json: bool = JsonOption,
    db: str = DbOption,
    suppose: list[str] = SupposeOption,
    suppose_file: str = SupposeFileOption,
    compare: bool = CompareOption,
) -> None:
    """What A owes B and what B owes A on a date (directed: asymmetric treaties differ by direction)."""
    from foedus.query.asof import dyad_payload

    status = status_option(status)
    no_status_with_compare(status, compare)
    with store(db, suppose=None if compare else suppose, suppose_file=None if compare else suppose_file) as con:
        names = state_names(con)
        if compare:
            return show_comparison(con, suppose, suppose_file, "dyad", as_json, a=a, b=b, on=parse_date(on, "--on"),
                                   names=names)
        found = dyad_payload(con, a, b, parse_date(on, "--on"), types=types, names=names, status=status)
        show_notes(found.notes, as_json)
        show_warning(found.payload.get("warning"))
        if as_json:  # the typed answer's JSON (tests/test_startup_imports.py), without importing pydantic
            print_json(found.payload)
            return
        from foedus.query.answers import dyad_typed

        result = dyad_typed(found)
        title = f"{names.name(result.a)} ({result.a}) and {names.name(result.b)} ({result.b}) on {result.on}"
        console.print(_commitment_table(title, result.commitments, names) if result.commitments
                      else f"{title}: no commitment recorded")


def treaty(
    treaty_id: str = typer.Argument(..., help="Treaty id: 3440, atop:3440 or a register id"),
    as_json: bool = JsonOption,
    db: str = DbOption,
    suppose: list[str] = SupposeOption,
    suppose_file: str = SupposeFileOption,
) -> None:
    """One treaty: members and phases, provisions, conditions, threat identities, sources.

    With --suppose, the treaty as supposed (a supposed accession, exit or end shows as a hypothetical row; a supposed
    new treaty is `reg:supposition-N`)."""
    from foedus.query.treaty_record import treaty as treaty_record

    with store(db, suppose=suppose, suppose_file=suppose_file) as con:
        found = treaty_record(con, treaty_id)
        if as_json:  # the typed answer's JSON (tests/test_startup_imports.py), without importing pydantic
            print_json(found)
            return
        from foedus.query.treaty import Treaty

        record = Treaty.model_validate(found)
        names = state_names(con)
        end = record.end or f"in force at coverage end ({record.coverage_end})"
        console.print(f"[bold]{record.name or record.treaty_id}[/] ({record.treaty_id})")
        console.print(f"  {record.begin} → {end}; bilateral: {record.bilateral}; "
                      f"obligations: {', '.join(record.obligations)}")
        threat = record.threat
        if threat["statthr1"] or threat["statthr2"]:
            named = [names.name(c) for c in (threat["statthr1"], threat["statthr2"]) if c]
            console.print(f"  named threat: {', '.join(named)} (specthrt {threat['specthrt']})")
        console.print(f"  source: {record.source.text()}", highlight=False)
        from rich.table import Table

        table = Table(title="Members and phases")
        for column in ("phase", "member", "entry", "exit", "obligations", "conditions", "source"):
            table.add_column(column, overflow="fold")
        for m in record.members:
            table.add_row(
                str(m.phase), f"{names.name(m.ccode)} ({m.ccode})", m.entry or "",
                m.exit or "in force", ", ".join(m.obligations) or "—",
                ", ".join(m.conditions) or "—", m.source.text(),
            )
        console.print(table)


def briefing(
    on: str = OnOption,
    status: str = StatusOption,
    db: str = DbOption,
    suppose: list[str] = SupposeOption,
    suppose_file: str = SupposeFileOption,
) -> None:
    """The main job: North Korea's commitments today and the Russia–China–DPRK dyads (in a supposed world with
    --suppose)."""
    from foedus.briefing import briefing as make_briefing
    from foedus.cli.common import date_warning

    status = status_option(status)
    with store(db, suppose=suppose, suppose_file=suppose_file) as con:
        day = parse_date(on, "--on")
        show_warning(date_warning(con, day))
        console.print(make_briefing(con, day, status=status), highlight=False, soft_wrap=True, markup=False)


def register(app: typer.Typer) -> None:
    for command in (obligations, dyad, treaty, briefing):
        app.command()(command)
