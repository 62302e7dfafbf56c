"""The as-of answers from the interval table's plain columns (issue 13: uncached answers in a few ms) give the same
JSON text as the pandas frame of the date and as the DuckDB reader, on seeded random cases from the real store:
dyads and states on random dates 1816-2026, every status choice, type filters; and the network view from the
table's columns equals the view built through the networkx graph.

Both table forms are checked: computed in this process (the in-memory store) and read from a store file (Arrow).
"""

from __future__ import annotations

import datetime as dt
import json
import random

import duckdb
import pytest

from foedus.naming import StateNames
from foedus.network import view
from foedus.query import asof, commitments, intervals
from foedus.query.answers import dyad_answer, obligations_answer
from foedus.store.schema import OBLIGATIONS
from tests.fixture_files import stored_copy

TODAY = "2026-06-01"
STATUSES = ("presumed", "any", "confirmed")
TYPES = (None, None, "defense", "consultation,nonaggression")


def _text(payload) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False, default=str)


def _day(rng: random.Random) -> dt.date:
    first, last = dt.date(1816, 1, 1), dt.date(2026, 12, 31)
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


@pytest.fixture(scope="module")
def stored_file(real_store, tmp_path_factory) -> str:
    return str(stored_copy(real_store, tmp_path_factory.mktemp("plain")))


@pytest.fixture(params=["computed", "stored"])
def con(request, real_store, stored_file, monkeypatch):
    monkeypatch.setenv("FOEDUS_TODAY", TODAY)
    intervals.clear_cache()
    if request.param == "computed":
        yield real_store.cursor()
    else:
        reader = duckdb.connect(stored_file, read_only=True)
        yield reader
        reader.close()
    intervals.clear_cache()


def _cases(con, rng: random.Random, dates: int = 100):
    """(day, status, types, frame of the day, pairs, states): 3 pairs and 3 states per date, two of each from the
    day's commitments (so most answers are not empty), one at random."""
    codes = sorted({int(c) for c in intervals.build(con).by_state})
    for _ in range(dates):
        day = _day(rng)
        frame = commitments.directed_commitments(con, day, status="any")  # the reference: the date's pandas slice
        rows = list(zip(frame.from_ccode.tolist(), frame.to_ccode.tolist(), strict=True)) or [tuple(codes[:2])]
        pairs = [rng.choice(rows) for _ in range(2)] + [tuple(rng.sample(codes, 2))]
        states = [rng.choice(rows)[0] for _ in range(2)] + [rng.choice(codes)]
        yield day, rng.choice(STATUSES), rng.choice(TYPES), frame, pairs, states


def test_plain_rows_equal_the_pandas_frame_and_duckdb(con, monkeypatch):
    """300 dyads and 300 states: the plain-column answer (the server's path, `table=`) is the same JSON text as the
    answer from the date's pandas frame; on the store file, also as the DuckDB reader's."""
    table = intervals.build(con)
    names = StateNames(con)
    stored = asof.stored_table(con)
    rng = random.Random(1313)
    seen = {"dyad": 0, "state": 0, "rows": 0}
    for day, status, types, frame, pairs, states in _cases(con, rng):
        for a, b in pairs:
            fast = asof.dyad_payload(con, a, b, day, types, names, status=status, table=table).payload
            slow = asof.dyad_payload(con, a, b, day, types, names, frame=frame, status=status).payload
            assert _text(fast) == _text(slow), (a, b, day, status, types)
            if stored:
                with monkeypatch.context() as m:
                    m.setattr(asof, "_pandas_loaded", lambda: False)
                    m.setattr(asof, "_in_memory", lambda key: False)
                    plain = asof.dyad_payload(con, a, b, day, types, names, status=status).payload
                assert _text(fast) == _text(plain), (a, b, day, status, types)
            seen["dyad"] += 1
            seen["rows"] += len(fast["commitments"])
        for code in states:
            fast = asof.obligations_payload(con, code, day, types, names, status=status, table=table).payload
            slow = asof.obligations_payload(con, code, day, types, names, frame=frame, status=status).payload
            assert _text(fast) == _text(slow), (code, day, status, types)
            seen["state"] += 1
            seen["rows"] += len(fast["commitments"])
    assert seen["dyad"] == 300 and seen["state"] == 300
    assert seen["rows"] > 3000  # the cases are not mostly empty answers


def test_register_notes_and_projection_on_modern_dates(con):
    """Dates where register status notes and the projection warning apply: same text either way."""
    table = intervals.build(con)
    names = StateNames(con)
    texts = []
    for on in ("2022-03-01", "2024-12-05", "2025-06-01", "2026-05-31", "2027-01-01", "2031-01-01"):
        day = dt.date.fromisoformat(on)
        frame = commitments.directed_commitments(con, day, status="any")
        for code in (2, 200, 365, 710, 731, 750):
            for status in STATUSES:
                fast = asof.obligations_payload(con, code, day, None, names, status=status, table=table).payload
                slow = asof.obligations_payload(con, code, day, None, names, frame=frame, status=status).payload
                assert _text(fast) == _text(slow), (code, on, status)
                texts.append(_text(fast))
    for key in ("confirmed_by", "partner_source", "status_notes", "unknown_after_coverage", "articles", "warning"):
        assert any(key in text for text in texts), key  # the register's fields were compared too
    assert "warning" in asof.dyad_payload(con, 2, 200, "2031-01-01", names=names, table=table).payload


def test_typed_answers_from_the_table(con):
    """The typed answers with `table=` validate to the same JSON as without it; `importance=False` cannot rank."""
    table = intervals.build(con)
    one = obligations_answer(con, "USA", "2000-01-01", table=table, importance=False)
    other = obligations_answer(con, "USA", "2000-01-01")
    assert one.to_json() == other.to_json() and len(one.commitments) > 50
    assert [c.to_ccode for c in other.ranked()][:1]
    with pytest.raises(RuntimeError, match="importance"):
        one.ranked()
    pair = dyad_answer(con, 365, 731, "1990-01-01", table=table).to_json()
    assert pair == dyad_answer(con, 365, 731, "1990-01-01").to_json()
    assert [c["treaty_id"] for c in pair["commitments"]] == ["atop:3440", "atop:3440"]


@pytest.mark.parametrize("on", ["1816-06-01", "1914-08-01", "1962-10-20", "2000-01-01", "2025-01-01", "2031-01-01"])
def test_network_view_from_the_table_is_the_graph_view(con, on):
    table = intervals.build(con)
    names = StateNames(con)
    layout = view.view_layout(con)
    frame = commitments.directed_commitments(con, on, status="any")
    for status in STATUSES:
        for types in ((OBLIGATIONS, ("neutrality", "consultation")) if status != "confirmed" else (("defense",),)):
            fast = view.network_view(con, on, types, layout=layout, status=status, table=table, names=names)
            slow = view.network_view(con, on, types, frame=frame, layout=layout, status=status)
            assert _text(fast.to_json()) == _text(slow.to_json()), (on, status, types)
    assert fast.nodes  # every system member is a node
