"""The references of the datasets a panel used, read from its metadata (`df.attrs["foedus"]`).

Users of foedus panels must cite the datasets behind them; `print(cite(df))` lists each dataset
with its version, the columns it filled and its reference.
"""

from __future__ import annotations

import pandas as pd

from foedus.panels.frames import sources

ATOP = (
    "Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long. 2002. "
    '"Alliance Treaty Obligations and Provisions, 1815-1944." International Interactions 28: 237-260. '
    "ATOP data and codebook: atopdata.org."
)
COW_STATES = 'Correlates of War Project. 2017. "State System Membership List, v2016." correlatesofwar.org.'
GW_STATES = (
    'Gleditsch, Kristian S. and Michael D. Ward. 1999. "Interstate System Membership: A Revised List of '
    'the Independent States since 1816." International Interactions 25: 393-413.'
)
NMC = (
    'Singer, J. David, Stuart Bremer, and John Stuckey. 1972. "Capability Distribution, Uncertainty, and '
    'Major Power War, 1820-1965." (National Material Capabilities, v7.)'
)

# store dataset name (imports.dataset) -> reference; the major-power list ships with the COW state list
REFERENCES = {
    "ATOP": ATOP,
    "COW states": COW_STATES,
    "COW major powers": COW_STATES,
    "GW states": GW_STATES,
    "COW NMC": NMC,
}
# what each panel step draws on, for citing a panel before building it
STEP_DATASETS = {
    "cow": "COW states", "gw": "GW states", "atop": "ATOP", "nmc": "COW NMC", "majors": "COW major powers",
}


def used(df: pd.DataFrame) -> dict[tuple[str, str], list[str]]:
    """(dataset, version) -> the columns it filled, in column order."""
    found: dict[tuple[str, str], list[str]] = {}
    for column, source in sources(df).items():
        found.setdefault((source.get("dataset", "?"), source.get("version", "?")), []).append(column)
    return found


def cite(df: pd.DataFrame | None = None, datasets: list[str] | None = None) -> str:
    """The references for a panel's datasets (or for `datasets` by name; all known ones by default)."""
    if df is not None:
        entries = used(df)
        if not entries:
            raise ValueError("the frame has no foedus metadata (df.attrs['foedus']); see foedus.panels")
        notes = {key: _citation(df, columns) for key, columns in entries.items()}
        lines = []
        for (dataset, version), columns in entries.items():
            reference = REFERENCES.get(dataset) or notes[(dataset, version)] or "no reference on file"
            lines.append(f"- {dataset} {version} ({_columns(columns)}): {reference}")
        return "\n".join(lines)
    names = datasets if datasets is not None else list(REFERENCES)
    unknown = [name for name in names if name not in REFERENCES]
    if unknown:
        raise ValueError(f"no reference on file for {', '.join(unknown)} (known: {', '.join(REFERENCES)})")
    return "\n".join(f"- {name}: {REFERENCES[name]}" for name in names)


def _citation(df: pd.DataFrame, columns: list[str]) -> str | None:
    """A citation the store recorded with the source (register entries carry their own)."""
    return sources(df)[columns[0]].get("citation")


def _columns(columns: list[str]) -> str:
    if len(columns) <= 6:
        return ", ".join(columns)
    return f"{', '.join(columns[:5])} and {len(columns) - 5} more"
