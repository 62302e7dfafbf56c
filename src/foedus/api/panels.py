"""Panel downloads: dyad-years and state-years (CSV, Parquet or Stata) built by :mod:`foedus.panels`.

Bounded: the rows are estimated from the state list before anything is built (a request over ``panel_rows``,
or a Stata file over ``dta_rows``, is a 413 that says how to ask for less: :mod:`foedus.api.limits`); panels are
built one at a time in the heavy pool (429 with ``Retry-After`` when it stays full); the file is written to a
temporary file and streamed from there, then deleted.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from foedus.api import models
from foedus.api.errors import BadInput, TooLarge
from foedus.api.guard import HeavyPool
from foedus.api.limits import Limits
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


def estimated_rows(cur, request: PanelRequest) -> int:
    """The rows of the panel: states in the list per year (a state counts in each year of a spell; a censored
    last spell runs on to `through`), summed for state-years, n(n-1) (directed) or n(n-1)/2 a year for
    dyad-years. A close estimate, from one query."""
    since, through = request.since or 1816, request.through
    (rows,) = cur.execute(  # a censored last spell runs on to `through` (the panel's rule)
        "WITH spells AS (SELECT code, greatest(year(start_date), $since) AS a, CASE WHEN $through IS NULL "
        "THEN year(end_date) WHEN censored THEN $through ELSE least(year(end_date), $through) END AS b "
        "FROM state_spells WHERE system = $system), years AS (SELECT DISTINCT code, unnest(range(a, b + 1)) AS y "
        "FROM spells WHERE a <= b), n AS (SELECT y, count(*) AS n FROM years GROUP BY y) "
        "SELECT coalesce(sum(CASE WHEN $kind = 'state-years' THEN n WHEN $directed THEN n * (n - 1) "
        "ELSE n * (n - 1) / 2 END), 0) FROM n",
        {"since": since, "through": through, "system": request.system, "kind": request.kind,
         "directed": request.directed}).fetchone()
    return int(rows)


def _check_size(store: Store, limits: Limits, request: PanelRequest, fmt: str) -> int:
    with store.cursor() as cur:
        rows = estimated_rows(cur, request)
    span = f"{request.since or 1816}-{request.through or 'end'}"
    if rows > limits.panel_rows:
        raise TooLarge("through", f"the {request.kind} panel {span} has about {rows:,} rows, over this server's "
                       f"limit of {limits.panel_rows:,}", fix="ask for fewer years (since, through) or directed=false")
    if fmt == "dta" and rows > limits.dta_rows:
        raise TooLarge("format", f"a Stata file of the {request.kind} panel {span} has about {rows:,} rows, over "
                       f"this server's limit of {limits.dta_rows:,} for Stata (writing it needs about "
                       f"{rows * 0.65 / 1e6:,.1f} GB)", fix="use format=parquet or csv, or ask for fewer years")
    return rows


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
    http: Request,
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
    return await _serve(http, store, request, format)


@router.get("/panel/state-years", response_class=FileResponse, responses={
    **models.ERRORS, 200: {"description": "The panel file", "content": {m: {} for m in MEDIA.values()}}})
async def state_years(
    http: Request,
    format: Literal["csv", "parquet", "dta"] = FormatQuery,
    system: Literal["cow", "gw"] = SystemQuery,
    through: int | None = ThroughQuery,
    since: int | None = SinceQuery,
    add: str = AddQuery,
    store: Store = Depends(get_store),
) -> FileResponse:
    """State-years (`create_stateyears`) as a file, optionally with ATOP, NMC and major-power columns."""
    request = _request("state-years", system=system, through=through, since=since, add=add)
    return await _serve(http, store, request, format)


async def _serve(http: Request, store: Store, request: PanelRequest, fmt: str) -> FileResponse:
    pool: HeavyPool = http.app.state.heavy
    await run_in_threadpool(_check_size, store, http.app.state.limits, request, fmt)
    return await pool.run("panel", _build, store, request, fmt)
