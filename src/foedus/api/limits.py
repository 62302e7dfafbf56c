"""Every bound the server enforces, in one settings object (:class:`Limits`).

Each field has a documented default and can be overridden for a private deployment with an environment
variable ``FOEDUS_LIMIT_<FIELD>`` (upper case), e.g. ``FOEDUS_LIMIT_BODY_BYTES=131072``, read when the app
is created (:meth:`Limits.from_env`). A value that is not a positive number of the field's type stops the
server at start with a message naming the variable. :func:`markdown_table` prints the README's table.

Three bounds are the library's own and shown here for completeness, not overridable (:data:`FIXED`): a state
name of at most :data:`foedus.naming.MAX_NAME_LENGTH` characters and years :data:`foedus.dates.MIN_YEAR` to
:data:`foedus.dates.MAX_YEAR` (the CLI enforces the same ones).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from foedus.dates import MAX_YEAR, MIN_YEAR
from foedus.errors import BadInputError
from foedus.naming import MAX_NAME_LENGTH
from foedus.scenario.request import ScenarioLimits

PREFIX = "FOEDUS_LIMIT_"
FIXED = ("name_length", "min_year", "max_year")
"""Fields the library enforces everywhere (CLI too): an environment variable for them is refused."""
KIB, MIB = 1024, 1024 * 1024
CPUS = os.cpu_count() or 2
"""Cores of this machine: the thread pools' defaults follow them (Python computes on one core at a time, so
threads beyond the cores only fight for it and starve the event loop that answers cheap requests)."""


def _doc(default, text: str, unit: str = ""):
    return field(default=default, metadata={"doc": text, "unit": unit})


@dataclass(frozen=True)
class Limits:
    """The server's bounds (defaults suit a shared 2-core, 4 GB machine)."""

    # ---------------------------------------------------------------- inputs
    name_length: int = _doc(MAX_NAME_LENGTH, "characters in one state name (any parameter or list item; fixed)",
                            "chars")
    list_items: int = _doc(20, "items in one scenario list (attackers, targets, supporters, suppose)", "items")
    scenario_states: int = _doc(60, "states in one scenario list after organizations expand", "states")
    among_states: int = _doc(12, "states in triads `among`", "states")
    triads_top: int = _doc(100, "triads `top` per kind (0, all, only with 3+ `among` states)", "triads")
    where_length: int = _doc(100, "characters in scenario `where`", "chars")
    types_length: int = _doc(200, "characters in a `types` list", "chars")
    suppose_length: int = _doc(500, "characters in one `suppose` item", "chars")
    min_year: int = _doc(MIN_YEAR, "first year a date may name (fixed)", "")
    max_year: int = _doc(MAX_YEAR, "last year a date may name (fixed)", "")
    draws: int = _doc(1_000_000, "Monte Carlo `draws` (as the CLI)", "draws")
    rounds: int = _doc(10, "scenario escalation `rounds`", "rounds")
    # ---------------------------------------------------------------- HTTP
    body_bytes: int = _doc(64 * KIB, "request body (413 above; Content-Length checked first)", "bytes")
    query_bytes: int = _doc(4 * KIB, "query string (414 above)", "bytes")
    header_bytes: int = _doc(16 * KIB, "all request headers together (431 above)", "bytes")
    header_count: int = _doc(64, "request headers (431 above)", "headers")
    # ---------------------------------------------------------------- memory
    cache_bytes: int = _doc(128 * MIB, "JSON answers kept by the store (LRU)", "bytes")
    cache_entries: int = _doc(2048, "JSON answers kept by the store", "entries")
    http_cache_bytes: int = _doc(64 * MIB, "responses kept in front of routing (LRU)", "bytes")
    http_cache_entries: int = _doc(4096, "responses kept in front of routing", "entries")
    cacheable_bytes: int = _doc(4 * MIB, "largest answer either cache keeps", "bytes")
    panel_rows: int = _doc(6_000_000, "rows of one panel file, estimated before it is built (413 above)", "rows")
    dta_rows: int = _doc(1_000_000, "rows of one Stata panel (Stata output needs ~0.65 KB a row; 413 above)", "rows")
    frame_entries: int = _doc(32, "dates whose commitments are kept", "dates")
    context_entries: int = _doc(8, "dates whose scenario context is kept", "dates")
    # ---------------------------------------------------------------- concurrency and time
    heavy_concurrency: int = _doc(max(1, CPUS // 2), "heavy requests computed at once (Monte Carlo, what-ifs, "
                                  "triads, bloc history, S-score matrices; default: half the cores)", "requests")
    panel_concurrency: int = _doc(1, "panel downloads built at once", "requests")
    cheap_concurrency: int = _doc(max(2, CPUS), "other queries computed at once when not cached (default: the "
                                  "cores, at least 2; the rest wait their turn in order)", "requests")
    queue_seconds: float = _doc(10.0, "wait for a heavy slot before 429 with Retry-After", "s")
    request_seconds: float = _doc(120.0, "heavy work before 503 with Retry-After", "s")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> Limits:
        """Defaults, then ``FOEDUS_LIMIT_*`` variables, then `overrides` (keyword arguments by field name)."""
        environ = os.environ if environ is None else environ
        values: dict = {}
        for f in fields(cls):
            variable = PREFIX + f.name.upper()
            if variable in environ:
                if f.name in FIXED:
                    raise BadInputError(variable, "is the library's own bound (the CLI uses it too)",
                                        fix=f"unset {variable}")
                values[f.name] = _number(f, environ[variable], variable)
        values.update(overrides)
        return cls(**values)

    def scenario(self) -> ScenarioLimits:
        """The scenario bounds of these limits (:meth:`foedus.scenario.request.ScenarioRequest.check`)."""
        return dataclasses.replace(ScenarioLimits(), max_draws=self.draws, max_rounds=self.rounds,
                                   max_items=self.list_items, max_parties=self.scenario_states,
                                   max_name_length=min(self.name_length, self.where_length))


def _number(f: dataclasses.Field, text: str, variable: str):
    kind = float if f.type in (float, "float") else int
    try:
        value = kind(text.strip().replace("_", ""))
    except ValueError:
        raise BadInputError(variable, f"'{text[:40]}' is not a number",
                            fix=f"give a positive {kind.__name__}") from None
    if value <= 0:
        raise BadInputError(variable, f"{value} is not positive", fix=f"give a positive {kind.__name__}")
    return value


def markdown_table(limits: Limits | None = None) -> str:
    """The README's table: variable, default, what it bounds."""
    limits = limits or Limits()
    lines = ["| Variable | Default | Bounds |", "|---|---|---|"]
    for f in fields(limits):
        value = getattr(limits, f.name)
        shown = (str(value) if f.name in ("min_year", "max_year") else f"{value:,}") if isinstance(value, int) \
            else f"{value:g}"
        unit = f.metadata.get("unit", "")
        lines.append(f"| `{PREFIX}{f.name.upper()}` | {shown} {unit} | {f.metadata.get('doc', '')} |")
    return "\n".join(lines)


if __name__ == "__main__":  # python -m foedus.api.limits: the README table
    print(markdown_table())
