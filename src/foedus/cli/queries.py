"""`foedus obligations`, `dyad`, `treaty` and `briefing`."""

from __future__ import annotations

import typer
from rich.table import Table

from foedus.briefing import briefing as make_briefing
from foedus.cli.common import DbOption, JsonOption, OnOption, console, errors, print_json, store
from foedus.dates import parse_date
from foedus.naming import StateNames
from foedus.query import dyad as dyad_query
from foedus.query import obligations as obligations_query
from foedus.query import records
from foedus.query import treaty as treaty_query
from foedus.query.commitments import source_text


def _resolve(names: StateNames, text: str, quiet: bool) -> int:
    found = names.resolve(text)
    if found.ambiguous and not quiet:
        errors.print(f"[yellow]note:[/] '{text}' read as {found.how} = {found.name} ({found.code}); {found.ambiguous}")
    return found.code


def _commitment_table(title: str, rows: list[dict], names: StateNames) -> Table:
    table = Table(title=title, show_lines=False)
    for column in ("from → to", "obligations", "conditions", "treaty", "since", "until / status", "source"):
        table.add_column(column, overflow="fold")
    for r in rows:
        status = r["until"] or ("in force" if r["status"] == "in_force" else r.get("note", r["status"]))
        if r["status"] == "unknown_after_coverage":
            status = f"[yellow]{r['note']}[/]"
        table.add_row(
            f"{names.abbr(r['from_ccode'])} ({r['from_ccode']}) → {names.abbr(r['to_ccode'])} ({r['to_ccode']})",
            ", ".join(r["obligations"]) or "—",
            ", ".join(r["conditions"]) or "unconditional",
            r["treaty_name"] or r["treaty_id"],
            r["since"] or "",
            status,
            source_text(r["source"]),
        )
    return table


def obligations(
    state: str = typer.Argument(..., help="State: COW code, abbreviation, ISO3 or name"),
    on: str = OnOption,
    as_json: bool = JsonOption,
    db: str = DbOption,
) -> None:
    """Every commitment in force for STATE on a date, by partner (what it owes and is owed)."""
    with store(db) as con:
        day = parse_date(on, "--on")
        names = StateNames(con)
        code = _resolve(names, state, as_json)
        rows = records(obligations_query(con, code, day), names)
        if as_json:
            print_json({"on": day.isoformat(), "state": code, "commitments": rows})
            return
        title = f"Commitments of {names.name(code)} ({code}) on {day.isoformat()}"
        console.print(_commitment_table(title, rows, names) if rows else f"{title}: none recorded")


def dyad(
    a: str = typer.Argument(..., help="First state"),
    b: str = typer.Argument(..., help="Second state"),
    on: str = OnOption,
    as_json: bool = JsonOption,
    db: str = DbOption,
) -> None:
    """What A owes B and what B owes A on a date (directed: asymmetric treaties differ by direction)."""
    with store(db) as con:
        day = parse_date(on, "--on")
        names = StateNames(con)
        code_a, code_b = _resolve(names, a, as_json), _resolve(names, b, as_json)
        rows = records(dyad_query(con, code_a, code_b, day), names)
        if as_json:
            print_json({"on": day.isoformat(), "a": code_a, "b": code_b, "commitments": rows})
            return
        title = f"{names.name(code_a)} ({code_a}) and {names.name(code_b)} ({code_b}) on {day.isoformat()}"
        console.print(_commitment_table(title, rows, names) if rows else f"{title}: no commitment recorded")


def treaty(
    treaty_id: str = typer.Argument(..., help="Treaty id: 3440, atop:3440 or a register id"),
    as_json: bool = JsonOption,
    db: str = DbOption,
) -> None:
    """One treaty: members and phases, provisions, conditions, threat identities, sources."""
    with store(db) as con:
        record = treaty_query(con, treaty_id)
        if as_json:
            print_json(record)
            return
        names = StateNames(con)
        end = record["end"] or f"in force at coverage end ({record['coverage_end']})"
        console.print(f"[bold]{record['name'] or record['treaty_id']}[/] ({record['treaty_id']})")
        console.print(f"  {record['begin']} → {end}; bilateral: {record['bilateral']}; "
                      f"obligations: {', '.join(record['obligations'])}")
        threat = record["threat"]
        if threat["statthr1"] or threat["statthr2"]:
            named = [names.name(c) for c in (threat["statthr1"], threat["statthr2"]) if c]
            console.print(f"  named threat: {', '.join(named)} (specthrt {threat['specthrt']})")
        console.print(f"  source: {source_text(record['source'])}")
        table = Table(title="Members and phases")
        for column in ("phase", "member", "entry", "exit", "obligations", "conditions", "source"):
            table.add_column(column, overflow="fold")
        for m in record["members"]:
            table.add_row(
                str(m["phase"]), f"{names.name(m['ccode'])} ({m['ccode']})", m["entry"] or "",
                m["exit"] or "in force", ", ".join(m["obligations"]) or "—",
                ", ".join(m["conditions"]) or "—", source_text(m["source"]),
            )
        console.print(table)


def briefing(on: str = OnOption, db: str = DbOption) -> None:
    """The main job: North Korea's commitments today and the Russia–China–DPRK dyads."""
    with store(db) as con:
        console.print(make_briefing(con, parse_date(on, "--on")), highlight=False, soft_wrap=True, markup=False)


def register(app: typer.Typer) -> None:
    for command in (obligations, dyad, treaty, briefing):
        app.command()(command)
