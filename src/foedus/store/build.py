"""Build a complete new database beside the live one and swap it in: an import is all or nothing.

:func:`rebuild` is the one way foedus changes a database file (``foedus data import``, ``foedus register
load`` and the API's token-guarded ``POST /api/data/import`` all call it):

1. take the import lock (``<db>.lock``, an exclusive ``fcntl.flock``; a second import fails at once with
   :class:`~foedus.store.errors.ImportBusyError`) and remove building files a killed import left behind;
2. build ``<db>.building-<pid>``: every known dataset of the data directory, then the curated register
   (or, for ``register load``, a copy of the live file with only the register replaced);
3. record the build in ``meta`` (``build_id``, ``built_at`` in UTC, ``data_dir``, ``build_files``: every
   file read with its SHA-256), checkpoint, close and fsync it;
4. ``os.replace`` it over the live file and fsync the directory.

Until step 4 the live file is untouched; after it, readers that open the path get the new file, and readers
that had the old one open keep reading it (the server switches between requests, see
:class:`foedus.api.store.Store`). A crash at any moment leaves either the old file or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from foedus.atomic import fsync_dir, fsync_file
from foedus.config import data_dir as default_data_dir
from foedus.config import db_path as default_db_path
from foedus.errors import BadInputError
from foedus.store.errors import ImportBusyError

BUILDING = ".building-"

AFTER_LOAD: list[str] = ["foedus.query.intervals:materialise"]
"""Steps run on the new file after every dataset and the register have loaded, before the swap: each
``"module:function"`` is called with the building connection when the module defines it (e.g. to store
precomputed as-of intervals in the file, so no reader has to compute them)."""

Progress = Callable[[str, int, int], None]
"""progress(label, index, total): called before each step (index from 0), and once with index == total."""


@dataclass
class BuildResult:
    """What :func:`rebuild` built."""

    db: str
    build_id: str
    built_at: str
    data_dir: str | None
    counts: dict[str, int]
    files: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict:
        return asdict(self)


def building_path(live: Path, pid: int | None = None) -> Path:
    return live.with_name(f"{live.name}{BUILDING}{pid if pid is not None else os.getpid()}")


def lock_path(live: Path) -> Path:
    return live.with_name(f"{live.name}.lock")


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _remove_database(path: Path) -> None:
    _remove(path)
    _remove(path.with_name(path.name + ".wal"))


def leftovers(live: Path) -> list[Path]:
    """Building files beside `live` (with their WAL files)."""
    return sorted(live.parent.glob(f"{live.name}{BUILDING}*"))


@contextlib.contextmanager
def import_lock(live: Path, shown: str | None = None) -> Iterator[None]:
    """Hold the exclusive import lock of `live`, or raise :class:`ImportBusyError` at once."""
    live.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path(live), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ImportBusyError(shown or str(live)) from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _data_files(directory: Path) -> list[tuple[object, list[Path]]]:
    from foedus.ingest.discover import find_files

    if not directory.is_dir():
        raise BadInputError("--data-dir", f"the data directory {directory} does not exist",
                            fix="pass --data-dir DIR or set FOEDUS_DATA_DIR")
    found = find_files(directory)
    if not found:
        raise BadInputError("--data-dir", f"no known dataset files in {directory}",
                            fix="see the README for the file names foedus reads")
    return found


def _register(register_dir: str | os.PathLike | None):
    from foedus.register.load import load_register

    return load_register(register_dir)


def _digest(path: Path) -> str:
    from foedus.ingest.table import sha256

    return sha256(path)


def _meta(con, values: dict[str, str | None]) -> None:
    for key, value in values.items():
        con.execute("DELETE FROM meta WHERE key = ?", [key])
        con.execute("INSERT INTO meta VALUES (?, ?)", [key, value])


def read_build(con) -> dict:
    """The build record of the database on `con` (empty for a file built before build records)."""
    rows = dict(con.execute(
        "SELECT key, value FROM meta WHERE key IN ('build_id', 'built_at', 'data_dir', 'build_files', "
        "'register_dir', 'foedus_version', 'build_kind')").fetchall())
    if "build_files" in rows:
        rows["build_files"] = json.loads(rows["build_files"])
    return rows


def _build_datasets(con, directory: Path, found, progress: Progress | None, steps_total: int,
                    counts: dict[str, int], files: list[dict]) -> int:
    index = 0
    for known, paths in found:
        label = f"{known.name} ({', '.join(p.name for p in paths)})"
        if progress:
            progress(label, index, steps_total)
        counts[known.name] = known.load(con, *paths)
        files.extend({"dataset": known.name, "file": p.name, "sha256": _digest(p)} for p in paths)
        index += 1
    return index


def _after_load(con) -> None:
    import importlib

    for spec in AFTER_LOAD:
        module_name, _, name = spec.partition(":")
        step = getattr(importlib.import_module(module_name), name, None)
        if step is not None:
            step(con)


def rebuild(
    db: str | os.PathLike | None = None,
    data_dir: str | os.PathLike | None = None,
    *,
    register: bool = True,
    register_dir: str | os.PathLike | None = None,
    keep_datasets: bool = False,
    progress: Progress | None = None,
    shown: str | None = None,
    before_swap: Callable[[Path], None] | None = None,
) -> BuildResult:
    """Build a new database for `db` and swap it in atomically; see the module's text.

    `data_dir`: where the datasets are (default: FOEDUS_DATA_DIR or ../shared/data). `register`: load the
    curated register (from `register_dir`, default the package's). ``keep_datasets=True`` copies the live
    file's datasets instead of re-reading the data directory and replaces only the register (``register
    load``). `shown` is how messages name the file (the API passes the file name only). `before_swap` is a
    test hook called with the finished building file.
    """
    started = time.monotonic()
    target = default_db_path(db)
    if target == ":memory:":
        raise BadInputError("--db", "an import needs a database file, not :memory:",
                            fix="pass --db PATH or set FOEDUS_DB")
    live = Path(target)
    shown = shown or str(live)
    directory = None
    found = []
    if not keep_datasets:
        try:
            directory = default_data_dir(data_dir)
        except FileNotFoundError as exc:
            raise BadInputError("--data-dir", str(exc)) from None
        found = _data_files(Path(directory))
    register_data = None
    if register:
        register_data = _register(register_dir)  # validated before anything is touched
    with import_lock(live, shown):
        for old in leftovers(live):
            _remove(old)
        building = building_path(live)
        try:
            return _build(live, building, directory, found, register_data, register_dir, keep_datasets,
                          progress, shown, before_swap, started)
        except BaseException:
            _remove_database(building)
            raise


def _build(live: Path, building: Path, directory: Path | None, found, register_data, register_dir,
           keep_datasets: bool, progress: Progress | None, shown: str, before_swap, started: float) -> BuildResult:
    import duckdb

    from foedus import __version__
    from foedus.store.connection import open_reader
    from foedus.store.schema import ensure_schema

    counts: dict[str, int] = {}
    files: list[dict] = []
    previous: dict = {}
    if keep_datasets:
        reader = open_reader(str(live), shown)  # refuses a missing, damaged or foreign file
        try:
            previous = read_build(reader)
        finally:
            reader.close()
        shutil.copyfile(live, building)
        files = [f for f in previous.get("build_files", []) if f.get("dataset") != "register"]
        directory = previous.get("data_dir")
    con = duckdb.connect(str(building))
    try:
        ensure_schema(con, shown)
        total = len(found) + (1 if register_data is not None else 0)
        index = _build_datasets(con, Path(directory), found, progress, total, counts, files) if found else 0
        if register_data is not None:
            from foedus.register.store import write_register

            if progress:
                progress("curated register", index, total)
            counts["register"] = write_register(con, register_data)
            files.extend({"dataset": "register", "file": name, "sha256": digest}
                         for name, digest in sorted(register_data.digests.items()))
        _after_load(con)
        if progress:
            progress("done", total, total)
        build_id = uuid.uuid4().hex
        built_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        _meta(con, {
            "build_id": build_id,
            "built_at": built_at,
            "build_kind": "register" if keep_datasets else "full",
            "data_dir": str(Path(directory).resolve()) if directory else None,
            "register_dir": str(Path(register_dir).resolve()) if register_dir else None,
            "build_files": json.dumps(files),
            "foedus_version": __version__,
        })
        con.execute("CHECKPOINT")
    finally:
        con.close()
    wal = building.with_name(building.name + ".wal")
    if wal.exists():  # DuckDB checkpoints on close; a WAL left here would be lost by the rename
        raise RuntimeError(f"DuckDB left {wal.name} after closing the new database")
    fsync_file(building)
    if before_swap is not None:
        before_swap(building)
    _remove(live.with_name(live.name + ".wal"))  # a stale WAL of the old file must not be applied to the new
    os.replace(building, live)
    fsync_dir(live.parent)
    return BuildResult(str(live), build_id, built_at, str(directory) if directory else None, counts, files,
                       round(time.monotonic() - started, 3))
