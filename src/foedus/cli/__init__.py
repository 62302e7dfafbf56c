"""The foedus command line: a thin layer over the library.

Start-up is kept short: sub-commands are registered by name (:data:`COMMANDS`) and their modules imported
only when one of them runs (or its own ``--help`` is asked for). ``foedus --help`` lists them from the
short texts below without importing any of them.

Errors: a :class:`foedus.errors.FoedusError` (bad input, a missing or damaged database, a busy import)
prints one line ``error: ...`` and exits 2; any other exception is a bug in foedus: one line saying so,
with a hint to report it, exit 1; ``foedus --debug ...`` (or ``FOEDUS_DEBUG=1``) prints the traceback too.
"""

from __future__ import annotations

import importlib
import os
import sys

import typer
from typer.core import TyperCommand, TyperGroup

ISSUES = "the foedus issue tracker"

# Module -> the commands it registers, each with the one-line text `foedus --help` shows for it.
# A command added to a module must be listed here (tests/test_store_cli.py checks that the lists agree).
COMMANDS: dict[str, dict[str, str]] = {
    "foedus.cli.queries": {
        "obligations": "Every commitment in force for STATE on a date.",
        "dyad": "What A owes B and what B owes A on a date.",
        "treaty": "One treaty: members and phases, provisions, conditions, sources.",
        "briefing": "North Korea's commitments today and the Russia–China–DPRK dyads.",
    },
    "foedus.cli.network": {
        "network": "The commitment graph on a date; export or summarise it.",
        "triads": "Closed defense triangles and open triads, ranked.",
        "diff": "Commitments begun, ended, upgraded or downgraded between two dates.",
        "blocs": "Blocs of the defense network with polarization measures, or their history.",
        "sscore": "Signorino–Ritter S-scores of alliance portfolios.",
        "plot": "Figures (PNG or SVG by the file's suffix).",
    },
    "foedus.cli.scenario": {
        "scenario": "Who is obliged to act when TARGET is attacked by ATTACK on a date, and why.",
        "sweep": "Every ordered (attacker, target) pair on a date: unconditional joiners.",
    },
    "foedus.cli.validation": {
        "backtest": "Replay every war: same-side precision and recall of the engine, the naive rule, the base rate.",
        "reliability": "Published alliance-reliability figures beside foedus's recomputation from the store.",
        "model": "The joining model: fit, evaluate (out of sample) and explain P(state joins war on a side).",
    },
    "foedus.cli.serve": {"serve": "Serve the JSON API and the web page until interrupted."},
    "foedus.cli.register": {
        "history": "Every commitment between A and B from any source, as periods.",
        "org": "An organization's members and their status on a date (register).",
        "memberships": "The organizations a state belongs to on a date (register).",
        "register": "The curated register: validate it, load it into the database.",
    },
    "foedus.cli.invocations": {
        "invocations": "Treaty invocations: who invoked which article when, and what each party did.",
    },
    "foedus.cli.data": {"data": "Import and inspect the datasets; see when and from what the database was built."},
    "foedus.cli.panel": {"panel": "Research panels: state-years and dyad-years with alliance and capability columns."},
    "foedus.cli.sanctions": {"sanctions": "UN Security Council sanctions on the DPRK: check, view, screen trade."},
    "foedus.cli.check": {"check": "Find the checkable claims in an article and judge them against the record."},
    "foedus.cli.forecast": {"forecast": "A ledger of forecasts: add, list, resolve from the record, score authors."},
}

# Modules that expose a sub-app `app` rather than a `register(app)` function: module -> group name.
SUB_APPS = {"foedus.cli.data": "data", "foedus.cli.panel": "panel", "foedus.cli.sanctions": "sanctions",
            "foedus.cli.forecast": "forecast"}


def _module_of(name: str) -> str | None:
    return next((module for module, names in COMMANDS.items() if name in names), None)


def load_module_commands(module_name: str) -> dict[str, object]:
    """Import one CLI module and return the click commands it registers, by name."""
    module = importlib.import_module(module_name)
    holder = typer.Typer(callback=lambda: None)  # a callback makes typer build a group even for one command
    if module_name in SUB_APPS:
        holder.add_typer(module.app, name=SUB_APPS[module_name])
    else:
        module.register(holder)
    return dict(typer.main.get_command(holder).commands)


class LazyCommand(TyperCommand):
    """A placeholder listed by `foedus --help`: its module is imported only when it is resolved."""

    def __init__(self, name: str, short: str, module: str):
        super().__init__(name=name, help=short, short_help=short, add_help_option=False)
        self.module = module


def _passes_through(exc: BaseException) -> bool:
    """typer's and click's own exceptions (exit, abort, usage errors) are not foedus errors."""
    return type(exc).__module__.split(".")[0] in ("typer", "click")


def report(exc: BaseException, debug: bool) -> int:
    """Print one line for `exc` on stderr and return the exit code (2: the user's to fix; 1: a bug)."""
    from foedus.errors import FoedusError
    from foedus.store.errors import DatabaseDamagedError, damaged_reason, is_duckdb_io_error

    if is_duckdb_io_error(exc):  # a file damaged after it was opened: DuckDB notices when it reads a block
        exc = DatabaseDamagedError("the database", damaged_reason(exc))
    if isinstance(exc, FoedusError):
        _error_line(str(exc))
        code = 2
    else:
        _error_line(f"this is a bug in foedus, not something you did ({type(exc).__name__}: {exc}); "
                    f"please report it to {ISSUES} with the command you ran"
                    + ("" if debug else " and its output with --debug (foedus --debug COMMAND ...)"))
        code = 1
    if debug:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    return code


def _error_line(message: str) -> None:
    from rich.markup import escape

    from foedus.cli.common import errors

    errors.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)


class FoedusGroup(TyperGroup):
    """The root group: lazy sub-commands, and one line for every error."""

    def list_commands(self, ctx) -> list[str]:
        own = list(self.commands)
        return own + [name for names in COMMANDS.values() for name in names if name not in own]

    def get_command(self, ctx, cmd_name: str):
        found = self.commands.get(cmd_name)
        if found is not None:
            return found
        module = _module_of(cmd_name)
        return LazyCommand(cmd_name, COMMANDS[module][cmd_name], module) if module else None

    def load(self, cmd_name: str):
        """The real command `cmd_name`, importing its module (and registering all that module's commands)."""
        module = _module_of(cmd_name)
        modules = [module] if module else [m for m in COMMANDS if not any(n in self.commands for n in COMMANDS[m])]
        for name in modules:
            for command_name, command in load_module_commands(name).items():
                self.commands.setdefault(command_name, command)
        return self.commands.get(cmd_name)

    def resolve_command(self, ctx, args):
        name, cmd, rest = super().resolve_command(ctx, args)
        if isinstance(cmd, LazyCommand):
            cmd = self.load(name)
        return name, cmd, rest

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except Exception as exc:
            if _passes_through(exc):
                raise
            debug = bool(ctx.params.get("debug")) or os.environ.get("FOEDUS_DEBUG", "") not in ("", "0")
            raise typer.Exit(report(exc, debug)) from None


app = typer.Typer(
    cls=FoedusGroup,
    help="foedus: the international alliance system — who is bound to defend whom, since when, on what terms.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help for the root listing: typer's rich help alone costs more than the target
)


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", help="On an unexpected error, print the full traceback."),
) -> None:
    """foedus: the international alliance system — who is bound to defend whom, since when, on what terms."""


def all_commands() -> dict[str, object]:
    """Every real command, importing every CLI module (for tests and shell completion)."""
    found: dict[str, object] = {}
    for module in COMMANDS:
        found.update(load_module_commands(module))
    return found


def main(argv: list[str] | None = None) -> None:
    app(args=argv)

