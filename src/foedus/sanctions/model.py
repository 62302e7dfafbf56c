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
    start: dt.date | None = Field(default=None, alias="from")
    end: dt.date | None = Field(default=None, alias="until")

    @model_validator(mode="after")
    def _ordered(self):
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"'until' ({self.end}) is before 'from' ({self.start})")
        return self

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


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


class Resolution(Cited):
    number: int
    year: int
    adopted: dt.date
    url: str = Field(pattern=r"^https?://\S+$")
    trigger: str
    summary: str

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

    @model_validator(mode="after")
    def _references(self):
        ids = [m.id for m in self.measures]
        exemption_ids = [e.id for m in self.measures for e in m.exemptions] + [
            e.id for e in self.general_exemptions
        ]
        for label, values in (("measure", ids), ("exemption", exemption_ids)):
            repeated = sorted({v for v in values if values.count(v) > 1})
            if repeated:
                raise ValueError(f"{label} ids used twice: {', '.join(repeated)}")
        numbers = {r.number for r in self.resolutions}
        for index, measure in enumerate(self.measures):
            where = f"measures[{index}] ({measure.id})"
            if measure.resolution not in numbers:
                raise ValueError(f"{where}: resolution {measure.resolution} is not in 'resolutions'")
            if measure.superseded_by and measure.superseded_by not in ids:
                raise ValueError(f"{where}: superseded_by '{measure.superseded_by}' is not a measure id")
            if measure.superseded_by and measure.end is None:
                raise ValueError(f"{where}: a superseded measure needs 'until'")
            for exemption in measure.exemptions:
                if exemption.purpose not in self.purposes:
                    raise ValueError(
                        f"{where}: exemption {exemption.id} has unknown purpose '{exemption.purpose}'"
                    )
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

    @model_validator(mode="after")
    def _derived_says_how(self):
        if self.status == "derived" and not self.note:
            raise ValueError("a derived value needs a note saying how it was derived")
        return self


class TradeFile(_Strict):
    observations: list[TradeObservation] = Field(min_length=1)
