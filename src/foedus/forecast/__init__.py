"""The forecast ledger (see :mod:`foedus.forecast.ledger` for storage, rules and the JSON format)."""
