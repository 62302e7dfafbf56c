"""Which trade flows did the regime cover? Flag HS-level flows a measure in force that year covered.

A flow in year Y is flagged by a measure in force on any day of Y whose HS scope covers the flow's code and
whose direction matches (import = partner to reporter, export = reporter to partner, total = either way).
`partial_year` says the measure was in force for only part of Y; `coarse_hs` that the flow's code is coarser
than the measure's scope (chapter 27 against heading 2701), so the flow may be only partly covered.
Exemptions cannot be seen in trade data; the exemptions that could apply are listed.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from foedus.sanctions.check import citation
from foedus.sanctions.hs import Codes
from foedus.sanctions.model import Measure, Regime

FLAG_COLUMNS = [
    "row",
    "reporter",
    "partner",
    "year",
    "flow",
    "hs",
    "value_usd",
    "measure",
    "resolution",
    "paragraph",
    "kind",
    "effect",
    "citation",
    "in_force_from",
    "in_force_until",
    "partial_year",
    "possible_exemptions",
]


def _direction(measure: Measure, exporter: np.ndarray, importer: np.ndarray, target: int) -> np.ndarray:
    if measure.direction == "to_dprk":
        return importer == target
    if measure.direction == "from_dprk":
        return exporter == target
    return (importer == target) | (exporter == target)


def _exemptions(measure: Measure, year: int) -> str:
    """Exemptions of `measure` in force on some day of `year`."""
    return ";".join(
        e.id
        for e in measure.exemptions
        if (e.start is None or e.start.year <= year) and (e.end is None or e.last_day.year >= year)
    )


def screen(regime: Regime, table: pd.DataFrame) -> pd.DataFrame:
    """One row per (flow, covering measure); flows without an HS code are not screened."""
    rows = table[table["hs"] != ""]
    if rows.empty:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    codes = Codes.of(rows["hs"].to_numpy(object))
    reporter, partner = rows["reporter"].to_numpy(), rows["partner"].to_numpy()
    flow, year = rows["flow"].to_numpy(), rows["year"].to_numpy()
    target = regime.target
    found = []
    for measure in regime.measures:
        if not measure.hs:
            continue
        last = measure.last_day.year if measure.end else 9999
        active = (year >= measure.start.year) & (year <= last)
        coarse = measure.scope.coarse(codes)
        covered = (measure.scope.covered(codes) | coarse) & active
        imports = _direction(measure, partner, reporter, target)
        exports = _direction(measure, reporter, partner, target)
        covered &= np.where(flow == "import", imports, np.where(flow == "export", exports, imports | exports))
        if not covered.any():
            continue
        hit = rows[covered]
        partial = (hit["year"] == measure.start.year) & (measure.start != dt.date(measure.start.year, 1, 1))
        if measure.end:
            last_day = measure.last_day
            partial |= (hit["year"] == last_day.year) & (last_day != dt.date(last_day.year, 12, 31))
        found.append(
            pd.DataFrame(
                {
                    "row": hit.index.to_numpy(),
                    "reporter": hit["reporter"].to_numpy(),
                    "partner": hit["partner"].to_numpy(),
                    "year": hit["year"].to_numpy(),
                    "flow": hit["flow"].to_numpy(),
                    "hs": hit["hs"].to_numpy(),
                    "value_usd": hit["value_usd"].to_numpy(),
                    "measure": measure.id,
                    "resolution": measure.resolution,
                    "paragraph": measure.paragraph,
                    "kind": measure.kind,
                    "effect": "capped" if measure.conditional else "banned",
                    "coarse_hs": coarse[covered],
                    "citation": citation(regime, measure),
                    "in_force_from": measure.start,
                    "in_force_until": measure.end,  # exclusive
                    "partial_year": partial.to_numpy(),
                    "possible_exemptions": hit["year"].map(lambda y, m=measure: _exemptions(m, y)).to_numpy(),
                }
            )
        )
    if not found:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    return pd.concat(found, ignore_index=True).sort_values(
        ["reporter", "partner", "year", "row", "resolution"], ignore_index=True
    )


def summary(table: pd.DataFrame, flags: pd.DataFrame) -> pd.DataFrame:
    """Per reporter, partner and year: HS-level rows and value, and how much of it a measure covered."""
    rows = table[table["hs"] != ""].copy()
    rows["flagged"] = rows.index.isin(flags["row"].unique()) if len(flags) else False
    rows["flagged_value"] = rows["value_usd"].where(rows["flagged"], 0.0)
    grouped = rows.groupby(["reporter", "partner", "year"], as_index=False).agg(
        rows=("hs", "size"),
        value_usd=("value_usd", "sum"),
        flagged_rows=("flagged", "sum"),
        flagged_value_usd=("flagged_value", "sum"),
    )
    grouped["flagged_rows"] = grouped["flagged_rows"].astype(np.int64)
    total = grouped["value_usd"].replace(0, np.nan)
    grouped["flagged_share"] = (grouped["flagged_value_usd"] / total).fillna(0.0).round(4)
    return grouped
