"""Everything the engine needs about one date, loaded once: commitments, threats, names, capabilities.

The context holds every directed commitment of the date, each with its status tier (confirmed, presumed,
unknown: :mod:`foedus.query.intervals`), and counts those its `status` keeps — the rule every command shares
(default :data:`~foedus.query.intervals.DEFAULT_STATUS`: confirmed and presumed). The engine, the Monte Carlo
and the sweep read :meth:`ScenarioContext.links_toward` (counted) and :meth:`ScenarioContext.unknown_toward`
(not counted: under the default, the `unknown` tier only). :meth:`ScenarioContext.counting` gives the same
loaded context under another status (no reload), so a cached context serves every status.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from foedus.dates import parse_date
from foedus.naming import StateNames
from foedus.query import directed_commitments
from foedus.query.commitments import source_record
from foedus.query.intervals import DEFAULT_STATUS, check_status
from foedus.store.schema import CONDITION_FLAGS, OBLIGATIONS


@dataclass
class Link:
    """A directed commitment from one state to another on the scenario date."""

    from_ccode: int
    to_ccode: int
    treaty_id: str
    treaty_name: str | None
    obligations: frozenset[str]
    flags: frozenset[str]
    status: str  # 'in_force' or 'unknown_after_coverage' (legacy)
    coverage_end: str | None
    source: dict
    threats: tuple[int, ...]
    specthrt: int | None
    articles: dict
    notes: tuple[str, ...] = ()
    tier: str | None = None  # 'confirmed', 'presumed' or 'unknown'; None: from the legacy status
    status_reason: str | None = None

    def __post_init__(self):
        if self.tier is None:  # a link built in memory without a tier: in force is confirmed, else unknown
            self.tier = "confirmed" if self.status == "in_force" else "unknown"

    def counts(self, status: str) -> bool:
        """Whether the status rule `status` ('confirmed', 'presumed', 'any') counts this link."""
        if status == "any":
            return True
        return self.tier == "confirmed" if status == "confirmed" else self.tier != "unknown"

    def label(self) -> str:
        name = self.treaty_name or self.treaty_id
        return f"{name} [{self.treaty_id}]" if self.treaty_name else name

    def article(self, obligation: str) -> str | None:
        return self.articles.get(obligation)

    def as_dict(self) -> dict:
        return {
            "from_ccode": self.from_ccode,
            "to_ccode": self.to_ccode,
            "treaty_id": self.treaty_id,
            "treaty_name": self.treaty_name,
            "obligations": sorted(self.obligations),
            "status": self.status,
            "tier": self.tier,
            "status_reason": self.status_reason,
            "coverage_end": self.coverage_end,
            "source": self.source,
            "status_notes": list(self.notes),
        }


def _articles(text) -> dict:
    """The merged view's `articles` column (JSON object: obligation -> article), or {}."""
    if not isinstance(text, str):
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


class ScenarioContext:
    """Commitments in force on one date (every tier), indexed by the state they are owed to; `status` says
    which tiers count."""

    status: str = DEFAULT_STATUS

    def __init__(self, con, on: str | dt.date, status: str | None = None):
        self.on = parse_date(on, "on")
        self.status = check_status(status)
        self.names = StateNames(con)
        frame = directed_commitments(con, self.on, status="any")
        self.links: list[Link] = self._links(con, frame)
        self.toward: dict[int, list[Link]] = defaultdict(list)
        for link in self.links:
            self.toward[link.to_ccode].append(link)
        self.capabilities = con.execute(
            "SELECT code, year, cinc FROM capabilities WHERE cinc IS NOT NULL AND year <= ? "
            "QUALIFY row_number() OVER (PARTITION BY code ORDER BY year DESC) = 1",
            [self.on.year],
        ).df().set_index("code")
        nmc = con.execute("SELECT version FROM imports WHERE dataset = 'COW NMC'").fetchone()
        self.nmc_version = nmc[0] if nmc else None
        self.wording = self._wording(con)

    @staticmethod
    def _wording(con) -> dict[str, dict[str, str]]:
        """The treaty's own wording of each obligation, where the register quotes it (`condition_text`)."""
        out = {}
        for tid, attributes in con.execute(
            "SELECT treaty_id, attributes FROM treaties WHERE attributes LIKE '%condition_text%'"
        ).fetchall():
            text = _articles(attributes).get("condition_text")
            if isinstance(text, dict):
                out[tid] = {k: v for k, v in text.items() if isinstance(v, str)}
        return out

    def counting(self, status: str | None) -> ScenarioContext:
        """This context under the status rule `status` (the loaded commitments shared, nothing re-read)."""
        status = check_status(status)
        if status == self.status:
            return self
        other = object.__new__(type(self))
        other.__dict__.update(self.__dict__)
        other.status = status
        return other

    @classmethod
    def from_links(cls, on: dt.date, links: list[Link], names, capabilities: pd.DataFrame | None = None,
                   nmc_version: str | None = None, status: str | None = None) -> ScenarioContext:
        """A context built in memory (no store): `names` needs `name(code)` and `abbr(code)`.

        `capabilities`: a frame indexed by code with columns year and cinc (empty when None).
        """
        context = cls.__new__(cls)
        context.on, context.names, context.links = on, names, list(links)
        context.status = check_status(status)
        context.toward = defaultdict(list)
        for link in context.links:
            context.toward[link.to_ccode].append(link)
        empty = pd.DataFrame({"year": pd.Series(dtype=float), "cinc": pd.Series(dtype=float)})
        context.capabilities = capabilities if capabilities is not None else empty
        context.nmc_version = nmc_version
        context.wording = {}
        return context

    @staticmethod
    def _links(con, frame: pd.DataFrame) -> list[Link]:
        """Links from the directed commitments, with per-treaty threat identities read once."""
        treaties = {}
        for tid, specthrt, t1, t2 in con.execute(
            "SELECT treaty_id, specthrt, statthr1, statthr2 FROM treaties"
        ).fetchall():
            treaties[tid] = (tuple(int(t) for t in (t1, t2) if t), specthrt)
        articles_by_text: dict = {}
        flags = frame[list(CONDITION_FLAGS)].fillna(False).astype(bool).to_numpy()
        flag_names = np.array(list(CONDITION_FLAGS))
        obligations = frame[list(OBLIGATIONS)].astype(bool).to_numpy()
        obligation_names = np.array(OBLIGATIONS)
        coverage = pd.to_datetime(frame["coverage_end"]).dt.strftime("%Y-%m-%d")
        tiers = frame["tier"].tolist() if "tier" in frame.columns else [None] * len(frame)
        reasons = frame["status_reason"].tolist() if "status_reason" in frame.columns else [None] * len(frame)
        links = []
        for i, row in enumerate(frame.itertuples(index=False)):
            threats, specthrt = treaties.get(row.treaty_id, ((), None))
            text = getattr(row, "articles", None)
            if text not in articles_by_text:
                articles_by_text[text] = _articles(text)
            articles = articles_by_text[text]
            links.append(
                Link(
                    from_ccode=int(row.from_ccode),
                    to_ccode=int(row.to_ccode),
                    treaty_id=row.treaty_id,
                    treaty_name=row.treaty_name if isinstance(row.treaty_name, str) else None,
                    obligations=frozenset(obligation_names[obligations[i]].tolist()),
                    flags=frozenset(flag_names[flags[i]].tolist()),
                    status=row.status,
                    coverage_end=coverage.iat[i] if isinstance(coverage.iat[i], str) else None,
                    source=source_record(row._asdict()),
                    threats=threats,
                    specthrt=specthrt,
                    articles=articles,
                    notes=tuple(row.status_notes.split(" | ")) if isinstance(getattr(row, "status_notes", None),
                                                                                str) else (),
                    tier=tiers[i] if isinstance(tiers[i], str) else None,
                    status_reason=reasons[i] if isinstance(reasons[i], str) else None,
                )
            )
        return links

    def links_toward(self, state: int, assume_in_force: bool) -> list[Link]:
        """The links owed to `state` that count: every one with `assume_in_force` (status 'any'), else those the
        context's status keeps."""
        links = self.toward.get(state, [])
        if assume_in_force or self.status == "any":
            return links
        return [link for link in links if link.counts(self.status)]

    def unknown_toward(self, state: int) -> list[Link]:
        """The links owed to `state` that the context's status does not count (reported, binding no one)."""
        return [link for link in self.toward.get(state, []) if not link.counts(self.status)]

    def cinc(self, states) -> dict:
        """Combined CINC of `states` from the latest NMC year not after the date, flagged when older."""
        found = self.capabilities.reindex(sorted(states))
        years = found["year"].dropna()
        latest = int(years.max()) if len(years) else None
        oldest = int(years.min()) if len(years) else None
        return {
            "cinc": float(found["cinc"].fillna(0).sum()),
            "states_with_data": int(found["cinc"].notna().sum()),
            "states": len(found),
            "year": latest,
            "oldest_year": oldest,
            "stale": oldest is not None and oldest < self.on.year,
            "source": f"COW NMC {self.nmc_version}" if self.nmc_version else None,
        }
