"""Pools (regions): the base scenario, and the API tokens of its people."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status
from sqlalchemy import select

from api.db import ApiToken, aware, utcnow
from api.deps import CoordinatorDep, PoolDep, PrincipalDep, SessionDep
from api.errors import ApiError, not_found
from api.schemas import PoolBaseIn, PoolOut, TokenIn, TokenOut
from api.security import Principal, issue_token
from api.weeks import validate_base

router = APIRouter(tags=["pools"])


def pool_out(pool, principal: Principal) -> PoolOut:  # type: ignore[no-untyped-def]
    base = pool.base
    workers = None
    if principal.is_coordinator:
        workers = [{"id": w["id"], "name": w["name"]} for w in base.get("workers", [])]
    elif principal.role == "worker":
        workers = [{"id": w["id"], "name": w["name"]} for w in base.get("workers", [])
                   if w["id"] == principal.worker_id]
    return PoolOut(
        id=pool.id, name=pool.name, timezone=base.get("timezone", "Europe/Amsterdam"),
        organisations=[{"id": o["id"], "name": o["name"], "sector": o["sector"],
                        "locations": [{"id": loc["id"], "name": loc.get("name", "")}
                                      for loc in o.get("locations", [])]}
                       for o in base.get("organisations", [])],
        workers=workers,
    )


@router.get("/pools", response_model=list[PoolOut])
def list_pools(principal: PrincipalDep, session: SessionDep) -> list[PoolOut]:
    """The pools this token belongs to (one)."""
    from api.db import Pool

    pool = session.get(Pool, principal.pool_id)
    return [pool_out(pool, principal)] if pool else []


@router.get("/pools/{pool_id}", response_model=PoolOut)
def get_pool(pool: PoolDep, principal: PrincipalDep) -> PoolOut:
    """Organisations and locations; workers for coordinators (and a worker's own entry)."""
    return pool_out(pool, principal)


@router.put("/pools/{pool_id}/base", response_model=PoolOut)
def put_base(pool: PoolDep, principal: CoordinatorDep, body: PoolBaseIn,
             session: SessionDep) -> PoolOut:
    """Replace the base scenario (timezone, rules, organisations, workers)."""
    base = body.model_dump(mode="json")
    validate_base(base)
    pool.base, pool.name = base, body.name
    session.add(pool)
    session.commit()
    return pool_out(pool, principal)


def token_out(token: ApiToken, secret: str | None = None) -> TokenOut:
    return TokenOut(id=token.id, role=token.role, organisation=token.organisation_id,
                    worker=token.worker_id, label=token.label,
                    created_at=aware(token.created_at), revoked=token.revoked_at is not None,
                    token=secret)


@router.post("/pools/{pool_id}/tokens", response_model=TokenOut,
             status_code=status.HTTP_201_CREATED)
def create_token(pool: PoolDep, _: CoordinatorDep, body: TokenIn, session: SessionDep) -> TokenOut:
    """Issue a token; its secret is shown in this answer only."""
    orgs = {o["id"] for o in pool.base.get("organisations", [])}
    workers = {w["id"] for w in pool.base.get("workers", [])}
    if body.role == "planner" and body.organisation not in orgs:
        raise ApiError(422, "a planner token needs an organisation of the pool",
                       [{"path": "organisation",
                         "message": f"unknown organisation {body.organisation!r}"}])
    if body.role == "worker" and body.worker not in workers:
        raise ApiError(422, "a worker token needs a worker of the pool",
                       [{"path": "worker", "message": f"unknown worker {body.worker!r}"}])
    token, secret = issue_token(
        session, pool.id, body.role,
        organisation_id=body.organisation if body.role == "planner" else None,
        worker_id=body.worker if body.role == "worker" else None, label=body.label)
    session.commit()
    return token_out(token, secret)


@router.get("/pools/{pool_id}/tokens", response_model=list[TokenOut])
def list_tokens(pool: PoolDep, _: CoordinatorDep, session: SessionDep) -> list[TokenOut]:
    rows = session.scalars(select(ApiToken).where(ApiToken.pool_id == pool.id)
                           .order_by(ApiToken.id))
    return [token_out(t) for t in rows]


@router.delete("/pools/{pool_id}/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_token(pool: PoolDep, _: CoordinatorDep,
                 token_id: Annotated[int, Path(ge=1, le=2**62)], session: SessionDep) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.pool_id != pool.id:
        raise not_found(f"token {token_id}")
    token.revoked_at = token.revoked_at or utcnow()
    session.commit()
