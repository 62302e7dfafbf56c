"""Errors as HTTP answers: a clear message for bad input (422), never a stack trace.

* :class:`foedus.errors.BadInputError` (``BadInput`` here is the same class: a parameter the server cannot
  use: unknown state, bad date, bad value) → 422 ``{"detail": "<parameter>: <message>", "parameter": ...}``,
  with ``fix`` when the error says how to fix it;
* FastAPI's own validation errors → 422 with the same ``detail`` text, and the field list under ``errors``;
* :class:`foedus.errors.UnknownStateError` → 422 with the closest matches;
* :class:`foedus.errors.NotImportedError` → 503 (the store lacks the data, or its file is missing, damaged
  or of another schema version: the message says to run ``foedus data import``); a DuckDB I/O error while
  reading (a block of the file is damaged) → the same 503;
* :class:`foedus.store.errors.ImportBusyError` → 409 (another import is running);
* :class:`TooLarge` (a bad input whose answer would be too large to build or send) → 413 with the reason;
* :class:`foedus.api.guard.Busy` → 429 (no slot for heavy work in time) or 503 (heavy work ran past the
  request timeout), with ``Retry-After``;
* a body FastAPI cannot parse (malformed JSON, bytes that are not UTF-8) → 422 naming ``body``;
* other :class:`foedus.errors.FoedusError` → 422;
* anything else, ``ValueError`` included, is a bug → 500 with a plain message; the traceback goes to the
  server log only. No answer names an absolute path, a process id or the interpreter.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from foedus.api.guard import Busy
from foedus.errors import BadInputError, FoedusError, NotImportedError, UnknownStateError
from foedus.store.errors import DatabaseDamagedError, ImportBusyError, damaged_reason, is_duckdb_io_error

log = logging.getLogger("foedus.api")

BadInput = BadInputError
"""A request parameter the server cannot use (the library's bad-input class; kept under its old name)."""


class TooLarge(BadInputError):
    """A request whose answer would be too large (413): the message says why and how to ask for less."""


class NotFound(Exception):
    """A named resource (e.g. a treaty id) that is not in the store."""


def _error(status: int, detail: str, headers: dict | None = None, **extra) -> JSONResponse:
    return JSONResponse({"detail": detail, **extra}, status_code=status, headers=headers)


def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
    parts, fields = [], []
    for error in exc.errors():
        where = [str(p) for p in error.get("loc", ()) if p not in ("query", "path", "body")]
        name = "body" if error.get("type") == "json_invalid" else ".".join(where) or "request"
        parts.append(f"{name}: {error.get('msg', 'invalid')}")
        fields.append({"parameter": name, "message": error.get("msg"), "type": error.get("type")})
    return _error(422, "; ".join(parts) or "invalid request", errors=fields)


def _bad_input(_request: Request, exc: BadInputError) -> JSONResponse:
    extra = {k: v for k, v in exc.extra.items() if k not in ("detail", "parameter")}
    if exc.fix:
        extra.setdefault("fix", exc.fix)
    if isinstance(exc, ImportBusyError):
        return _error(409, exc.message, **({"fix": exc.fix} if exc.fix else {}))
    if isinstance(exc, TooLarge):
        return _error(413, str(exc), parameter=exc.parameter, **extra)
    return _error(422, str(exc), parameter=exc.parameter, **extra)


def _unknown_state(_request: Request, exc: UnknownStateError) -> JSONResponse:
    return _error(422, str(exc), query=exc.query, suggestions=exc.suggestions)


def _not_imported(_request: Request, exc: NotImportedError) -> JSONResponse:
    return _error(503, str(exc))


def _foedus(_request: Request, exc: Exception) -> JSONResponse:
    return _error(422, str(exc))


def _busy(_request: Request, exc: Busy) -> JSONResponse:
    return _error(exc.status, exc.message, headers={"Retry-After": str(exc.retry_after)})


async def _http(request: Request, exc: HTTPException) -> Response:
    if exc.status_code == 400 and exc.detail == "There was an error parsing the body":
        return _error(422, "body: the request body is not valid JSON (UTF-8)", parameter="body",
                      errors=[{"parameter": "body", "message": "not valid JSON", "type": "json_invalid"}])
    return await http_exception_handler(request, exc)


def _not_found(_request: Request, exc: NotFound) -> JSONResponse:
    return _error(404, str(exc))


def _internal(request: Request, exc: Exception) -> JSONResponse:
    if is_duckdb_io_error(exc):
        log.error("reading the database failed answering %s %s: %s", request.method, request.url.path, exc)
        store = getattr(request.app.state, "store", None)
        shown = getattr(store, "shown", "the database")
        return _not_imported(request, DatabaseDamagedError(shown, damaged_reason(exc)))
    log.error("error answering %s %s", request.method, request.url.path, exc_info=exc)
    return _error(500, "internal server error; the server log has the details")


def install(app: FastAPI) -> None:
    """Register the handlers on `app`."""
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Busy, _busy)
    app.add_exception_handler(BadInputError, _bad_input)
    app.add_exception_handler(UnknownStateError, _unknown_state)
    app.add_exception_handler(NotImportedError, _not_imported)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(FoedusError, _foedus)
    app.add_exception_handler(Exception, _internal)
