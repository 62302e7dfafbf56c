"""Claims in commentary checked against the record: extraction (spaCy rules), evaluation (foedus queries),
reports (JSON, rich table, standalone HTML)."""
