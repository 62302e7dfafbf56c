"""The names of the panel steps (`--add` in the CLI, `add=` in the API and `build_panel`) and the
datasets each draws on. No heavy imports: the CLI's help text reads it.
"""

from __future__ import annotations

KINDS = ("dyad-years", "state-years")
SYSTEMS = ("cow", "gw")
STEPS = ("atop", "nmc", "majors", "register")
STEP_HELP = {
    "atop": "ATOP alliance obligations (atop_defense … atop_consul)",
    "nmc": "COW National Material Capabilities (milex … cinc)",
    "majors": "COW major powers (cowmaj)",
    "register": "alliance_* columns: ATOP, continued past its coverage by the curated register (1 or NA)",
}
# what a state list or a step draws on, by reference name (foedus.panels.cite.REFERENCES)
STEP_DATASETS: dict[str, tuple[str, ...]] = {
    "cow": ("COW states",),
    "gw": ("GW states",),
    "atop": ("ATOP",),
    "nmc": ("COW NMC",),
    "majors": ("COW major powers",),
    "register": ("ATOP", "foedus register"),
}
