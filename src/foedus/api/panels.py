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
from foedus.errors import BadInputError
from foedus.panels.plan import PanelRequest, build_panel, panel_request
from foedus.panels.steps import STEPS

router = APIRouter(tags=["panels"])

MEDIA = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet", "dta": "application/x-stata-dta"}
FormatQuery = Query("csv", description="csv, parquet or dta (Stata 118)")
ThroughQuery = Query(None, ge=1816, le=2100, description="Last year (default: the list's last year)")
SinceQuery = Query(None, ge=1816, le=2100, description="First year (default 1816)")
SystemQuery = Query("cow", description="The state list: cow or gw")
AddQuery = Query("", description=f"Columns to add, comma-separated, any combination: {', '.join(STEPS)} "
                 "(COW panels only)")


def _request(kind: str, **arguments) -> PanelRequest:
    try:
        return panel_request(kind, **arguments)
    except BadInputError as exc:
        raise BadInput(exc.parameter, exc.message + (f" ({exc.fix})" if exc.fix else "")) from None


def _build(store: Store, request: PanelRequest, fmt: str) -> FileResponse:
    handle, name = tempfile.mkstemp(prefix="foedus-panel-", suffix=f".{fmt}")
    os.close(handle)
    path = Path(name)
    try:
        with store.cursor() as cur:
            build_panel(request, con=cur).write(path)
    except Exception:
        path.unlink(missing_ok=True)
        raise
    label = request.kind.replace("-", "_")
    filename = f"foedus_{label}_{request.system}_{request.since or 1816}-{request.through or 'end'}.{fmt}"
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
    request = _request("dyad-years", system=system, directed=directed, through=through, since=since, add=add)
    return await run_in_threadpool(_build, store, request, format)


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
    request = _request("state-years", system=system, through=through, since=since, add=add)
    return await run_in_threadpool(_build, store, request, format)
