"""The server's view of the DuckDB store: a read-only connection, a cursor per request, small caches.

The server never writes the live file: it opens it read-only (so any number of CLI commands can read it
at the same time), and an import (``foedus data import``, ``register load`` or the token-guarded ``POST
/api/data/import``) builds a new file and renames it over the old one (:mod:`foedus.store.build`).

Switching to a new file: at the start of a request (at most every :data:`CHECK_EVERY` seconds) the store
compares the path's inode, size and modification time with those of the file it has open. When they differ
it opens the new file and makes it current; requests already running finish on the old connection, which
is closed when the last of them ends (reference counted). Each open file is a *generation*: everything
computed from the store is cached per generation, so no answer from the old file is served afterwards.
A new file that cannot be opened (damaged, or still being replaced) is logged and the old one kept.

DuckDB connections are not thread-safe, so every request works on its own ``con.cursor()``.

Caches (all bounded):

* JSON bodies of answered queries, by endpoint and normalised parameters (LRU bounded in entries and bytes;
  a body over ``cacheable_bytes`` is never kept: :mod:`foedus.api.limits`);
* the directed commitments of a date (:func:`foedus.query.directed_commitments`), so the dyad,
  obligations and network endpoints for one date share one query;
* :class:`foedus.scenario.ScenarioContext` per date;
* :class:`foedus.naming.StateNames`, built once;
* the interval table of the file (:meth:`Store.intervals`), which the dyad, obligations and network-view endpoints
  answer from directly (no fingerprint or check-date query per request; its kept JSON records live with it).

Computing a missing entry is single-flight: concurrent requests for the same key wait for the
first one instead of computing it again.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import gzip
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from foedus.config import db_path
from foedus.naming import StateNames
from foedus.query import commitments as commitments_module
from foedus.scenario import ScenarioContext
from foedus.store import connect
from foedus.store.connection import open_isolated_reader, use_attached
from foedus.store.errors import DatabaseMissingError

log = logging.getLogger("foedus.api")

CHECK_EVERY = 0.5
"""Seconds between two checks of whether the database file was replaced."""


def json_bytes(payload) -> bytes:
    """The CLI's `--json` serialisation (``print_json``) without the indentation."""
    return json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")


class Body:
    """A cached JSON body, with its gzip form when that is worth sending."""

    __slots__ = ("raw", "gzipped")

    def __init__(self, raw: bytes):
        self.raw = raw
        self.gzipped = gzip.compress(raw, compresslevel=5, mtime=0) if len(raw) > 2048 else None


def _shareable(frame):
    """`frame` with its index's lookup table built (pandas builds it lazily, which is not thread-safe)."""
    if isinstance(frame, pd.DataFrame):
        if frame.index.is_unique:  # builds the engine
            frame.index.get_indexer(frame.index[:1])
    return frame


def _sizeof(value) -> int:
    """Bytes a cached value holds: a body's bytes, a frame's memory; a rough figure for anything else."""
    if isinstance(value, Body):
        return len(value.raw) + len(value.gzipped or b"") + 64
    if isinstance(value, (bytes, bytearray)):
        return len(value)
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], bytes):  # (headers, body)
        return len(value[1]) + sum(len(k) + len(v) for k, v in value[0])
    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(index=True, deep=False).sum())
    return 64 * 1024


class LRU:
    """A thread-safe least-recently-used map with single-flight computation of missing keys, bounded in
    entries (`size`) and, when `max_bytes` is given, in bytes: each value's size is `sizeof(value)`; a value
    larger than `max_item` bytes is returned to its caller but never kept."""

    def __init__(self, size: int, max_bytes: int | None = None, max_item: int | None = None,
                 sizeof: Callable[[object], int] | None = None):
        self.size = size
        self.max_bytes = max_bytes
        self.max_item = max_item if max_item is not None else max_bytes
        self.sizeof = sizeof or _sizeof
        self.bytes = 0
        self.skipped = 0  # values too large to keep
        self._data: OrderedDict = OrderedDict()
        self._sizes: dict[Hashable, int] = {}
        self._lock = threading.Lock()
        self._pending: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable):
        with self._lock:
            if key not in self._data:
                return None
            self._data.move_to_end(key)
            return self._data[key]

    def put(self, key: Hashable, value) -> bool:
        """Keep `value` (evicting the least recently used); False when it is too large to keep."""
        weight = self.sizeof(value) if self.max_bytes is not None else 0
        with self._lock:
            if self.max_item is not None and weight > self.max_item:
                self.skipped += 1
                return False
            if key in self._data:
                self.bytes -= self._sizes.pop(key, 0)
            self._data[key] = value
            self._sizes[key] = weight
            self.bytes += weight
            self._data.move_to_end(key)
            while len(self._data) > self.size or (self.max_bytes is not None and self.bytes > self.max_bytes):
                old, _ = self._data.popitem(last=False)
                self.bytes -= self._sizes.pop(old, 0)
            return True

    def get_or_compute(self, key: Hashable, compute: Callable[[], object]):
        found = self.get(key)
        if found is not None:
            return found
        with self._lock:
            gate = self._pending.setdefault(key, threading.Lock())
        with gate:
            found = self.get(key)
            if found is None:
                found = compute()
                self.put(key, found)
        with self._lock:
            self._pending.pop(key, None)
        return found

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._sizes.clear()
            self.bytes = 0

    def __len__(self) -> int:
        return len(self._data)


class Handle:
    """One open database file: its connection, generation and the requests using it."""

    __slots__ = ("con", "generation", "signature", "users", "retired", "attached")

    def __init__(self, con: duckdb.DuckDBPyConnection, generation: int, signature: tuple | None,
                 attached: bool = True):
        self.con, self.generation, self.signature, self.attached = con, generation, signature, attached
        self.users = 0
        self.retired = False

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cur = self.con.cursor()
        if self.attached:
            use_attached(cur)
        return cur


class _LazyCursor:
    """A cursor on `handle`'s file, opened on first use (every attribute is the cursor's)."""

    def __init__(self, handle: Handle):
        self._handle = handle
        self._cursor: duckdb.DuckDBPyConnection | None = None

    def __getattr__(self, name: str):
        if self._cursor is None:
            self._cursor = self._handle.cursor()
        return getattr(self._cursor, name)

    def close(self) -> None:
        if self._cursor is not None:
            self._cursor.close()
            self._cursor = None


_request_handle: contextvars.ContextVar[Handle | None] = contextvars.ContextVar("foedus_store_handle", default=None)


def _signature(path: str) -> tuple | None:
    """What identifies the file at `path` now (None when there is none)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


class Store:
    """The read-only connection (switched when the file is replaced) and the caches of one server."""

    def __init__(self, path: str | None = None, writable: bool = False, data_dir: str | Path | None = None,
                 limits=None):
        self.path = db_path(path)
        self.shown = "the in-memory database" if self.path == ":memory:" else Path(self.path).name
        self.writable = writable  # whether the token-guarded re-import is allowed
        self.data_dir = data_dir
        self._current: Handle | None = None
        self._next_generation = 0
        self._checked_at = 0.0
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._names: tuple[int, StateNames] | None = None
        self._intervals: tuple[int, object] | None = None
        from foedus.api.limits import Limits

        self.limits = limits = limits or Limits()
        self.responses = LRU(limits.cache_entries, limits.cache_bytes, limits.cacheable_bytes)
        self.frames = LRU(limits.frame_entries)
        self.contexts = LRU(limits.context_entries)
        self.swaps = 0

    # ------------------------------------------------------------------ connection

    @property
    def generation(self) -> int:
        """The generation this request reads (outside a request: the current one)."""
        handle = _request_handle.get() or self._current
        return handle.generation if handle is not None else -1

    def _open(self, signature: tuple | None) -> Handle:
        if self.path == ":memory:":
            handle = Handle(connect(":memory:"), self._next_generation, signature, attached=False)
        else:  # an instance of its own: duckdb.connect(path) would hand back the old file's open instance
            handle = Handle(open_isolated_reader(self.path, self.shown), self._next_generation, signature)
        self._next_generation += 1
        return handle

    def _refresh(self) -> None:
        """Switch to a replaced file (called with the lock held, at most every CHECK_EVERY seconds)."""
        now = time.monotonic()
        if self._current is not None and now - self._checked_at < CHECK_EVERY:
            return
        self._checked_at = now
        if self.path == ":memory:":
            if self._current is None:
                self._current = self._open(None)
            return
        fresh = self._replacement(_signature(self.path))
        if fresh is not None:
            self._switch(fresh)

    def _replacement(self, signature: tuple | None) -> Handle | None:
        """A handle on the file when it was replaced since it was opened (or on first use), else None."""
        if signature is None:
            if self._current is None:
                raise DatabaseMissingError(self.shown)
            return None  # the file is gone for a moment (or for good): keep answering from the open one
        if self._current is not None and signature == self._current.signature:
            return None
        try:
            return self._open(signature)
        except Exception as exc:
            if self._current is None:
                raise
            log.warning("the database file was replaced but cannot be opened (%s); still serving the old one", exc)
            return None

    def _switch(self, fresh: Handle) -> None:
        """Answer from `fresh` from now on: new cache generation; the old file closes when its requests end."""
        old, self._current = self._current, fresh
        self._names = self._intervals = None
        for cache in (self.responses, self.frames, self.contexts):
            cache.clear()
        if old is not None:
            self.swaps += 1
            log.info("database file replaced: generation %d", fresh.generation)
            self._retire(old)

    def _retire(self, handle: Handle) -> None:
        handle.retired = True
        if handle.users == 0:
            handle.con.close()

    def acquire(self) -> Handle:
        """The current file for one request (switching to a replaced file first); pair with :meth:`release`."""
        with self._lock:
            self._refresh()
            handle = self._current
            handle.users += 1
            return handle

    def release(self, handle: Handle) -> None:
        with self._lock:
            handle.users -= 1
            if handle.retired and handle.users == 0:
                handle.con.close()

    @contextmanager
    def session(self) -> Iterator[Handle | None]:
        """Pin one file for the block (a request): every cursor inside reads the same generation.

        Opening errors are not raised here (the request's first cursor raises them, as a 503)."""
        try:
            handle = self.acquire()
        except Exception:
            handle = None
        token = _request_handle.set(handle)
        try:
            yield handle
        finally:
            _request_handle.reset(token)
            if handle is not None:
                self.release(handle)

    @contextmanager
    def lazy_cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """:meth:`cursor`, opened only when the block first uses it: an answer made from the cached interval table
        and names (dyad, obligations) needs no query, and opening a cursor on the attached file costs a statement."""
        handle = _request_handle.get()
        if handle is None:
            with self.cursor() as cur:
                yield cur
            return
        lazy = _LazyCursor(handle)
        try:
            yield lazy  # type: ignore[misc]
        finally:
            lazy.close()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor for one request (closed afterwards), on the file the request pinned."""
        handle = _request_handle.get()
        if handle is not None:
            cur = handle.cursor()
            try:
                yield cur
            finally:
                cur.close()
            return
        handle = self.acquire()
        try:
            cur = handle.cursor()
            try:
                yield cur
            finally:
                cur.close()
        finally:
            self.release(handle)

    def check_now(self) -> None:
        """Look for a replaced file at the next request, not CHECK_EVERY seconds later."""
        self._checked_at = 0.0

    def close(self) -> None:
        with self._lock:
            if self._current is not None:
                self._retire(self._current)
                self._current = None
            self._checked_at = 0.0

    # ------------------------------------------------------------------ cached pieces

    def names(self) -> StateNames:
        generation = self.generation
        cached = self._names
        if cached is None or cached[0] != generation:
            with self.cursor() as cur:
                cached = (generation, StateNames(cur))
            if generation == (self._current.generation if self._current else -1):
                self._names = cached
        return cached[1]

    def intervals(self):
        """The interval table of the file this request reads (:func:`foedus.query.intervals.build`), kept per
        generation: no fingerprint query per request (a new file is a new generation)."""
        generation = self.generation
        cached = self._intervals
        if cached is None or cached[0] != generation:
            from foedus.query import intervals

            with self.cursor() as cur:
                cached = (generation, intervals.build(cur))
            if generation == (self._current.generation if self._current else -1):
                self._intervals = cached
        return cached[1]

    def directed(self, on: dt.date) -> pd.DataFrame:
        """The directed commitments on `on`, every status tier (cached per date; callers must not modify the frame;
        each answer keeps the tiers its `status` counts)."""
        def compute():
            with self.cursor() as cur:
                return _shareable(commitments_module.directed_commitments(cur, on, status="any"))

        return self.frames.get_or_compute((self.generation, on), compute)

    def context(self, on: dt.date) -> ScenarioContext:
        def compute():
            with self.cursor() as cur:
                context = ScenarioContext(cur, on)
            # pandas builds an index's hash table on first use, and two threads doing that at once can see a
            # half-built one ("cannot reindex on an axis with duplicate labels"): build it before sharing
            _shareable(context.capabilities)
            return context

        return self.contexts.get_or_compute((self.generation, on), compute)

    def cached_json(self, key: tuple, compute: Callable[[], object]) -> Body:
        """The JSON body for `key`, computing the payload (and serialising it) when missing."""
        return self.responses.get_or_compute((self.generation, *key), lambda: Body(json_bytes(compute())))

    # ------------------------------------------------------------------ writes

    def reimport(self, directory: Path) -> dict:
        """Build a new database from `directory` and swap it in (:func:`foedus.store.build.rebuild`); the
        next request reads it. Only with the token. Returns ``{"imported": counts, "build_id", "built_at"}``
        (no paths: this goes to HTTP clients)."""
        if not self.writable:
            raise PermissionError("this server is read-only")
        with self._write_lock:
            if self.path == ":memory:":
                from foedus.ingest.discover import import_directory

                with self.cursor() as cur:
                    counts = import_directory(cur, directory)
                with self._lock:  # same connection, new data: a new generation for the caches
                    self._current.generation = self._next_generation
                    self._next_generation += 1
                    self._names = self._intervals = None
                    for cache in (self.responses, self.frames, self.contexts):
                        cache.clear()
                return {"imported": counts, "build_id": None, "built_at": None}
            from foedus.store.build import rebuild

            result = rebuild(self.path, directory, shown=self.shown)
        self.check_now()
        return {"imported": result.counts, "build_id": result.build_id, "built_at": result.built_at}
