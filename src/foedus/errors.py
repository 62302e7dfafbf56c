"""Errors that name where bad input is."""

from __future__ import annotations


class FoedusError(Exception):
    """Base class for errors foedus reports to users."""


class InputFileError(FoedusError):
    """A data file is malformed: names the file, line (1-based, header = line 1) and column."""

    def __init__(self, file: str, message: str, line: int | None = None, column: str | None = None):
        self.file, self.line, self.column, self.reason = str(file), line, column, message
        where = self.file
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column '{column}'"
        super().__init__(f"{where}: {message}")


class UnknownStateError(FoedusError):
    """A state name or code that foedus cannot resolve."""

    def __init__(self, query: str, suggestions: list[str]):
        self.query, self.suggestions = query, suggestions
        hint = f"; closest matches: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(f"Unknown state '{query}'{hint}")


class NotImportedError(FoedusError):
    """The database lacks data a query needs."""
