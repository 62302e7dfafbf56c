"""ATOP alliance columns: atop_defense, atop_offense, atop_neutral, atop_nonagg, atop_consul.

The rules (ATOP's dyad-year convention, NA after ATOP's coverage end) are in `alliance.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from foedus.panels.alliance import alliance_added
from foedus.panels.frames import Added, with_added

if TYPE_CHECKING:
    import pandas as pd

PREFIX = "atop_"
TREATIES = "atop:"


def add_atop_alliance(df: pd.DataFrame, con=None, directed: bool | None = None) -> pd.DataFrame:
    """A new COW state-year or dyad-year frame: `df` with ATOP's five obligation columns.

    Directed dyads get A's obligations toward B; non-directed ones (no row with ccode1 > ccode2,
    or `directed=False`) get 1 if either state owes it. Years past ATOP's coverage are NA.

    Args:
        df: A COW state-year or dyad-year frame (`create_stateyears`, `create_dyadyears`).
        con (duckdb.DuckDBPyConnection): An open store connection; None opens the default store read-only.
        directed: Whether the dyads are directed; None reads it from the rows.

    Returns:
        A copy of `df` with `atop_defense` … `atop_consul` added; `df` itself is not changed.

    Raises:
        BadInputError: `df` is not a COW panel or already has those columns.

    Examples:
        >>> from foedus.panels.atop_alliance import add_atop_alliance
        >>> from foedus.panels.dyadyears import create_dyadyears
        >>> df = add_atop_alliance(create_dyadyears(con, since=1990, through=1990), con)
        >>> "atop_defense" in df.columns
        True

    References:
        Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long. 2002.
        "Alliance Treaty Obligations and Provisions, 1815-1944." International Interactions 28: 237-260.
    """
    return with_added(df, atop_added(df, con, directed))


def atop_added(df: pd.DataFrame, con=None, directed: bool | None = None) -> Added:
    """ATOP's columns for `df`'s rows and their source, without building a frame."""
    return alliance_added(df, con, treaties=TREATIES, prefix=PREFIX, verb="add_atop_alliance", directed=directed)
