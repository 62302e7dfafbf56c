"""The merged directed commitments as an interval table, computed once per store build.

`foedus.query.commitments` defines the merge of the datasets and the register (precedence, accessions,
status after coverage). Evaluating it for each date costs a full query (about 0.25 s); but everything
it depends on changes only at known dates: entries, exits, a dataset's coverage end, a register event's
window and check date, a term's end. This module cuts every member's commitment row at those dates into
segments on which the answer is constant, pairs the members of each treaty phase, and keeps the result
as one table of directed intervals ``[start, end)`` (``end`` open while in force) with the obligations,
conditions, sources, the legacy ``status`` and the status tier (`tier`, `status_reason`). A date's slice
is then a range lookup (:func:`slice_on`), and a dyad or a state an index lookup.

Status tiers (one rule for every command; see README "Status after coverage"):

- ``confirmed``: inside the dataset's coverage (the dataset codes it), or a register entry confirms it on
  that date: a register treaty or accession up to its entry's check date, or a confirmation, extension
  or termination window of the dataset treaty that covers the date (up to the entry's check date).
- ``presumed``: in force at the end of the dataset (or when the register entry was checked), no
  termination or withdrawal known to the register, and a term that has not run out: no fixed term,
  explicitly indefinite, until an event none has reported, within a term known to run past the date, or
  renewing automatically by the treaty's own rule (ATOP ``proren = 2``; a register ``renewal:
  automatic``).
- ``unknown``: anything else (a fixed term ended with no renewal recorded; a term ATOP does not code).

The table is computed once per store build: :func:`materialise` (run by the store builder on the new
database file before the swap, :data:`foedus.store.build.AFTER_LOAD`) writes it into the file's tables
``asof_intervals`` and ``asof_build``; :func:`build` reads it from there (Arrow, a few tens of ms) when its
fingerprint (:func:`fingerprint`, the store's ``imports``) and the code that derives it match, and computes
it otherwise (an in-memory test store, a supposed world: the copy's ``imports`` differ, a file built by an
older foedus). Either way it is cached in memory under the fingerprint, so a rebuilt or swapped database is
never answered from a stale table.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from foedus.query.asof import (
    BUILD_TABLE,
    DEFAULT_STATUS,
    LEAST_RANK,
    STATUS_CHOICES,
    TABLE,
    TIERS,
    Notes,
    check_status,
    fingerprint,
    projection_text,
    register_checked,
)
from foedus.store.schema import CONDITION_FLAGS, OBLIGATIONS

__all__ = ["BUILD_TABLE", "DEFAULT_STATUS", "STATUS_CHOICES", "TABLE", "TIERS", "Intervals", "build", "check_status",
           "clear_cache", "code_version", "fingerprint", "load", "materialise", "projection_warning",
           "select_status", "slice_on"]

_OPEN = np.iinfo(np.int64).max
_EPOCH = dt.date(1970, 1, 1)
_FLAGS = tuple(CONDITION_FLAGS)


def _days(value) -> int | None:
    if value is None or value is pd.NaT or (not isinstance(value, dt.date) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        value = value.date()
    return (value - _EPOCH).days


def _iso(days: int | None) -> str | None:
    return None if days is None or days == _OPEN else (_EPOCH + dt.timedelta(days=int(days))).isoformat()


def _add_months(days: int, months: int) -> int:
    day = _EPOCH + dt.timedelta(days=int(days))
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return _days(dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1])))


def _int(value) -> int | None:
    try:
        return None if value is None or pd.isna(value) else int(value)
    except (TypeError, ValueError):
        return None


# --- the term rule ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A treaty's term: when its current term ends (if known) and whether it renews by its own rule."""

    kind: str  # 'indefinite', 'event', 'fixed', 'uncoded'
    end: int | None = None  # end of the term current at the last known status (exclusive), days
    automatic: bool = False
    renewal_months: int | None = None
    origin: str = ""  # where the rule comes from

    def boundaries(self) -> list[int]:
        return [] if self.end is None else [self.end]

    def judge(self, day: int) -> tuple[bool, str]:
        """(term not run out on `day`, why)."""
        if self.kind == "indefinite":
            return True, f"no fixed term ({self.origin})"
        if self.kind == "event":
            return True, f"in force until an event the treaty names, none recorded ({self.origin})"
        if self.kind == "uncoded":
            return True, f"term not coded ({self.origin}); no end known"
        if self.end is not None and day < self.end:
            return True, f"current term runs to {_iso(self.end)} ({self.origin})"
        if self.automatic:
            every = f" every {self.renewal_months} months" if self.renewal_months else ""
            text = f"renews automatically{every} by the treaty's own rule ({self.origin})"
            if self.end is not None and self.renewal_months:
                current = self.end
                while current <= day:
                    current = _add_months(current, self.renewal_months)
                text = f"term ended {_iso(self.end)}; {text}: current term to {_iso(current)} unless a party objected"
            return True, text
        return False, f"fixed term ended {_iso(self.end)} with no renewal recorded ({self.origin})"


def _atop_term(attributes: dict, begin: int | None, coverage_end: int | None, register_end: int | None) -> Term:
    speclgth = _int(attributes.get("speclgth"))
    length = _int(attributes.get("length")) or 0
    proren = _int(attributes.get("proren"))
    renewlgt = _int(attributes.get("renewlgt")) or None
    if register_end is not None:
        return Term("fixed", register_end, proren == 2, renewlgt, f"register term end; ATOP proren={proren}")
    if speclgth in (0, 3):
        return Term("indefinite", origin=f"ATOP speclgth={speclgth}")
    if speclgth == 2:
        return Term("event", origin="ATOP speclgth=2")
    if speclgth == 1 and begin is not None and length:
        automatic = proren == 2
        end = _add_months(begin, length)
        step = renewlgt or length
        while coverage_end is not None and end <= coverage_end:
            end = _add_months(end, step)  # ATOP codes it in force at coverage end: it was renewed
        origin = f"ATOP length={length} months, proren={proren}, renewlgt={renewlgt or 0}"
        return Term("fixed", end, automatic, renewlgt, origin)
    return Term("uncoded", origin="ATOP does not code the term")


def _register_term(attributes: dict) -> Term:
    end = attributes.get("term_end")
    renewal = attributes.get("renewal")
    months = _int(attributes.get("renewal_months"))
    if end:
        from foedus.register.model import day

        return Term("fixed", _days(day(str(end))), renewal == "automatic", months, "register term")
    text = attributes.get("term")
    indefinite = isinstance(text, str) and text.lower().startswith(("indefinite", "until terminated"))
    if renewal == "indefinite" or indefinite:
        return Term("indefinite", origin=f"register term: {text or 'indefinite'}")
    return Term("uncoded", origin=f"register term: {text}" if text else "register records no term")


# --- side segments ------------------------------------------------------------------------------------


@dataclass
class _Event:
    event_id: str
    members: list | None
    start: int | None
    until: int | None
    checked: int | None
    term_end: int | None

    def concerns(self, member: int) -> bool:
        return self.members is None or member in self.members

    def covers(self, day: int) -> bool:
        return (self.start is None or self.start <= day) and (self.until is None or day < self.until)


@dataclass
class _Side:
    """The rule for one member's commitment row (what it needs to judge any date)."""

    member: int
    entry: int
    exit: int  # effective exit (dataset exit or register termination), _OPEN if none
    dataset: bool
    exit_known: bool
    coverage_end: int | None
    coverage_label: str
    register_entry: str | None
    register_checked: int | None
    events: list[_Event] = field(default_factory=list)
    term: Term | None = None

    def cuts(self) -> set[int]:
        points = {self.entry}
        for e in self.events:
            points.update(p for p in (e.start, e.until) if p is not None)
            if e.checked is not None:
                points.add(e.checked + 1)
        if self.dataset and not self.exit_known and self.coverage_end is not None:
            points.add(self.coverage_end + 1)
        if not self.dataset and self.register_checked is not None:
            points.add(self.register_checked + 1)
        if self.term is not None:
            points.update(self.term.boundaries())
        return {p for p in points if self.entry <= p < self.exit}

    def judge(self, day: int) -> tuple[bool, str | None, int, str]:
        """(past coverage, legacy confirming entry, tier rank, reason) on `day`.

        The legacy entry is the merge's `confirmed_entry` (the first register event covering the day, past
        the check date too); it is reported as `confirmed_by` only past coverage, as before tiers existed.
        """
        covering = sorted(e.event_id for e in self.events if e.covers(day))
        legacy = covering[0] if covering else None
        if self.dataset and (self.exit_known or self.coverage_end is None or day <= self.coverage_end):
            return False, legacy, 2, f"coded in force by {self.coverage_label} (coverage to {_iso(self.coverage_end)})"
        if self.dataset:
            confirming = [e for e in self.events if e.covers(day) and e.checked is not None and day <= e.checked]
            if confirming:
                e = min(confirming, key=lambda x: x.event_id)
                return True, legacy, 2, f"register entry {e.event_id} confirms it in force (checked {_iso(e.checked)})"
            checked = max((e.checked for e in self.events if e.checked is not None), default=None)
            base = f"in force at the end of {self.coverage_label} coverage ({_iso(self.coverage_end)})"
            if checked is not None:
                base += f", no termination or withdrawal known to the register (checked {_iso(checked)})"
            else:
                base += ", no termination or withdrawal known to the register"
            ok, why = self.term.judge(day) if self.term else (True, "no term known")
            return True, legacy, 1 if ok else 0, f"{base}; {why}"
        if self.register_checked is not None and day <= self.register_checked:
            return False, legacy, 2, (
                f"register entry {self.register_entry} confirms it (checked {_iso(self.register_checked)})"
            )
        ok, why = self.term.judge(day) if self.term else (True, "no term known")
        base = (
            f"in force when register entry {self.register_entry} was checked ({_iso(self.register_checked)}), "
            "no end known to the register"
        )
        return False, legacy, 1 if ok else 0, f"{base}; {why}"

    def segments(self) -> list[tuple[int, int, bool, str | None, int, str]]:
        points = sorted(self.cuts())
        out: list[list] = []
        for i, start in enumerate(points):
            end = points[i + 1] if i + 1 < len(points) else self.exit
            state = self.judge(start)
            if out and tuple(out[-1][2:]) == state:
                out[-1][1] = end
            else:
                out.append([start, end, *state])
        return [tuple(s) for s in out]


# --- the build ----------------------------------------------------------------------------------------

_ROW_COLUMNS = ["since", "until", "coverage_end"]


def _rows(con) -> pd.DataFrame:
    from foedus.query.commitments import BASE

    return con.execute(
        BASE
        + """
SELECT b.*, coalesce(b.exit_date, b.register_exit) AS effective_exit,
    s.kind AS source_kind, s.dataset AS source_dataset, s.version AS source_version, s.file AS source_file,
    s.line AS source_line, s.entry AS source_entry, s.citation AS source_citation,
    json_extract_string(own.attributes, '$.checked') AS entry_checked,
    own.attributes AS own_attributes, pt.attributes AS pair_attributes, pt.dataset AS pair_dataset,
    pt.begin_date AS pair_begin, pt.coverage_end AS pair_coverage_end
FROM base b
JOIN sources s ON s.source_id = b.source_id
LEFT JOIN treaties own ON own.treaty_id = b.treaty_id
LEFT JOIN treaties pt ON pt.treaty_id = b.pair_id
"""
    ).df()


def _events(con) -> dict[str, list[_Event]]:
    out: dict[str, list[_Event]] = {}
    rows = con.execute(
        "SELECT event_id, treaty_id, members, in_force_from, in_force_until, checked, term_end FROM treaty_events "
        "WHERE action IN ('confirmation', 'extension', 'termination')"
    ).fetchall()
    for event_id, tid, members, start, until, checked, term_end in rows:
        out.setdefault(tid, []).append(
            _Event(event_id, list(members) if members is not None else None, _days(start), _days(until),
                   _days(checked), _days(term_end))
        )
    return out


def _side(row: dict, events: dict[str, list[_Event]]) -> _Side:
    dataset = row["source_kind"] != "register"
    member = int(row["member"])
    mine = [e for e in events.get(row["pair_id"], []) if e.concerns(member)]
    pair_attributes = json.loads(row["pair_attributes"]) if isinstance(row["pair_attributes"], str) else {}
    own_attributes = json.loads(row["own_attributes"]) if isinstance(row["own_attributes"], str) else {}
    coverage_end = _days(row["coverage_end"])
    if row["pair_dataset"] == "ATOP":
        register_end = max((e.term_end for e in mine if e.term_end is not None), default=None)
        term = _atop_term(pair_attributes, _days(row["pair_begin"]), _days(row["pair_coverage_end"]), register_end)
    else:
        term = _register_term(own_attributes)
    checked = row["entry_checked"] if isinstance(row["entry_checked"], str) else row["source_version"]
    register_checked = None
    if not dataset and isinstance(checked, str):
        from foedus.register.model import day

        register_checked = _days(day(checked))
    exit_ = _days(row["effective_exit"])
    return _Side(
        member=member,
        entry=_days(row["entry_date"]),
        exit=_OPEN if exit_ is None else exit_,
        dataset=dataset,
        exit_known=_days(row["exit_date"]) is not None,
        coverage_end=coverage_end,
        coverage_label=f"{row['source_dataset']} {row['source_version']}",
        register_entry=row["source_entry"] if not dataset else None,
        register_checked=register_checked,
        events=mine,
        term=term,
    )


def _segments(rows: pd.DataFrame, events) -> pd.DataFrame:
    out = []
    for key, row in enumerate(rows.to_dict("records")):
        side = _side(row, events)
        for start, end, past, legacy, rank, reason in side.segments():
            out.append((key, row["pair_id"], int(row["phase"]), side.member, start, end, past, legacy, rank, reason))
    return pd.DataFrame(
        out, columns=["key", "pair_id", "phase", "member", "start", "end", "past", "legacy", "rank", "reason"]
    )


def _pair(segments: pd.DataFrame) -> pd.DataFrame:
    pairs = segments.merge(segments, on=["pair_id", "phase"], suffixes=("_a", "_b"))
    pairs = pairs[pairs.member_a != pairs.member_b]
    start = np.maximum(pairs.start_a.to_numpy(), pairs.start_b.to_numpy())
    end = np.minimum(pairs.end_a.to_numpy(), pairs.end_b.to_numpy())
    keep = start < end
    pairs = pairs[keep].assign(start=start[keep], end=end[keep])
    return pairs.reset_index(drop=True)


def _pair_fields(pairs: pd.DataFrame) -> pd.DataFrame:
    a_unknown = pairs.past_a & pairs.legacy_a.isna()
    b_unknown = pairs.past_b & pairs.legacy_b.isna()
    status = np.where(a_unknown | b_unknown, "unknown_after_coverage", "in_force")
    past = pairs.past_a | pairs.past_b
    confirmed = pairs.legacy_a.where(pairs.legacy_a.notna(), pairs.legacy_b).where(past, None)
    rank = np.minimum(pairs.rank_a.to_numpy(), pairs.rank_b.to_numpy())
    same = pairs.reason_a == pairs.reason_b
    reason = np.where(
        same,
        pairs.reason_a,
        np.where(
            pairs.rank_b < pairs.rank_a,
            "partner: " + pairs.reason_b + "; own: " + pairs.reason_a,
            pairs.reason_a + "; partner: " + pairs.reason_b,
        ),
    )
    return pd.DataFrame(
        {
            "key_a": pairs.key_a.to_numpy(),
            "key_b": pairs.key_b.to_numpy(),
            "start": pairs.start.to_numpy(),
            "end": pairs.end.to_numpy(),
            "status": status,
            "confirmed_by": confirmed.to_numpy(),
            "a_past": pairs.past_a.to_numpy(),
            "rank": rank,
            "status_reason": reason,
        }
    )


def _lookups(con) -> dict:
    confirmed = con.execute(
        "SELECT e.event_id, s.dataset, s.citation, e.checked FROM treaty_events e JOIN sources s USING (source_id)"
    ).df().set_index("event_id")
    articles = con.execute(
        "SELECT t.treaty_id, coalesce(json_extract_string(t.attributes, '$.articles'), "
        "(SELECT min(e.articles) FROM treaty_events e WHERE e.treaty_id = t.treaty_id AND e.articles IS NOT NULL)) "
        "AS articles, t.dataset, t.name, "
        "(SELECT min(e.name) FROM treaty_events e WHERE e.treaty_id = t.treaty_id AND e.name IS NOT NULL) "
        "AS event_name FROM treaties t"
    ).df().set_index("treaty_id")
    return {"confirmed": confirmed, "treaties": articles}


class _PairIndex(Mapping):
    """(from, to) -> positions of its rows; the table is sorted by (from, to), so each pair's rows are a run."""

    def __init__(self, a: np.ndarray, b: np.ndarray):
        keys = a.astype(np.int64) * _KEY + b.astype(np.int64)
        if len(keys) > 1 and not bool(np.all(keys[1:] >= keys[:-1])):
            raise ValueError("the interval table is not sorted by (from_ccode, to_ccode)")
        bounds = np.flatnonzero(np.diff(keys)) + 1
        self._first = np.concatenate([[0], bounds]).astype(np.int64)
        self._stop = np.concatenate([bounds, [len(keys)]]).astype(np.int64)
        self._keys = keys[self._first] if len(keys) else keys

    def __getitem__(self, pair: tuple[int, int]) -> np.ndarray:
        key = int(pair[0]) * _KEY + int(pair[1])
        i = int(np.searchsorted(self._keys, key))
        if i >= len(self._keys) or self._keys[i] != key:
            raise KeyError(pair)
        return np.arange(self._first[i], self._stop[i], dtype=np.int64)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return ((k // _KEY, k % _KEY) for k in self._keys.tolist())

    def __len__(self) -> int:
        return len(self._keys)


class _StateIndex(Mapping):
    """State -> positions of the rows it owes or is owed, ascending."""

    def __init__(self, a: np.ndarray, b: np.ndarray):
        codes = np.concatenate([a, b]).astype(np.int64)
        order = np.argsort(codes, kind="stable")
        self._rows = np.concatenate([np.arange(len(a)), np.arange(len(b))]).astype(np.int64)[order]
        codes = codes[order]
        bounds = np.flatnonzero(np.diff(codes)) + 1
        self._first = np.concatenate([[0], bounds]).astype(np.int64)
        self._stop = np.concatenate([bounds, [len(codes)]]).astype(np.int64)
        self._codes = codes[self._first] if len(codes) else codes

    def __getitem__(self, code: int) -> np.ndarray:
        i = int(np.searchsorted(self._codes, int(code)))
        if i >= len(self._codes) or self._codes[i] != int(code):
            raise KeyError(code)
        return np.sort(self._rows[self._first[i]:self._stop[i]])

    def __iter__(self) -> Iterator[int]:
        return iter(self._codes.tolist())

    def __len__(self) -> int:
        return len(self._codes)


_KEY = 100_000
_TAKE = 2_000
"""Slices of at most this many rows are converted from Arrow directly (a dyad, a state); larger ones read the
pandas table (converted once)."""


class Intervals:
    """The interval table of directed commitments and its indexes (see the module docstring).

    ``table`` is the pandas form (the merge's columns); a table read from the store file is kept as Arrow and
    converted to pandas on first use of ``table``; :meth:`frame` converts only the rows asked for.
    """

    def __init__(self, table: pd.DataFrame | None, start: np.ndarray, end: np.ndarray, rank: np.ndarray,
                 from_ccode: np.ndarray, to_ccode: np.ndarray, notes: _Notes, register_checked: dt.date | None,
                 fingerprint: str, arrow=None, stored: bool = False):
        self._table = table
        self._arrow = arrow
        self._lock = threading.Lock()
        self.start, self.end, self.rank = start, end, rank
        self.from_ccode, self.to_ccode = np.asarray(from_ccode), np.asarray(to_ccode)
        self.by_pair: Mapping[tuple[int, int], np.ndarray] = _PairIndex(from_ccode, to_ccode)
        self.by_state: Mapping[int, np.ndarray] = _StateIndex(from_ccode, to_ccode)
        self.notes = notes
        self.register_checked = register_checked
        self.fingerprint = fingerprint
        self.stored = stored  # read from the store file's tables (not computed in this process)
        self._plain: _Plain | None = None
        self._records: tuple[object, dict] | None = None  # (names, position -> (record, obligation types))

    @property
    def table(self) -> pd.DataFrame:
        if self._table is None:
            with self._lock:
                if self._table is None:
                    self._table = _to_pandas(self._arrow)
        return self._table

    def __len__(self) -> int:
        return len(self.start)

    def frame(self, rows: np.ndarray) -> pd.DataFrame:
        """The rows at positions `rows`, as a pandas frame with a fresh index."""
        if self._table is None and len(rows) <= _TAKE:
            return _to_pandas(self._arrow.take(rows))
        return self.table.iloc[rows].reset_index(drop=True)

    def rows_on(self, day: dt.date, index: np.ndarray | None = None, status: str = "any") -> np.ndarray:
        """Positions of the rows in force on `day` (among `index`, when given) whose tier `status` counts."""
        d = _days(day)
        least = LEAST_RANK[status]
        if index is None:
            keep = (self.start <= d) & (d < self.end)
            if least:
                keep &= self.rank >= least
            return np.flatnonzero(keep)
        keep = (self.start[index] <= d) & (d < self.end[index])
        if least:
            keep &= self.rank[index] >= least
        return index[keep]

    # --- plain rows: the JSON answers without a pandas frame per query -----------------------------------

    @property
    def plain(self) -> _Plain:
        """The table's columns as Python values (built once, on first use: tens of ms)."""
        if self._plain is None:
            with self._lock:
                if self._plain is None:
                    self._plain = _Plain(self._arrow if self._arrow is not None else _to_arrow(self._table))
        return self._plain

    def pair_rows(self, a: int, b: int, day: dt.date, status: str = "any") -> np.ndarray:
        """Positions of the rows of the dyad A-B in force on `day` whose tier `status` counts: A→B rows first, each
        direction by treaty (the table is sorted by (from, to, treaty, phase))."""
        a, b = int(a), int(b)
        index = np.concatenate([self.by_pair.get((a, b), _NONE), self.by_pair.get((b, a), _NONE)])
        return self.rows_on(day, index, status)

    def state_rows(self, code: int, day: dt.date, status: str = "any") -> np.ndarray:
        """Positions of the rows `code` owes or is owed on `day` whose tier `status` counts: by partner, then
        direction (from code), then treaty, then table order."""
        code = int(code)
        rows = self.rows_on(day, self.by_state.get(code, _NONE), status)
        a, b = self.from_ccode[rows], self.to_ccode[rows]
        partner = np.where(a == code, b, a)
        treaty = self.plain.column("treaty_id")[rows]
        return rows[np.array(sorted(range(len(rows)), key=lambda i: (partner[i], a[i], treaty[i])), dtype=np.int64)]

    def records(self, rows: np.ndarray, day: dt.date, wanted: tuple[str, ...], names=None) -> list[dict]:
        """The JSON records (:func:`foedus.query.rows.commitment_record`, keys in contract order) of the rows at
        positions `rows` that carry one of the obligation types `wanted`, with the register status notes in force
        on `day`: the records the rows of :meth:`plain_rows` give. A row's record is made once for a `names` and
        kept (at most :data:`_RECORDS_KEPT`; the notes of the day are added to a copy); the nested values are
        shared, so callers must not modify them."""
        from foedus.query.rows import commitment_record, in_contract_order, missing

        slot = self._records
        if slot is None or slot[0] is not names:
            slot = self._records = (names, {})
        kept = slot[1]
        positions = rows.tolist()
        entries = [kept.get(p) for p in positions]
        todo = [i for i, entry in enumerate(entries) if entry is None]
        if todo:
            if len(kept) + len(todo) > _RECORDS_KEPT:
                kept.clear()
            made = self.plain.rows(np.array([positions[i] for i in todo], dtype=np.int64))
            for i, row in zip(todo, made, strict=True):
                row["status_notes"] = None  # the day's notes are added below
                present = frozenset(t for t in OBLIGATIONS if not missing(row[t]) and bool(row[t]))
                entries[i] = kept[positions[i]] = (in_contract_order(commitment_record(row, names)), present)
        every = set(wanted) == set(OBLIGATIONS)
        live = self.notes.live(_days(day)) if self.notes.size else []
        out = []
        for record, present in entries:
            if not every and not any(t in present for t in wanted):
                continue
            text = self.notes.text_for(live, record["treaty_id"], record["from_ccode"], record["to_ccode"]) \
                if live else None
            out.append({**record, "status_notes": text.split(" | ")} if isinstance(text, str) and text
                       else dict(record))
        return out

    def plain_rows(self, rows: np.ndarray, day: dt.date) -> list[dict]:
        """The rows at positions `rows` as dicts of Python values (the DuckDB reader's form), with the register
        status notes in force on `day` (the same values :func:`slice_on` gives, one dict per row)."""
        out = self.plain.rows(rows)
        if out and self.notes.size:
            live = self.notes.live(_days(day))
            for row in out:
                row["status_notes"] = (self.notes.text_for(live, row["treaty_id"], row["from_ccode"], row["to_ccode"])
                                       if live else None)
        return out


def _to_pandas(arrow) -> pd.DataFrame:
    return arrow.to_pandas()


_NONE = np.array([], dtype=np.int64)
_RECORDS_KEPT = 20_000
"""JSON records kept per interval table (about 1.5 kB each): past it the kept ones are dropped and made again."""


def _to_arrow(frame: pd.DataFrame):
    """A pandas interval table as Arrow, as it is stored: text columns as strings (a column with no value yet must
    not become a number column), NaN as null."""
    import pyarrow as pa

    schema = pa.Schema.from_pandas(frame, preserve_index=False)
    for i, name in enumerate(schema.names):
        if frame[name].dtype == object:
            schema = schema.set(i, pa.field(name, pa.string()))
    return pa.Table.from_pandas(frame, schema=schema, preserve_index=False)


class _Plain:
    """The columns of an Arrow interval table as numpy arrays of Python values: booleans and integers without
    missing values as numpy arrays, everything else as object arrays whose equal values share one Python object
    (dictionary-encoded, so the few hundred distinct texts and dates are made once). A slice's rows are then a
    gather per column and one dict per row, with the values the DuckDB reader gives (None for a missing value,
    ``datetime.datetime`` for a timestamp)."""

    def __init__(self, arrow):
        self.names = list(arrow.column_names)
        self._columns = [_plain_column(arrow.column(name)) for name in self.names]
        self._by_name = dict(zip(self.names, self._columns, strict=True))

    def column(self, name: str) -> np.ndarray:
        return self._by_name[name]

    def rows(self, rows: np.ndarray) -> list[dict]:
        names = self.names
        values = [column[rows].tolist() for column in self._columns]
        return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]


def _plain_column(column) -> np.ndarray:
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if column.null_count == 0 and (pa.types.is_boolean(kind) or pa.types.is_integer(kind)):
        return column.to_numpy()
    encoded = pc.dictionary_encode(column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column)
    values = np.empty(len(encoded.dictionary) + 1, dtype=object)
    values[:-1] = encoded.dictionary.to_pylist()  # the last slot: None, for missing values
    values[-1] = None
    indices = encoded.indices.fill_null(len(encoded.dictionary)).to_numpy(zero_copy_only=False)
    return values[indices.astype(np.int64)]


def _assemble(con, fingerprint: str) -> Intervals:
    rows = _rows(con)
    segments = _segments(rows, _events(con))
    pairs = _pair_fields(_pair(segments))
    a = rows.iloc[pairs.key_a.to_numpy()].reset_index(drop=True)
    b = rows.iloc[pairs.key_b.to_numpy()].reset_index(drop=True)
    look = _lookups(con)
    treaties = look["treaties"].reindex(a.pair_id.to_numpy())
    conf = look["confirmed"].reindex(pairs.confirmed_by.to_numpy())
    b_register = (b.source_kind == "register") & (a.source_kind != "register")
    # a pair that exists only because its partner's row is supposed (foedus.suppose) takes that supposition as its
    # source, so the answer says it is hypothetical
    own = a[[c for c in a.columns if c.startswith("source_")]].copy()
    supposed = ((b.source_dataset == "supposition") & (a.source_dataset != "supposition")).to_numpy()
    own.loc[supposed] = b.loc[supposed, own.columns].to_numpy()
    unknown = pairs.status == "unknown_after_coverage"
    coverage_source = np.where(
        unknown & ~pairs.a_past,
        b.source_dataset + " " + b.source_version.fillna(""),
        a.source_dataset + " " + a.source_version.fillna(""),
    )
    from foedus.query.treaty_names import treaty_names

    names = treaty_names(con)
    tids = a.pair_id.to_numpy()
    table = pd.DataFrame(
        {
            "from_ccode": a.member.astype("int32").to_numpy(),
            "to_ccode": b.member.astype("int32").to_numpy(),
            "treaty_id": tids,
            "phase": a.phase.astype("int32").to_numpy(),
            **{ob: a[ob].to_numpy() for ob in OBLIGATIONS},
            **{flag: a[flag].to_numpy() for flag in _FLAGS},
            "obvary": a.obvary.to_numpy(),
            "since": np.maximum(a.entry_date.to_numpy(), b.entry_date.to_numpy()),
            "until": pd.concat([a.effective_exit, b.effective_exit], axis=1).min(axis=1).to_numpy(),
            "coverage_end": a.coverage_end.where(a.coverage_end.notna(), b.coverage_end).to_numpy(),
            "status": pairs.status.to_numpy(),
            "confirmed_by": pairs.confirmed_by.to_numpy(),
            "treaty_name": [names.get(t) for t in tids],
            "treaty_dataset": treaties.dataset.to_numpy(),
            "source_kind": own.source_kind.to_numpy(),
            "source_dataset": own.source_dataset.to_numpy(),
            "source_version": own.source_version.to_numpy(),
            "source_file": own.source_file.to_numpy(),
            "source_line": own.source_line.to_numpy(),
            "source_entry": own.source_entry.to_numpy(),
            "source_citation": own.source_citation.to_numpy(),
            "partner_entry": b.source_entry.where(b_register, None).to_numpy(),
            "partner_citation": b.source_citation.where(b_register, None).to_numpy(),
            "coverage_source": coverage_source,
            "confirmed_file": conf.dataset.to_numpy(),
            "confirmed_citation": conf.citation.to_numpy(),
            "confirmed_checked": pd.to_datetime(conf.checked).to_numpy(),
            "articles": treaties.articles.to_numpy(),
            "status_notes": None,
            "tier": np.array(TIERS, dtype=object)[pairs["rank"].to_numpy()],
            "status_reason": pairs.status_reason.to_numpy(),
            "_start": pairs.start.to_numpy(),
            "_end": pairs.end.to_numpy(),
        }
    )
    # one row per (from, to, treaty, phase) on any date: a partner's breakpoints split the row's segments
    table = table.sort_values(["from_ccode", "to_ccode", "treaty_id", "phase", "_start"], kind="stable")
    table = table.reset_index(drop=True)
    start = table.pop("_start").to_numpy(dtype=np.int64)
    end = table.pop("_end").to_numpy(dtype=np.int64)
    rank = pd.Series(table.tier).map({t: i for i, t in enumerate(TIERS)}).to_numpy(dtype=np.int8)
    notes = _Notes.read(con)
    return Intervals(table, start, end, rank, table.from_ccode.to_numpy(), table.to_ccode.to_numpy(), notes,
                     register_checked(con), fingerprint)


# --- the cache ----------------------------------------------------------------------------------------

_CACHE: OrderedDict[str, Intervals] = OrderedDict()
_LOCK = threading.Lock()
_CACHE_SIZE = 4


def cached(key: str) -> bool:
    """The table of build `key` (:func:`fingerprint`) is in memory."""
    with _LOCK:
        return key in _CACHE


def build(con) -> Intervals:
    """The interval table of this store build: from memory, else from the store file's tables (when their
    fingerprint and code version match), else computed; then cached."""
    key = fingerprint(con)
    with _LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
            return found
    built = load(con, key) or _assemble(con, key)
    _remember(key, built)
    return built


def _remember(key: str, built: Intervals) -> None:
    with _LOCK:
        _CACHE[key] = built
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)


# --- stored in the database file -----------------------------------------------------------------------

# TABLE, BUILD_TABLE and the code digest: foedus.query.asof (the DuckDB reader checks the same build and code).
_CODE: str | None = None
"""An override of the code digest (tests set it to stand for another version of the code)."""


def code_version() -> str:
    """The digest of the code that derives the table (:func:`foedus.query.asof.code_version`)."""
    from foedus.query import asof

    return _CODE or asof.code_version()


def materialise(con) -> Intervals:
    """Compute the interval table of the store on `con` and write it into the file (``asof_intervals``, with
    ``asof_build`` holding its fingerprint and code version), replacing an older one. The store builder calls
    it on the new file before the swap (:data:`foedus.store.build.AFTER_LOAD`)."""

    key = fingerprint(con)
    built = _assemble(con, key)
    frame = built.table.assign(_start=built.start, _end=built.end, _rank=built.rank)
    arrow = _to_arrow(frame)
    con.register("_foedus_intervals", arrow)
    try:
        con.execute(f"CREATE OR REPLACE TABLE {TABLE} AS SELECT * FROM _foedus_intervals")
    finally:
        con.unregister("_foedus_intervals")
    con.execute(f"CREATE OR REPLACE TABLE {BUILD_TABLE} (fingerprint VARCHAR, code VARCHAR, row_count BIGINT)")
    con.execute(f"INSERT INTO {BUILD_TABLE} VALUES (?, ?, ?)", [key, code_version(), len(frame)])
    _remember(key, built)
    return built


def load(con, key: str | None = None) -> Intervals | None:
    """The interval table stored in the file on `con`, or None when there is none or it belongs to another
    build (fingerprint) or another version of the code."""
    import duckdb

    key = key if key is not None else fingerprint(con)
    try:
        found = con.execute(f"SELECT fingerprint, code, row_count FROM {BUILD_TABLE}").fetchone()
    except duckdb.CatalogException:
        return None
    if found is None or found[0] != key or found[1] != code_version():
        return None
    arrow = con.execute(f"SELECT * FROM {TABLE}").to_arrow_table()
    if arrow.num_rows != found[2]:
        return None
    start = arrow.column("_start").to_numpy()
    end = arrow.column("_end").to_numpy()
    rank = arrow.column("_rank").to_numpy().astype(np.int8)
    from_ccode = arrow.column("from_ccode").to_numpy()
    to_ccode = arrow.column("to_ccode").to_numpy()
    arrow = arrow.drop_columns(["_start", "_end", "_rank"])
    try:
        return Intervals(None, start, end, rank, from_ccode, to_ccode, _Notes.read(con), register_checked(con),
                         key, arrow=arrow, stored=True)
    except ValueError:  # not in (from, to) order: compute it instead
        return None


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()


# --- slices -------------------------------------------------------------------------------------------

PUBLIC_COLUMNS: list[str] | None = None


def slice_on(iv: Intervals, day: dt.date, index: np.ndarray | None = None, status: str = "any") -> pd.DataFrame:
    """The directed commitments in force on `day` whose tier `status` counts, in the merge's column order."""
    rows = iv.rows_on(day, index, status)
    frame = iv.frame(rows)
    if len(frame) and iv.notes.size:
        frame["status_notes"] = iv.notes.on(frame, day)
    return frame


class _Notes(Notes):
    """Register status notes (rules: :class:`foedus.query.asof.Notes`), attached to a whole frame at once."""

    def on(self, frame: pd.DataFrame, day: dt.date) -> np.ndarray:
        out = np.full(len(frame), None, dtype=object)
        live = self.live(_days(day))
        if not live:
            return out
        tids = frame.treaty_id.to_numpy()
        a, b = frame.from_ccode.to_numpy(), frame.to_ccode.to_numpy()
        for i in np.flatnonzero(np.isin(tids, [self.treaty[n] for n in live])):
            out[i] = self.text_for(live, tids[i], int(a[i]), int(b[i]))
        return out


def select_status(frame: pd.DataFrame, status: str | None) -> pd.DataFrame:
    """Keep the tiers `status` counts: 'confirmed', 'presumed' (confirmed + presumed) or 'any'."""
    status = check_status(status)
    if status == "any" or "tier" not in frame.columns:
        return frame
    keep = frame.tier == "confirmed" if status == "confirmed" else frame.tier != "unknown"
    return frame[keep.to_numpy()].reset_index(drop=True)


def projection_warning(iv: Intervals | None, day: dt.date, today: dt.date | None = None) -> str | None:
    """A warning when `day` lies after the register's check date or after today (a projection)."""
    return projection_text(iv.register_checked if iv is not None else None, day, today)
