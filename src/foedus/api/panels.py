"""Panel downloads: dyad-years and state-years (CSV, Parquet or Stata) built by :mod:`foedus.panels`."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from foedus.api import models
from foedus.api.errors import BadInput
from foedus.api.params import get_store
from foedus.api.store import Store
from foedus.panels import ADD_STEPS, create_dyadyears, create_stateyears, write_panel

router = APIRouter(tags=["panels"])

MEDIA = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet", "dta": "application/x-stata-dta"}
FormatQuery = Query("csv", description="csv, parquet or dta (Stata 118)")
ThroughQuery = Query(None, ge=1816, le=2100, description="Last year (default: the list's last year)")
SinceQuery = Query(None, ge=1816, le=2100, description="First year (default 1816)")
SystemQuery = Query("cow", description="The state list: cow or gw")
AddQuery = Query("", description=f"Columns to add, comma-separated: {', '.join(ADD_STEPS)} (COW panels only)")


def _steps(add: str, system: str) -> list[str]:
    steps = list(dict.fromkeys(s.strip().lower() for s in add.split(",") if s.strip()))
    unknown = [s for s in steps if s not in ADD_STEPS]
    if unknown:
        raise BadInput("add", f"unknown step(s) {', '.join(unknown)}; choose from {', '.join(ADD_STEPS)}")
    if steps and system == "gw":
        raise BadInput("add", "the added columns join on COW codes; GW panels carry GW codes (use system=cow)")
    return steps


def _build(store: Store, create, arguments: dict, steps: list[str], fmt: str, label: str) -> FileResponse:
    since, through = arguments.get("since"), arguments.get("through")
    if since is not None and through is not None and since > through:
        raise BadInput("since", f"{since} is after through={through}")
    with store.cursor() as cur:
        df = create(con=cur, **arguments)
        for step in steps:
            df = ADD_STEPS[step](df, cur)
    handle, name = tempfile.mkstemp(prefix="foedus-panel-", suffix=f".{fmt}")
    os.close(handle)
    path = Path(name)
    try:
        write_panel(df, path)
    except Exception:
        path.unlink(missing_ok=True)
        raise
    filename = f"foedus_{label}_{arguments['system']}_{since or 1816}-{through or 'end'}.{fmt}"
    return FileResponse(path, media_type=MEDIA[fmt], filename=filename,
                        background=BackgroundTask(path.unlink, missing_ok=True))


@router.get("/panel/dyad-years", response_class=FileResponse, responses={
    **models.ERRORS, 200: {"description": "The panel file", "content": {m: {} for m in MEDIA.values()}}})
async def dyad_years(
    format: Literal["csv", "parquet", "dta"] = FormatQuery,
    system: Literal["cow", "gw"] = SystemQuery,
    directed: bool = Query(True, description="A→B and B→A, or one row per pair"),
    through: int | None = ThroughQuery,
    since: int | None = SinceQuery,
    add: str = AddQuery,
    store: Store = Depends(get_store),
) -> FileResponse:
    """Dyad-years (`create_dyadyears`, peacesciencer's rules) as a file; with `add`, ATOP, NMC and major-power
    columns. Parquet keeps the provenance (`df.attrs`) in the file's metadata."""
    arguments = {"system": system, "directed": directed, "through": through, "since": since}
    return await run_in_threadpool(_build, store, create_dyadyears, arguments, _steps(add, system), format,
                                   "dyad_years")


@router.get("/panel/state-years", response_class=FileResponse, responses={
    **models.ERRORS, 200: {"description": "The panel file", "content": {m: {} for m in MEDIA.values()}}})
async def state_years(
    format: Literal["csv", "parquet", "dta"] = FormatQuery,
    system: Literal["cow", "gw"] = SystemQuery,
    through: int | None = ThroughQuery,
    since: int | None = SinceQuery,
    add: str = AddQuery,
    store: Store = Depends(get_store),
) -> FileResponse:
    """State-years (`create_stateyears`) as a file, optionally with ATOP, NMC and major-power columns."""
    arguments = {"system": system, "through": through, "since": since}
    return await run_in_threadpool(_build, store, create_stateyears, arguments, _steps(add, system), format,
                                   "state_years")
