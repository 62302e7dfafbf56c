"""A real `foedus serve` holds the database while the CLI reads it and `foedus data import` replaces it.

Done when (issue 11): the CLI works while the server runs; an import while the server runs swaps the new data
in, the server answers from it afterwards, and no request fails in between. Also: the server stops on SIGTERM
within a few seconds, and no answer names an absolute path or a process id.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from foedus.store.build import rebuild
from tests.fixture_files import write_dataset_dir

FOEDUS = [sys.executable, "-m", "foedus.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(data: Path) -> dict:
    return {**os.environ, "FOEDUS_DATA_DIR": str(data), "COLUMNS": "200"}


@pytest.fixture()
def server(tmp_path):
    """`foedus serve` on a random loopback port over a freshly built small database."""
    data = write_dataset_dir(tmp_path / "data")
    db = tmp_path / "foedus.duckdb"
    rebuild(db, data, register=False)
    port = _free_port()
    process = subprocess.Popen([*FOEDUS, "serve", "--db", str(db), "--port", str(port)], env=_env(data),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/api/meta", timeout=5).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the server did not start: {process.communicate()}")
        time.sleep(0.2)
    try:
        yield base, db, data, process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _cli(*args: str, data: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*FOEDUS, *args], env=_env(data), capture_output=True, text=True, timeout=300)


def test_cli_reads_while_the_server_holds_the_database(server):
    base, db, data, _ = server
    dyad = _cli("dyad", "Russia", "DPRK", "--on", "1990-01-01", "--json", "--db", str(db), data=data)
    assert dyad.returncode == 0, dyad.stderr
    assert "lock" not in dyad.stderr.lower()
    assert [c["treaty_id"] for c in json.loads(dyad.stdout)["commitments"]] == ["atop:3440", "atop:3440"]
    status = _cli("data", "status", "--json", "--db", str(db), data=data)
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["build"]["build_id"] == httpx.get(f"{base}/api/meta").json()["build"]["build_id"]


def test_import_while_serving_swaps_without_a_failed_request(server):
    base, db, data, _ = server
    before = httpx.get(f"{base}/api/meta").json()["build"]["build_id"]
    failures: list[str] = []
    answered = {"n": 0, "ids": set()}
    stop = threading.Event()

    def client_loop():
        with httpx.Client(base_url=base, timeout=30) as client:
            i = 0
            while not stop.is_set():
                i += 1
                try:
                    # vary the date so most requests miss the response caches and read the database
                    day = f"{1950 + i % 60}-{1 + i % 12:02d}-01"
                    dyad = client.get("/api/dyad", params={"a": "365", "b": "731", "on": day})
                    meta = client.get("/api/meta")
                    for response in (dyad, meta):
                        if response.status_code != 200:
                            failures.append(f"{response.request.url}: {response.status_code} {response.text[:200]}")
                    answered["ids"].add(meta.json()["build"]["build_id"])
                    answered["n"] += 2
                except Exception as exc:  # a dropped connection is a failure too
                    failures.append(repr(exc))

    clients = [threading.Thread(target=client_loop) for _ in range(3)]
    for thread in clients:
        thread.start()
    try:
        deadline = time.monotonic() + 60
        while answered["n"] < 12 and time.monotonic() < deadline:  # every client has been answered at least once
            time.sleep(0.1)
        imported = _cli("data", "import", "--db", str(db), "--json", data=data)
        assert imported.returncode == 0, imported.stderr
        after_id = json.loads(imported.stdout)["build_id"]
        time.sleep(1.5)  # the server looks for a replaced file at most every 0.5 s
    finally:
        stop.set()
        for thread in clients:
            thread.join()
    assert failures == []
    assert answered["n"] > 20 and answered["ids"] == {before, after_id}
    assert after_id != before
    meta = httpx.get(f"{base}/api/meta").json()
    assert meta["build"]["build_id"] == after_id
    dyad = httpx.get(f"{base}/api/dyad", params={"a": "365", "b": "731", "on": "1990-01-01"}).json()
    assert [c["treaty_id"] for c in dyad["commitments"]] == ["atop:3440", "atop:3440"]


def test_answers_name_no_absolute_path_or_pid(server):
    base, db, _, process = server
    for path in ("/api/meta", "/api/dyad?a=Narnia&b=731", "/api/nothing", "/api/treaty/999999"):
        text = httpx.get(base + path).text
        assert str(db.parent) not in text and sys.executable not in text, path
        assert f"pid {process.pid}" not in text.lower() and str(Path.home()) + "/" not in text, path
    assert httpx.get(f"{base}/api/meta").json()["database"] == "foedus.duckdb"


def test_sigterm_stops_the_server_within_seconds(server):
    base, _, _, process = server
    assert httpx.get(f"{base}/api/meta").status_code == 200
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=15)
    assert time.monotonic() - started < 8
