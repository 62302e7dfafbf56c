"""Endpoints that change stored data: only with the configured token (``Authorization: Bearer <token>``).

A server started without a token is read-only: these endpoints answer 403. With a token, a request
without credentials gets 401, one with a wrong token 403.
"""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from foedus.api import models
from foedus.api.params import get_store
from foedus.api.store import Store
from foedus.config import data_dir
from foedus.errors import NotImportedError

router = APIRouter(tags=["data (token)"])
bearer = HTTPBearer(auto_error=False, description="The server's token (FOEDUS_API_TOKEN or --token)")


def require_token(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
    token = request.app.state.token
    if not token:
        raise HTTPException(403, "this server is read-only: start it with a token (FOEDUS_API_TOKEN or --token) "
                                 "to allow changes")
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(401, "this endpoint changes stored data: send 'Authorization: Bearer <token>'",
                            headers={"WWW-Authenticate": "Bearer"})
    if not hmac.compare_digest(credentials.credentials.encode(), token.encode()):
        raise HTTPException(403, "wrong token")


@router.post("/data/import", dependencies=[Depends(require_token)], responses={
    401: {"model": models.Error, "description": "No token sent"},
    403: {"model": models.Error, "description": "Wrong token, or the server is read-only"},
    409: {"model": models.Error, "description": "Another import into this database is running"},
    503: {"model": models.Error, "description": "The server has no data directory"}})
async def reimport(store: Store = Depends(get_store)) -> dict:
    """Build a new database from every known dataset in the server's data directory and the curated
    register, and swap it in (all or nothing: requests keep being answered from the old file meanwhile);
    the next requests read the new one. Needs the token."""
    try:
        directory = data_dir(store.data_dir)
    except FileNotFoundError:
        raise NotImportedError("this server has no data directory: start it with FOEDUS_DATA_DIR set") from None
    return await run_in_threadpool(store.reimport, directory)
