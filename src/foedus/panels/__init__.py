"""Research panels: state-years and (non-)directed dyad-years, with alliance, capability and
major-power columns, following peacesciencer's rules (same rows, much faster).

    from foedus.panels import create_dyadyears, add_atop_alliance, add_nmc, add_majors, cite
    df = add_majors(add_nmc(add_atop_alliance(create_dyadyears(system="cow", through=2024))))
    print(cite(df))

Every verb reads the foedus store (a DuckDB connection passed as `con`, or the default store),
returns a new DataFrame, leaves its input as it was, and records in `df.attrs["foedus"]["sources"]`
which dataset and version filled each column.

Adding a step: `ADD_STEPS` maps the names the CLI's `--add` accepts to verbs. `add_register_alliance`
continues the alliance columns past ATOP's coverage with the curated register (1 or NA).
"""

from foedus.panels.alliance import add_alliance_columns
from foedus.panels.atop_alliance import add_atop_alliance
from foedus.panels.cite import cite
from foedus.panels.dyadyears import create_dyadyears
from foedus.panels.majors import add_majors
from foedus.panels.nmc import add_nmc
from foedus.panels.output import write_panel
from foedus.panels.register_alliance import add_register_alliance
from foedus.panels.stateyears import create_stateyears

ADD_STEPS = {"atop": add_atop_alliance, "nmc": add_nmc, "majors": add_majors, "register": add_register_alliance}

__all__ = [
    "ADD_STEPS",
    "add_alliance_columns",
    "add_atop_alliance",
    "add_majors",
    "add_nmc",
    "add_register_alliance",
    "cite",
    "create_dyadyears",
    "create_stateyears",
    "write_panel",
]
