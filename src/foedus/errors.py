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


class BadInputError(FoedusError, ValueError):
    """Input the user can fix: names the argument (CLI option or API parameter) and says how to fix it.

    The CLI maps it to a one-line error and exit code 2; the API to HTTP 422 with ``parameter``.
    Anything that is not a :class:`FoedusError` is a bug in foedus, never the user's fault.
    """

    def __init__(self, parameter: str, message: str, fix: str | None = None, **extra):
        self.parameter, self.message, self.fix, self.extra = parameter, message, fix, extra
        text = f"{parameter}: {message}" if parameter else message
        if fix:
            text += f" ({fix})"
        super().__init__(text)
