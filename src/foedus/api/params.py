"""Request pieces shared by the routers: the store, dates, states, obligation types, JSON answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fastapi import Query, Request, Response

from foedus.api.errors import BadInput
from foedus.api.guard import HeavyPool
from foedus.api.limits import Limits
from foedus.api.store import Store
from foedus.dates import parse_date
from foedus.errors import UnknownStateError
from foedus.naming import StateNames
from foedus.network.snapshot import parse_types

JSON = "application/json"

DATE_PATTERN = r"^((1[0-9]{3}|2[01][0-9]{2}|2200)(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?)?$"
"""What a date parameter accepts: YYYY, YYYY-MM or YYYY-MM-DD, ASCII digits, years 1000-2200 (foedus.dates);
empty is the default (today)."""
TYPE_NAMES = r"(defense|defence|offense|neutrality|nonaggression|non-aggression|nonagg|consultation|all)"
TYPES_PATTERN = rf"^ *{TYPE_NAMES} *(, *{TYPE_NAMES} *)*$"


def DateQuery(description: str = "Date YYYY-MM-DD, YYYY-MM or YYYY (default: today)", default=None, **extra):
    """A date query parameter whose schema states the accepted form (checked by :func:`day`, 422 naming it)."""
    return Query(default, description=description, json_schema_extra={"pattern": DATE_PATTERN, "maxLength": 10},
                 **extra)


def NameQuery(description: str, default=None, **extra):
    """A state (or treaty/organization) name: 1 to 100 characters."""
    return Query(default, description=description, min_length=1, max_length=100, **extra)


def TypesQuery(description: str = "Obligation types, comma-separated (default: all): "
               "defense,offense,neutrality,nonaggression,consultation", **extra):
    return Query(None, alias="types", description=description, max_length=200,
                 json_schema_extra={"pattern": TYPES_PATTERN}, **extra)


async def get_store(request: Request) -> Store:
    """The server's store (a coroutine: FastAPI runs a plain function dependency in a worker thread, a round
    trip that cost more than a cached answer)."""
    return request.app.state.store


def day(text: str | None, parameter: str = "on") -> dt.date:
    """A date from YYYY, YYYY-MM or YYYY-MM-DD (today when missing), or a 422 naming the parameter."""
    return parse_date(text or None, parameter)  # raises BadInputError naming the parameter


def state(names: StateNames, text: str, parameter: str) -> int:
    """The COW code for `text`, or a 422 with the closest matches."""
    try:
        return names.resolve(text).code
    except UnknownStateError as exc:
        raise BadInput(parameter, str(exc), query=exc.query, suggestions=exc.suggestions) from None


def states(names: StateNames, text: str | None, parameter: str) -> list[int]:
    """Comma-separated states (order kept, repeats dropped)."""
    parts = [p.strip() for p in (text or "").split(",") if p.strip()]
    return list(dict.fromkeys(state(names, p, parameter) for p in parts))


def types(text: str | None, parameter: str = "types") -> tuple[str, ...]:
    try:
        return parse_types(text or None)
    except ValueError as exc:
        raise BadInput(parameter, str(exc)) from None


StatusQuery = Query(None, alias="status", json_schema_extra={"enum": ["confirmed", "presumed", "any"]},
                    description="Which commitments count past a dataset's coverage: confirmed (the data or a "
                    "register entry confirms it on the date), presumed (default: confirmed and presumed) or any "
                    "(unknown too)")
"""The `status` query parameter every GET endpoint on commitments takes (one rule for every command)."""


def status(text: str | None, parameter: str = "status") -> str:
    """The status choice (default presumed), or a 422 naming the parameter."""
    from foedus.errors import BadInputError
    from foedus.query.intervals import check_status

    try:
        return check_status(text or None)
    except BadInputError as exc:
        raise BadInput(parameter, exc.message, fix="use confirmed, presumed or any") from None


async def get_limits(request: Request) -> Limits:
    return request.app.state.limits


class Answer:
    """The store of a request, the server's limits and heavy pool, and whether the client takes gzip."""

    def __init__(self, request: Request):
        self.store: Store = request.app.state.store
        self.limits: Limits = request.app.state.limits
        self.pool: HeavyPool = request.app.state.heavy
        self.gzip = "gzip" in request.headers.get("accept-encoding", "")

    async def __call__(self, key: tuple, compute: Callable[[], object], heavy: bool = False) -> Response:
        """A JSON answer from the response cache, computed in a worker thread when missing.

        `key` must hold every parameter the answer depends on, normalised. `heavy`: compute it in the heavy
        pool (bounded: 429 when no slot frees up in time, 503 past the request timeout, :mod:`foedus.api.guard`).
        """
        body = self.store.responses.get((self.store.generation, *key))
        if body is None and heavy:
            body = await self.pool.run("compute", self.store.cached_json, key, compute)
        elif body is None:
            body = await self.pool.run_cheap(self.store.cached_json, key, compute)
        if self.gzip and body.gzipped is not None:
            headers = {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
            return Response(body.gzipped, media_type=JSON, headers=headers)
        return Response(body.raw, media_type=JSON, headers={"Vary": "Accept-Encoding"})


async def answer_for(request: Request) -> Answer:
    """The :class:`Answer` dependency (``answer: Answer = Depends(answer_for)``), built on the event loop:
    FastAPI runs a class dependency in a worker thread, one more round trip per request."""
    return Answer(request)
