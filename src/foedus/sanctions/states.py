"""State names for the sanctions tools, which work without a database: see `foedus.naming`.

The same rules as every other command: ``cow:``/``iso:``/``gw:`` prefixes, a length bound, and ambiguous
names (``Korea``, ``Congo``) refused unless a date settles them.
"""

from foedus.naming import AmbiguousStateError
from foedus.naming import offline_name as state_name
from foedus.naming import resolve_offline as resolve_state

__all__ = ["AmbiguousStateError", "resolve_state", "state_name"]
