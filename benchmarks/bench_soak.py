"""Soak test of `foedus serve` under load and hostile requests (issue 12), on loopback only.

Starts `foedus serve --host 127.0.0.1` on a free port over a built database (``--db``; build one with
`foedus data import --db PATH`), then runs, each phase bounded in time and count:

1. cached: 50 concurrent clients (httpx, asyncio) on a few URLs answered from the caches;
2. missing: 50 concurrent clients on cache-missing URLs (random COW pairs, random dates 1816–2026);
3. hostile: at the same time, a 100,000-character name (POST /api/scenario and GET /api/dyad), a 20 MB
   `where`, a 20-digit year, 4 maximal Stata panel downloads, 45 concurrent Monte Carlo runs, while
   /api/meta (cached) and uncached dyads are timed every 100 ms;
4. large: 100 distinct large answers (network views and triads of distinct dates), then the server's RSS.

Prints p50/p95/p99, status counts and errors per phase, /api/meta latency during the hostile phase, and the
server's peak resident memory (psutil when installed, else /proc). ``--src DIR`` runs another checkout's
``src`` (e.g. an older commit from `git archive`) for before/after figures; ``--skip-hostile`` leaves the
hostile phase out (an unguarded server may be killed by it). Only 127.0.0.1 is contacted.

Run: .venv/bin/python benchmarks/bench_soak.py --db /tmp/foedus.duckdb [--seconds 20] [--clients 50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

HOST = "127.0.0.1"
CODES = [2, 20, 70, 200, 210, 211, 220, 230, 235, 255, 290, 325, 339, 345, 350, 355, 360, 365, 375, 380, 385,
         390, 640, 645, 651, 663, 666, 700, 710, 713, 731, 732, 740, 750, 770, 800, 840, 850, 900, 920]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def rss_bytes(pid: int) -> int:
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss
    except ImportError:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except Exception:
        return 0
    return 0


class Watch(threading.Thread):
    """Samples the server's RSS every 0.2 s (the peak, and the last sample)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.last, self.stop = pid, 0, 0, threading.Event()

    def run(self):
        while not self.stop.is_set():
            self.last = rss_bytes(self.pid)
            self.peak = max(self.peak, self.last)
            self.stop.wait(0.2)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def line(name: str, times: list[float], statuses: dict, errors: int) -> str:
    ms = [t * 1000 for t in times]
    shown = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items()))
    return (f"{name:<28} n={len(ms):>6}  p50={pct(ms, .5):8.1f} ms  p95={pct(ms, .95):8.1f} ms  "
            f"p99={pct(ms, .99):8.1f} ms  statuses {{{shown}}}  errors={errors}")


async def load(base: str, make_url, clients: int, seconds: float, limit: int = 200_000):
    """`clients` concurrent loops, each sending its next GET when the last is answered, for `seconds`."""
    times, statuses, errors = [], {}, 0
    deadline = time.monotonic() + seconds
    sent = 0
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=httpx.Limits(max_connections=clients)) as client:
        async def worker():
            nonlocal errors, sent
            while time.monotonic() < deadline and sent < limit:
                sent += 1
                started = time.monotonic()
                try:
                    response = await client.get(make_url())
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                    times.append(time.monotonic() - started)
                except httpx.HTTPError:
                    errors += 1

        await asyncio.gather(*(worker() for _ in range(clients)))
    return times, statuses, errors


def random_date() -> str:
    return f"{random.randint(1816, 2026)}-{random.randint(1, 12):02d}-{random.randint(1, 28):02d}"


async def raw_where(base: str, results: dict) -> None:
    """POST a 20 MB `where` over a plain socket and read the answer as soon as it comes (httpx gives up with a
    write error when the server answers 413 before the upload ends and closes the connection)."""
    body = ('{"attackers": ["USA"], "targets": ["PRK"], "where": "' + "x" * 20_000_000 + '"}').encode()
    host, port = base.removeprefix("http://").split(":")
    started = time.monotonic()
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(f"POST /api/scenario HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {len(body)}\r\n\r\n".encode())
    writer.write(body[:65536])
    try:
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), 30)
        status = int(status_line.split()[1])
    except (TimeoutError, OSError, IndexError, ValueError) as exc:
        status = type(exc).__name__
    writer.close()
    results.setdefault("20 MB where", []).append((status, time.monotonic() - started, 0))


async def hostile(base: str, seconds: float) -> list[str]:
    out: list[str] = []
    results: dict[str, list] = {}
    timeout = httpx.Timeout(max(60.0, seconds * 3))
    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=httpx.Limits(max_connections=120)) as client:
        async def one(label: str, method: str, url: str, **kw):
            started = time.monotonic()
            try:
                response = await client.request(method, url, **kw)
                status = response.status_code
                size = len(response.content)
            except httpx.HTTPError as exc:
                status, size = type(exc).__name__, 0
            results.setdefault(label, []).append((status, time.monotonic() - started, size))

        meta_times: list[float] = []
        dyad_times: list[float] = []
        done = asyncio.Event()

        async def probe():
            while not done.is_set():
                for url, bucket in (("/api/meta", meta_times),
                                    (f"/api/dyad?a={random.choice(CODES)}&b={random.choice(CODES)}&on={random_date()}",
                                     dyad_times)):
                    started = time.monotonic()
                    try:
                        await client.get(url)
                        bucket.append(time.monotonic() - started)
                    except httpx.HTTPError:
                        pass
                await asyncio.sleep(0.1)

        prober = asyncio.create_task(probe())
        await asyncio.sleep(1.0)
        tasks = [one("100k-char name (POST)", "POST", "/api/scenario",
                     json={"attackers": ["Q" * 100_000], "targets": ["PRK"]}),
                 one("60k-char name (GET)", "GET", "/api/dyad?a=" + "Q" * 60_000 + "&b=PRK"),
                 raw_where(base, results),
                 one("20-digit year", "GET", "/api/dyad?a=USA&b=GBR&on=99999999999999999999")]
        tasks += [one("maximal Stata panel", "GET", "/api/panel/dyad-years?through=2100&add=atop,nmc,majors&format=dta")
                  for _ in range(4)]
        tasks += [one("Monte Carlo", "POST", "/api/scenario",
                      json={"attackers": ["RUS"], "targets": ["POL"], "reliability": 0.8, "draws": 10_000,
                            "seed": seed, "on": "2024-01-01"}) for seed in range(45)]
        started = time.monotonic()
        await asyncio.gather(*tasks)
        elapsed = time.monotonic() - started
        await asyncio.sleep(1.0)
        done.set()
        await prober
    for label, rows in results.items():
        statuses: dict = {}
        for status, _t, _s in rows:
            statuses[status] = statuses.get(status, 0) + 1
        slowest = max(t for _s, t, _z in rows)
        out.append(f"  {label:<24} x{len(rows):<3} statuses {statuses}  slowest {slowest:.2f} s  "
                   f"largest body {max(z for *_x, z in rows):,} B")
    out.append(f"  hostile set answered in {elapsed:.1f} s")
    out.append("  " + line("/api/meta meanwhile", meta_times, {}, 0).strip())
    out.append("  " + line("uncached dyad meanwhile", dyad_times, {}, 0).strip())
    return out


async def large(base: str, count: int, seconds: float):
    days = random.sample(range(1816, 2027), k=min(count, 211))
    urls = []
    for i, year in enumerate(days[:count]):
        urls.append(f"/api/triads?on={year}-07-01&top=100" if i % 5 == 0 else f"/api/network/view?on={year}-03-01")
    times, statuses, errors = [], {}, 0
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        queue = list(urls)

        async def worker():
            nonlocal errors
            while queue and time.monotonic() < deadline:
                url = queue.pop()
                started = time.monotonic()
                try:
                    response = await client.get(url)
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                    times.append(time.monotonic() - started)
                except httpx.HTTPError:
                    errors += 1

        await asyncio.gather(*(worker() for _ in range(4)))
    return times, statuses, errors


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a built database (foedus data import --db PATH)")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds per load phase")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--large", type=int, default=100, help="distinct large requests in phase 4")
    parser.add_argument("--src", help="run this checkout's src directory instead (before/after figures)")
    parser.add_argument("--skip-hostile", action="store_true")
    return parser.parse_args()


def _start_server(args: argparse.Namespace, port: int) -> subprocess.Popen:
    """`foedus serve` on HOST:port without a token, from this checkout or `--src`."""
    env = dict(os.environ)
    env.pop("FOEDUS_API_TOKEN", None)
    if args.src:
        env["PYTHONPATH"] = str(Path(args.src).resolve())
    command = [sys.executable, "-c", "from foedus.cli import main; main()", "serve", "--host", HOST, "--port",
               str(port), "--db", args.db]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_ready(base: str) -> None:
    for _ in range(300):
        try:
            if httpx.get(base + "/api/meta", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        raise SystemExit("the server did not start")


def _stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(5)


def _missing_url() -> str:
    a, b = random.sample(CODES, 2)
    if random.random() < 0.5:
        return f"/api/dyad?a={a}&b={b}&on={random_date()}"
    return f"/api/obligations?state={a}&on={random_date()}"


def _cache_phases(base: str, args: argparse.Namespace, watch: Watch) -> None:
    """Phases 1 and 2: cached requests, then requests that miss the cache."""
    cached = ["/api/meta", "/api/dyad?a=USA&b=GBR&on=2000-01-01", "/api/obligations?state=USA&on=2000-01-01",
              "/api/network/view?on=2000-01-01"]
    for url in cached:
        httpx.get(base + url, timeout=120)
    result = asyncio.run(load(base, lambda: random.choice(cached), args.clients, args.seconds))
    print(line("cached", *result))
    result = asyncio.run(load(base, _missing_url, args.clients, args.seconds))
    print(line("cache-missing", *result), f" RSS {watch.last / 2**20:,.0f} MB")


def _hostile_phase(base: str, args: argparse.Namespace, watch: Watch) -> None:
    print("hostile set:")
    for row in asyncio.run(hostile(base, args.seconds)):
        print(row)
    print(f"  RSS after the hostile set {watch.last / 2**20:,.0f} MB, peak so far {watch.peak / 2**20:,.0f} MB")


def _large_phase(base: str, args: argparse.Namespace, watch: Watch) -> None:
    result = asyncio.run(large(base, args.large, args.seconds * 6))
    time.sleep(1.0)
    print(line(f"{args.large} distinct large", *result), f" RSS after {watch.last / 2**20:,.0f} MB")


def main() -> None:
    args = _parse_args()
    random.seed(12)
    port = free_port()
    server = _start_server(args, port)
    base = f"http://{HOST}:{port}"
    watch = Watch(server.pid)
    watch.start()
    try:
        _wait_ready(base)
        print(f"server {'(' + args.src + ')' if args.src else '(this checkout)'} on {base}, "
              f"RSS after start {watch.last / 2**20:,.0f} MB")
        _cache_phases(base, args, watch)
        if not args.skip_hostile:
            _hostile_phase(base, args, watch)
        _large_phase(base, args, watch)
        print(f"server peak RSS {watch.peak / 2**20:,.0f} MB; alive: {server.poll() is None}")
    finally:
        watch.stop.set()
        _stop_server(server)


if __name__ == "__main__":
    main()
