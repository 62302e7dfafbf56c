"""Is this shipment allowed on this date, and why? One shipment or a million, by the same vectorised rules.

Each measure in force gives each shipment an effect: permitted (does not apply), exempt (applies, but an
exemption covers the stated purpose), conditional (a cap, or a deadline not yet passed) or prohibited. The
verdict is the strongest effect, and the measures that decide it are those with that effect.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from foedus.errors import BadInputError
from foedus.sanctions.hs import Codes, normalize
from foedus.sanctions.model import Exemption, Measure, Regime

EFFECTS = ("permitted", "exempt", "conditional", "prohibited")
PERMITTED, EXEMPT, CONDITIONAL, PROHIBITED = range(4)
UNITS = {
    "bbl": "bbl",
    "barrel": "bbl",
    "barrels": "bbl",
    "t": "t",
    "mt": "t",
    "tonne": "t",
    "tonnes": "t",
    "ton": "t",
    "tons": "t",
    "usd": "usd",
    "us$": "usd",
    "$": "usd",
    "dollars": "usd",
}
COLUMNS = (
    "from_state",
    "to_state",
    "hs",
    "date",
    "purpose",
    "quantity",
    "unit",
    "labour",
    "joint_venture",
    "origin",
)
_EPOCH = np.datetime64("1970-01-01", "D")
_FAR = np.iinfo(np.int64).max


def normalize_unit(text: str | None) -> str:
    """'barrels' -> 'bbl'; '' for none; ValueError for units caps are not expressed in."""
    if text is None or str(text).strip() == "":
        return ""
    unit = UNITS.get(str(text).strip().casefold())
    if unit is None:
        raise BadInputError("", f"unit '{text}' is not one of bbl, t, usd (or barrels, tonnes, US$)")
    return unit


@dataclass(frozen=True)
class Shipment:
    """One shipment (or a labour / joint-venture arrangement) between two states on a date."""

    from_state: int
    to_state: int
    date: dt.date
    hs: str | None = None
    purpose: str | None = None
    quantity: float | None = None
    unit: str | None = None
    labour: bool = False
    joint_venture: bool = False
    origin: int | None = None

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "from_state": self.from_state,
                    "to_state": self.to_state,
                    "hs": normalize(self.hs) if self.hs else "",
                    "date": pd.Timestamp(self.date),
                    "purpose": self.purpose or "",
                    "quantity": np.nan if self.quantity is None else float(self.quantity),
                    "unit": normalize_unit(self.unit),
                    "labour": self.labour,
                    "joint_venture": self.joint_venture,
                    "origin": -1 if self.origin is None else self.origin,
                }
            ]
        )


def _days(day: dt.date | None, default: int = _FAR) -> int:
    if day is None:
        return default
    return int((np.datetime64(day, "D") - _EPOCH).astype(np.int64))


@dataclass
class _Columns:
    """A shipment frame as numpy arrays."""

    from_state: np.ndarray
    to_state: np.ndarray
    day: np.ndarray
    purpose: np.ndarray
    quantity: np.ndarray
    unit: np.ndarray
    labour: np.ndarray
    joint_venture: np.ndarray
    origin: np.ndarray
    hs: Codes

    @classmethod
    def of(cls, frame: pd.DataFrame, purposes: list[str]) -> _Columns:
        missing = [c for c in COLUMNS if c not in frame.columns]
        if missing:
            raise BadInputError("", f"shipment frame lacks columns: {', '.join(missing)}")
        purpose_code = pd.Categorical(frame["purpose"], categories=purposes).codes.astype(np.int16)
        unit = pd.Categorical(frame["unit"], categories=["bbl", "t", "usd"]).codes.astype(np.int8)
        day = (frame["date"].to_numpy(dtype="datetime64[D]") - _EPOCH).astype(np.int64)
        return cls(
            frame["from_state"].to_numpy(np.int64),
            frame["to_state"].to_numpy(np.int64),
            day,
            purpose_code,
            frame["quantity"].to_numpy(np.float64),
            unit,
            frame["labour"].to_numpy(bool),
            frame["joint_venture"].to_numpy(bool),
            frame["origin"].to_numpy(np.int64),
            Codes.of(frame["hs"].to_numpy(dtype=object)),
        )


@dataclass
class Evaluation:
    """Per shipment and measure: the effect; with detail, also the exemption used (-1: none), whether the
    quantity alone exceeds a cap, and whether the HS code was coarser than the measure's scope."""

    measures: list[Measure]
    effects: np.ndarray
    exemptions: list[list[Exemption]]
    exemption_used: np.ndarray | None = None
    exceeds: np.ndarray | None = None
    coarse: np.ndarray | None = None

    @property
    def verdicts(self) -> np.ndarray:
        if not self.measures:
            return np.zeros(len(self.effects), dtype=np.int8)
        return self.effects.max(axis=1)

    def deciding(self) -> np.ndarray:
        verdict = self.verdicts
        return (self.effects == verdict[:, None]) & (verdict[:, None] > PERMITTED)


@dataclass
class _Applied:
    """The shipments (rows) one measure applies to, and how."""

    rows: np.ndarray
    effect: np.ndarray
    used: np.ndarray
    exceeds: np.ndarray
    coarse: np.ndarray


def _in_window(day: np.ndarray, start: dt.date | None, end: dt.date | None) -> np.ndarray:
    """Start inclusive, end exclusive (the project's one convention for date windows)."""
    return (day >= _days(start, -_FAR)) & (day < _days(end))


def _scope(regime: Regime, measure: Measure, cols: _Columns) -> tuple[np.ndarray, np.ndarray]:
    """(applies, coarse): in force, direction, and HS scope (or labour / joint venture) all match."""
    target = regime.target
    active = _in_window(cols.day, measure.start, measure.end)
    if measure.direction == "to_dprk":
        active &= cols.to_state == target
    elif measure.direction == "from_dprk":
        active &= cols.from_state == target
    else:
        active &= (cols.to_state == target) | (cols.from_state == target)
    goods = ~cols.labour & ~cols.joint_venture
    if measure.kind == "labour":
        return active & cols.labour, np.zeros_like(active)
    if measure.kind == "joint_venture":
        return active & cols.joint_venture, np.zeros_like(active)
    coarse = active & goods & measure.scope.coarse(cols.hs)
    return (active & goods & measure.scope.covered(cols.hs)) | coarse, coarse


def _exemptions(
    regime: Regime, exemptions: list[Exemption], cols: _Columns, rows: np.ndarray, purposes: list[str]
) -> np.ndarray:
    """Index of the first exemption that covers each row (-1: none)."""
    target = regime.target
    day, purpose, origin = cols.day[rows], cols.purpose[rows], cols.origin[rows]
    used = np.full(rows.size, -1, dtype=np.int16)
    for index, exemption in enumerate(exemptions):
        ok = (used < 0) & (purpose == purposes.index(exemption.purpose))
        ok &= _in_window(day, exemption.start, exemption.end)
        if exemption.origin is not None:
            ok &= origin == exemption.origin
        if exemption.foreign_origin:
            ok &= (origin >= 0) & (origin != target)
        if exemption.partner is not None:
            other = np.where(cols.from_state[rows] == target, cols.to_state[rows], cols.from_state[rows])
            ok &= other == exemption.partner
        used[ok] = index
    return used


def _apply(
    regime: Regime, measure: Measure, cols: _Columns, exemptions: list[Exemption], purposes: list[str]
) -> _Applied:
    applies, coarse = _scope(regime, measure, cols)
    rows = np.flatnonzero(applies)
    coarse = coarse[rows]
    day = cols.day[rows]
    effect = np.full(rows.size, CONDITIONAL if measure.conditional else PROHIBITED, dtype=np.int8)
    if measure.deadline is not None:
        effect = np.where(day > _days(measure.deadline), PROHIBITED, CONDITIONAL).astype(np.int8)
    exceeds = np.zeros(rows.size, dtype=bool)
    for cap in measure.caps:
        unit = ["bbl", "t", "usd"].index(cap.unit)
        exceeds |= (
            _in_window(day, cap.start, cap.end)
            & (cols.unit[rows] == unit)
            & (cols.quantity[rows] > cap.amount)
        )
    effect[exceeds] = PROHIBITED
    effect[coarse] = CONDITIONAL
    used = _exemptions(regime, exemptions, cols, rows, purposes)
    effect[used >= 0] = EXEMPT
    return _Applied(rows, effect, used, exceeds, coarse)


def evaluate(regime: Regime, frame: pd.DataFrame, detail: bool = False) -> Evaluation:
    """The effect of every assessable measure on every shipment in `frame` (columns: COLUMNS)."""
    purposes = list(regime.purposes)
    cols = _Columns.of(frame, purposes)
    measures = [m for m in regime.measures if m.assessable]
    # The measure's own exemptions first, then the general ones, the newest first (2397 OP25 restates 2321 OP46).
    general = sorted(regime.general_exemptions, key=lambda e: e.start or dt.date.min, reverse=True)
    exemptions = [list(m.exemptions) + general for m in measures]
    shape = (len(frame), len(measures))
    evaluation = Evaluation(measures, np.zeros(shape, dtype=np.int8), exemptions)
    if detail:
        evaluation.exemption_used = np.full(shape, -1, dtype=np.int16)
        evaluation.exceeds = np.zeros(shape, dtype=bool)
        evaluation.coarse = np.zeros(shape, dtype=bool)
    for j, measure in enumerate(measures):
        applied = _apply(regime, measure, cols, exemptions[j], purposes)
        evaluation.effects[applied.rows, j] = applied.effect
        if detail:
            evaluation.exemption_used[applied.rows, j] = applied.used
            evaluation.exceeds[applied.rows, j] = applied.exceeds
            evaluation.coarse[applied.rows, j] = applied.coarse
    return evaluation


def citation(regime: Regime, measure: Measure) -> str:
    resolution = regime.by_number[measure.resolution]
    return f"{resolution.symbol} para {measure.paragraph}"


def _combos(deciding: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of a boolean matrix and each row's index into them (bit-packed, then factorised)."""
    n, m = deciding.shape
    if n == 0 or m == 0:
        return np.zeros((1, m), dtype=bool), np.zeros(n, dtype=np.int64)
    packed = np.packbits(deciding, axis=1)
    padded = np.zeros((n, -(-packed.shape[1] // 8) * 8), dtype=np.uint8)
    padded[:, : packed.shape[1]] = packed
    keys = padded.view(np.uint64)
    if keys.shape[1] == 1:
        index, _ = pd.factorize(keys[:, 0])
    else:
        index = np.unique(keys, axis=0, return_inverse=True)[1].ravel()
    first = np.empty(index.max() + 1, dtype=np.int64)
    first[index[::-1]] = np.arange(n)[::-1]
    return deciding[first], index


def check_frame(regime: Regime, frame: pd.DataFrame) -> pd.DataFrame:
    """Verdict, deciding measure ids and their citations for each shipment: three new columns."""
    evaluation = evaluate(regime, frame)
    verdicts = evaluation.verdicts
    deciding = evaluation.deciding()
    combos, index = _combos(deciding)
    ids = np.array(
        [";".join(m.id for m, on in zip(evaluation.measures, row, strict=True) if on) for row in combos],
        dtype=object,
    )
    cites = np.array(
        [
            "; ".join(citation(regime, m) for m, on in zip(evaluation.measures, row, strict=True) if on)
            for row in combos
        ],
        dtype=object,
    )
    return pd.DataFrame(
        {
            "verdict": np.array(EFFECTS, dtype=object)[verdicts],
            "measures": ids[index],
            "citations": cites[index],
        },
        index=frame.index,
    )


@dataclass
class Finding:
    """How one measure bears on one shipment."""

    measure: Measure
    effect: str
    exemption: Exemption | None = None
    exceeds_cap: bool = False
    decides: bool = False
    coarse_hs: bool = False


@dataclass
class Verdict:
    verdict: str
    shipment: Shipment
    findings: list[Finding] = field(default_factory=list)
    caveats: list[Measure] = field(default_factory=list)

    @property
    def deciding(self) -> list[Finding]:
        return [f for f in self.findings if f.decides]


def _caveats(regime: Regime, shipment: Shipment) -> list[Measure]:
    """Measures in force that touch this pair of states but cannot be decided from the data given."""
    target = regime.target
    sides = {
        "to_dprk": shipment.to_state == target,
        "from_dprk": shipment.from_state == target,
        "either": target in (shipment.from_state, shipment.to_state),
    }
    return [
        m
        for m in regime.measures
        if not m.assessable
        and sides[m.direction]
        and m.covers(shipment.date)
    ]


def check(regime: Regime, shipment: Shipment) -> Verdict:
    """The verdict on one shipment, with every measure that applies and what its exemption requires."""
    if not (shipment.hs or shipment.labour or shipment.joint_venture):
        raise BadInputError("", "give an HS code, or mark the shipment as labour or joint venture")
    if shipment.purpose and shipment.purpose not in regime.purposes:
        raise BadInputError("", f"purpose '{shipment.purpose}' is not one of: {', '.join(regime.purposes)}")
    evaluation = evaluate(regime, shipment.frame(), detail=True)
    verdict = int(evaluation.verdicts[0])
    deciding = evaluation.deciding()[0]
    findings = []
    for j, measure in enumerate(evaluation.measures):
        effect = int(evaluation.effects[0, j])
        if effect == PERMITTED:
            continue
        used = int(evaluation.exemption_used[0, j])
        findings.append(
            Finding(
                measure,
                EFFECTS[effect],
                evaluation.exemptions[j][used] if used >= 0 else None,
                bool(evaluation.exceeds[0, j]),
                bool(deciding[j]),
                bool(evaluation.coarse[0, j]),
            )
        )
    findings.sort(key=lambda f: (not f.decides, regime.adopted(f.measure.resolution), f.measure.id))
    return Verdict(EFFECTS[verdict], shipment, findings, _caveats(regime, shipment))
