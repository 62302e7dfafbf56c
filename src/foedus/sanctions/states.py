"""State names for the sanctions tools, which work without a database: see `foedus.naming`."""

from foedus.naming import offline_name as state_name
from foedus.naming import resolve_offline as resolve_state

__all__ = ["resolve_state", "state_name"]
