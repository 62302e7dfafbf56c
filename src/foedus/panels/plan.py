"""One request, one panel: what the CLI (`foedus panel …`) and the API (`/api/panel/…`) both answer.

    result = build_panel("dyad-years", system="cow", directed=True, through=2024, add="atop,nmc,majors")
    result.frame          # the DataFrame, identical to chaining the verbs in the order of `add`
    result.citation       # cite(result.frame)
    result.write("x.parquet")
    result.to_json()      # rows, columns, years, sources and citation (the CLI's `--json`)

`panel_request` checks the arguments once (BadInputError naming `kind`, `system`, `add`, `since` or
`through`); `build_panel` computes every step's columns from the base panel's keys (computed once) and
keeps them as named numpy arrays (`result.panel`, no per-step copy of the columns before it). The
DataFrame is made on first use of `result.frame`, sharing every array; `write` and `to_json` need no
DataFrame, so the CLI builds and writes a panel without importing pandas. `register` after `atop`
reuses the ATOP columns instead of computing them twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from foedus.errors import BadInputError
from foedus.panels.frames import ATTRS_KEY, FIRST_YEAR, Added, Columns, assemble, first_build_pages, store
from foedus.panels.steps import KINDS, STEPS, SYSTEMS

if TYPE_CHECKING:
    import pandas as pd

_STATUSES = ("confirmed", "presumed", "any")  # foedus.query.intervals.STATUS_CHOICES, checked there otherwise


def _status(status: str | None) -> str:
    """The status rule, without importing the query layer for the usual choices (it decides every other)."""
    if status is None:
        return "presumed"
    value = str(status).strip().lower()
    if value in _STATUSES:
        return value
    from foedus.query.intervals import check_status

    return check_status(status)


def parse_add(add: str | Iterable[str] | None) -> tuple[str, ...]:
    """The steps named in `add` ("atop,nmc" or a list), lower-cased, in order, without repeats."""
    if add is None:
        return ()
    parts = add.split(",") if isinstance(add, str) else [str(part) for part in add]
    steps = tuple(dict.fromkeys(part.strip().lower() for part in parts if part.strip()))
    unknown = [step for step in steps if step not in STEPS]
    if unknown:
        raise BadInputError("add", f"unknown step {', '.join(unknown)}", fix=f"choose from {', '.join(STEPS)}")
    return steps


@dataclass(frozen=True)
class PanelRequest:
    """A checked panel request (see `panel_request`)."""

    kind: str = "dyad-years"
    system: str = "cow"
    directed: bool = True
    through: int | None = None
    since: int | None = None
    add: tuple[str, ...] = ()
    status: str = "presumed"  # which commitments the register columns count past ATOP's coverage

    def to_json(self) -> dict:
        payload = {"kind": self.kind, "system": self.system, "through": self.through, "since": self.since,
                   "add": list(self.add), "status": self.status}
        if self.kind == "dyad-years":
            payload["directed"] = self.directed
        return payload


def panel_request(
    kind: str = "dyad-years",
    system: str = "cow",
    directed: bool = True,
    through: int | None = None,
    since: int | None = None,
    add: str | Iterable[str] | None = (),
    status: str | None = None,
) -> PanelRequest:
    """Check a request: kind, system, the years, the steps (COW panels only: the steps join on COW codes) and
    the status rule of the register columns (confirmed, presumed — the default of every command — or any)."""
    status = _status(status)
    kind = str(kind).lower().replace("_", "-")
    if kind not in KINDS:
        raise BadInputError("kind", f"must be {' or '.join(KINDS)}, not {kind!r}")
    key = str(system).lower()
    if key not in SYSTEMS:
        raise BadInputError("system", f"must be cow or gw, not {system!r}")
    steps = parse_add(add)
    if steps and key == "gw":
        raise BadInputError("add", f"{','.join(steps)} joins on COW codes and GW panels carry GW codes",
                            fix="use system cow")
    for name, year in (("through", through), ("since", since)):
        if year is not None and int(year) < FIRST_YEAR:
            raise BadInputError(name, f"must be {FIRST_YEAR} or later, not {year}")
    if since is not None and through is not None and int(since) > int(through):
        raise BadInputError("since", f"{since} is after through={through}")
    return PanelRequest(kind, key, bool(directed), None if through is None else int(through),
                        None if since is None else int(since), steps, status)


@dataclass
class PanelResult:
    """A built panel: the request, its columns (`panel`), the DataFrame (`frame`, made on first use) and
    (after `write`) the file."""

    request: PanelRequest
    panel: Columns
    file: Path | None = field(default=None)
    _frame: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def frame(self) -> pd.DataFrame:
        """The panel as a DataFrame, sharing the arrays (made once)."""
        if self._frame is None:
            self._frame = self.panel.to_frame()
        return self._frame

    @property
    def citation(self) -> str:
        from foedus.panels.cite import cite

        return cite(self.panel)

    @property
    def rows(self) -> int:
        return len(self.panel)

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.panel.columns]

    def write(self, path: str | Path) -> Path:
        """Write the panel (format by extension, atomically), from Arrow where the format allows; remembers
        the file."""
        from foedus.panels.output import write_panel

        self.file = write_panel(self.panel if self._frame is None else self._frame, path)
        return self.file

    def to_json(self) -> dict:
        panel = self.panel.attrs.get(ATTRS_KEY, {})
        return {
            "request": self.request.to_json(),
            "unit": panel.get("unit"),
            "first_year": panel.get("first_year"),
            "through": panel.get("through"),
            "rows": self.rows,
            "columns": self.columns,
            "file": None if self.file is None else str(self.file),
            "rule": panel.get("rule"),
            "sources": panel.get("sources", {}),
            "citation": self.citation,
        }


def _step(name: str) -> Callable[..., Added]:
    if name == "atop":
        from foedus.panels.atop_alliance import atop_added

        return atop_added
    if name == "nmc":
        from foedus.panels.nmc import nmc_added

        return nmc_added
    if name == "majors":
        from foedus.panels.majors import majors_added

        return majors_added
    from foedus.panels.register_alliance import register_added

    return register_added


def add_steps() -> dict[str, Callable[..., pd.DataFrame]]:
    """Step name -> the verb that adds it to a frame (`foedus.panels.ADD_STEPS`)."""
    from foedus.panels.atop_alliance import add_atop_alliance
    from foedus.panels.majors import add_majors
    from foedus.panels.nmc import add_nmc
    from foedus.panels.register_alliance import add_register_alliance

    return {"atop": add_atop_alliance, "nmc": add_nmc, "majors": add_majors, "register": add_register_alliance}


def build_panel(
    kind: str | PanelRequest = "dyad-years",
    system: str = "cow",
    directed: bool = True,
    through: int | None = None,
    since: int | None = None,
    add: str | Iterable[str] | None = (),
    con=None,
    progress: Callable[[str], None] | None = None,
) -> PanelResult:
    """Build a panel (`kind` a PanelRequest, or the arguments of `panel_request`); `progress(stage)` is
    called before each stage ("creating", then each step's name)."""
    request = kind if isinstance(kind, PanelRequest) else panel_request(kind, system, directed, through, since, add)
    tell = progress or (lambda _stage: None)
    with store(con) as db, first_build_pages():
        tell("creating")
        if request.kind == "dyad-years":
            from foedus.panels.dyadyears import dyadyear_columns

            base = dyadyear_columns(db, request.system, request.directed, request.through, request.since)
        else:
            from foedus.panels.stateyears import stateyear_columns

            base = stateyear_columns(db, request.system, request.through, request.since)
        done: dict[str, Added] = {}
        for name in request.add:
            tell(name)
            if name == "register":
                done[name] = _step(name)(base, db, atop=done.get("atop"), status=request.status)
            else:
                done[name] = _step(name)(base, db)
    return PanelResult(request, assemble(base, list(done.values())))
