"""The foedus command line: a thin layer over the library."""

from __future__ import annotations

import typer

from foedus.cli import data, invocations, network, panel, queries, register, sanctions, scenario, serve

app = typer.Typer(
    help="foedus: the international alliance system — who is bound to defend whom, since when, on what terms.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(data.app, name="data")
app.add_typer(panel.app, name="panel")
app.add_typer(sanctions.app, name="sanctions")
queries.register(app)
network.register(app)
scenario.register(app)
serve.register(app)
register.register(app)
invocations.register(app)


def main() -> None:
    app()
