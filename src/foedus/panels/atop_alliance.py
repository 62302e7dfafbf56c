"""ATOP alliance columns: atop_defense, atop_offense, atop_neutral, atop_nonagg, atop_consul.

The rules (ATOP's dyad-year convention, NA after ATOP's coverage end) are in `alliance.py`.
"""

from __future__ import annotations

import pandas as pd

from foedus.panels.alliance import alliance_added
from foedus.panels.frames import Added, with_added

PREFIX = "atop_"
TREATIES = "atop:"


def add_atop_alliance(df: pd.DataFrame, con=None, directed: bool | None = None) -> pd.DataFrame:
    """A new COW state-year or dyad-year frame: `df` with ATOP's five obligation columns.

    Directed dyads get A's obligations toward B; non-directed ones (no row with ccode1 > ccode2,
    or `directed=False`) get 1 if either state owes it. Years past ATOP's coverage are NA.
    """
    return with_added(df, atop_added(df, con, directed))


def atop_added(df: pd.DataFrame, con=None, directed: bool | None = None) -> Added:
    """ATOP's columns for `df`'s rows and their source, without building a frame."""
    return alliance_added(df, con, treaties=TREATIES, prefix=PREFIX, verb="add_atop_alliance", directed=directed)
