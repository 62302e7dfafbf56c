"""Batch sanctions check speed: 1,000,000 generated shipments.

Target (issue 8): a batch check of 1,000,000 shipments in under 10 s. Prints the in-memory check and the
whole `foedus sanctions check --batch` path (read and validate the CSV, check, write the verdicts).
Run: .venv/bin/python benchmarks/bench_sanctions.py [N]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from foedus.sanctions.batch import check_file, read_shipments
from foedus.sanctions.check import check_frame
from foedus.sanctions.load import load_regime

STATES = np.array(["PRK", "North Korea", "731", "CHN", "China", "RUS", "Russia", "JPN", "KOR", "710"])
COVERED = np.array(
    [
        "2701",
        "270112",
        "2709",
        "2710",
        "271019",
        "6109",
        "0302",
        "8429",
        "9301",
        "7113",
        "8903",
        "2601",
        "7108",
        "7403",
        "9703",
        "0801",
        "4407",
        "8703",
        "27",
    ]
)
PURPOSES = np.array(["", "", "", "", "", "", "humanitarian", "livelihood", "prior-contract", "rajin-transit"])


def shipments(n: int, seed: int = 8) -> pd.DataFrame:
    """n shipments: random states (half with the DPRK), HS codes (30% ones the regime covers), dates
    2005-2025, some purposes and quantities."""
    rng = np.random.default_rng(seed)
    chapters = rng.integers(1, 98, size=3000)
    codes = np.char.zfill((chapters * 10000 + rng.integers(100, 9999, size=3000)).astype(str), 6)
    hs = rng.choice(codes, size=n)
    covered = rng.random(n) < 0.3
    hs[covered] = rng.choice(COVERED, size=int(covered.sum()))
    dprk = rng.random(n) < 0.5
    other = rng.choice(STATES[3:], size=n)
    side = rng.random(n) < 0.5
    frame = pd.DataFrame(
        {
            "from": np.where(dprk & side, "PRK", other),
            "to": np.where(dprk & ~side, "DPRK", rng.choice(STATES[3:], size=n)),
            "hs": hs,
            "date": (np.datetime64("2005-01-01") + rng.integers(0, 7600, size=n)).astype(str),
            "purpose": rng.choice(PURPOSES, size=n),
            "quantity": np.where(rng.random(n) < 0.2, rng.integers(1, 900_000, size=n).astype(str), ""),
            "unit": "",
        }
    )
    frame.loc[frame["quantity"] != "", "unit"] = "bbl"
    frame.loc[frame["purpose"] == "rajin-transit", "origin"] = "Russia"
    frame["origin"] = frame["origin"].fillna("")
    return frame


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    regime = load_regime()
    with tempfile.TemporaryDirectory() as tmp:
        source, out = Path(tmp) / "shipments.csv", Path(tmp) / "verdicts.csv"
        shipments(n).to_csv(source, index=False)
        print(f"{n:,} generated shipments ({source.stat().st_size / 1e6:.0f} MB CSV)")
        start = time.perf_counter()
        _, frame = read_shipments(source, regime)
        read = time.perf_counter() - start
        start = time.perf_counter()
        verdicts = check_frame(regime, frame)
        checked = time.perf_counter() - start
        print(f"read and validate: {read:.2f} s; check in memory: {checked:.2f} s")
        print("verdicts:", verdicts["verdict"].value_counts().to_dict())
        start = time.perf_counter()
        check_file(regime, source, out)
        total = time.perf_counter() - start
        status = "OK" if total < 10 else "SLOWER THAN TARGET"
        print(
            f"batch check end to end (read, validate, check, write {out.stat().st_size / 1e6:.0f} MB): "
            f"{total:.2f} s [{status}: target < 10 s]"
        )


if __name__ == "__main__":
    main()
