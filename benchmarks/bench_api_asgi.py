"""The API's own cost per request, in process (no sockets, no HTTP client): CPU time per request for each path
a request can take, so a change can be judged on a loaded machine (issues 12 and 13).

Drives the ASGI app of `foedus.api.create_app` directly with fixed request scopes, one after the other (and
one phase with 50 at once), over a built database (``--db``). Paths:

* http-cached: a repeated URL, answered by the response cache in front of routing;
* store-cached: a new URL whose answer the store's JSON cache holds (routing, parameters, dependencies run);
* uncached dyad / obligations: random COW pairs and dates 1816–2026 (the query runs);
* uncached view: the network view of a random date 1816–2026 (``/api/network/view``);
* uncached x50: the same mix, 50 requests in flight at once (what the thread pools decide).

Prints, per path, the best of ``--repeat`` runs: CPU ms and wall ms per request, requests per second.
``--src DIR`` imports another checkout's ``src`` (e.g. `git archive` of an older commit) for before/after.

Run: .venv/bin/python benchmarks/bench_api_asgi.py --db /tmp/foedus.duckdb [--src DIR] [--repeat 5]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time

CODES = [2, 20, 70, 200, 210, 211, 220, 230, 235, 255, 290, 325, 339, 345, 350, 355, 360, 365, 375, 380, 385,
         390, 640, 645, 651, 663, 666, 700, 710, 713, 731, 732, 740, 750, 770, 800, 840, 850, 900, 920]


def scope(path: str, query: bytes) -> dict:
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
            "path": path, "raw_path": path.encode(), "query_string": query, "root_path": "",
            "headers": [(b"host", b"127.0.0.1:8000"), (b"accept", b"*/*"), (b"accept-encoding", b"gzip")],
            "client": ("127.0.0.1", 40000), "server": ("127.0.0.1", 8000)}


async def call(app, path: str, query: bytes = b"") -> int:
    status = 0

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope(path, query), receive, send)
    if status != 200:
        raise SystemExit(f"{path}?{query.decode()} answered {status}")
    return status


def random_date(rng: random.Random) -> str:
    return f"{rng.randint(1816, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def workload(kind: str, n: int, rng: random.Random, serial: list[int]) -> list[tuple[str, bytes]]:
    out = []
    for _ in range(n):
        serial[0] += 1
        a, b = rng.sample(CODES, 2)
        if kind == "http-cached":
            out.append(("/api/dyad", b"a=USA&b=GBR&on=2000-01-01"))
        elif kind == "store-cached":  # the same answer, a URL never seen (an ignored parameter differs)
            out.append(("/api/dyad", f"a=USA&b=GBR&on=2000-01-01&n={serial[0]}".encode()))
        elif kind == "uncached view":
            out.append(("/api/network/view", f"on={random_date(rng)}".encode()))
        elif kind == "uncached dyad" or (kind == "uncached x50" and serial[0] % 2):
            out.append(("/api/dyad", f"a={a}&b={b}&on={random_date(rng)}".encode()))
        else:
            out.append(("/api/obligations", f"state={a}&on={random_date(rng)}".encode()))
    return out


async def phase(app, urls: list[tuple[str, bytes]], concurrency: int) -> tuple[float, float]:
    queue = list(reversed(urls))

    async def worker():
        while queue:
            path, query = queue.pop()
            await call(app, path, query)

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.process_time() - cpu, time.perf_counter() - wall


async def main_async(args: argparse.Namespace) -> None:
    from foedus.api import create_app

    app = create_app(args.db)
    async with app.router.lifespan_context(app):
        await call(app, "/api/meta")
        await call(app, "/api/dyad", b"a=USA&b=GBR&on=2000-01-01")
        rng, serial = random.Random(11), [0]
        print(f"src: {args.src or 'this checkout'}; best of {args.repeat}; CPU and wall per request")
        for kind, n, concurrency in (("http-cached", 2000, 1), ("store-cached", 1000, 1),
                                     ("uncached dyad", args.uncached, 1), ("uncached obligations", args.uncached, 1),
                                     ("uncached view", max(args.uncached // 5, 5), 1),
                                     ("uncached x50", args.uncached * 2, 50)):
            best = (float("inf"), float("inf"))
            for _ in range(args.repeat):
                best = min(best, await phase(app, workload(kind, n, rng, serial), concurrency))
            cpu, wall = best
            print(f"  {kind:<22} n={n:<5} CPU {1000 * cpu / n:8.3f} ms  wall {1000 * wall / n:8.3f} ms  "
                  f"{n / wall:8.0f} req/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a built database (foedus data import --db PATH)")
    parser.add_argument("--src", help="import this checkout's src directory instead")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--uncached", type=int, default=100, help="requests per uncached run")
    args = parser.parse_args()
    if args.src:
        sys.path.insert(0, args.src)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
