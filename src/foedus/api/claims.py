"""Claim checks and the forecast ledger over HTTP: ``POST /api/check`` and ``GET /api/forecasts``.

``POST /api/check`` takes ``{"text": ..., "format": "text"|"markdown"|"html" (optional), "on": "YYYY-MM-DD"
(optional)}`` and answers :class:`foedus.claims.report.CheckAnswer`: the ``foedus check --json`` claims plus
``"text"`` (the plain text the claims' offsets point into), ``"on"`` and ``"counts"`` per verdict. The body
is bounded (:data:`MAX_BODY`, 64 KiB): a longer one is refused with HTTP 413 before it is parsed.

``GET /api/forecasts`` is read-only: the ledger beside the database (``<db>.forecasts.json``, or
``FOEDUS_FORECASTS``; see :mod:`foedus.forecast.ledger`) in its exchange format and the scores
(:func:`foedus.forecast.ledger.score`: Brier and log per author, the calibration table). It never resolves
or writes: that is ``foedus forecast resolve``.
"""

from __future__ import annotations

import datetime as dt
import json
import threading

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from foedus.api import models
from foedus.api.params import get_store
from foedus.api.store import Store
from foedus.errors import BadInputError

router = APIRouter(tags=["claims"])

MAX_BODY = 64 * 1024
"""The largest ``POST /api/check`` body, in bytes (64 KiB: a long article)."""

FORMATS = ("text", "markdown", "html")


class CheckRequest(BaseModel):
    """An article to check."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="The article: plain text, Markdown or HTML",
                      json_schema_extra={"maxLength": MAX_BODY})
    format: str | None = Field(None, description="text, markdown or html (default: detected from the content)",
                               json_schema_extra={"enum": list(FORMATS)})
    on: str | None = Field(None, description="What 'now' means, YYYY-MM-DD (default: today)")


_gazetteers: dict[tuple, object] = {}
_lock = threading.Lock()


def _extractor(store: Store, con):
    """(gazetteer, spaCy pipeline): the names the extractor looks for and its rules, built once per database
    file (generation) the server opens — each takes seconds."""
    from foedus.claims.extract import Gazetteer, build_pipeline

    key = (id(store), store.generation)
    with _lock:
        found = _gazetteers.get(key)
        if found is None:
            gazetteer = Gazetteer.from_store(con)
            found = (gazetteer, build_pipeline(gazetteer))
            _gazetteers.clear()
            _gazetteers[key] = found
    return found


def check_payload(store: Store, request: CheckRequest):
    """:func:`foedus.claims.evaluate.check_article`, with the extractor kept between requests."""
    from foedus.claims.evaluate import check_article
    from foedus.dates import parse_date

    if request.format is not None and request.format not in FORMATS:
        raise BadInputError("format", f"'{request.format}' is not text, markdown or html")
    if not request.text.strip():
        raise BadInputError("text", "the text is empty", fix="paste an article or a paragraph")
    today: dt.date | None = parse_date(request.on, "on") if request.on else None
    with store.cursor() as con:
        gazetteer, nlp = _extractor(store, con)
        return check_article(con, request.text, request.format, today, gazetteer, nlp)


async def _bounded_body(request: Request) -> bytes | None:
    """The body, or None when it is longer than MAX_BODY (read no further than that)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


@router.post("/check", responses={**models.ERRORS, 413: {"description": "The body is longer than 64 KiB"}})
async def check(request: Request, store: Store = Depends(get_store)) -> JSONResponse:
    """Find the checkable claims in an article (JSON body ``{"text", "format"?, "on"?}``, at most 64 KiB) and
    judge each against the record: supported, contradicted, overstated, disputed or unverifiable, with the
    queries and sources behind it (`foedus check --json`)."""
    raw = await _bounded_body(request)
    if raw is None:
        return JSONResponse({"detail": f"the body is longer than {MAX_BODY // 1024} KiB", "parameter": "text",
                             "fix": "check the article in parts, or use `foedus check FILE`"}, status_code=413)
    try:
        payload = json.loads(raw or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BadInputError("body", "the body is not JSON", fix='send {"text": "..."}') from None
    if not isinstance(payload, dict):
        raise BadInputError("body", "the body is not a JSON object", fix='send {"text": "..."}')
    try:
        body = CheckRequest.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ())) or "body"
        raise BadInputError(field, first.get("msg", "invalid"), fix='send {"text": "...", "format"?, "on"?}') from None
    answer = await run_in_threadpool(check_payload, store, body)
    return JSONResponse(answer.to_json())


def forecasts_payload(store: Store):
    from foedus.forecast.ledger import ledger_view

    return ledger_view(store.path)


@router.get("/forecasts", responses=models.ERRORS)
async def forecasts(store: Store = Depends(get_store)) -> JSONResponse:
    """The forecast ledger (read-only): every forecast in the exchange format, and the scores — Brier and log
    per author over the resolved ones and the calibration table (`foedus forecast list --json` and
    `foedus forecast score --json`). The ledger's file name only, never its path."""
    return JSONResponse((await run_in_threadpool(forecasts_payload, store)).to_json())
