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

from foedus.errors import BadInputError

LEVELS = (2, 4, 6, 8, 10)
_SPEC = re.compile(r"^(\d{2,10})(?:-(\d{2,10}))?$")
_STRIP = re.compile(r"[.\s]")


def normalize(code) -> str:
    """Digits only ("2701.12" -> "270112"); raises ValueError for anything that is not an HS code."""
    text = _STRIP.sub("", str(code))
    if not text.isdigit() or len(text) not in LEVELS:
        if text.isdigit() and len(text) % 2 == 1 and len(text) < 10:
            raise BadInputError("",
                f"HS code '{code}' has an odd number of digits (a lost leading zero? write 0{text})"
            )
        raise BadInputError("", f"'{code}' is not an HS code (2, 4, 6, 8 or 10 digits)")
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
                raise BadInputError("", f"'{spec}' is not an HS code or range (e.g. 2701, 72-83)")
            lo, hi = match.group(1), match.group(2) or match.group(1)
            if len(lo) not in LEVELS or len(hi) != len(lo):
                raise BadInputError("", f"'{spec}': both ends need the same even number of digits (2 to 10)")
            if int(hi) < int(lo):
                raise BadInputError("", f"'{spec}': the range runs backwards")
            ranges.setdefault(len(lo), []).append((int(lo), int(hi)))
        return cls({level: tuple(r) for level, r in ranges.items()}, tuple(specs))

    def __bool__(self) -> bool:
        return bool(self.ranges)

    def _on_distinct(self, codes: Codes) -> np.ndarray:
        mask = np.zeros(len(codes.lengths), dtype=bool)
        for level, ranges in self.ranges.items():
            values = codes.prefixes[level]
            for lo, hi in ranges:
                mask |= (values >= lo) & (values <= hi)
        return mask

    def _coarse_on_distinct(self, codes: Codes) -> np.ndarray:
        mask = np.zeros(len(codes.lengths), dtype=bool)
        for level, ranges in self.ranges.items():
            for shorter in (lv for lv in LEVELS if lv < level):
                scale = 10 ** (level - shorter)
                values = codes.prefixes[shorter]
                for lo, hi in ranges:
                    mask |= (codes.lengths == shorter) & (values >= lo // scale) & (values <= hi // scale)
        return mask & ~self._on_distinct(codes)

    def covered(self, codes: Codes) -> np.ndarray:
        """Per code: it falls inside the scope (at the scope's level or finer)."""
        return self._on_distinct(codes)[codes.index]

    def coarse(self, codes: Codes) -> np.ndarray:
        """Per code: coarser than a scope entry under it (chapter 27 vs heading 2701), so maybe covered."""
        return self._coarse_on_distinct(codes)[codes.index]

    def matches(self, codes) -> np.ndarray:
        """Mask over an array of normalised codes ('' = no code, never matches)."""
        return self.covered(Codes.of(codes))

    def covers(self, code: str) -> bool:
        return bool(self.matches([normalize(code)])[0])


@dataclass(frozen=True)
class Codes:
    """Distinct codes (first digits at each level, -1 where shorter; lengths) and each input's index."""

    prefixes: dict[int, np.ndarray]
    lengths: np.ndarray
    index: np.ndarray

    @classmethod
    def of(cls, codes) -> Codes:
        inverse, uniques = pd.factorize(pd.Series(codes, dtype=object).fillna(""), sort=False)
        text = pd.Series(np.asarray(uniques, dtype=object), dtype=object).astype(str)
        lengths = text.str.len().to_numpy()
        prefixes = {}
        for level in LEVELS:
            values = np.full(len(text), -1, dtype=np.int64)
            ok = lengths >= level
            if ok.any():
                values[ok] = text[ok].str.slice(0, level).astype(np.int64).to_numpy()
            prefixes[level] = values
        return cls(prefixes, lengths, inverse)
