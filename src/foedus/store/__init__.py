"""The embedded DuckDB store: read-only readers, and an import that builds a new file and swaps it in."""

from foedus.store.connection import connect, open_reader
from foedus.store.schema import SCHEMA_VERSION

__all__ = ["connect", "open_reader", "SCHEMA_VERSION"]
