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
    403: {"model": models.Error, "description": "Wrong token, or the server is read-only"}})
async def reimport(store: Store = Depends(get_store)) -> dict:
    """Re-import every known dataset from the server's data directory (each dataset one transaction);
    the caches start afresh. Needs the token."""
    directory = data_dir(store.data_dir)
    counts = await run_in_threadpool(store.reimport, directory)
    return {"imported": counts, "data_dir": str(directory)}
