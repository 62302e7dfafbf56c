"""The curated register's entry kinds (pydantic v2).

Four kinds of entry, each with an `id` unique across the register and at least one citation:

- `treaty`: a treaty or guarantee the datasets lack (members; signed, in-force and end dates with
  their precision; obligations in ATOP's five types per member, each with the article that
  carries it, ATOP condition names and the treaty's own wording in `condition_text`).
- `dataset_update`: what the register says about a dataset treaty, by ATOP id: an `amendment`
  (names, articles, accessions after the dataset's coverage), an `extension` (a renewed term), a
  `termination` (the treaty ended on `date`, e.g. replaced by a later treaty) or a
  `confirmation` (in force over `in_force_from` .. `in_force_until`; an open end means still in
  force when the entry was `checked`).
- `organization`: an alliance, security organization, economic forum or strategic partnership,
  with members (join and leave dates, suspensions) and whether, and in which article, it carries
  a mutual-defence clause.
- `status_note`: the status of a member that a date alone does not tell (e.g. a member freezing
  its participation without withdrawing).
- `invocation`: a state invoking a treaty article (or asking for help under it): the date, the article,
  what was asked, and what each party did (forces sent, consultation held, refused, no answer).

Dates are written YYYY-MM-DD, YYYY-MM or YYYY; the precision is kept. Uncertain facts carry
`uncertain: true` and their competing `readings`, each with its own sources.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

ObligationType = Literal["defense", "offense", "neutrality", "nonaggression", "consultation"]
ConditionName = Literal[
    "specific_adversary",
    "location",
    "specific_conflict",
    "number_of_adversaries",
    "demands_met",
    "non_provocation",
    "ally_attacked",
    "ally_request",
    "other_condition",
]
OrgKind = Literal["defence alliance", "security organization", "economic forum", "strategic partnership"]

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]$")


def _date_text(value):
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        text = value.strip()
        if not _DATE.match(text):
            raise ValueError(f"'{value}' is not a date; write YYYY-MM-DD, YYYY-MM or YYYY")
        parse_partial(text)
        return text
    raise ValueError(f"{value!r} is not a date; write YYYY-MM-DD, YYYY-MM or YYYY")


PartialDate = Annotated[str, BeforeValidator(_date_text)]


def parse_partial(text: str) -> tuple[dt.date, str]:
    """'2024-12-04' -> (date, 'day'); '1996-09' -> (1996-09-01, 'month'); '1996' -> (1996-01-01, 'year')."""
    parts = [int(p) for p in text.split("-")]
    try:
        if len(parts) == 1:
            return dt.date(parts[0], 1, 1), "year"
        if len(parts) == 2:
            return dt.date(parts[0], parts[1], 1), "month"
        return dt.date(parts[0], parts[1], parts[2]), "day"
    except ValueError as exc:
        raise ValueError(f"'{text}' is not a valid date ({exc})") from None


def day(text: str | None) -> dt.date | None:
    return None if text is None else parse_partial(text)[0]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(_Strict):
    title: str = Field(min_length=3)
    issuer: str = Field(min_length=2, description="issuer or publication")
    date: PartialDate
    url: str | None = None
    note: str | None = None

    @field_validator("url")
    @classmethod
    def _url(cls, value):
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("a URL starts with http:// or https://")
        return value

    def text(self) -> str:
        out = f"{self.title}. {self.issuer}, {self.date}."
        if self.url:
            out += f" {self.url}"
        if self.note:
            out += f" ({self.note})"
        return out


class Reading(_Strict):
    """One competing reading of an uncertain fact."""

    field: str
    value: str
    claim: str
    sources: list[Citation] = Field(min_length=1)

    @field_validator("value", mode="before")
    @classmethod
    def _value(cls, value):
        return _date_text(value) if isinstance(value, dt.date | int) else value


class _Entry(_Strict):
    id: str
    citations: list[Citation] = Field(min_length=1)
    checked: PartialDate = Field(description="when the entry's facts were last verified")
    uncertain: bool = False
    readings: list[Reading] = []
    notes: str | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, value):
        if not _ID.match(value):
            raise ValueError("ids are lower-case letters, digits and hyphens")
        return value

    @model_validator(mode="after")
    def _uncertainty(self):
        if self.uncertain and len(self.readings) < 2:
            raise ValueError("uncertain: true needs at least two competing readings")
        if self.readings and not self.uncertain:
            raise ValueError("readings are given but uncertain is not true")
        return self

    def citation_text(self) -> str:
        return " | ".join(c.text() for c in self.citations)


class Obligation(_Strict):
    type: ObligationType
    article: str = Field(min_length=2)
    by: list[int] | None = Field(None, description="COW codes of the members that owe it (default: all)")
    conditions: list[ConditionName] = []
    condition_text: str | None = None


class Member(_Strict):
    ccode: int = Field(ge=1, le=9999)
    joined: PartialDate | None = None
    left: PartialDate | None = None
    note: str | None = None


def _check_order(pairs: list[tuple[str, str | None]]) -> None:
    """Raise on a later date before an earlier one (names, values)."""
    known = [(name, day(value)) for name, value in pairs if value is not None]
    for (first, a), (second, b) in zip(known, known[1:], strict=False):
        if b < a:
            raise ValueError(f"{second} ({b}) is before {first} ({a})")


class Treaty(_Entry):
    kind: Literal["treaty"]
    name: str
    short_name: str | None = None
    instrument: str = "treaty"
    members: list[Member] = Field(min_length=2)
    signed: PartialDate
    in_force: PartialDate | None = None
    in_force_status: Literal["in force", "not in force", "unknown"] = Field(
        "in force", description="only treaties in force bind: others are stored but give no commitments"
    )
    end: PartialDate | None = None
    end_reason: str | None = None
    replaces: list[str] = []
    term: str | None = None
    term_end: PartialDate | None = Field(None, description="end of the current term, if the treaty has a fixed one")
    renewal: Literal["automatic", "indefinite"] | None = Field(
        None, description="'automatic': renews by its own rule unless denounced; 'indefinite': no fixed term"
    )
    renewal_months: int | None = Field(None, ge=1, description="length of each automatic renewal, in months")
    obligations: list[Obligation] = []

    @model_validator(mode="after")
    def _consistent(self):
        _check_order([("signed", self.signed), ("in_force", self.in_force), ("end", self.end)])
        _check_order([("signed", self.signed), ("term_end", self.term_end)])
        if self.renewal_months and self.renewal != "automatic":
            raise ValueError("renewal_months needs renewal: automatic")
        if self.renewal == "indefinite" and self.term_end:
            raise ValueError("renewal: indefinite contradicts a term_end")
        codes = [m.ccode for m in self.members]
        if len(set(codes)) != len(codes):
            raise ValueError("a member is listed twice")
        for m in self.members:
            _check_order([("joined", m.joined), ("left", m.left)])
            if m.joined and day(m.joined) < day(self.signed):
                raise ValueError(f"member {m.ccode} joined ({m.joined}) before the treaty was signed")
        if self.in_force and self.in_force_status != "in force":
            raise ValueError(f"in_force date given but in_force_status is '{self.in_force_status}'")
        for ob in self.obligations:
            unknown = set(ob.by or []) - set(codes)
            if unknown:
                raise ValueError(f"obligation {ob.type} is owed by non-members {sorted(unknown)}")
        return self

    def start(self) -> str:
        """Commitments bind from entry into force (the signature when no such date is known)."""
        return self.in_force or self.signed


class AddedMember(_Strict):
    """A state joining a dataset treaty after the dataset's coverage (an accession)."""

    ccode: int = Field(ge=1, le=9999)
    joined: PartialDate
    phase: int = Field(0, ge=0)
    obligations: list[ObligationType] = Field(min_length=1)
    article: str
    left: PartialDate | None = None


class DatasetUpdate(_Entry):
    kind: Literal["dataset_update"]
    dataset: Literal["ATOP"] = "ATOP"
    atopid: int = Field(ge=1000, le=9999)
    action: Literal["amendment", "extension", "termination", "confirmation"]
    name: str | None = None
    articles: dict[ObligationType, str] = {}
    date: PartialDate | None = None
    in_force_from: PartialDate | None = None
    in_force_until: PartialDate | None = None
    term_end: PartialDate | None = None
    ended_by: str | None = None
    members: list[int] | None = Field(None, description="members it concerns (default: all)")
    add_members: list[AddedMember] = []

    @model_validator(mode="after")
    def _consistent(self):
        if self.action == "termination" and self.date is None:
            raise ValueError("a termination needs its date")
        if self.action == "extension" and self.date is None:
            raise ValueError("an extension needs the date it was agreed")
        if self.action == "confirmation" and self.in_force_from is None:
            raise ValueError("a confirmation needs in_force_from")
        if self.add_members and self.action != "amendment":
            raise ValueError("add_members belongs to an amendment")
        _check_order([("in_force_from", self.in_force_from), ("in_force_until", self.in_force_until)])
        if self.action == "termination" and self.in_force_from:
            _check_order([("in_force_from", self.in_force_from), ("date", self.date)])
        return self

    @property
    def treaty_id(self) -> str:
        return f"atop:{self.atopid}"


class Suspension(_Strict):
    start: PartialDate
    end: PartialDate | None = None
    status: Literal["suspended", "frozen", "partially suspended"] = "suspended"
    text: str


class OrgMember(_Strict):
    ccode: int = Field(ge=1, le=9999)
    joined: PartialDate
    left: PartialDate | None = None
    role: Literal["member", "partner", "observer"] = "member"
    suspensions: list[Suspension] = []
    uncertain: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self):
        _check_order([("joined", self.joined), ("left", self.left)])
        for s in self.suspensions:
            _check_order([("joined", self.joined), ("suspension start", s.start)])
            _check_order([("suspension start", s.start), ("suspension end", s.end)])
        if self.uncertain and not self.note:
            raise ValueError("an uncertain membership needs a note saying why")
        return self


class Organization(_Entry):
    kind: Literal["organization"]
    name: str
    short_name: str
    aliases: list[str] = []
    org_kind: OrgKind
    founded: PartialDate
    mutual_defence: bool
    defence_article: str | None = None
    treaty: str | None = Field(None, description="treaty carrying its obligations: 'atop:3180' or 'reg:<id>'")
    members: list[OrgMember] = Field(min_length=2)

    @model_validator(mode="after")
    def _consistent(self):
        if self.mutual_defence and not self.defence_article:
            raise ValueError("mutual_defence: true needs the defence_article")
        if not self.mutual_defence and self.defence_article:
            raise ValueError("defence_article given but mutual_defence is false")
        seen = set()
        for m in self.members:
            key = (m.ccode, m.role, m.joined)
            if key in seen:
                raise ValueError(f"member {m.ccode} listed twice with the same role and date")
            seen.add(key)
        return self


class StatusNote(_Entry):
    kind: Literal["status_note"]
    subject: str = Field(description="'org:<id>', 'atop:<id>' or 'reg:<id>'")
    member: int | None = Field(None, ge=1, le=9999)
    status: Literal["frozen", "suspended", "partially suspended", "disputed", "other"]
    start: PartialDate
    end: PartialDate | None = None
    text: str

    @model_validator(mode="after")
    def _consistent(self):
        _check_order([("start", self.start), ("end", self.end)])
        if not self.subject.startswith(("org:", "atop:", "reg:")):
            raise ValueError("subject is 'org:<id>', 'atop:<id>' or 'reg:<id>'")
        return self


ResponseAction = Literal[
    "forces sent",
    "assistance sent",
    "consultation held",
    "support declared",
    "measures taken",
    "refused",
    "deferred",
    "no answer",
    "other",
]
RequestType = Literal["invocation", "request for assistance", "request for consultation", "considered"]


class PartyResponse(_Strict):
    """What one party (a state, or the parties acting together) did in answer to an invocation."""

    ccode: int | None = Field(None, ge=1, le=9999, description="COW code; none when the parties acted together")
    party: str | None = Field(None, description="who, when not one state: 'all allies', 'North Atlantic Council'")
    action: ResponseAction
    date: PartialDate | None = None
    text: str = Field(min_length=3)

    @model_validator(mode="after")
    def _who(self):
        if self.ccode is None and not self.party:
            raise ValueError("a response names its state (ccode) or the party acting (party)")
        return self


class Invocation(_Entry):
    kind: Literal["invocation"]
    treaty: str = Field(description="'atop:<id>', 'reg:<id>' or 'org:<id>'")
    article: str = Field(min_length=2)
    invoked_by: list[int] = Field(min_length=1, description="COW codes of the states invoking or requesting")
    date: PartialDate
    request: RequestType = "invocation"
    asked: str = Field(min_length=3, description="what was asked for")
    outcome: str | None = None
    responses: list[PartyResponse] = Field(min_length=1)
    end: PartialDate | None = None

    @model_validator(mode="after")
    def _consistent(self):
        _check_order([("date", self.date), ("end", self.end)])
        if not self.treaty.startswith(("atop:", "reg:", "org:")):
            raise ValueError("treaty is 'atop:<id>', 'reg:<id>' or 'org:<id>'")
        if not any(c.url for c in self.citations):
            raise ValueError("an invocation needs at least one citation with a URL")
        return self


Entry = Annotated[
    Treaty | DatasetUpdate | Organization | StatusNote | Invocation, Field(discriminator="kind")
]


class RegisterFile(_Strict):
    """One YAML file of the register."""

    title: str
    checked: PartialDate
    entries: list[Entry] = Field(min_length=1)
