"""A response cache in front of the routers: a repeated GET of the JSON API is answered from memory
before routing and validation run (they cost more than the answer itself once the store's caches hold it).

The key is everything a JSON answer depends on: the store's generation (a re-import starts a new one),
today's date (the default of `on`), the path, the raw query string and whether the client takes gzip.
Only 200 answers of ``/api/`` GET requests are kept, never panel downloads; the cache is an LRU bounded in
entries and bytes, and an answer over ``cacheable_bytes`` (:mod:`foedus.api.limits`) is passed on, not kept.
"""

from __future__ import annotations

import datetime as dt

from foedus.api.limits import Limits
from foedus.api.store import LRU, Store

SKIP = ("/api/panel/",)


class ResponseCache:
    """ASGI middleware: serve repeated JSON GETs from memory."""

    def __init__(self, app, store: Store, limits: Limits | None = None):
        limits = limits or Limits()
        self.app, self.store, self.limit = app, store, limits.cacheable_bytes
        self.cache = LRU(limits.http_cache_entries, limits.http_cache_bytes, limits.cacheable_bytes)

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] != "GET" or not path.startswith("/api/") or path.startswith(SKIP):
            await self.app(scope, receive, send)
            return
        gzip = any(name == b"accept-encoding" and b"gzip" in value for name, value in scope["headers"])
        key = (self.store.generation, dt.date.today(), path, scope["query_string"], gzip)
        found = self.cache.get(key)
        if found is not None:
            headers, body = found
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        start: dict = {}
        chunks: list[bytes] = []
        size = 0

        async def keep(message):
            nonlocal size
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body" and start.get("status") == 200 and size <= self.limit:
                chunk = message.get("body", b"")
                size += len(chunk)
                if size <= self.limit:
                    chunks.append(chunk)
                    if not message.get("more_body"):
                        self.cache.put(key, (list(start.get("headers", [])), b"".join(chunks)))
                else:
                    chunks.clear()  # too large to keep: passed on only
            await send(message)

        await self.app(scope, receive, keep)
