"""The exposure sweep's columns on a dyad-year panel (`add_exposure`).

    from foedus.panels import create_dyadyears
    from foedus.panels.exposure import add_exposure
    panel = add_exposure(create_dyadyears(through=2016), "exposure/")   # a `foedus sweep --out` directory

Joined on (ccode1, ccode2, year), ccode1 the attacker: a directed sweep row. A yearly sweep has one date
per year (1 January); with a monthly or daily sweep the year's value is the mean over its dates
(expected joiners, probabilities) and the strongest obligation is the year's strongest. Dyad-years the
sweep has no row for (a state not a COW member on the sweep date, a year outside the sweep) are NaN.
The source records the sweep's run key, method, parameters and data versions (`cite` lists them).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from foedus.errors import BadInputError
from foedus.panels.frames import Added, check_new, cow_kind, with_added

NUMERIC = ("exp_joiners_attacker", "exp_joiners_target", "p_any_joiner", "p_major_joiner")
COLUMNS = (*NUMERIC, "strongest_obligation")


def add_exposure(panel: pd.DataFrame, sweep_dir, columns=COLUMNS) -> pd.DataFrame:
    """A new frame: `panel` (COW dyad-years) with the sweep's columns for each directed dyad-year."""
    return with_added(panel, exposure_added(panel, sweep_dir, columns))


def exposure_added(panel: pd.DataFrame, sweep_dir, columns=COLUMNS) -> Added:
    from foedus.exposure.compute import OBLIGATION_RANK
    from foedus.exposure.sweep import MANIFEST, read_exposure

    kind = cow_kind(panel, "add_exposure")
    if kind.unit != "dyad_year":
        raise BadInputError("panel", "add_exposure joins directed dyads: the frame has no ccode1/ccode2",
                            fix="use a dyad-year panel (create_dyadyears)")
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        raise BadInputError("columns", f"not sweep columns: {', '.join(unknown)}", fix=f"choose from {COLUMNS}")
    columns = list(columns)
    check_new(panel, columns)
    directory = Path(sweep_dir)
    frame = read_exposure(directory, columns=["date", "ccode1", "ccode2", *columns])
    manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    if not manifest.get("complete"):
        raise BadInputError("sweep_dir", f"the sweep in {directory} is not complete",
                            fix="finish it with `foedus sweep ... --resume`")
    keys = ["ccode1", "ccode2", "year"]
    if len(frame):
        frame["ccode1"] = frame["ccode1"].astype(np.int64)
        frame["ccode2"] = frame["ccode2"].astype(np.int64)
        frame["year"] = frame["year"].astype(np.int64)
    order = pd.CategoricalDtype(list(OBLIGATION_RANK), ordered=True)
    if "strongest_obligation" in columns:
        frame["strongest_obligation"] = frame["strongest_obligation"].astype(str).astype(order)
    several = len(frame) and frame.groupby("year")["date"].nunique().max() > 1
    if several:
        agg = {c: "mean" for c in columns if c in NUMERIC}
        if "strongest_obligation" in columns:
            agg["strongest_obligation"] = "max"
        frame = frame.groupby(keys, observed=True, sort=False).agg(agg).reset_index()
    left = pd.DataFrame({k: panel[k].to_numpy(dtype=np.int64) for k in keys})
    joined = left.merge(frame[keys + columns], on=keys, how="left", sort=False, validate="many_to_one")
    new = {}
    for c in columns:
        values = joined[c]
        new[c] = values.astype(order).array if c == "strongest_obligation" else values.to_numpy(dtype=float)
    params = manifest.get("parameters", {})
    source = {
        "dataset": "foedus exposure sweep", "version": manifest.get("run_key", "")[:12],
        "method": manifest.get("method"), "parameters": params, "data_versions": manifest.get("data_versions"),
        "note": ("ccode1 attacks ccode2 on each sweep date"
                 + ("; the year's mean over its dates (strongest obligation: the year's strongest)" if several else
                    "; one date per year (1 January)")),
    }
    return Added(new, source)
