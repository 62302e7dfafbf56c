"""What can be wrong with the database file, in words a user can act on.

Every message names the file as the caller shows it (the CLI: the path; the API: the file name only, never
an absolute path) and says how to fix it. All are :class:`foedus.errors.FoedusError`: the CLI prints one
line and exits 2; the API answers 503 (409 for a busy import).
"""

from __future__ import annotations

from foedus.errors import BadInputError, NotImportedError


class DatabaseMissingError(NotImportedError):
    """No database file at the path."""

    def __init__(self, shown: str):
        self.shown = shown
        super().__init__(f"no foedus database at {shown}; build it with `foedus data import`")


class DatabaseDamagedError(NotImportedError):
    """The file is not a readable DuckDB database (truncated, corrupted or not a database at all)."""

    def __init__(self, shown: str, reason: str = ""):
        self.shown, self.reason = shown, reason
        why = f" ({reason})" if reason else ""
        super().__init__(
            f"the database file {shown} is damaged{why}; rebuild it with `foedus data import` "
            "(it builds a new file and replaces this one)"
        )


class DatabaseBusyError(NotImportedError):
    """Another process holds the file open for writing (only an old foedus, or a foreign tool, does that)."""

    def __init__(self, shown: str):
        self.shown = shown
        super().__init__(
            f"the database {shown} is open for writing in another process; close that process "
            "(foedus itself never writes the live file: `foedus data import` builds a new one and swaps it in)"
        )


class SchemaMismatchError(NotImportedError):
    """The file was built by a foedus with another schema version."""

    def __init__(self, shown: str, found: str | None, expected: int):
        self.shown, self.found, self.expected = shown, found, expected
        what = f"schema version {found}" if found is not None else "no foedus schema version"
        super().__init__(
            f"the database {shown} has {what}, this foedus needs version {expected}; "
            "rebuild it with `foedus data import`"
        )


class ImportBusyError(BadInputError):
    """Another import into the same database is running."""

    def __init__(self, shown: str):
        self.shown = shown
        super().__init__(
            "--db",
            f"another `foedus data import` (or `register load`) into {shown} is running",
            fix="wait for it to finish; the database is replaced only when it has built every dataset",
        )


def is_duckdb_io_error(exc: BaseException) -> bool:
    """A DuckDB I/O error (unreadable, truncated or corrupt file), without importing duckdb here."""
    return any(cls.__name__ == "IOException" and cls.__module__.lstrip("_").startswith("duckdb")
               for cls in type(exc).__mro__)


def damaged_reason(exc: BaseException) -> str:
    """DuckDB's words for what is wrong, without the file's path."""
    text = str(exc).split("\n", 1)[0]
    text = text.removeprefix("IO Error: ")
    if "not a valid DuckDB database file" in text:
        return "not a DuckDB database file"
    if "Could not read enough bytes" in text:
        return "the file is shorter than its contents say: truncated"
    if "Corrupt database file" in text or "checksum" in text:
        return "a block fails its checksum: corrupted"
    return "DuckDB cannot read it"
