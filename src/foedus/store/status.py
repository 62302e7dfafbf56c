"""What a store holds: its imported datasets and its build record (`data status --json`, the API's `meta`)."""

from __future__ import annotations

from foedus.dates import to_iso


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
