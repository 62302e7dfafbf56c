"""Where foedus finds its data directory and its database."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The directory of third-party datasets: argument, then FOEDUS_DATA_DIR, then ../shared/data."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("FOEDUS_DATA_DIR")
    if env:
        return Path(env)
    candidates = [PROJECT_ROOT.parent / "shared" / "data", Path.cwd().parent / "shared" / "data"]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        "No data directory: pass --data-dir DIR or set FOEDUS_DATA_DIR "
        f"(looked for {', '.join(str(c) for c in candidates)})"
    )


def db_path(explicit: str | os.PathLike | None = None) -> str:
    """The DuckDB file: argument, then FOEDUS_DB, then ~/.local/share/foedus/foedus.duckdb."""
    if explicit:
        return str(explicit)
    env = os.environ.get("FOEDUS_DB")
    if env:
        return env
    base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return str(base / "foedus" / "foedus.duckdb")
