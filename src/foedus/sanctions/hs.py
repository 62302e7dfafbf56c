"""Harmonized System codes: parse scopes ("72", "7201", "720110", "72-83") and match codes, vectorised.

A scope entry of 2 digits is a chapter, 4 a heading, 6 a subheading (8 or 10: national lines). A code
matches an entry when its first digits fall in the entry's range at that level, so "270112" matches "27",
"2701" and "270112".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

LEVELS = (2, 4, 6, 8, 10)
_SPEC = re.compile(r"^(\d{2,10})(?:-(\d{2,10}))?$")
_STRIP = re.compile(r"[.\s]")


def normalize(code) -> str:
    """Digits only ("2701.12" -> "270112"); raises ValueError for anything that is not an HS code."""
    text = _STRIP.sub("", str(code))
    if not text.isdigit() or len(text) not in LEVELS:
        if text.isdigit() and len(text) % 2 == 1 and len(text) < 10:
            raise ValueError(
                f"HS code '{code}' has an odd number of digits (a lost leading zero? write 0{text})"
            )
        raise ValueError(f"'{code}' is not an HS code (2, 4, 6, 8 or 10 digits)")
    return text


def normalize_series(codes: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Normalised codes and a mask of entries that are not HS codes (an empty entry is valid: no code)."""
    text = codes.astype(str).str.replace(_STRIP, "", regex=True)
    valid = text.str.fullmatch(r"(?:\d{2}){1,5}") | (text == "")
    return text, ~valid


@dataclass(frozen=True)
class Scope:
    """HS ranges by level: {digits: ((lo, hi), ...)}."""

    ranges: dict[int, tuple[tuple[int, int], ...]]
    specs: tuple[str, ...]

    @classmethod
    def parse(cls, specs: list[str] | tuple[str, ...]) -> Scope:
        ranges: dict[int, list[tuple[int, int]]] = {}
        for spec in specs:
            match = _SPEC.match(str(spec).replace(".", "").strip())
            if not match:
                raise ValueError(f"'{spec}' is not an HS code or range (e.g. 2701, 72-83)")
            lo, hi = match.group(1), match.group(2) or match.group(1)
            if len(lo) not in LEVELS or len(hi) != len(lo):
                raise ValueError(f"'{spec}': both ends need the same even number of digits (2 to 10)")
            if int(hi) < int(lo):
                raise ValueError(f"'{spec}': the range runs backwards")
            ranges.setdefault(len(lo), []).append((int(lo), int(hi)))
        return cls({level: tuple(r) for level, r in ranges.items()}, tuple(specs))

    def __bool__(self) -> bool:
        return bool(self.ranges)

    def match_prefixes(self, prefixes: dict[int, np.ndarray]) -> np.ndarray:
        """Mask over codes given their prefixes by level (see `prefixes`)."""
        size = len(next(iter(prefixes.values())))
        mask = np.zeros(size, dtype=bool)
        for level, ranges in self.ranges.items():
            values = prefixes[level]
            for lo, hi in ranges:
                mask |= (values >= lo) & (values <= hi)
        return mask

    def matches(self, codes) -> np.ndarray:
        """Mask over an array of normalised codes ('' = no code, never matches)."""
        uniques, inverse = _factorize(codes)
        return self.match_prefixes(prefixes(uniques))[inverse]

    def covers(self, code: str) -> bool:
        return bool(self.matches([normalize(code)])[0])


def _factorize(codes) -> tuple[np.ndarray, np.ndarray]:
    inverse, uniques = pd.factorize(pd.Series(codes, dtype=object).fillna(""), sort=False)
    return np.asarray(uniques, dtype=object), inverse


def prefixes(codes) -> dict[int, np.ndarray]:
    """For each level, the integer value of a code's first digits, or -1 when the code is shorter."""
    text = pd.Series(codes, dtype=object).fillna("").astype(str)
    length = text.str.len().to_numpy()
    out = {}
    for level in LEVELS:
        head = text.str.slice(0, level)
        values = np.full(len(text), -1, dtype=np.int64)
        ok = length >= level
        if ok.any():
            values[ok] = head[ok].astype(np.int64).to_numpy()
        out[level] = values
    return out


def factorize(codes) -> tuple[dict[int, np.ndarray], np.ndarray]:
    """Prefixes of the distinct codes and the index of each code into them: match once per distinct code."""
    uniques, inverse = _factorize(codes)
    return prefixes(uniques), inverse
