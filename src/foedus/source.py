"""Provenance: where one fact comes from — a dataset line or a register entry with its citations.

:class:`Source` is the one type for it. Its JSON form (:meth:`Source.to_json`) is the published
``source`` shape of every ``--json`` answer:

* a dataset fact: ``{"kind": "dataset", "dataset", "version", "file", "line"}``;
* a register fact: ``{"kind": "register", "dataset" (the register file), "version" (the register's
  checked date), "entry", "checked", "citation", "replaced_by"}`` with only the fields that are known,
  in that order (``citation`` is the entry's citations joined by `` | ``);
* a supposed fact (:mod:`foedus.suppose`, a what-if overlay): ``{"kind": "supposition", "hypothetical": true,
  "entry": "supposition:N", "text": "PRK joins CSTO from 2025-01-01"}``; its text form starts ``HYPOTHETICAL:``.

Its one text form is :meth:`Source.text` (also ``str(source)``): ``ATOP 4.01, atop4_01_member_level.csv
line 1334`` or ``register russia-dprk-2024 (dprk.yaml): <first citation> (+2 more)``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

SEPARATOR = " | "
_REGISTER_FIELDS = ("dataset", "version", "entry", "checked", "citation", "replaced_by")
SUPPOSITION = "supposition"
"""The register file name and entry prefix (``supposition:N``) of rows a what-if overlay writes."""


def _clean(value) -> Any:
    """None for missing values (None, NaN, pandas NA)."""
    if value is None:
        return None
    try:
        if value != value:  # NaN
            return None
    except (TypeError, ValueError):  # pandas NA compares to NA
        return None
    return value


@dataclass(frozen=True)
class Source:
    kind: Literal["dataset", "register", "supposition"]
    dataset: str | None = None
    version: str | None = None
    file: str | None = None
    line: int | None = None
    entry: str | None = None
    citations: tuple[str, ...] = field(default_factory=tuple)
    checked: str | None = None
    replaced_by: str | None = None

    # ------------------------------------------------------------------ building

    @classmethod
    def dataset_line(cls, dataset: str, version, file: str, line) -> Source:
        return cls("dataset", dataset, None if version is None else str(version), file, int(line))

    @classmethod
    def register(cls, dataset: str | None = None, entry: str | None = None, citation: str | None = None,
                 version=None, checked=None, replaced_by: str | None = None) -> Source:
        citation = _clean(citation)
        if _clean(dataset) == SUPPOSITION or str(_clean(entry) or "").startswith(SUPPOSITION + ":"):
            return cls.supposition(_clean(entry), citation)
        citations = tuple(c for c in citation.split(SEPARATOR) if c) if isinstance(citation, str) else ()
        checked, version = _clean(checked), _clean(version)
        if checked is not None:
            if isinstance(checked, dt.datetime):
                checked = checked.date()
            checked = checked.isoformat() if isinstance(checked, dt.date) else str(checked)
        return cls("register", _clean(dataset), None if version is None else str(version), None, None,
                   _clean(entry), citations, checked, _clean(replaced_by))

    @classmethod
    def supposition(cls, entry: str | None, text: str | None) -> Source:
        """A fact a what-if overlay supposes (:mod:`foedus.suppose`): never a citation, only its text."""
        return cls(SUPPOSITION, SUPPOSITION, None, None, None, entry, (text,) if text else ())

    @classmethod
    def from_row(cls, row, prefix: str = "source_") -> Source:
        """From a query row with columns ``<prefix>kind``, ``dataset``, ``version``, ``file``, ``line``,
        ``entry``, ``citation`` (the ``sources`` table joined in)."""
        get = row.get if hasattr(row, "get") else lambda key: getattr(row, key)
        if get(f"{prefix}kind") == "dataset":
            return cls.dataset_line(get(f"{prefix}dataset"), get(f"{prefix}version"), get(f"{prefix}file"),
                                    get(f"{prefix}line"))
        return cls.register(get(f"{prefix}dataset"), get(f"{prefix}entry"), get(f"{prefix}citation"),
                            version=get(f"{prefix}version"))

    @classmethod
    def coerce(cls, value: Source | dict | None) -> Source | None:
        """A Source from itself or from its JSON form (None stays None)."""
        if value is None or isinstance(value, Source):
            return value
        if not isinstance(value, dict) or value.get("kind") not in ("dataset", "register", SUPPOSITION):
            raise ValueError(f"not a source record: {value!r}")
        if value["kind"] == SUPPOSITION:
            return cls.supposition(value.get("entry"), value.get("text"))
        if value["kind"] == "dataset":
            return cls.dataset_line(value["dataset"], value.get("version"), value["file"], value["line"])
        return cls.register(value.get("dataset"), value.get("entry"), value.get("citation"),
                            version=value.get("version"), checked=value.get("checked"),
                            replaced_by=value.get("replaced_by"))

    # ------------------------------------------------------------------ forms

    @property
    def citation(self) -> str | None:
        return SEPARATOR.join(self.citations) if self.citations else None

    def to_json(self) -> dict:
        """The published ``source`` record (see the module docstring)."""
        if self.kind == "dataset":
            return {"kind": "dataset", "dataset": self.dataset, "version": self.version, "file": self.file,
                    "line": self.line}
        if self.kind == SUPPOSITION:
            return {"kind": SUPPOSITION, "hypothetical": True, "entry": self.entry, "text": self.citation}
        out: dict = {"kind": "register"}
        for name in _REGISTER_FIELDS:
            value = self.citation if name == "citation" else getattr(self, name)
            if value is not None:
                out[name] = value
        return out

    def text(self) -> str:
        """The one human-readable form of a source."""
        if self.kind == "dataset":
            return f"{self.dataset} {self.version}, {self.file} line {self.line}"
        if self.kind == SUPPOSITION:
            return f"HYPOTHETICAL: {self.citation or self.entry}"
        where = " ".join(x for x in (self.entry, f"({self.dataset})" if self.dataset and self.entry else self.dataset)
                         if x)
        out = f"register {where}".rstrip()
        if self.citations:
            more = f" (+{len(self.citations) - 1} more)" if len(self.citations) > 1 else ""
            out += f": {self.citations[0]}{more}"
        return out

    __str__ = text

    # ------------------------------------------------------------------ pydantic

    @classmethod
    def __get_pydantic_core_schema__(cls, _source, _handler):
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(
            cls.coerce, serialization=core_schema.plain_serializer_function_ser_schema(lambda s: s.to_json()),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, _schema, _handler):
        return {
            "type": "object",
            "description": "Where a fact comes from: a dataset line or a register entry (see foedus.source)",
            "properties": {
                "kind": {"enum": ["dataset", "register", "supposition"]}, "dataset": {"type": "string"},
                "hypothetical": {"type": "boolean"}, "text": {"type": "string"},
                "version": {"type": "string"}, "file": {"type": "string"}, "line": {"type": "integer"},
                "entry": {"type": "string"}, "checked": {"type": "string"}, "citation": {"type": "string"},
                "replaced_by": {"type": "string"},
            },
            "required": ["kind"],
        }


def source_json(value: Source | dict | None) -> dict | None:
    """The JSON form of a source (or of its JSON form), None for none."""
    found = Source.coerce(value)
    return None if found is None else found.to_json()


def source_text(value: Source | dict | None) -> str:
    """The one text form of a source (or of its JSON form); empty for none."""
    found = Source.coerce(value)
    return "" if found is None else found.text()
