"""Where the API spends its time (issues 12 and 13): no worker-thread round trip for an answer the caches hold,
uncached queries in a bounded pool of their own, thread pools sized from the cores.

No test here times anything: each asserts on which threads ran the work, which is what decided the latency.
"""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest
from fastapi.testclient import TestClient

from foedus.api import create_app
from foedus.api import queries as queries_api
from foedus.api.limits import CPUS, Limits


@pytest.fixture
def app(real_db_file):
    """An app of its own per test (leaving a TestClient closes the app's pools and store)."""
    return create_app(real_db_file, token="", limits=Limits(cheap_concurrency=2))


def test_thread_pools_follow_the_cores():
    limits = Limits()
    assert limits.cheap_concurrency == max(2, CPUS) and limits.heavy_concurrency == max(1, CPUS // 2)
    assert Limits.from_env({"FOEDUS_LIMIT_CHEAP_CONCURRENCY": "3"}).cheap_concurrency == 3


def test_an_answer_in_the_store_cache_takes_no_worker_thread(app, monkeypatch):
    """The store holds the JSON; the response cache is missed (another query string): routing, the
    dependencies and the response must all run on the event loop (FastAPI sends a plain-function or class
    dependency to a worker thread: a round trip per dependency, dearer than the answer)."""
    import anyio.to_thread

    with TestClient(app) as client:
        first = client.get("/api/dyad", params={"a": "USA", "b": "GBR", "on": "2000-01-01"})
        assert first.status_code == 200
        hops: list[str] = []
        original = anyio.to_thread.run_sync

        async def counted(function, *args, **kwargs):
            hops.append(getattr(function, "__name__", repr(function)))
            return await original(function, *args, **kwargs)

        monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
        again = client.get("/api/dyad", params={"a": "usa", "b": "GBR", "on": "2000-01-01"})  # same key, new URL
        assert again.status_code == 200 and again.content == first.content
        assert hops == []


def test_uncached_queries_run_in_the_bounded_pool(app, monkeypatch):
    """Twelve concurrent uncached dyads are computed by at most `cheap_concurrency` threads, none of them the
    event loop's, each reading the database file its request pinned."""
    seen: list[str] = []
    lock = threading.Lock()
    original = queries_api.dyad_answer

    def recorded(*args, **kwargs):
        with lock:
            seen.append(threading.current_thread().name)
        return original(*args, **kwargs)

    monkeypatch.setattr(queries_api, "dyad_answer", recorded)
    pairs = [("USA", "GBR"), ("RUS", "PRK"), ("CHN", "PRK"), ("FRN", "GMY"), ("USA", "JPN"), ("TUR", "GRC")]

    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await asyncio.gather(*(client.get("/api/dyad", params={"a": a, "b": b, "on": f"{year}-06-01"})
                                          for a, b in pairs for year in (1961, 1995)))

    main = threading.current_thread().name
    answers = asyncio.run(run())
    assert [r.status_code for r in answers] == [200] * 12
    assert len(seen) == 12 and main not in seen
    assert all(name.startswith("foedus-query") for name in seen)
    assert len(set(seen)) <= 2
    assert {(r.json()["a"], r.json()["on"]) for r in answers} == {(a, f"{y}-06-01") for a in (2, 365, 710, 220, 640)
                                                                 for y in (1961, 1995)}


def test_a_cancelled_request_waits_for_its_thread():
    """A client that goes away cancels its request, but the query's thread cannot be stopped: the request
    must not end (and let go of its database file) before that thread does."""
    from foedus.api.guard import HeavyPool

    pool = HeavyPool(Limits(cheap_concurrency=1))
    release, running = threading.Event(), threading.Event()

    def work():
        running.set()
        release.wait(10)
        return "done"

    async def run() -> tuple[bool, bool]:
        task = asyncio.ensure_future(pool.run_cheap(work))
        while not running.is_set():
            await asyncio.sleep(0.01)
        task.cancel()
        await asyncio.sleep(0.1)
        ended_early = task.done()
        release.set()
        try:
            await task
        except asyncio.CancelledError:
            pass
        return ended_early, task.cancelled()

    try:
        ended_early, cancelled = asyncio.run(run())
    finally:
        release.set()
        pool.close()
    assert not ended_early and cancelled
