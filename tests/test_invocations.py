"""Invocation events: stored from the register, listed by state or treaty, with sources."""

from __future__ import annotations

import duckdb
import pytest

from foedus.errors import BadInputError
from foedus.query.invocations import dyad_invocations, invocations
from foedus.register.store import write_register
from foedus.store.schema import ensure_schema


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect(":memory:")
    ensure_schema(connection)
    write_register(connection)
    yield connection
    connection.close()


def test_required_events_are_listed_with_sources(con):
    result = invocations(con).to_json()
    ids = {e["id"] for e in result["events"]}
    assert {
        "nato-art5-2001-usa", "anzus-art4-2001-australia", "rio-2001-terrorist-attacks", "nato-art4-2003-turkey",
        "nato-art4-2022-02-24-eastern-allies", "nato-art4-2025-09-poland", "nato-art4-2025-09-estonia",
        "csto-art4-2022-kazakhstan", "csto-art2-2021-armenia", "csto-art4-2022-armenia",
        "russia-dprk-2024-art4-kursk",
    } <= ids
    dates = [e["date"] for e in result["events"]]
    assert dates == sorted(dates)
    for event in result["events"]:
        assert event["source"]["kind"] == "register" and "http" in event["source"]["citation"]
        assert event["responses"] and all(r["action"] for r in event["responses"])


def test_filters_by_treaty_name_and_state(con):
    nato = invocations(con, treaty="NATO")
    assert nato.events and {e.treaty_id for e in nato.events} == {"atop:3180"}
    assert sum(1 for e in nato.events if e.article == "Art. 4" and e.request == "invocation") >= 9
    armenia = invocations(con, state=371)
    assert {"csto-art2-2021-armenia", "csto-art4-2022-armenia"} <= {e.id for e in armenia.events}
    kursk = invocations(con, treaty="russia-dprk-2024").events
    assert [e.id for e in kursk] == ["russia-dprk-2024-art4-kursk"] and kursk[0].invoked_by == (731,)
    with pytest.raises(BadInputError):
        invocations(con, treaty="no such pact")


def test_dyad_invocations(con):
    assert "russia-dprk-2024-art4-kursk" in {e.id for e in dyad_invocations(con, 365, 731)}
    assert "anzus-art4-2001-australia" in {e.id for e in dyad_invocations(con, 2, 900)}
    assert not [e for e in dyad_invocations(con, 731, 900)]
