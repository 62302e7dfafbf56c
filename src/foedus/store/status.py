"""What a store holds: its imported datasets and its build record (`data status --json`, the API's `meta`)."""

from __future__ import annotations

from foedus.dates import to_iso
from foedus.results import Result


def imported_datasets(con, with_sha256: bool = False) -> list[dict]:
    """One record per imported dataset: dataset, version, file, (sha256), rows, coverage_end, imported_at."""
    rows = con.execute(
        "SELECT dataset, version, file, sha256, rows, coverage_end, imported_at FROM imports ORDER BY dataset"
    ).fetchall()
    out = []
    for dataset, version, file, sha256, count, coverage_end, imported_at in rows:
        record = {"dataset": dataset, "version": version, "file": file}
        if with_sha256:
            record["sha256"] = sha256
        record.update(rows=count, coverage_end=to_iso(coverage_end),
                      imported_at=imported_at.isoformat() if imported_at is not None else None)  # a time
        out.append(record)
    return out


def status_payload(con, path: str) -> dict:
    """What `data status --json` prints: the build record and each imported dataset."""
    from foedus.store.build import read_build

    build = read_build(con)
    return {
        "database": path,
        "build": {
            "build_id": build.get("build_id"),
            "built_at": build.get("built_at"),
            "kind": build.get("build_kind"),
            "data_dir": build.get("data_dir"),
            "foedus_version": build.get("foedus_version"),
            "files": build.get("build_files", []),
        },
        "datasets": imported_datasets(con, with_sha256=True),
    }


class MetaDates(Result):
    first: str | None
    last: str | None
    commitments_coverage_end: str | None


class StoreMeta(Result):
    """The API's `meta`: what the store holds (each dataset's version, file, rows, coverage end), its date range,
    its build, and what the server says of itself (writable, which optional endpoints it has)."""

    version: str
    schema_version: int
    database: str
    build: dict
    writable: bool
    datasets: list[dict]
    dates: MetaDates
    endpoints: dict[str, bool]


def store_meta(con, database: str, *, writable: bool, endpoints: dict[str, bool]) -> StoreMeta:
    """The store's meta on `con`; `database` is the name to show (the file name only: no absolute path in an
    answer); `writable` and `endpoints` are the server's."""
    from foedus import __version__
    from foedus.store.build import read_build
    from foedus.store.schema import SCHEMA_VERSION

    datasets = imported_datasets(con)
    first, last = con.execute("SELECT min(start_date), max(end_date) FROM state_spells").fetchone()
    ends = [r["coverage_end"] for r in datasets if r["coverage_end"] and r["dataset"].startswith("ATOP")]
    build = read_build(con)
    return StoreMeta(
        version=__version__, schema_version=SCHEMA_VERSION, database=database,
        build={"build_id": build.get("build_id"), "built_at": build.get("built_at")}, writable=writable,
        datasets=datasets, dates=MetaDates(first=to_iso(first), last=to_iso(last),
                                           commitments_coverage_end=max(ends, default=None)),
        endpoints=endpoints,
    )
