"""The interval table stored in the database file at build time (foedus.query.intervals.materialise) reads back
as the same answers the computed one gives, and is not read for another build or another code version."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pytest

from foedus.query import commitments, intervals
from tests.fixture_files import stored_copy

pytestmark = pytest.mark.realdata

DATES = [dt.date(1914, 8, 1), dt.date(1955, 5, 14), dt.date(1990, 1, 1), dt.date(2017, 6, 1), dt.date(2025, 1, 1)]
PAIRS = [(2, 200), (365, 731), (710, 731), (2, 740), (220, 255)]


@pytest.fixture(scope="module")
def stored_file(real_store, tmp_path_factory):
    return stored_copy(real_store, tmp_path_factory.mktemp("stored"))


def _records(iv, con, day, index=None, status="any"):
    return commitments.records(intervals.slice_on(iv, day, index, status))


def test_the_stored_table_answers_as_the_computed_one(real_store, stored_file):
    con = duckdb.connect(str(stored_file), read_only=True)
    try:
        intervals.clear_cache()
        stored = intervals.build(con)
        computed = intervals._assemble(real_store, intervals.fingerprint(real_store))
        assert stored.stored and not computed.stored
        assert stored.fingerprint == computed.fingerprint and len(stored) == len(computed)
        assert np.array_equal(stored.start, computed.start) and np.array_equal(stored.rank, computed.rank)
        assert stored.register_checked == computed.register_checked
        for day in DATES:
            for status in ("any", "presumed", "confirmed"):
                assert _records(stored, con, day, status=status) == _records(computed, real_store, day, status=status)
            for a, b in PAIRS:
                index = np.concatenate([stored.by_pair.get((a, b), commitments._EMPTY),
                                        stored.by_pair.get((b, a), commitments._EMPTY)])
                assert _records(stored, con, day, index) == _records(computed, real_store, day, index)
                assert np.array_equal(stored.by_state.get(a, commitments._EMPTY),
                                      computed.by_state.get(a, commitments._EMPTY))
        assert list(stored.table.columns) == list(computed.table.columns)
        # text may be `object` or pandas 3's `str` depending on how a column was made: both are text
        def kinds(frame):
            return [("text" if str(t) in ("object", "str", "string") else str(t)) for t in frame.dtypes]

        assert kinds(stored.table) == kinds(computed.table)
    finally:
        con.close()
        intervals.clear_cache()


def test_another_build_or_code_version_is_not_read(stored_file, monkeypatch):
    con = duckdb.connect(str(stored_file), read_only=True)
    try:
        assert intervals.load(con) is not None
        assert intervals.load(con, "another|build|0") is None
        monkeypatch.setattr(intervals, "_CODE", "0" * 16)
        assert intervals.load(con) is None
    finally:
        con.close()


def test_a_store_without_the_table_computes_it(real_store):
    assert intervals.load(real_store) is None
    intervals.clear_cache()
    assert not intervals.build(real_store).stored
