"""The embedded DuckDB store."""

from foedus.store.connection import connect
from foedus.store.schema import SCHEMA_VERSION

__all__ = ["connect", "SCHEMA_VERSION"]
