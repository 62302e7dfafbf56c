"""The JSON records of directed commitments, from plain rows (dicts): the one place the ``--json`` contract of a
commitment is written, without pandas or numpy.

A row is one row of the interval table (:mod:`foedus.query.intervals`) as a dict: from a pandas frame
(``frame.to_dict("records")``, :func:`foedus.query.commitments.records`) or from DuckDB directly
(:mod:`foedus.query.asof`, the start-up path of the CLI). Both give the same record: missing values may be
``None``, ``NaN`` or ``NaT``, dates ``datetime.date``, ``datetime.datetime`` or ``pandas.Timestamp``.
"""

from __future__ import annotations

import datetime as dt
import json

from foedus.source import Source
from foedus.source import source_text as _source_text
from foedus.store.schema import CONDITION_FLAGS, OBLIGATIONS

COMMITMENT_KEYS = ("from_ccode", "to_ccode", "obligations", "conditions", "treaty_id", "treaty_name", "phase",
                   "since", "until", "status", "source", "source_text")
"""The keys every commitment record has, in the contract's order (the declared fields of
:class:`foedus.query.answers.Commitment`; the keys a record has only when they apply follow, in the order set)."""


def missing(value) -> bool:
    """None, NaN or NaT (pandas' missing values) without importing pandas."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):  # pandas NA
        return True


def iso_date(value) -> str | None:
    """The ISO date of a date, datetime, pandas Timestamp or numpy datetime64; None for a missing value."""
    if missing(value):
        return None
    if isinstance(value, dt.datetime):  # pandas.Timestamp too
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    import pandas as pd  # numpy datetime64 or text: rare (never on the CLI's path)

    return pd.Timestamp(value).date().isoformat()


def obligation_list(row) -> list[str]:
    return [name for name in OBLIGATIONS if bool(row[name])]


def condition_list(row) -> list[str]:
    out = []
    for flag, (obligation, condition) in CONDITION_FLAGS.items():
        value = row[flag]
        if not missing(value) and bool(value):
            out.append(f"{obligation}:{condition}")
    return out


def source_record(row) -> dict:
    """The JSON form of the row's source (:class:`foedus.source.Source`)."""
    return Source.from_row(row).to_json()


def has_types(row, wanted: tuple[str, ...]) -> bool:
    """The row carries at least one of the obligation types `wanted` (every type: always)."""
    return set(wanted) == set(OBLIGATIONS) or any(bool(row[t]) and not missing(row[t]) for t in wanted)


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


def commitment_record(row: dict, names=None, warning: str | None = None) -> dict:
    """The stable JSON record of one directed commitment (see README, ``--json``); `names` adds ``from_name`` and
    ``to_name``, `warning` the date's projection warning."""
    record = {
        "from_ccode": int(row["from_ccode"]),
        "to_ccode": int(row["to_ccode"]),
        "obligations": obligation_list(row),
        "conditions": condition_list(row),
        "treaty_id": row["treaty_id"],
        "treaty_name": row["treaty_name"] if isinstance(row["treaty_name"], str) else None,
        "phase": int(row["phase"]),
        "since": iso_date(row["since"]),
        "until": iso_date(row["until"]),
        "status": row["status"],
        "tier": row.get("tier"),
        "status_reason": row.get("status_reason"),
        "source": source_record(row),
    }
    record["source_text"] = _source_text(record["source"])
    if names is not None:
        record["from_name"] = names.name(record["from_ccode"])
        record["to_name"] = names.name(record["to_ccode"])
    if row["obvary"] is True:
        record["note"] = "ATOP obvary=1: this member's obligations vary by partner; the row may overstate them"
    if row["status"] == "unknown_after_coverage":
        record["coverage_end"] = iso_date(row["coverage_end"])
        later = "presumed in force after it (see status_reason)" if row.get("tier") == "presumed" else \
            "later status unknown"
        record["note"] = f"in force at end of {row['coverage_source']} coverage, {record['coverage_end']}; {later}"
    _register_fields(record, row)
    if warning:
        record["warning"] = warning
    return record


def in_contract_order(record: dict) -> dict:
    """`record` with the keys every record has first (:data:`COMMITMENT_KEYS`), then the others as set: the order
    the typed answer's JSON has, so the CLI's plain JSON is the same text."""
    out = {key: record[key] for key in COMMITMENT_KEYS}
    out.update((key, value) for key, value in record.items() if key not in out)
    return out


def _register_fields(record: dict, row) -> None:
    """What the register adds to a directed commitment (see :mod:`foedus.query.commitments`)."""
    if _text(row.get("confirmed_by")):
        record["confirmed_by"] = Source.register(
            row["confirmed_file"], row["confirmed_by"], row["confirmed_citation"], checked=row["confirmed_checked"]
        ).to_json()
        record["coverage_end"] = iso_date(row["coverage_end"])
        confirmed = f"entry {row['confirmed_by']} (checked {record['confirmed_by']['checked']})"
        record["note"] = (
            f"past the dataset's coverage ({record['coverage_end']}): in force as confirmed by register {confirmed}"
            if row.get("tier", "confirmed") == "confirmed" else
            f"past the dataset's coverage ({record['coverage_end']}) and register {confirmed}: "
            f"{row.get('tier')} (see status_reason)"
        )
    if _text(row.get("partner_entry")):
        partner = Source.register(entry=row["partner_entry"], citation=row["partner_citation"])
        record["partner_source"] = partner.to_json()
    articles = _text(row.get("articles"))
    if articles:
        found = json.loads(articles)
        record["articles"] = {ob: found[ob] for ob in record["obligations"] if ob in found}
    if _text(row.get("status_notes")):
        record["status_notes"] = row["status_notes"].split(" | ")
