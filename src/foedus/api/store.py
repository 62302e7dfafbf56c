"""The server's view of the DuckDB store: one shared connection, a cursor per request, small caches.

DuckDB connections are not thread-safe, so every request works on its own ``con.cursor()`` of one
shared connection. The connection is read-only unless a token is configured (then writes are
possible, but only the token-guarded endpoints make any). Everything computed from the store is
cached per *generation*; a re-import starts a new generation and empties the caches.

Caches (all bounded):

* JSON bodies of answered queries, by endpoint and normalised parameters (LRU);
* the directed commitments of a date (:func:`foedus.query.directed_commitments`), so the dyad,
  obligations and network endpoints for one date share one query;
* :class:`foedus.scenario.ScenarioContext` per date;
* :class:`foedus.naming.StateNames`, built once.

Computing a missing entry is single-flight: concurrent requests for the same key wait for the
first one instead of computing it again.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from foedus.config import db_path
from foedus.errors import NotImportedError
from foedus.naming import StateNames
from foedus.query import commitments as commitments_module
from foedus.scenario import ScenarioContext
from foedus.store import connect


def json_bytes(payload) -> bytes:
    """The CLI's `--json` serialisation (``print_json``) without the indentation."""
    return json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")


class Body:
    """A cached JSON body, with its gzip form when that is worth sending."""

    __slots__ = ("raw", "gzipped")

    def __init__(self, raw: bytes):
        self.raw = raw
        self.gzipped = gzip.compress(raw, compresslevel=5, mtime=0) if len(raw) > 2048 else None


class LRU:
    """A thread-safe least-recently-used map with single-flight computation of missing keys."""

    def __init__(self, size: int):
        self.size = size
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._pending: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable):
        with self._lock:
            if key not in self._data:
                return None
            self._data.move_to_end(key)
            return self._data[key]

    def put(self, key: Hashable, value) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

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

    def __len__(self) -> int:
        return len(self._data)


class Store:
    """The shared connection and the caches of one server."""

    def __init__(self, path: str | None = None, writable: bool = False, data_dir: str | Path | None = None):
        self.path = db_path(path)
        self.writable = writable
        self.data_dir = data_dir
        self.generation = 0
        self._con: duckdb.DuckDBPyConnection | None = None
        self._open_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._names: StateNames | None = None
        self.responses = LRU(2048)
        self.frames = LRU(32)
        self.contexts = LRU(8)

    # ------------------------------------------------------------------ connection

    def _connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            with self._open_lock:
                if self._con is None:
                    self._con = self._open()
        return self._con

    def _open(self) -> duckdb.DuckDBPyConnection:
        if self.path != ":memory:" and not self.writable and not Path(self.path).exists():
            raise NotImportedError(f"no foedus database at {self.path}; build it with `foedus data import`")
        try:
            return connect(self.path, read_only=not self.writable and self.path != ":memory:")
        except duckdb.Error as exc:
            raise NotImportedError(f"cannot open the foedus database {self.path}: {exc}") from None

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of the shared connection for one request (closed afterwards)."""
        cur = self._connection().cursor()
        try:
            yield cur
        finally:
            cur.close()

    def close(self) -> None:
        with self._open_lock:
            if self._con is not None:
                self._con.close()
                self._con = None

    # ------------------------------------------------------------------ cached pieces

    def names(self) -> StateNames:
        if self._names is None:
            with self.cursor() as cur:
                self._names = StateNames(cur)
        return self._names

    def directed(self, on: dt.date) -> pd.DataFrame:
        """The directed commitments on `on` (cached per date; callers must not modify the frame)."""
        def compute():
            with self.cursor() as cur:
                return commitments_module.directed_commitments(cur, on)

        return self.frames.get_or_compute((self.generation, on), compute)

    def context(self, on: dt.date) -> ScenarioContext:
        def compute():
            with self.cursor() as cur:
                return ScenarioContext(cur, on)

        return self.contexts.get_or_compute((self.generation, on), compute)

    def cached_json(self, key: tuple, compute: Callable[[], object]) -> Body:
        """The JSON body for `key`, computing the payload (and serialising it) when missing."""
        return self.responses.get_or_compute((self.generation, *key), lambda: Body(json_bytes(compute())))

    # ------------------------------------------------------------------ writes

    def reimport(self, directory: Path) -> dict[str, int]:
        """Import every known dataset in `directory` (each one transaction), then start a new generation."""
        from foedus.ingest.discover import import_directory

        if not self.writable:
            raise PermissionError("this server is read-only")
        with self._write_lock, self.cursor() as cur:
            counts = import_directory(cur, directory)
            self.generation += 1
            self._names = None
            for cache in (self.responses, self.frames, self.contexts):
                cache.clear()
        return counts
