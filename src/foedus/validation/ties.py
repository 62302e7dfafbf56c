"""Directed alliance ties on any date, from one read of the store (fast, for thousands of dates).

A tie A→B is A's commitment row paired with B's row of the same treaty phase (ATOP's member-level
convention, as in `foedus.query.commitments`), in force on D when max(entry) <= D < min(exit). It reads the
`commitments` rows as stored (ATOP and register treaties) without the register's post-coverage merge: the
validation works on 1816-2003, inside ATOP's coverage, where the dataset's own dates stand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from foedus.store.schema import CONDITION_FLAGS, OBLIGATIONS

EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class Tie:
    from_ccode: int
    to_ccode: int
    treaty_id: str
    obligations: frozenset[str]
    flags: frozenset[str]
    threats: tuple[int, ...]
    size: int


class TieIndex:
    def __init__(self, con):
        flags = ", ".join(f"coalesce(a.{f}, false) AS {f}" for f in CONDITION_FLAGS)
        obligations = ", ".join(f"a.{o}" for o in OBLIGATIONS)
        frame = con.execute(f"""
            SELECT a.member AS from_ccode, b.member AS to_ccode, a.treaty_id, {obligations}, {flags},
                date_diff('day', DATE '1970-01-01', greatest(a.entry_date, b.entry_date)) AS since,
                date_diff('day', DATE '1970-01-01', least(coalesce(a.exit_date, DATE '9999-12-31'),
                                                          coalesce(b.exit_date, DATE '9999-12-31'))) AS until,
                t.statthr1, t.statthr2, coalesce(len(t.members), 2) AS size
            FROM commitments a JOIN commitments b ON a.treaty_id = b.treaty_id AND a.phase = b.phase
                AND a.member <> b.member
            LEFT JOIN treaties t ON t.treaty_id = a.treaty_id
            WHERE greatest(a.entry_date, b.entry_date)
                  < least(coalesce(a.exit_date, DATE '9999-12-31'), coalesce(b.exit_date, DATE '9999-12-31'))
        """).df()
        self.frame = frame
        self.since = frame["since"].to_numpy(dtype="int64")  # days since 1970-01-01
        self.until = frame["until"].to_numpy(dtype="int64")
        obligation_matrix = frame[list(OBLIGATIONS)].fillna(False).astype(bool).to_numpy()
        flag_matrix = frame[list(CONDITION_FLAGS)].fillna(False).astype(bool).to_numpy()
        names_o, names_f = np.array(OBLIGATIONS), np.array(list(CONDITION_FLAGS))
        self.ties = []
        for i, row in enumerate(frame.itertuples(index=False)):
            threats = tuple(int(t) for t in (row.statthr1, row.statthr2) if pd.notna(t) and t)
            self.ties.append(Tie(int(row.from_ccode), int(row.to_ccode), row.treaty_id,
                                 frozenset(names_o[obligation_matrix[i]].tolist()),
                                 frozenset(names_f[flag_matrix[i]].tolist()), threats, int(row.size)))
        self.by_to: dict[int, np.ndarray] = {
            int(k): np.asarray(v) for k, v in frame.groupby("to_ccode").indices.items()
        }

    def toward(self, state: int, on: dt.date) -> list[Tie]:
        """Ties owed to `state` in force on `on`."""
        rows = self.by_to.get(int(state))
        if rows is None:
            return []
        day = (on - EPOCH).days
        live = rows[(self.since[rows] <= day) & (day < self.until[rows])]
        return [self.ties[i] for i in live]
