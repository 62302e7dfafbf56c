"""As-of queries over the store: who owes what to whom on a date, and treaty records."""

from foedus.query.commitments import directed_commitments, dyad, obligations, records
from foedus.query.treaty import treaty

__all__ = ["directed_commitments", "dyad", "obligations", "records", "treaty"]
