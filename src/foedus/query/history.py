"""The history of a relationship as a typed answer: every commitment between A and B from any source, as
periods. The rules (the merge, periods per spell, `none` stretches, `change`, uncertainty) are in
:mod:`foedus.query.periods`."""

from __future__ import annotations

from pydantic import PrivateAttr

from foedus.naming import StateNames
from foedus.query.periods import SQL, history, history_payload
from foedus.results import ListResult, Record
from foedus.source import Source

__all__ = ["SQL", "History", "Period", "history", "history_answer", "history_payload"]


class Period(Record):
    """One period of the relationship in one direction (``status`` ``none``: a stretch without commitment)."""

    from_ccode: int
    to_ccode: int
    start: str | None
    start_precision: str | None
    end: str | None
    end_precision: str | None
    obligations: list[str]
    conditions: list[str]
    articles: dict[str, str]
    treaty_id: str | None
    treaty_name: str | None
    phase: int | None
    status: str
    source: Source | None
    source_text: str
    ended_by: Source | None
    confirmed_by: Source | None
    partner_source: Source | None
    coverage_end: str | None
    uncertain: bool
    readings: list[dict]


class History(ListResult):
    """Every period of A↔B, A→B first (`foedus history --json`)."""

    root: list[Period]
    _a: int = PrivateAttr(0)
    _b: int = PrivateAttr(0)
    _notes: list[str] = PrivateAttr(default_factory=list)

    @property
    def a(self) -> int:
        return self._a

    @property
    def b(self) -> int:
        return self._b

    @property
    def notes(self) -> list[str]:
        return self._notes


def history_answer(con, a: str | int, b: str | int, names: StateNames | None = None) -> History:
    """The typed history of A↔B (names or codes); a state paired with itself is an error.

    Args:
        con (duckdb.DuckDBPyConnection): An open store connection (`foedus.store.open_reader`).
        a: State A, by name or COW code.
        b: State B, by name or COW code.
        names: The state names to resolve `a` and `b` with (default: the store's).

    Returns:
        Every period of A↔B, A→B first (`foedus history --json`); `.a` and `.b` are the codes resolved,
        `.notes` says how names were read.

    Raises:
        BadInputError: A name is unknown, or `a` and `b` are the same state.

    Examples:
        >>> from foedus.query.history import history_answer
        >>> answer = history_answer(con, 365, 731)  # Russia and North Korea
        >>> (answer.a, answer.b)
        (365, 731)

    References:
        Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long. 2002.
        "Alliance Treaty Obligations and Provisions, 1815-1944." International Interactions 28: 237-260.
    """
    periods, code_a, code_b, notes = history_payload(con, a, b, names)
    out = History(periods)
    out._a, out._b, out._notes = code_a, code_b, notes
    return out
