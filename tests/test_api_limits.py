"""The server's bounds (issue 12): one settings object, size guards, allowed hosts, bounded caches, the heavy pool's
429/503 with Retry-After, 405/404 on API paths, and hostile inputs answered fast with a 4xx."""

from __future__ import annotations

import os
import sys
import threading
import time

import pytest
from fastapi.testclient import TestClient

from foedus.api import create_app
from foedus.api import scenario as scenario_api
from foedus.api.guard import allowed_hosts
from foedus.api.limits import FIXED, Limits, markdown_table
from foedus.api.store import LRU, Body
from foedus.errors import BadInputError

FAST = 5.0  # seconds: a hostile request must be refused well within this


@pytest.fixture(scope="module")
def client(real_db_file):
    with TestClient(create_app(real_db_file, token="")) as test_client:
        yield test_client


def refused(response, status: int, parameter: str | None = None) -> dict:
    assert response.status_code == status, response.text[:300]
    body = response.json()
    assert isinstance(body["detail"], str) and "Traceback" not in response.text
    if parameter is not None:
        assert body.get("parameter") == parameter or any(e["parameter"] == parameter for e in body.get("errors", []))
    return body


# ---------------------------------------------------------------------------------- the settings object


def test_limits_read_from_the_environment():
    limits = Limits.from_env({"FOEDUS_LIMIT_BODY_BYTES": "1_000", "FOEDUS_LIMIT_QUEUE_SECONDS": "2.5"})
    assert limits.body_bytes == 1000 and limits.queue_seconds == 2.5 and limits.query_bytes == Limits().query_bytes
    assert Limits.from_env({}, draws=5).scenario().max_draws == 5
    with pytest.raises(BadInputError) as bad:
        Limits.from_env({"FOEDUS_LIMIT_BODY_BYTES": "lots"})
    assert bad.value.parameter == "FOEDUS_LIMIT_BODY_BYTES"
    with pytest.raises(BadInputError, match="not positive"):
        Limits.from_env({"FOEDUS_LIMIT_HEAVY_CONCURRENCY": "0"})
    for name in FIXED:  # the library's own bounds are not overridable
        with pytest.raises(BadInputError):
            Limits.from_env({f"FOEDUS_LIMIT_{name.upper()}": "5"})


def test_the_readme_table_lists_every_limit():
    table = markdown_table()
    for name in Limits.__dataclass_fields__:
        assert f"`FOEDUS_LIMIT_{name.upper()}`" in table
    assert "| 65,536 bytes |" in table


def test_allowed_hosts_default_to_loopback():
    assert allowed_hosts(environ={}) == ["127.0.0.1", "localhost", "[::1]", "testserver"]
    assert allowed_hosts(["api.example.org"], {"FOEDUS_ALLOWED_HOSTS": "a.example, b.example"})[-3:] == [
        "api.example.org", "a.example", "b.example"]


def test_lru_is_bounded_in_bytes_and_never_keeps_a_large_value():
    cache = LRU(100, max_bytes=10_000, max_item=4_000)
    for i in range(10):
        cache.put(i, Body(b"x" * 1_000))
    assert cache.bytes <= 10_000 and len(cache) < 10 and cache.get(9) is not None and cache.get(0) is None
    assert cache.put("big", b"y" * 5_000) is False and cache.get("big") is None and cache.skipped == 1
    assert cache.get_or_compute("big", lambda: b"z" * 5_000) == b"z" * 5_000 and cache.get("big") is None
    cache.clear()
    assert cache.bytes == 0 and len(cache) == 0


# ---------------------------------------------------------------------------------- HTTP size guards


def test_request_size_guards(client):
    started = time.monotonic()
    json_type = {"content-type": "application/json"}
    body = refused(client.post("/api/scenario", content=b"{" + b" " * 70_000, headers=json_type), 413)
    assert body["limit"] == Limits().body_bytes

    def chunks():  # no Content-Length: counted as it streams
        for _ in range(40):
            yield b" " * 4096

    refused(client.post("/api/scenario", content=chunks(), headers=json_type), 413)
    assert refused(client.get("/api/meta?x=" + "a" * 5_000), 414)["limit"] == Limits().query_bytes
    many = {f"x-extra-{i}": "1" for i in range(70)}
    refused(client.get("/api/meta", headers=many), 431)
    refused(client.get("/api/meta", headers={"x-big": "v" * 17_000}), 431)
    assert time.monotonic() - started < FAST


def test_wrong_host_is_400(real_db_file):
    with TestClient(create_app(real_db_file, token="")) as local:
        assert local.get("/api/meta", headers={"host": "evil.example"}).status_code == 400
        assert local.get("/api/meta", headers={"host": "localhost:8000"}).status_code == 200
        assert local.get("/api/meta", headers={"host": "[::1]:8000"}).status_code == 200
    with TestClient(create_app(real_db_file, token="", hosts=["foedus.example.org"])) as public:
        assert public.get("/api/meta", headers={"host": "foedus.example.org"}).status_code == 200
        assert public.get("/api/meta", headers={"host": "evil.example"}).status_code == 400


# ---------------------------------------------------------------------------------- hostile inputs, fast


def test_hostile_inputs_are_fast_4xx(client):
    started = time.monotonic()
    refused(client.post("/api/scenario", json={"attackers": ["Q" * 100_000], "targets": ["PRK"]}), 413)
    refused(client.post("/api/scenario", json={"attackers": ["USA"], "targets": ["PRK"], "where": "x" * 20_000_000}),
            413)
    refused(client.get("/api/dyad", params={"a": "Q" * 60_000, "b": "PRK"}), 414)  # httpx sends at most 64 KiB
    body = refused(client.post("/api/scenario", json={"attackers": ["Q" * 5_000], "targets": ["PRK"]}), 422)
    assert "attackers" in body["detail"]
    refused(client.get("/api/dyad", params={"a": "Q" * 1_000, "b": "PRK"}), 422, "a")
    refused(client.post("/api/scenario", json={"attackers": ["USA"] * 21, "targets": ["PRK"]}), 422, "attackers")
    refused(client.post("/api/scenario", json={"attackers": ["USA"], "targets": ["PRK"], "draws": 10**9,
                                               "reliability": 0.5}), 422, "draws")
    assert time.monotonic() - started < FAST


@pytest.mark.parametrize("path, params", [
    ("/api/dyad", {"a": "USA", "b": "GBR"}), ("/api/obligations", {"state": "USA"}), ("/api/network", {}),
    ("/api/network/view", {}), ("/api/map", {}), ("/api/triads", {}), ("/api/memberships", {"state": "USA"})])
@pytest.mark.parametrize("on", ["99999999999999999999", "-5", "٢٠٠٠", "２０００", "0999", "2201-01-01"])
def test_bad_years_are_422_naming_on(client, path, params, on):
    body = refused(client.get(path, params={**params, "on": on}), 422, "on")
    assert "on" in body["detail"]


def test_triads_are_bounded(client):
    refused(client.get("/api/triads", params={"top": 0}), 413, "top")
    refused(client.get("/api/triads", params={"top": 101}), 422, "top")
    among = ",".join(["USA", "GBR", "FRN", "GMY", "ITA", "RUS", "CHN", "JPN", "IND", "BRA", "CAN", "MEX", "TUR"])
    refused(client.get("/api/triads", params={"among": among, "top": 5}), 422, "among")
    ok = client.get("/api/triads", params={"among": "USA,GBR,FRN", "top": 0, "on": "2000-01-01"})
    assert ok.status_code == 200 and all(set(t["members"]) == {2, 200, 220} for t in ok.json())


def test_maximal_stata_panel_is_refused_at_once(client):
    started = time.monotonic()
    body = refused(client.get("/api/panel/dyad-years", params={"through": 2100, "add": "atop,nmc,majors",
                                                               "format": "dta"}), 413, "format")
    assert "parquet" in body["fix"] and time.monotonic() - started < FAST
    small = client.get("/api/panel/state-years", params={"through": 1820, "format": "dta"})
    assert small.status_code == 200


def test_methods_and_unknown_api_paths(client):
    wrong = client.put("/api/meta")
    assert wrong.status_code == 405 and "GET" in wrong.headers["allow"] and wrong.json()["detail"]
    assert client.options("/api/dyad").status_code == 405  # not answered by the web page's files
    missing = client.get("/api/no-such-endpoint")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/json")
    assert client.get("/").status_code == 200


def test_malformed_json_is_422_naming_body(client):
    for content in (b"{bad", b"\xff\xfe"):
        refused(client.post("/api/scenario", content=content, headers={"content-type": "application/json"}), 422,
                "body")


def test_answers_name_no_paths_or_process(client, real_db_file):
    for path in ("/api/meta", "/api/dyad?a=USA&b=XXX", "/api/panel/dyad-years?format=dta&through=2100",
                 "/api/triads?top=0"):
        text = client.get(path).text
        assert os.path.dirname(real_db_file) not in text and f" {os.getpid()}" not in text
        assert sys.executable not in text and "site-packages" not in text


def test_operations_document_the_guards(client):
    spec = client.get("/openapi.json").json()
    dyad = spec["paths"]["/api/dyad"]["get"]
    assert {"413", "414", "429", "431"} <= set(dyad["responses"])
    on = next(p for p in dyad["parameters"] if p["name"] == "on")
    assert "pattern" in on["schema"]["anyOf"][0] or "pattern" in on["schema"]
    a = next(p for p in dyad["parameters"] if p["name"] == "a")
    assert a["schema"]["maxLength"] == 100 and a["schema"]["minLength"] == 1


# ---------------------------------------------------------------------------------- the heavy pool


@pytest.fixture()
def blocking(monkeypatch):
    """Every scenario computation waits until the test lets it go (a heavy request held for as long as needed)."""
    gate, entered = threading.Event(), threading.Event()

    def payload(_store, request):
        if request.reliability is None:
            return {"held": False}
        entered.set()
        gate.wait(30)
        return {"held": True}

    monkeypatch.setattr(scenario_api, "scenario_payload", payload)
    yield gate, entered
    gate.set()


def monte_carlo(seed: int) -> dict:
    return {"attackers": ["USA"], "targets": ["PRK"], "reliability": 0.5, "draws": 100, "seed": seed}


def test_full_heavy_pool_answers_429_with_retry_after(real_db_file, blocking):
    gate, entered = blocking
    limits = Limits(heavy_concurrency=1, queue_seconds=0.3)
    with TestClient(create_app(real_db_file, token="", limits=limits)) as app_client:
        first: dict = {}
        worker = threading.Thread(target=lambda: first.update(r=app_client.post("/api/scenario", json=monte_carlo(1))))
        worker.start()
        assert entered.wait(10)
        started = time.monotonic()
        busy = app_client.post("/api/scenario", json=monte_carlo(2))
        assert busy.status_code == 429 and int(busy.headers["retry-after"]) >= 1 and "busy" in busy.json()["detail"]
        assert time.monotonic() - started < FAST
        cheap = app_client.get("/api/meta")  # cheap endpoints are not behind the pool
        assert cheap.status_code == 200
        plain = app_client.post("/api/scenario", json={"attackers": ["USA"], "targets": ["PRK"]})
        assert plain.status_code == 200 and plain.json() == {"held": False}  # deterministic: not heavy
        gate.set()
        worker.join(10)
        assert first["r"].status_code == 200 and first["r"].json() == {"held": True}
        assert app_client.post("/api/scenario", json=monte_carlo(3)).status_code == 200  # the slot is free again


def test_heavy_work_past_the_timeout_is_503(real_db_file, blocking):
    gate, _entered = blocking
    limits = Limits(heavy_concurrency=1, queue_seconds=0.2, request_seconds=0.3)
    with TestClient(create_app(real_db_file, token="", limits=limits)) as app_client:
        slow = app_client.post("/api/scenario", json=monte_carlo(4))
        assert slow.status_code == 503 and "retry-after" in slow.headers
        # the thread still runs: its slot is not given away, so the next heavy request waits, then 429
        assert app_client.post("/api/scenario", json=monte_carlo(5)).status_code == 429
        gate.set()
        time.sleep(0.2)
        assert app_client.post("/api/scenario", json=monte_carlo(6)).status_code == 200


def test_concurrent_monte_carlo_never_exceeds_the_pool(real_db_file, blocking):
    gate, entered = blocking
    limits = Limits(heavy_concurrency=2, queue_seconds=0.5)
    app = create_app(real_db_file, token="", limits=limits)
    with TestClient(app) as app_client:
        results: list[int] = []
        threads = [threading.Thread(target=lambda s=s: results.append(
            app_client.post("/api/scenario", json=monte_carlo(100 + s)).status_code)) for s in range(8)]
        for thread in threads:
            thread.start()
        assert entered.wait(10)
        time.sleep(1.0)  # past the queue timeout: everyone but the two running has been answered
        assert app.state.heavy.running["compute"] == 2
        gate.set()
        for thread in threads:
            thread.join(10)
        assert sorted(results) == [200, 200] + [429] * 6


# ---------------------------------------------------------------------------------- the token


def test_token_sources(tmp_path, monkeypatch, capsys):
    import typer

    from foedus.cli.serve import _token

    monkeypatch.delenv("FOEDUS_API_TOKEN", raising=False)
    path = tmp_path / "token"
    path.write_text("s3cret\n")
    assert _token(None, str(path)) == "s3cret"
    assert _token("given", None) == "given" and "visible" in capsys.readouterr().err
    monkeypatch.setenv("FOEDUS_API_TOKEN", "from-env")
    assert _token(None, None) == "from-env"
    (tmp_path / "empty").write_text("")
    for args in ((None, str(tmp_path / "empty")), (None, str(tmp_path / "missing")), ("a", str(path))):
        with pytest.raises(typer.Exit) as stopped:
            _token(*args)
        assert stopped.value.exit_code == 2
    assert "--token-file" in capsys.readouterr().err
