"""Request dependencies as ``Annotated`` aliases: state, session, principal, pool."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api.db import Pool
from api.errors import ApiError, forbidden, not_found
from api.security import Principal, authenticate
from api.state import AppState

_bearer = HTTPBearer(auto_error=False, description="an API token issued for one pool and role")


def get_state(request: Request) -> AppState:
    return request.app.state.flexpool


StateDep = Annotated[AppState, Depends(get_state)]


def get_session(state: StateDep) -> Iterator[Session]:
    with state.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_principal(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None:
        raise ApiError(401, "missing bearer token (Authorization: Bearer <token>)",
                       extra={})
    principal = authenticate(session, credentials.credentials)
    if principal is None:
        raise ApiError(401, "unknown or revoked token")
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]
PoolId = Annotated[str, Path(pattern=r"^[A-Za-z0-9._:-]{1,64}$")]
WeekPath = Annotated[str, Path(pattern=r"^\d{4}-W\d{2}$", examples=["2026-W49"])]
IdPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9._:-]{1,64}$")]


def get_pool(pool_id: PoolId, principal: PrincipalDep, session: SessionDep) -> Pool:
    """The pool of the URL; a token of another pool sees 404, as if it did not exist."""
    if principal.pool_id != pool_id:
        raise not_found(f"pool {pool_id!r}")
    pool = session.get(Pool, pool_id)
    if pool is None:
        raise not_found(f"pool {pool_id!r}")
    return pool


PoolDep = Annotated[Pool, Depends(get_pool)]


def require_coordinator(principal: PrincipalDep) -> Principal:
    if not principal.is_coordinator:
        raise forbidden("only the pool coordinator may do this")
    return principal


CoordinatorDep = Annotated[Principal, Depends(require_coordinator)]


def may_act_for_organisation(principal: Principal, organisation_id: str) -> None:
    """Coordinator: any; planner: own organisation; worker: never."""
    if principal.is_coordinator:
        return
    if principal.role == "planner" and principal.organisation_id == organisation_id:
        return
    raise forbidden(f"this token may not act for organisation {organisation_id!r}")


def may_act_for_worker(principal: Principal, worker_id: str) -> None:
    """Coordinator: any; worker: self; planner: never."""
    if principal.is_coordinator:
        return
    if principal.role == "worker" and principal.worker_id == worker_id:
        return
    raise forbidden(f"this token may not act for worker {worker_id!r}")
