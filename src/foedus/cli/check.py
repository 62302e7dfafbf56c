"""`foedus check FILE|-`: find the checkable claims in an article and judge them against the record."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from foedus.cli.common import DbOption, JsonOption, console, print_json, store
from foedus.errors import BadInputError


def _read(source: str) -> tuple[str, str | None]:
    if source == "-":
        return sys.stdin.read(), None
    path = Path(source)
    if not path.is_file():
        raise BadInputError("FILE", f"no such file: {source}", fix="give a text, Markdown or HTML file, or - for stdin")
    try:
        return path.read_text(encoding="utf-8"), path.name
    except UnicodeDecodeError:
        raise BadInputError("FILE", f"{source} is not UTF-8 text", fix="convert it to UTF-8") from None


def check(
    source: str = typer.Argument(..., metavar="FILE", help="A text, Markdown or HTML file, or - for standard input."),
    as_json: bool = JsonOption,
    html_out: str = typer.Option(None, "--html", help="Also write a standalone HTML report (offline) to this file."),
    fmt: str = typer.Option(None, "--format", help="text, markdown or html (default: from the suffix or content)."),
    on: str = typer.Option(None, "--on", help="What 'now' means, YYYY-MM-DD (default: today)."),
    db: str = DbOption,
) -> None:
    """Find the sentences that make checkable claims (defence clauses, alliances, triangles, memberships,
    invocations, sanctions, trade figures, dated events) and judge each against the knowledge base:
    supported, contradicted, overstated, disputed or unverifiable, with its evidence."""
    from foedus.claims.evaluate import check_text
    from foedus.claims.extract import detect_format
    from foedus.claims.report import table, to_html, to_json
    from foedus.dates import parse_date

    text, name = _read(source)
    if fmt is not None and fmt not in ("text", "markdown", "html"):
        raise BadInputError("--format", f"'{fmt}' is not text, markdown or html")
    today = parse_date(on, "--on") if on else None
    with store(db) as con:
        plain, judged = check_text(con, text, fmt or detect_format(text, name), today=today)
    if html_out:
        from foedus.atomic import write_text_atomic

        write_text_atomic(html_out, to_html(plain, judged, title=f"foedus check: {name or 'standard input'}"))
    if as_json:
        print_json(to_json(judged))
        return
    console.print(table(judged, title=f"Claims in {name or 'standard input'}: {len(judged)}"))
    if html_out:
        console.print(f"HTML report: {html_out}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("check")(check)
