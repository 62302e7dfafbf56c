"""The UN sanctions on the DPRK over HTTP: check, on, history, permitted, trade (no database needed).

Each endpoint calls the same library function as `foedus sanctions …` (:mod:`foedus.sanctions.report`) and
returns its typed result's JSON, so the answers are the CLI's ``--json`` contracts. Bad input is a
:class:`foedus.errors.BadInputError` naming the query parameter (HTTP 422).
"""

from __future__ import annotations

from fastapi import APIRouter, Query

from foedus.api import models
from foedus.sanctions import report

router = APIRouter(prefix="/sanctions", tags=["sanctions"])
Text = {"max_length": 100}


def _regime():
    from foedus.sanctions.load import load_regime

    return load_regime()


@router.get("/check", responses=models.ERRORS)
def check(
    from_: str | None = Query(None, alias="from", description="Exporting state (name, ISO3, cow:/iso:/gw: code)",
                              **Text),
    to: str | None = Query(None, description="Importing state", **Text),
    on: str | None = Query(None, description="Date YYYY-MM-DD", max_length=32),
    hs: str | None = Query(None, description="HS code (chapter, heading or subheading)", max_length=20),
    item: str | None = Query(None, description="Item name instead of hs, e.g. 'artillery shells'", **Text),
    purpose: str | None = Query(None, description="e.g. humanitarian, livelihood", max_length=40),
    quantity: float | None = Query(None, ge=0, description="Quantity, for caps"),
    unit: str | None = Query(None, description="bbl, t or usd", max_length=20),
    labour: bool = Query(False, description="Employment of DPRK nationals"),
    joint_venture: bool = Query(False, description="A joint venture between the two states"),
    origin: str | None = Query(None, description="Country of origin of the goods", **Text),
) -> dict:
    """Is a shipment allowed on a date? The verdict, the deciding paragraphs and what exemptions require."""
    return report.check(_regime(), from_=from_, to=to, on=on, hs=hs, item=item, purpose=purpose, quantity=quantity,
                        unit=unit, labour=labour, joint_venture=joint_venture, origin=origin,
                        param=report.api_param).to_json()


@router.get("/on", responses=models.ERRORS)
def on_date(on: str = Query(..., description="Date YYYY-MM-DD", max_length=32)) -> dict:
    """The measures in force on a date, with their wind-down, the regime's status, resolutions and votes."""
    return report.on(_regime(), on, param=report.api_param).to_json()


@router.get("/history", responses=models.ERRORS)
def history() -> list:
    """The regime resolution by resolution (with each Council member's vote), drafts vetoed, status changes."""
    return report.history(_regime()).to_json()


@router.get("/permitted", responses=models.ERRORS)
def permitted(
    on: str = Query(..., description="Date YYYY-MM-DD", max_length=32),
    direction: str | None = Query(None, description="to or from (the DPRK); both if left out", max_length=10),
) -> dict:
    """What remains lawful to or from the DPRK on a date, by HS section and chapter."""
    return report.permitted(_regime(), on, direction, param=report.api_param).to_json()


@router.get("/trade", responses=models.ERRORS)
def trade(
    reporter: str | None = Query(None, description="Reporter, e.g. Russia", **Text),
    partner: str | None = Query(None, description="Partner (default for assess: DPRK)", **Text),
    year: int | None = Query(None, ge=1900, le=2100),
    assess: str | None = Query(None, description="A claimed figure, e.g. '26 million' (needs reporter, year)",
                               max_length=40),
    months: str | None = Query(None, description="With assess: part-year claim, e.g. 1-6", max_length=20),
    flow: str = Query("total", description="With assess: total, export or import", max_length=10),
    tolerance: float = Query(0.10, ge=0, lt=1, description="With assess: share counted as consistent"),
    side_by_side: bool = Query(False, description="Group competing figures by pair, year, period and flow"),
):
    """The cited Russia–DPRK and China–DPRK figures (rows, or side by side), or a claim assessed against them."""
    if assess is not None:
        return report.trade_assess(assess, reporter, year, partner or "DPRK", months, flow, tolerance,
                                   param=report.api_param).to_json()
    if side_by_side:
        return report.trade_side_by_side(reporter, partner, year, param=report.api_param).to_json()
    return report.trade(reporter, partner, year, param=report.api_param).to_json()
