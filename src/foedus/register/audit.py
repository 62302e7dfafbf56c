"""Citation audit of the register (`foedus register audit`).

Every citation (of entries and of their competing readings) gets a kind from its URL's domain, looked up in
`foedus/data/citation_domains.csv` (domain -> kind, the longest matching suffix wins):

- `primary`: the treaty text or the parties' own documents (UNTS, official gazettes, governments, ministries,
  the organization's own site, state news agencies publishing official texts such as KCNA or Xinhua);
- `wire/newspaper`: wire services (Reuters, AP, AFP, TASS, Yonhap, Interfax …) and established newspapers;
- `secondary`: research institutes, academic publishers, specialised news sites;
- `weak`: Wikipedia and its copies, encyclopaedias for children, blogs, aggregators, document-sharing sites.

A citation without a URL, or whose URL is a site's home page only, is `weak` whatever its domain, and is
flagged. A domain missing from the table is `unclassified` (the shipped register has none; a test checks).
An entry checked on or after `NEW_ENTRY_DATE` must give every citation a URL: `problems()` lists those that
do not, and the CLI exits non-zero on them.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from urllib.parse import urlparse

from foedus.register.load import Register, load_register
from foedus.register.model import parse_partial

NEW_ENTRY_DATE = "2026-12-01"
KINDS = ("primary", "wire/newspaper", "secondary", "weak", "unclassified")


@lru_cache(maxsize=1)
def domain_table() -> dict[str, str]:
    """domain -> kind from `foedus/data/citation_domains.csv`."""
    with resources.files("foedus.data").joinpath("citation_domains.csv").open(encoding="utf-8") as handle:
        table = {row["domain"].strip().lower(): row["kind"].strip() for row in csv.DictReader(handle)}
    bad = {d: k for d, k in table.items() if k not in KINDS[:-1]}
    if bad:
        raise ValueError(f"citation_domains.csv: unknown kinds {bad}")
    return table


def host(url: str) -> str:
    name = (urlparse(url).hostname or "").lower()
    return name.removeprefix("www.")


def domain_kind(url: str) -> tuple[str | None, str]:
    """(matched table domain, kind) for a URL; (None, 'unclassified') when the table has no match."""
    name, table = host(url), domain_table()
    parts = name.split(".")
    for i in range(len(parts)):
        candidate = ".".join(parts[i:])
        if candidate in table:
            return candidate, table[candidate]
    return None, "unclassified"


def home_page_only(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.path in ("", "/") and not parsed.query and not parsed.fragment


@dataclass(frozen=True)
class CitationAudit:
    file: str
    entry: str
    checked: str
    title: str
    url: str | None
    domain: str | None
    kind: str
    flags: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {"file": self.file, "entry": self.entry, "checked": self.checked, "title": self.title,
                "url": self.url, "domain": self.domain, "kind": self.kind, "flags": list(self.flags)}


@dataclass(frozen=True)
class AuditResult:
    citations: tuple[CitationAudit, ...]
    entries: int
    checked: str
    new_entry_date: str = NEW_ENTRY_DATE
    by_entry_kind: dict = field(default_factory=dict)

    def count(self, kind: str) -> int:
        return sum(1 for c in self.citations if c.kind == kind)

    @property
    def weak_share(self) -> float:
        return self.count("weak") / len(self.citations) if self.citations else 0.0

    def flagged(self, flag: str) -> list[CitationAudit]:
        return [c for c in self.citations if flag in c.flags]

    def problems(self) -> list[CitationAudit]:
        """Citations of new entries (checked on or after NEW_ENTRY_DATE) without a URL."""
        return [c for c in self.flagged("no URL") if _on_or_after(c.checked, self.new_entry_date)]

    def to_json(self) -> dict:
        counts = Counter(c.kind for c in self.citations)
        return {
            "entries": self.entries,
            "entries_by_kind": dict(sorted(self.by_entry_kind.items())),
            "checked": self.checked,
            "citations": len(self.citations),
            "by_kind": {k: counts.get(k, 0) for k in KINDS},
            "weak_share": round(self.weak_share, 4),
            "home_page_only": [c.to_json() for c in self.flagged("home page only")],
            "no_url": [c.to_json() for c in self.flagged("no URL")],
            "new_entries_without_url": [c.to_json() for c in self.problems()],
            "new_entry_date": self.new_entry_date,
            "ok": not self.problems(),
            "details": [c.to_json() for c in self.citations],
        }


def _on_or_after(checked: str, date: str) -> bool:
    return parse_partial(checked)[0] >= parse_partial(date)[0]


def _classify(file: str, entry, citation) -> CitationAudit:
    flags: list[str] = []
    if citation.url is None:
        domain, kind = None, "weak"
        flags.append("no URL")
    else:
        domain, kind = domain_kind(citation.url)
        if home_page_only(citation.url):
            flags.append("home page only")
            kind = "weak"
    return CitationAudit(file, entry.id, entry.checked, citation.title, citation.url, domain, kind, tuple(flags))


def audit(register: Register | None = None) -> AuditResult:
    """Classify every citation of the register (default: the shipped one)."""
    register = register if register is not None else load_register()
    out: list[CitationAudit] = []
    kinds: Counter = Counter()
    for file, entry in register.entries():
        kinds[entry.kind] += 1
        for citation in entry.citations:
            out.append(_classify(file, entry, citation))
        for reading in entry.readings:
            for citation in reading.sources:
                out.append(_classify(file, entry, citation))
    return AuditResult(tuple(out), sum(kinds.values()), register.checked, by_entry_kind=dict(kinds))
