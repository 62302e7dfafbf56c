"""Guards in front of the routers: request size bounds, allowed hosts, and a bounded pool for heavy work.

* :class:`RequestLimits` (pure ASGI, nothing buffered): a query string over ``query_bytes`` → 414, more than
  ``header_count`` headers or over ``header_bytes`` in all → 431, a body over ``body_bytes`` → 413 (the
  ``Content-Length`` is checked before a byte is read; a body sent without one is counted as it streams).
* :func:`allowed_hosts`: the names the ``Host`` header may carry (starlette's ``TrustedHostMiddleware``
  answers 400 to any other: a page on another site cannot read the API through DNS rebinding). Loopback
  names and the test client's ``testserver`` by default; more from ``--allowed-host`` or
  ``FOEDUS_ALLOWED_HOSTS`` (comma-separated; ``*`` allows any).
* :class:`HeavyPool`: heavy computations (Monte Carlo, what-ifs, panel files, large triads …) run in a
  thread pool of their own, at most N at once per kind. A request that waits longer than ``queue_seconds``
  for a slot gets 429 with ``Retry-After``; one whose work runs past ``request_seconds`` gets 503 with
  ``Retry-After``. The slot stays taken until the thread really ends (a thread cannot be stopped), so
  timed-out work never piles up beyond the bound. Cheap queries that miss the caches run in a pool of their
  own of ``cheap_concurrency`` threads (:meth:`HeavyPool.run_cheap`): fifty concurrent requests then queue
  in order instead of fifty threads taking the interpreter lock from each other (and from the event loop that
  answers cached requests), which on two cores doubled the CPU each request cost.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import math
import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from starlette.exceptions import HTTPException

from foedus.api.limits import Limits

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "testserver")


def allowed_hosts(extra: Iterable[str] | None = None, environ=None) -> list[str]:
    """The loopback names, then `extra`, then ``FOEDUS_ALLOWED_HOSTS`` (comma-separated), without repeats."""
    environ = os.environ if environ is None else environ
    named = [*LOOPBACK_HOSTS, *(extra or ()), *environ.get("FOEDUS_ALLOWED_HOSTS", "").split(",")]
    return list(dict.fromkeys(h.strip().lower() for h in named if h and h.strip()))


async def _answer(send, status: int, detail: str, headers: dict[str, str] | None = None, **extra) -> None:
    body = json.dumps({"detail": detail, **extra}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
           (b"connection", b"close"), *((k.lower().encode(), v.encode()) for k, v in (headers or {}).items())]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int):
        super().__init__(413, f"the request body is larger than this server's limit of {limit:,} bytes")
        self.limit = limit


class RequestLimits:
    """ASGI middleware: 414/431/413 for a request over the size limits (see the module docstring)."""

    def __init__(self, app, limits: Limits):
        self.app, self.limits = app, limits

    def refusal(self, scope) -> tuple[int, str, int | None] | None:
        """(status, reason, limit) when the request's line or headers are over a limit, else None."""
        limits = self.limits
        query = scope.get("query_string", b"")
        if len(query) > limits.query_bytes:
            return 414, (f"the query string has {len(query):,} bytes; this server's limit is "
                         f"{limits.query_bytes:,}"), limits.query_bytes
        headers = scope.get("headers", [])
        size = sum(len(k) + len(v) + 4 for k, v in headers)
        if len(headers) > limits.header_count or size > limits.header_bytes:
            return 431, (f"the request has {len(headers)} headers of {size:,} bytes; this server's limits are "
                         f"{limits.header_count} headers and {limits.header_bytes:,} bytes"), limits.header_bytes
        declared = _declared_length(headers)
        if declared == -1:
            return 400, "the Content-Length header is not a number", None
        if declared is not None and declared > limits.body_bytes:
            return 413, (f"the request body has {declared:,} bytes; this server's limit is "
                         f"{limits.body_bytes:,}"), limits.body_bytes
        return None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refused = self.refusal(scope)
        if refused is not None:
            status, reason, limit = refused
            await _answer(send, status, reason, **({"limit": limit} if limit is not None else {}))
            return
        declared = _declared_length(scope.get("headers", []))
        if scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE") and not declared:
            await self.app(scope, receive, send)
            return
        await self._counted(scope, receive, send)

    async def _counted(self, scope, receive, send):
        """Pass the request on, counting the body's bytes as they stream (413 past the limit)."""
        limits = self.limits
        received = 0
        started = False

        async def counted():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limits.body_bytes:
                    raise BodyTooLarge(limits.body_bytes)
            return message

        async def watch(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watch)
        except BodyTooLarge as exc:  # raised outside a router (a router answers it itself, as a 413)
            if started:
                raise
            await _answer(send, 413, exc.detail, limit=exc.limit)


def _declared_length(headers) -> int | None:
    """The Content-Length header's value; None when absent, -1 when it is not a number."""
    for name, value in headers:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return -1
    return None


class Busy(Exception):
    """No slot for heavy work within the queue timeout (429), or the work ran too long (503)."""

    def __init__(self, status: int, message: str, retry_after: float):
        super().__init__(message)
        self.status, self.message, self.retry_after = status, message, max(1, math.ceil(retry_after))


class HeavyPool:
    """Bounded slots per kind of heavy work and a thread pool sized to their sum (see the module docstring)."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.capacity = {"compute": limits.heavy_concurrency, "panel": limits.panel_concurrency}
        self._slots: dict[tuple[int, str], asyncio.Semaphore] = {}
        self._pool = ThreadPoolExecutor(max_workers=sum(self.capacity.values()), thread_name_prefix="foedus-heavy")
        self._cheap = ThreadPoolExecutor(max_workers=limits.cheap_concurrency, thread_name_prefix="foedus-query")
        self._lock = threading.Lock()
        self.running = {kind: 0 for kind in self.capacity}
        self.refused = {kind: 0 for kind in self.capacity}

    def _slot(self, kind: str) -> asyncio.Semaphore:
        key = (id(asyncio.get_running_loop()), kind)  # one semaphore per event loop (tests start several)
        with self._lock:
            if key not in self._slots:
                self._slots[key] = asyncio.Semaphore(self.capacity[kind])
            return self._slots[key]

    async def run(self, kind: str, function: Callable, *args):
        """`function(*args)` in the heavy pool under `kind`'s limit; raises :class:`Busy`."""
        slot = self._slot(kind)
        try:
            await asyncio.wait_for(slot.acquire(), self.limits.queue_seconds)
        except TimeoutError:
            self.refused[kind] += 1
            raise Busy(429, f"the server is busy with {self.capacity[kind]} heavy request(s) of this kind; "
                       "try again shortly", self.limits.queue_seconds) from None
        loop = asyncio.get_running_loop()
        self.running[kind] += 1

        def done(_future):  # called on the event loop when the thread has ended
            self.running[kind] -= 1
            slot.release()

        context = contextvars.copy_context()  # the request's pinned database file travels with the work
        future = loop.run_in_executor(self._pool, context.run, function, *args)
        future.add_done_callback(done)
        try:
            return await asyncio.wait_for(asyncio.shield(future), self.limits.request_seconds)
        except TimeoutError:
            limit = self.limits.request_seconds
            raise Busy(503, f"the request ran longer than this server's limit of {limit:g} s; ask for less "
                       "(fewer draws, fewer years) or try again later", self.limits.queue_seconds) from None

    async def run_cheap(self, function: Callable, *args):
        """`function(*args)` in the pool for cheap queries (see the module docstring), with the request's
        context (its pinned database file)."""
        context = contextvars.copy_context()
        future = asyncio.get_running_loop().run_in_executor(self._cheap, context.run, function, *args)
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:  # the client went away: a thread cannot be stopped, so the request
            await asyncio.wait([future])  # keeps its database file until the thread is done with it (as anyio)
            raise

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._cheap.shutdown(wait=False, cancel_futures=True)
