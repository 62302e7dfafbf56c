"""The whole-history exposure sweep: every directed dyad of COW members on every date of a grid, on Dask.

    from foedus.exposure import exposure_sweep, read_exposure
    run = exposure_sweep("foedus.duckdb", 1816, 2026, every="year", out="exposure/")   # LocalCluster
    run = exposure_sweep(db, 2000, 2004, scheduler="none", out="x/")                    # in process, same bytes
    frame = read_exposure("exposure/")

Output: a Parquet dataset partitioned by year, ``year=YYYY/part-<block>.parquet`` (columns:
`foedus.exposure.compute.COLUMN_HELP`), and ``_manifest.json`` (parameters, data versions, store
fingerprint, the run key, and, once complete, each partition's rows and SHA-256).

Work is split into date blocks (``year``: one date per block, 1 January; ``month``: the twelve 1sts of a
year; ``day``: one calendar month). A block's id is its first date as YYYYMMDD: the seed key
(``SeedSequence(seed, spawn_key=(block,))``) and the file name, so no result depends on the number of
workers, the order tasks run in, retries or the range asked for. Each task opens the database file
read-only on its worker (once per worker process: the interval table is built once there) and returns an
Arrow table; the client writes each partition atomically (a temporary file in the same directory, then
``os.replace``), so a partition is whole or absent, and workers need no shared file system.

Schedulers: ``None`` a `distributed.LocalCluster` sized to the machine (processes, one thread each);
``'none'`` in this process (bit-identical output); ``'tcp://HOST:PORT'`` an existing cluster (every worker
must see the database file at the same path). ``resume=True`` keeps partitions whose footer carries the
manifest's run key and recomputes the rest.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from pydantic import Field

from foedus.errors import BadInputError, FoedusError
from foedus.exposure.compute import COLUMN_HELP, OBLIGATION_RANK, BlockSpec, compute_block, data_versions
from foedus.results import Result

FORMAT = "foedus-exposure/1"
MANIFEST = "_manifest.json"
EVERY = ("year", "month", "day")
MAX_DRAWS = 100_000
SCHEMES = ("tcp://", "tls://", "inproc://", "ws://", "wss://")
RUN_KEY_FIELD = b"foedus.exposure.run_key"
BLOCK_FIELD = b"foedus.exposure.block"
Progress = Callable[[int, int, "BlockSpec | None", int], object]
"""progress(blocks done (written or kept), blocks in all, the block just written or None, its rows)."""


class StoreChangedError(FoedusError):
    """The database a worker opened is not the build the sweep started on."""


@dataclass(frozen=True)
class SweepParams:
    start: str
    end: str
    every: str
    draws: int
    mode: str
    rounds: int
    seed: int
    reliability: float | None
    model: str | None  # path of the joining model file, or None (the cascade)
    model_sha256: str | None = None

    @property
    def method(self) -> str:
        return "model" if self.model else ("monte_carlo" if self.draws else "deterministic")


class ExposureRun(Result):
    """A finished (or resumed) sweep; its JSON is the summary `foedus sweep --from --to --json` prints."""

    out: Path
    method: str
    parameters: dict
    data_versions: dict
    run_key: str
    blocks: int
    written: int
    kept: int
    rows_written: int
    rows: int  # in all partitions (written and kept)
    seconds: float  # elapsed, rounded to ms
    scheduler: str
    manifest: dict = Field(exclude=True)
    elapsed: float = Field(exclude=True)
    partitions: list[str] = Field(default_factory=list, exclude=True)


# ---------------------------------------------------------------------------------------------- inputs


def _day(value, parameter: str, last: bool) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if text.lstrip("-").isdigit() and len(text.lstrip("-")) <= 4:
        year = int(text)
        if not 1 <= year <= 9999:
            raise BadInputError(parameter, f"year {year} is out of range", fix="give a year such as 1816")
        return dt.date(year, 12, 31) if last else dt.date(year, 1, 1)
    from foedus.dates import parse_date

    return parse_date(text, parameter)


def check_params(start, end, every: str = "year", draws: int = 0, mode: str = "legal", rounds: int = 3,
                 seed: int = 0, reliability: float | None = None, model: str | os.PathLike | None = None
                 ) -> SweepParams:
    """The sweep's parameters, bounded (BadInputError naming the parameter) before anything runs."""
    from foedus.scenario.rules import mode as check_mode

    first, last = _window(start, end)
    if every not in EVERY:
        raise BadInputError("every", f"'{every}' is not one of {', '.join(EVERY)}", fix="use --every year")
    _check_draws(draws)
    check_mode(mode)
    _check_rounds_and_seed(rounds, seed)
    reliability = _checked_reliability(reliability, draws)
    model_path, model_sha = _checked_model(model, draws)
    return SweepParams(first.isoformat(), last.isoformat(), every, draws, mode, rounds, seed, reliability,
                       model_path, model_sha)


def _window(start, end) -> tuple[dt.date, dt.date]:
    first, last = _day(start, "from", last=False), _day(end, "to", last=True)
    if first > last:
        raise BadInputError("to", f"{last} is before {first}", fix="give --to on or after --from")
    return first, last


def _check_draws(draws) -> None:
    if not isinstance(draws, int) or not 0 <= draws <= MAX_DRAWS:
        raise BadInputError("draws", f"must be a whole number from 0 to {MAX_DRAWS:,}, not {draws}",
                            fix="use --draws 0 for the deterministic counts, or e.g. --draws 200")


def _check_rounds_and_seed(rounds, seed) -> None:
    if not isinstance(rounds, int) or not 1 <= rounds <= 10:
        raise BadInputError("rounds", f"must be from 1 to 10, not {rounds}", fix="use --rounds 3")
    if not isinstance(seed, int) or seed < 0:
        raise BadInputError("seed", f"must be a whole number, 0 or more, not {seed}")


def _checked_reliability(reliability, draws) -> float | None:
    """The Monte Carlo's reliability as a float in [0, 1] (None: the default rule); only with draws."""
    if reliability is None:
        return None
    if not draws:
        raise BadInputError("reliability", "only the Monte Carlo uses a reliability", fix="add --draws N")
    if not 0 <= float(reliability) <= 1:
        raise BadInputError("reliability", f"must be between 0 and 1, not {reliability}")
    return float(reliability)


def _checked_model(model, draws) -> tuple[str | None, str | None]:
    """The joining model's file and its sha256 (None, None without a model); a model takes no draws."""
    if model is None:
        return None, None
    if draws:
        raise BadInputError("model", "the joining model gives probabilities; it does not take draws",
                            fix="drop --draws, or drop --model for the Monte Carlo cascade")
    return _model_file(model)


def _model_file(model) -> tuple[str, str]:
    """The joining model's file (``'joining'`` or ``True``: the saved one), checked to load."""
    try:
        from foedus.validation.joining import MODEL_FILE, load_model
    except ImportError as exc:  # pragma: no cover - the validation package ships with foedus
        raise BadInputError("model", f"the joining model is unavailable ({exc})",
                            fix="run without --model (the cascade)") from None
    path = MODEL_FILE if model is True or str(model) in ("joining", "default") else Path(model)
    load_model(path)  # BadInputError naming --model when missing or not a model
    path = Path(path).resolve()
    return str(path), hashlib.sha256(path.read_bytes()).hexdigest()


def plan_blocks(params: SweepParams) -> list[BlockSpec]:
    """The run's date blocks, in date order."""
    first, last = dt.date.fromisoformat(params.start), dt.date.fromisoformat(params.end)
    groups: dict[tuple, list[dt.date]] = {}
    if params.every == "year":
        for year in range(first.year, last.year + 1):
            day = dt.date(year, 1, 1)
            if first <= day <= last:
                groups[(year, 1, 1)] = [day]
    elif params.every == "month":
        for year in range(first.year, last.year + 1):
            days = [dt.date(year, m, 1) for m in range(1, 13) if first <= dt.date(year, m, 1) <= last]
            if days:
                groups[(year,)] = days
    else:
        for year in range(first.year, last.year + 1):
            for month in range(1, 13):
                days = [dt.date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)
                        if first <= dt.date(year, month, d) <= last]
                if days:
                    groups[(year, month)] = days
    return [BlockSpec(int(days[0].strftime("%Y%m%d")), days[0].year, tuple(days)) for days in groups.values()]


# ---------------------------------------------------------------------------------------------- store


def _fingerprint(con) -> str:
    from foedus.query.intervals import fingerprint

    return fingerprint(con)


def _database_file(con) -> str | None:
    try:
        row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    except Exception:  # an old DuckDB without the function: treat as in-memory
        return None
    return row[0] if row and row[0] else None


@contextlib.contextmanager
def _opened(con_or_db):
    """(connection, database file or None); a path is opened read-only and closed after."""
    if hasattr(con_or_db, "execute"):
        yield con_or_db, _database_file(con_or_db)
        return
    from foedus.config import db_path
    from foedus.store import connect

    path = db_path(None if con_or_db is None else str(con_or_db))
    con = connect(path, read_only=True)
    try:
        yield con, str(Path(path).resolve()) if path != ":memory:" else None
    finally:
        con.close()


_WORKER: dict = {}


def _worker_store(path: str, fingerprint: str, params: SweepParams):
    """This process's read-only connection (and model state) for `path`, opened once per worker process."""
    key = (path, params.model)
    state = _WORKER.get(key)
    if state is None:
        from foedus.store import open_reader

        con = open_reader(path)
        model_state = None
        if params.model:
            from foedus.exposure.compute import cached_features
            from foedus.validation.joining import load_model

            model_state = (load_model(Path(params.model)), cached_features(con))
        state = _WORKER[key] = (con, model_state)
    found = _fingerprint(state[0])
    if found != fingerprint:
        raise StoreChangedError(f"{path} is not the store build the sweep started on ({found} != {fingerprint})")
    return state


def run_block_task(path: str, fingerprint: str, params: SweepParams, spec: BlockSpec, versions: dict):
    """A Dask task: one block's Arrow table, computed from the worker's own read-only view of the store."""
    con, model_state = _worker_store(path, fingerprint, params)
    return compute_block(con, params, spec, versions, model_state)


# ---------------------------------------------------------------------------------------------- files


def partition_path(out: Path, spec: BlockSpec) -> Path:
    return out / f"year={spec.year}" / f"{spec.name}.parquet"


def _write_partition(out: Path, spec: BlockSpec, table, run_key: str) -> tuple[Path, int]:
    import pyarrow.parquet as pq

    from foedus.atomic import atomic_path

    target = partition_path(out, spec)
    meta = {RUN_KEY_FIELD: run_key.encode(), BLOCK_FIELD: str(spec.block).encode()}
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), **meta})
    with atomic_path(target) as tmp:
        pq.write_table(table, tmp, compression="zstd", use_dictionary=["strongest_obligation", "data_versions"],
                       write_statistics=True)
    return target, table.num_rows


def _partition_ok(path: Path, spec: BlockSpec, run_key: str) -> bool:
    """The file exists, its footer reads, and it carries this run's key and block."""
    import pyarrow.parquet as pq

    if not path.is_file():
        return False
    try:
        meta = pq.read_metadata(path).metadata or {}
    except Exception:  # unreadable: recompute it
        return False
    return meta.get(RUN_KEY_FIELD) == run_key.encode() and meta.get(BLOCK_FIELD) == str(spec.block).encode()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_manifest(out: Path, manifest: dict) -> None:
    from foedus.atomic import write_text_atomic

    write_text_atomic(out / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def _run_key(params: SweepParams, versions: dict, fingerprint: str) -> str:
    text = json.dumps({"format": FORMAT, "parameters": asdict(params), "data_versions": versions,
                       "store_fingerprint": fingerprint}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _prepare_out(out: Path, resume: bool, manifest: dict) -> None:
    found = out / MANIFEST
    if resume and found.is_file():
        try:
            old = json.loads(found.read_text(encoding="utf-8"))
        except ValueError:
            raise BadInputError("resume", f"{found} is not readable JSON",
                                fix="remove the directory and run the sweep again") from None
        if old.get("run_key") != manifest["run_key"]:
            differ = sorted(k for k in ("parameters", "data_versions", "store_fingerprint")
                            if old.get(k) != manifest[k])
            raise BadInputError("resume", f"{out} holds a sweep with other {', '.join(differ) or 'settings'}",
                                fix="resume with the same parameters and store, or choose a new --out")
        return
    if out.exists() and any(out.iterdir()) and not resume:
        raise BadInputError("out", f"{out} is not empty",
                            fix="pass --resume to continue the sweep there, or choose an empty directory")
    out.mkdir(parents=True, exist_ok=True)


# ---------------------------------------------------------------------------------------------- schedulers


def _client(scheduler, workers: int | None):
    """(client, cluster or None, description)."""
    from distributed import Client, LocalCluster

    if scheduler is None:
        n = workers or os.cpu_count() or 1
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=logging.WARNING)
        return Client(cluster), cluster, f"LocalCluster({n} workers x 1 thread)"
    text = str(scheduler)
    try:
        return Client(text, timeout=30), None, f"cluster at {text}"
    except OSError as exc:
        raise BadInputError("scheduler", f"cannot reach {text} ({exc})",
                            fix="start one with `dask scheduler` and `dask worker ADDRESS`") from None


def exposure_sweep(con_or_db=None, start=1816, end=2026, every: str = "year", draws: int = 0, mode: str = "legal",
                   rounds: int = 3, model=None, seed: int = 0, scheduler: str | None = None,
                   workers: int | None = None, out=None, resume: bool = False, progress: Progress | None = None,
                   reliability: float | None = None) -> ExposureRun:
    """Run (or resume) the sweep into `out`; see the module docstring."""
    params = check_params(start, end, every, draws, mode, rounds, seed, reliability, model)
    in_process = _check_run_options(out, workers, scheduler)
    out = Path(out)
    specs = plan_blocks(params)
    clock = time.perf_counter()
    with _opened(con_or_db) as (con, path):
        versions = data_versions(con)
        fingerprint = _fingerprint(con)
        if not in_process and path is None:
            raise BadInputError("scheduler", "Dask workers open the database file, and this store is in memory",
                                fix="pass the database path, or scheduler='none'")
        run_key = _run_key(params, versions, fingerprint)
        manifest = _manifest(params, versions, fingerprint, run_key, len(specs))
        _prepare_out(out, resume, manifest)
        _write_manifest(out, manifest)
        kept = [s for s in specs if resume and _partition_ok(partition_path(out, s), s, run_key)]
        todo = [s for s in specs if s not in kept]
        writer = _PartitionWriter(out, run_key, len(specs), len(kept), progress)
        if in_process:
            description = _run_in_process(con, params, versions, todo, writer)
        else:
            description = _run_dask(scheduler, workers, path, fingerprint, params, versions, todo, run_key, writer)
    partitions = _complete(out, manifest, specs)
    elapsed = time.perf_counter() - clock
    return ExposureRun(
        out=out, method=manifest["method"], parameters=manifest["parameters"],
        data_versions=manifest["data_versions"], run_key=manifest["run_key"], blocks=len(specs),
        written=writer.written, kept=len(kept), rows_written=writer.rows,
        rows=sum(p["rows"] for p in manifest["partitions"].values()), seconds=round(elapsed, 3),
        scheduler=description, manifest=manifest, elapsed=elapsed, partitions=partitions)


def _check_run_options(out, workers, scheduler) -> bool:
    """Check the output, workers and scheduler options; True when the sweep runs in this process."""
    if out is None:
        raise BadInputError("out", "the sweep needs an output directory", fix="pass --out DIR")
    if workers is not None and (not isinstance(workers, int) or workers < 1):
        raise BadInputError("workers", f"must be 1 or more, not {workers}")
    in_process = scheduler is not None and str(scheduler).lower() == "none"
    if not in_process and scheduler is not None and not str(scheduler).startswith(SCHEMES):
        raise BadInputError("scheduler", f"'{scheduler}' is not a scheduler address",
                            fix="use --scheduler tcp://HOST:PORT, or none to run in this process")
    return in_process


def _manifest(params: SweepParams, versions, fingerprint: str, run_key: str, blocks: int) -> dict:
    """The run's manifest before any block is written (``complete`` False)."""
    manifest = {
        "format": FORMAT, "run_key": run_key, "parameters": asdict(params), "method": params.method,
        "data_versions": versions, "store_fingerprint": fingerprint, "columns": COLUMN_HELP,
        "strongest_obligation_order": list(OBLIGATION_RANK), "partitioning": "year=YYYY/part-<block>.parquet",
        "blocks": blocks, "complete": False,
    }
    if params.method == "monte_carlo":
        from foedus.scenario.montecarlo import as_reliability

        rule = as_reliability(params.reliability)
        manifest["reliability"] = {"by_type": rule.by_type, "condition_probability": rule.condition_probability,
                                   "source": rule.source}
    return manifest


class _PartitionWriter:
    """Writes each finished block's partition, counts blocks and rows, and reports progress."""

    def __init__(self, out: Path, run_key: str, total: int, done: int, progress: Progress | None):
        self.out, self.run_key, self.total, self.done, self.progress = out, run_key, total, done, progress
        self.rows = self.written = 0
        if progress:
            progress(done, total, None, 0)

    def __call__(self, spec, table) -> None:
        _, n = _write_partition(self.out, spec, table, self.run_key)
        self.done, self.rows, self.written = self.done + 1, self.rows + n, self.written + 1
        if self.progress:
            self.progress(self.done, self.total, spec, n)


def _run_in_process(con, params: SweepParams, versions, todo, finish) -> str:
    model_state = None
    if params.model:
        from foedus.exposure.compute import cached_features
        from foedus.validation.joining import load_model

        model_state = (load_model(Path(params.model)), cached_features(con))
    for spec in todo:
        finish(spec, compute_block(con, params, spec, versions, model_state))
    return "in process"


def _complete(out: Path, manifest: dict, specs) -> list[str]:
    """Mark the manifest complete with every partition's rows and sha256; the partitions' paths."""
    partitions = [str(partition_path(out, s).relative_to(out)) for s in specs]
    manifest["complete"] = True
    manifest["partitions"] = {p: {"rows": _rows(out / p), "sha256": _sha256(out / p)} for p in partitions}
    _write_manifest(out, manifest)
    return partitions


def _rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.read_metadata(path).num_rows


def _run_dask(scheduler, workers, path, fingerprint, params, versions, todo, run_key, finish) -> str:
    from distributed import as_completed

    client, cluster, description = _client(scheduler, workers)
    try:
        # the latest blocks (most states) first, so the long tasks do not finish last
        futures = [client.submit(run_block_task, path, fingerprint, params, spec, versions, retries=2, pure=False,
                                 key=f"foedus-exposure-{run_key[:12]}-{spec.block}")
                   for spec in sorted(todo, key=lambda s: -s.block)]
        by_key = {f.key: spec for f, spec in zip(futures, sorted(todo, key=lambda s: -s.block), strict=True)}
        try:
            for future in as_completed(futures):
                table = future.result()
                finish(by_key[future.key], table)
                future.release()
        except BaseException:
            client.cancel(futures)
            raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return description


def read_exposure(out, columns: list[str] | None = None):
    """The sweep's rows as one DataFrame (with `year` from the partition), in block order."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out)
    if not (out / MANIFEST).is_file():
        raise BadInputError("sweep_dir", f"{out} has no {MANIFEST}", fix="give the --out directory of a sweep")
    files = sorted(out.glob("year=*/part-*.parquet"), key=lambda p: (int(p.parent.name[5:]), p.name))
    tables = []
    for f in files:
        table = pq.read_table(f, columns=columns)
        tables.append(table.append_column("year", pa.array([int(f.parent.name[5:])] * table.num_rows, pa.int32())))
    if not tables:
        return pd.DataFrame()
    return pa.concat_tables(tables).to_pandas()
