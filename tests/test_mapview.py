"""The world map answer (foedus.network.mapview, GET /api/map) and the offline /docs page."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from foedus.api.app import create_app, static_dir
from foedus.network.mapview import PALETTE, world_map

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def client(real_db_file):
    with TestClient(create_app(real_db_file, token="")) as test_client:
        yield test_client


def arc(answer, a, b):
    return next(e for e in answer["arcs"] if (e["a"], e["b"]) == (min(a, b), max(a, b)))


def test_map_on_a_date_has_capitals_and_the_three_ties(real_store):
    answer = world_map(real_store, "2025-06-01").to_json()
    assert answer["on"] == "2025-06-01" and not answer["before_data"]
    states = {s["code"]: s for s in answer["states"]}
    assert states[365]["capital"] == "Moscow" and states[731]["capital"] == "Pyongyang"
    assert 55 < states[365]["lat"] < 56 and 37 < states[365]["lng"] < 38
    rus_prk, chn_prk, rus_chn = arc(answer, 365, 731), arc(answer, 710, 731), arc(answer, 365, 710)
    assert rus_prk["strongest"] == "defense" and rus_prk["tier"] == "confirmed"
    assert rus_prk["treaties"][0] == "reg:russia-dprk-2024"  # the treaty carrying the strongest obligation first
    assert chn_prk["strongest"] == "defense" and "atop:3445" in chn_prk["treaties"]
    assert rus_chn["strongest"] == "nonaggression"
    assert answer["colors"] == PALETTE and len(set(PALETTE.values())) == len(PALETTE)
    ranks = [("consultation", "nonaggression", "neutrality", "offense", "defense").index(e["strongest"])
             for e in answer["arcs"]]
    assert ranks == sorted(ranks)  # weakest first: the strongest drawn last, on top
    assert set(answer["tiers"]) == {"confirmed", "presumed", "unknown"}


def test_map_in_1914_keeps_the_old_capital_and_before_1816_is_empty(real_store):
    answer = world_map(real_store, "1914-01-01").to_json()
    states = {s["code"]: s for s in answer["states"]}
    assert states[365]["capital"] == "Saint Petersburg" and not states[365]["capital_carried"]
    assert arc(answer, 255, 300)["strongest"] == "defense"
    early = world_map(real_store, "1800-01-01")
    assert early.before_data and early.states == [] and early.arcs == []


def test_api_map_types_and_bad_date(client):
    response = client.get("/api/map", params={"on": "2025-06-01", "types": "defense"})
    assert response.status_code == 200
    body = response.json()
    assert body["types"] == ["defense"] and {e["strongest"] for e in body["arcs"]} == {"defense"}
    bad = client.get("/api/map", params={"on": "2025-13-01"})
    assert bad.status_code == 422 and bad.json()["parameter"] == "on"


def test_docs_page_uses_only_vendored_files(client):
    page = client.get("/docs")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith(("/vendor/", "data:")) for s in sources), sources
    for source in sources:
        if source.startswith("/vendor/"):
            assert (static_dir() / source.lstrip("/")).is_file()
            assert client.get(source).status_code == 200
    assert "validatorUrl: null" in page.text  # Swagger UI must not call its online validator
    assert client.get("/openapi.json").json()["paths"]["/api/map"]
