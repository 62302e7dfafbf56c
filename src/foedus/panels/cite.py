"""The references of the datasets a panel used, read from its metadata (`df.attrs["foedus"]`).

Users of foedus panels must cite the datasets behind them; `print(cite(df))` lists each dataset
with its version, the columns it filled and its reference.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from foedus.errors import BadInputError
from foedus.ingest.citations import CITATIONS, DATASET_CITATION
from foedus.panels.steps import STEP_DATASETS, STEPS, SYSTEMS

if TYPE_CHECKING:
    import pandas as pd

# no pandas at import: `foedus.panels` binds `cite` eagerly (the CLI's help imports the package)

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
REGISTER = (
    "The foedus curated register (src/foedus/register/data), every entry with its own citations "
    "(`foedus history`, `foedus treaty`); a built panel's citation names the files, the date they were "
    "checked and the entries used."
)
REFERENCES.update({name: CITATIONS[key] for name, key in DATASET_CITATION.items()})
REFERENCES["Interstate wars (revised)"] = (
    'Reiter, Dan, Allan C. Stam, and Michael C. Horowitz. 2016. "A Revised Look at Interstate Wars, 1816-2007." '
    "Journal of Conflict Resolution 60(5): 956-976."
)
# references `cite(datasets=...)` also knows, though not datasets of the store's imports
OTHER_REFERENCES = {"foedus register": REGISTER}


def used(df: pd.DataFrame) -> dict[tuple[str, str], list[str]]:
    """(dataset, version) -> the columns it filled, in column order."""
    from foedus.panels.frames import sources

    found: dict[tuple[str, str], list[str]] = {}
    for column, source in sources(df).items():
        found.setdefault((source.get("dataset", "?"), source.get("version", "?")), []).append(column)
    return found


def cite(df: pd.DataFrame | None = None, datasets: list[str] | None = None) -> str:
    """The references for a panel's datasets (or for `datasets` by name; all known ones by default).

    Args:
        df: A panel built by `foedus.panels`; its `attrs["foedus"]` name the datasets and columns used.
        datasets: Dataset names (as the store's imports name them, e.g. `ATOP`), used when `df` is None.

    Returns:
        One line per dataset, `- NAME ...: reference`; for a panel, each line also names the version and
        the columns the dataset filled.

    Raises:
        BadInputError: `df` has no foedus metadata, or a name in `datasets` has no reference on file.

    Examples:
        >>> from foedus.panels.cite import cite
        >>> cite(datasets=["ATOP"]).startswith("- ATOP: Leeds, Brett Ashley")
        True
    """
    if df is not None:
        entries = used(df)
        if not entries:
            raise BadInputError("", "the frame has no foedus metadata (df.attrs['foedus']); see foedus.panels")
        notes = {key: _citation(df, columns) for key, columns in entries.items()}
        lines = []
        for (dataset, version), columns in entries.items():
            reference = REFERENCES.get(dataset) or notes[(dataset, version)] or "no reference on file"
            lines.append(f"- {dataset} {version} ({_columns(columns)}): {reference}")
        return "\n".join(lines)
    known = {**REFERENCES, **OTHER_REFERENCES}
    names = datasets if datasets is not None else list(REFERENCES)
    unknown = [name for name in names if name not in known]
    if unknown:
        raise BadInputError("", f"no reference on file for {', '.join(unknown)} (known: {', '.join(known)})")
    return "\n".join(f"- {name}: {known[name]}" for name in names)


def step_datasets(system: str = "cow", add=STEPS) -> list[str]:
    """The datasets a panel of `system` with the steps `add` draws on, in order, without repeats."""
    from foedus.panels.plan import parse_add

    key = str(system).lower()
    if key not in SYSTEMS:
        raise BadInputError("system", f"must be cow or gw, not {system!r}")
    names = [*STEP_DATASETS[key], *(name for step in parse_add(add) for name in STEP_DATASETS[step])]
    return list(dict.fromkeys(names))


def cite_steps(system: str = "cow", add=STEPS) -> str:
    """The references of a panel not built yet: its state list and the steps `add` (default: all)."""
    return cite(datasets=step_datasets(system, add))


def read_panel_metadata(path) -> pd.DataFrame:
    """An empty frame carrying the foedus metadata a Parquet panel keeps (for `cite`)."""
    import json
    from pathlib import Path

    import pandas as pd
    import pyarrow.parquet as pq

    from foedus.panels.frames import ATTRS_KEY

    path = Path(path)
    if not path.exists():
        raise BadInputError("panel", f"no such file: {path}")
    try:
        stored = (pq.read_schema(path).metadata or {}).get(b"PANDAS_ATTRS")
    except Exception as exc:  # pyarrow raises several types for non-Parquet input
        raise BadInputError("panel", f"{path} is not a Parquet file ({exc})",
                            fix="cite by --system and --add instead") from None
    attrs = json.loads(stored) if stored else {}
    if ATTRS_KEY not in attrs:
        raise BadInputError("panel", f"{path} has no foedus metadata", fix="cite by --system and --add instead")
    frame = pd.DataFrame()
    frame.attrs = attrs
    return frame


def _citation(df: pd.DataFrame, columns: list[str]) -> str | None:
    """A citation the store recorded with the source (register entries carry their own)."""
    from foedus.panels.frames import sources

    return sources(df)[columns[0]].get("citation")


def _columns(columns: list[str]) -> str:
    if len(columns) <= 6:
        return ", ".join(columns)
    return f"{', '.join(columns[:5])} and {len(columns) - 5} more"
