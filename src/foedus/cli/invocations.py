"""`foedus invocations [STATE|TREATY]` (treaty invocations from the register) and `foedus register audit`."""

from __future__ import annotations

import typer

from foedus.cli.common import DbOption, JsonOption, console, fail, print_json, store
from foedus.errors import UnknownStateError
from foedus.naming import StateNames
from foedus.query.invocations import invocations as invocations_query
from foedus.query.invocations import treaty_ids_for


def _who(names: StateNames, codes) -> str:
    return ", ".join(names.abbr(c) for c in codes)


def invocations(
    query: str = typer.Argument(None, help="A state (name, ISO3, COW code) or a treaty (NATO, atop:3180, reg:<id>)"),
    as_json: bool = JsonOption,
    db: str = DbOption,
) -> None:
    """Treaty invocations: who invoked which article when, what was asked, what each party did."""
    with store(db) as con:
        names = StateNames(con)
        state, treaty = None, None
        if query:
            if treaty_ids_for(con, query):
                treaty = query
            else:
                try:
                    state = names.resolve(query).code
                except UnknownStateError as exc:
                    fail(f"'{query}' is neither a treaty nor a state ({exc})")
        result = invocations_query(con, state=state, treaty=treaty)
        if as_json:
            print_json(result.to_json())
            return
        title = "Treaty invocations" + (f": {query}" if query else "")
        if not result.events:
            console.print(f"{title}: none recorded", highlight=False)
            return
        from rich.table import Table

        table = Table(title=title)
        for column in ("date", "invoked by", "treaty, article", "asked", "responses", "source"):
            table.add_column(column, overflow="fold")
        for e in result.events:
            responses = "; ".join(
                f"{names.abbr(r.ccode) if r.ccode else r.party}: {r.action}" for r in e.responses
            )
            table.add_row(
                e.date,
                _who(names, e.invoked_by),
                f"{e.treaty_name or e.treaty_id}, {e.article}",
                e.asked,
                responses,
                e.source.text(),
            )
        console.print(table)


def audit(as_json: bool = JsonOption) -> None:
    """Classify every register citation (primary, wire/newspaper, secondary, weak); flag home pages and
    missing URLs. Exits 1 when an entry checked on or after 2026-12-01 has a citation without a URL."""
    from foedus.register.audit import audit as audit_register  # pydantic and yaml only when auditing
    from foedus.register.load import RegisterError, load_register

    try:
        result = audit_register(load_register())
    except RegisterError as exc:
        fail(str(exc))
    data = result.to_json()
    if as_json:
        print_json(data)
    else:
        counts = ", ".join(f"{k} {v}" for k, v in data["by_kind"].items())
        console.print(
            f"register audit: {data['entries']} entries, {data['citations']} citations: {counts}; "
            f"weak {data['weak_share']:.1%}; home page only {len(data['home_page_only'])}; "
            f"no URL {len(data['no_url'])}",
            highlight=False,
        )
        for c in result.flagged("home page only") + result.flagged("no URL"):
            console.print(f"  {c.entry}: {', '.join(c.flags)}: {c.title}", highlight=False, markup=False)
    if result.problems():
        for c in result.problems():
            console.print(f"error: new entry {c.entry} (checked {c.checked}) cites without a URL: {c.title}",
                          highlight=False, markup=False)
        raise typer.Exit(1)


def register(main: typer.Typer) -> None:
    main.command()(invocations)
