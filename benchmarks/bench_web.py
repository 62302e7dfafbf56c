"""The web page's time to interactive in headless Chromium (target: <= 1.5 s on this machine, map included).

Builds a fresh database from the data directory, starts `foedus serve` on a free 127.0.0.1 port and opens
the page (the map on today's date, the server's clock) in /usr/bin/chromium:

1. cold: the first visitor after the server starts (the interval table and the day's map computed on demand);
2. warm: the median (and max) of 5 fresh browser contexts (no browser cache; the server's answers cached).

"Interactive" is the page's own mark: `body[data-ready=true]`, set when the map with every arc is drawn and
the controls answer; the figure is `performance.now()` at that moment (milliseconds since navigation start).
Every request goes to 127.0.0.1; a request elsewhere is aborted and reported. Every loop is bounded.
Run: .venv/bin/python benchmarks/bench_web.py [--runs 5] [--view map|network]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx

from foedus.config import data_dir
from foedus.ingest.discover import import_directory
from foedus.store import connect

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
TARGET_S = 1.5


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "FOEDUS_API_TOKEN"}
    command = [sys.executable, "-c", "from foedus.cli import main; main()", "serve", "--db", str(db),
               "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "api/meta", timeout=5).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("foedus serve did not answer within 60 s")


def measure(browser, url: str) -> tuple[float, list[str]]:
    """Seconds from navigation start to the page's ready mark, and any request that left the machine."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    outside: list[str] = []

    def check(route):
        if urlparse(route.request.url).hostname in {"127.0.0.1", "localhost"}:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", check)
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]", timeout=60_000)
    ready = int(page.evaluate("document.body.dataset.readyAt")) / 1000
    context.close()
    return ready, outside


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--view", choices=("map", "network"), default="map")
    options = parser.parse_args()
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "foedus.duckdb"
        con = connect(str(db))
        import_directory(con, data_dir())
        con.close()
        process, base = start_server(db)
        try:
            url = f"{base}?view={options.view}"
            with sync_playwright() as driver:
                browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
                try:
                    cold, outside = measure(browser, url)
                    warm = []
                    for _ in range(max(1, options.runs)):
                        seconds, more = measure(browser, url)
                        warm.append(seconds)
                        outside += more
                finally:
                    browser.close()
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    median = statistics.median(warm)
    verdict = "ok" if median <= TARGET_S else "MISSED"
    print(f"web page ({options.view}) interactive: cold {cold:.2f} s; warm median {median:.2f} s, "
          f"max {max(warm):.2f} s over {len(warm)} runs (target <= {TARGET_S} s: {verdict})")
    print(f"requests to other hosts: {len(outside)}" + (f" {outside[:5]}" if outside else ""))


if __name__ == "__main__":
    main()
