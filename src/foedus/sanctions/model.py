"""The regime and trade data as pydantic models: one shape for what the YAML files may say."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from foedus.errors import FoedusError
from foedus.sanctions.hs import Scope

DPRK = 731
Kind = Literal[
    "arms_embargo",
    "supply_ban",
    "export_ban",
    "quantity_cap",
    "labour",
    "joint_venture",
    "financial",
    "luxury_goods",
    "designations",
]
KINDS: tuple[str, ...] = Kind.__args__
Direction = Literal["to_dprk", "from_dprk", "either"]
Unit = Literal["bbl", "t", "usd"]


class SanctionsDataError(FoedusError):
    """A regime or trade data file does not have the expected shape: names the file, entry and field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Source(_Strict):
    title: str = Field(min_length=3)
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")


class Cited(_Strict):
    sources: list[Source] = Field(min_length=1)
    uncertain: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _uncertain_says_why(self):
        if self.uncertain and not self.note:
            raise ValueError("an uncertain entry needs a note saying what was not verified")
        return self


class Window(_Strict):
    """A date window, start inclusive and end exclusive (the project's one convention, issue 11.4):
    `from` is the first day in force, `until` the first day no longer in force."""

    start: dt.date | None = Field(default=None, alias="from")
    end: dt.date | None = Field(default=None, alias="until")

    @model_validator(mode="after")
    def _ordered(self):
        if self.start and self.end and self.end <= self.start:
            raise ValueError(f"'until' ({self.end}) is not after 'from' ({self.start}); 'until' is exclusive")
        return self

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)

    @property
    def last_day(self) -> dt.date | None:
        """The last day in force (the day before the exclusive end)."""
        return self.end - dt.timedelta(days=1) if self.end else None


class Cap(Window):
    amount: float = Field(gt=0)
    unit: Unit
    period: str
    rule: str | None = None


class Exemption(Window, Cited):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    purpose: str
    title: str
    requires: str
    resolution: int | None = None
    paragraph: str | None = None
    origin: int | None = None
    foreign_origin: bool = False
    partner: int | None = None


class GeneralExemption(Exemption):
    resolution: int
    paragraph: str


class Measure(Window, Cited):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    resolution: int
    paragraph: str = Field(min_length=1)
    kind: Kind
    direction: Direction
    title: str
    summary: str
    hs: list[str] = []
    hs_source: Literal["resolution", "foedus", "none"]
    start: dt.date = Field(alias="from")
    superseded_by: str | None = None
    deadline: dt.date | None = None
    effect: Literal["prohibited", "conditional"] = "prohibited"
    caps: list[Cap] = []
    exemptions: list[Exemption] = []

    @field_validator("hs")
    @classmethod
    def _hs_parses(cls, value: list[str]) -> list[str]:
        Scope.parse(value)
        return value

    @model_validator(mode="after")
    def _consistent(self):
        if bool(self.hs) != (self.hs_source != "none"):
            raise ValueError("hs_source must be 'none' exactly when the measure has no HS codes")
        if self.caps and self.kind != "quantity_cap":
            raise ValueError("only a quantity_cap measure has caps")
        if self.kind in ("labour", "joint_venture") and self.hs:
            raise ValueError(f"a {self.kind} measure is not scoped by HS codes")
        return self

    @cached_property
    def scope(self) -> Scope:
        return Scope.parse(self.hs)

    @property
    def assessable(self) -> bool:
        """Whether the checker can decide a shipment by it (HS code, labour or joint venture)."""
        return bool(self.hs) or self.kind in ("labour", "joint_venture")

    @property
    def conditional(self) -> bool:
        return self.kind == "quantity_cap" or self.effect == "conditional"

    def caps_on(self, day: dt.date) -> list[Cap]:
        return [cap for cap in self.caps if cap.covers(day)]


PERMANENT = ("CHN", "FRA", "GBR", "RUS", "USA")


class Council(_Strict):
    """The fifteen members of the Security Council in one calendar year (ISO 3166 alpha-3 codes)."""

    year: int = Field(ge=1946, le=2100)
    members: list[str] = Field(min_length=15, max_length=15)
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _members(self):
        bad = [m for m in self.members if not (len(m) == 3 and m.isalpha() and m.isupper())]
        if bad:
            raise ValueError(f"members must be ISO alpha-3 codes: {', '.join(bad)}")
        if len(set(self.members)) != 15:
            raise ValueError("a member is listed twice")
        missing = [p for p in PERMANENT if p not in self.members]
        if missing:
            raise ValueError(f"permanent members missing: {', '.join(missing)}")
        return self


class Vote(Cited):
    """How the Council voted: the tally and who did not vote in favour (every other member did)."""

    date: dt.date
    meeting: str = Field(pattern=r"^S/PV\.\d+$")
    tally: str = Field(pattern=r"^\d{1,2}-\d{1,2}-\d{1,2}$", description="in favour-against-abstaining")
    against: list[str] = []
    abstaining: list[str] = []
    absent: list[str] = []

    @property
    def counts(self) -> tuple[int, int, int]:
        yes, no, abstain = (int(x) for x in self.tally.split("-"))
        return yes, no, abstain

    @model_validator(mode="after")
    def _tally_matches(self):
        yes, no, abstain = self.counts
        if (no, abstain) != (len(self.against), len(self.abstaining)):
            raise ValueError(f"tally {self.tally} does not match the members named against / abstaining")
        if yes + no + abstain + len(self.absent) != 15:
            raise ValueError(f"tally {self.tally} and {len(self.absent)} absent do not add up to 15 members")
        return self

    @property
    def vetoed_by(self) -> list[str]:
        return [m for m in self.against if m in PERMANENT]

    @property
    def adopted(self) -> bool:
        return self.counts[0] >= 9 and not self.vetoed_by


class Draft(Cited):
    """A draft resolution put to the vote and not adopted."""

    symbol: str = Field(pattern=r"^S/\d{4}/\d+$")
    date: dt.date
    title: str
    sponsor: str
    summary: str
    vote: Vote


class Resolution(Cited):
    number: int
    year: int
    adopted: dt.date
    url: str = Field(pattern=r"^https?://\S+$")
    trigger: str
    summary: str
    vote: Vote | None = None

    @model_validator(mode="after")
    def _year_matches(self):
        if self.adopted.year != self.year:
            raise ValueError(f"adopted {self.adopted} is not in {self.year}")
        return self

    @property
    def symbol(self) -> str:
        return f"S/RES/{self.number} ({self.year})"


class StatusChange(Cited):
    date: dt.date
    event: str
    effect: str
    resolution: int | None = None
    paragraph: str | None = None


class Regime(_Strict):
    name: str
    target: int
    committee: str
    purposes: dict[str, str]
    resolutions: list[Resolution]
    measures: list[Measure]
    general_exemptions: list[GeneralExemption] = []
    status_changes: list[StatusChange] = []
    council: list[Council] = []
    drafts: list[Draft] = []

    @model_validator(mode="after")
    def _votes(self):
        years = {c.year: c for c in self.council}
        if len(years) != len(self.council):
            raise ValueError("a council year is listed twice")
        ballots = [(f"resolution {r.number}", r.vote) for r in self.resolutions if r.vote]
        ballots += [(f"draft {d.symbol}", d.vote) for d in self.drafts]
        for label, vote in ballots:
            council = years.get(vote.date.year)
            if council is None:
                raise ValueError(f"{label}: no 'council' entry for {vote.date.year} (who sat on the Council)")
            strangers = [m for m in vote.against + vote.abstaining + vote.absent if m not in council.members]
            if strangers:
                raise ValueError(f"{label}: {', '.join(strangers)} did not sit on the Council in {vote.date.year}")
        for resolution in self.resolutions:
            if resolution.vote and resolution.vote.date != resolution.adopted:
                raise ValueError(f"resolution {resolution.number}: vote date is not the adoption date")
            if resolution.vote and not resolution.vote.adopted:
                raise ValueError(f"resolution {resolution.number}: its vote does not adopt it")
        for draft in self.drafts:
            if draft.vote.adopted:
                raise ValueError(f"draft {draft.symbol}: its vote would have adopted it; list it as a resolution")
        return self

    def council_in(self, year: int) -> Council | None:
        return next((c for c in self.council if c.year == year), None)

    def ballot(self, vote: Vote) -> dict[str, str]:
        """Each member's vote: 'yes', 'no', 'abstain' or 'absent', in the council's listed order."""
        council = self.council_in(vote.date.year)
        choice = {m: "no" for m in vote.against} | {m: "abstain" for m in vote.abstaining}
        choice |= {m: "absent" for m in vote.absent}
        return {m: choice.get(m, "yes") for m in council.members} if council else {}

    @property
    def start(self) -> dt.date:
        """The regime's first day: the earliest measure's start (resolution 1718, 14 October 2006)."""
        return min(m.start for m in self.measures)

    @model_validator(mode="after")
    def _references(self):
        ids = [m.id for m in self.measures]
        exemption_ids = [e.id for m in self.measures for e in m.exemptions] + [
            e.id for e in self.general_exemptions
        ]
        _check_unique(("measure", ids), ("exemption", exemption_ids))
        numbers = {r.number for r in self.resolutions}
        for index, measure in enumerate(self.measures):
            _check_measure_references(f"measures[{index}] ({measure.id})", measure, numbers, ids, self.purposes)
        for exemption in self.general_exemptions:
            if exemption.purpose not in self.purposes:
                raise ValueError(
                    f"general exemption {exemption.id} has unknown purpose '{exemption.purpose}'"
                )
        return self

    @cached_property
    def by_id(self) -> dict[str, Measure]:
        return {m.id: m for m in self.measures}

    @cached_property
    def by_number(self) -> dict[int, Resolution]:
        return {r.number: r for r in self.resolutions}

    def adopted(self, number: int) -> dt.date | None:
        resolution = self.by_number.get(number)
        return resolution.adopted if resolution else None


def _check_unique(*groups: tuple[str, list[str]]) -> None:
    """Each (label, ids) group's ids are used once."""
    for label, values in groups:
        repeated = sorted({v for v in values if values.count(v) > 1})
        if repeated:
            raise ValueError(f"{label} ids used twice: {', '.join(repeated)}")


def _check_measure_references(where: str, measure, numbers: set[int], ids: list[str], purposes) -> None:
    """A measure's resolution is listed, what supersedes it is a measure (and it then ends), and its
    exemptions' purposes are known."""
    if measure.resolution not in numbers:
        raise ValueError(f"{where}: resolution {measure.resolution} is not in 'resolutions'")
    if measure.superseded_by and measure.superseded_by not in ids:
        raise ValueError(f"{where}: superseded_by '{measure.superseded_by}' is not a measure id")
    if measure.superseded_by and measure.end is None:
        raise ValueError(f"{where}: a superseded measure needs 'until'")
    for exemption in measure.exemptions:
        if exemption.purpose not in purposes:
            raise ValueError(f"{where}: exemption {exemption.id} has unknown purpose '{exemption.purpose}'")


class TradeObservation(_Strict):
    reporter: int
    partner: int
    year: int = Field(ge=1900, le=2100)
    flow: Literal["total", "export", "import"]
    value_usd: float = Field(ge=0)
    status: Literal["official", "estimated", "derived"]
    source: str = Field(min_length=3)
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    note: str | None = None
    months: str | None = Field(default=None, pattern=r"^(?:[1-9]|1[0-2])-(?:[1-9]|1[0-2])$",
                               description="part-year figure: first-last month, e.g. 1-6 = January-June")

    @model_validator(mode="after")
    def _derived_says_how(self):
        if self.status == "derived" and not self.note:
            raise ValueError("a derived value needs a note saying how it was derived")
        if self.months:
            first, last = (int(x) for x in self.months.split("-"))
            if last < first:
                raise ValueError(f"months '{self.months}' run backwards")
            if (first, last) == (1, 12):
                raise ValueError("months 1-12 is the whole year: leave 'months' out")
        return self


class TradeGap(_Strict):
    """A year for which no figure was found, and what the sources say instead."""

    reporter: int
    partner: int
    year: int = Field(ge=1900, le=2100)
    note: str = Field(min_length=3)
    source: str | None = None
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")


class TradeFile(_Strict):
    observations: list[TradeObservation] = Field(min_length=1)
    gaps: list[TradeGap] = []
