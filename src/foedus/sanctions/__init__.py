"""The UN sanctions regime on the DPRK as data: checker, regime views, trade series, screen and plot."""

from foedus.sanctions.check import EFFECTS, Shipment, Verdict, check, check_frame
from foedus.sanctions.load import load_regime, load_trade_file
from foedus.sanctions.model import Measure, Regime, SanctionsDataError

__all__ = [
    "EFFECTS",
    "Measure",
    "Regime",
    "SanctionsDataError",
    "Shipment",
    "Verdict",
    "check",
    "check_frame",
    "load_regime",
    "load_trade_file",
]
