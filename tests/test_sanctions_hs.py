"""HS matching at chapter, heading and subheading level, ranges, coarse codes, and the vectorised path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from foedus.sanctions.hs import Codes, Scope, normalize, normalize_series


def test_chapter_scope_matches_every_code_in_the_chapter():
    scope = Scope.parse(["27"])
    assert (
        scope.covers("27") and scope.covers("2701") and scope.covers("270112") and scope.covers("2710194210")
    )
    assert not scope.covers("2601") and not scope.covers("28")


def test_heading_scope():
    scope = Scope.parse(["2701"])
    assert scope.covers("2701") and scope.covers("270119")
    assert not scope.covers("2702") and not scope.covers("270210")


def test_subheading_scope():
    scope = Scope.parse(["271112", "271113"])
    assert scope.covers("271112") and scope.covers("27111300")
    assert not scope.covers("271111") and not scope.covers("2711")


def test_ranges_at_each_level():
    chapters = Scope.parse(["72-83"])
    assert chapters.covers("7208") and chapters.covers("8301") and chapters.covers("830890")
    assert not chapters.covers("7101") and not chapters.covers("8401")
    headings = Scope.parse(["7201-7206"])
    assert headings.covers("7206") and not headings.covers("7207")
    subheadings = Scope.parse(["271112-271119"])
    assert subheadings.covers("271115") and not subheadings.covers("271121")


def test_normalize_accepts_dotted_codes_and_rejects_bad_ones():
    assert normalize("2701.12") == "270112"
    assert normalize(" 0302 ") == "0302"
    with pytest.raises(ValueError, match="odd number of digits"):
        normalize("302")
    with pytest.raises(ValueError, match="not an HS code"):
        normalize("coal")
    with pytest.raises(ValueError):
        Scope.parse(["72-8301"])
    with pytest.raises(ValueError, match="backwards"):
        Scope.parse(["83-72"])


def test_normalize_series_marks_bad_entries_and_keeps_empty_ones():
    text, bad = normalize_series(pd.Series(["2701.12", "", "271", "x1"]))
    assert text.tolist()[:2] == ["270112", ""]
    assert bad.tolist() == [False, False, True, True]


def test_coarse_codes_are_flagged_not_matched():
    scope = Scope.parse(["2701", "7201-7206"])
    codes = Codes.of(["27", "72", "2701", "28", "", "2702"])
    assert scope.covered(codes).tolist() == [False, False, True, False, False, False]
    assert scope.coarse(codes).tolist() == [True, True, False, False, False, False]


def test_vectorised_matching_agrees_with_a_plain_prefix_rule():
    rng = np.random.default_rng(1)
    digits = rng.integers(0, 10, size=(20_000, 6))
    codes = ["".join(map(str, row[: rng.choice([2, 4, 6])])) for row in digits]
    specs = ["03", "1604", "7201-7206", "72-83", "271112-271119", "930110"]
    scope = Scope.parse(specs)

    def plain(code: str) -> bool:
        for spec in specs:
            lo, _, hi = spec.partition("-")
            hi = hi or lo
            if len(code) >= len(lo) and int(lo) <= int(code[: len(lo)]) <= int(hi):
                return True
        return False

    assert scope.matches(codes).tolist() == [plain(c) for c in codes]
