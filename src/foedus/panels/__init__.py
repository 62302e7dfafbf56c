"""Research panels: state-years and (non-)directed dyad-years, with alliance, capability and
major-power columns, following peacesciencer's rules (same rows, much faster).

    from foedus.panels import create_dyadyears, add_atop_alliance, add_nmc, add_majors, cite
    df = add_majors(add_nmc(add_atop_alliance(create_dyadyears(system="cow", through=2024))))
    print(cite(df))

    from foedus.panels import build_panel       # the same panel, assembled once (what the CLI and API use)
    result = build_panel("dyad-years", through=2024, add="atop,nmc,majors")
    result.frame, result.citation, result.write("panel.parquet")

Every verb reads the foedus store (a DuckDB connection passed as `con`, or the default store),
returns a new DataFrame, leaves its input as it was, and records in `df.attrs["foedus"]["sources"]`
which dataset and version filled each column.

Adding a step: `foedus.panels.steps.STEPS` names what `--add` / `add=` accept; `plan.py` maps each
to the function computing its columns. `add_register_alliance` continues the alliance columns past
ATOP's coverage with the curated register (1 or NA).

Names are imported on first use, so `import foedus.panels.steps` (the CLI's help) loads no pandas.
"""

from __future__ import annotations

import importlib

from foedus.panels.cite import cite  # light; bound now so that the submodule `cite` never shadows it

_WHERE = {
    "add_alliance_columns": "alliance",
    "add_atop_alliance": "atop_alliance",
    "create_dyadyears": "dyadyears",
    "add_majors": "majors",
    "add_nmc": "nmc",
    "write_panel": "output",
    "add_register_alliance": "register_alliance",
    "create_stateyears": "stateyears",
    "build_panel": "plan",
    "PanelRequest": "plan",
    "PanelResult": "plan",
    "panel_request": "plan",
}

__all__ = ["ADD_STEPS", "cite", *sorted(_WHERE)]


def __getattr__(name: str):
    if name == "ADD_STEPS":
        from foedus.panels.plan import add_steps

        return add_steps()
    if name in _WHERE:
        value = getattr(importlib.import_module(f"foedus.panels.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'foedus.panels' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
