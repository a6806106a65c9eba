"""iCal downloads (bearer token) and subscription feeds (secret URL token).

Feed URLs are ``/feeds/<secret>.ics``; the secret (256 bits) is shown once,
stored as SHA-256, and can be revoked or rotated.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response, status
from sqlalchemy import select

from api.calendars import FeedCache, View
from api.db import Pool, Subscription, aware, utcnow
from api.deps import (
    IdPath,
    PoolDep,
    PrincipalDep,
    SessionDep,
    StateDep,
    may_act_for_organisation,
    may_act_for_worker,
)
from api.errors import ApiError, not_found
from api.schemas import SubscriptionIn, SubscriptionOut
from api.security import Principal, digest, new_secret
from flexpool.ical import organisation_calendar, worker_calendar

router = APIRouter(tags=["calendars"])
SubId = Annotated[int, Path(ge=1, le=2**62)]
SECRET = r"^[A-Za-z0-9_-]{20,100}$"


class CalendarResponse(Response):
    media_type = "text/calendar"


ICS = {200: {"content": {"text/calendar": {"schema": {"type": "string"}}},
             "description": "an RFC 5545 calendar"}}


def _worker_ics(session: Any, pool: Pool, worker_id: str, feeds: FeedCache) -> bytes:
    if worker_id not in {w["id"] for w in pool.base.get("workers", [])}:
        raise not_found(f"worker {worker_id!r}")
    return feeds.body(session, pool, ("worker", worker_id), lambda view: _render_worker(pool, worker_id, view))


def _render_worker(pool: Pool, worker_id: str, view: View) -> bytes:
    scenario, roster, sequences, stamp = view
    if worker_id not in {w.id for w in scenario.workers}:
        return worker_calendar(scenario.model_copy(update={"workers": [
            *scenario.workers, *[w for w in _base_workers(pool) if w.id == worker_id]]}),
            roster, worker_id, stamp=stamp, sequences=sequences)
    return worker_calendar(scenario, roster, worker_id, stamp=stamp, sequences=sequences)


def _base_workers(pool: Pool) -> list[Any]:
    from flexpool.model import Worker

    return [Worker.model_construct(**w) for w in pool.base.get("workers", [])]


def _organisation_ics(session: Any, pool: Pool, organisation_id: str,
                      location_id: str | None, feeds: FeedCache) -> bytes:
    orgs = {o["id"]: o for o in pool.base.get("organisations", [])}
    if organisation_id not in orgs:
        raise not_found(f"organisation {organisation_id!r}")
    if location_id is not None and location_id not in {
            loc["id"] for loc in orgs[organisation_id].get("locations", [])}:
        raise not_found(f"location {location_id!r} of {organisation_id!r}")
    def render(view: View) -> bytes:
        scenario, roster, sequences, stamp = view
        try:
            return organisation_calendar(scenario, roster, organisation_id, location_id=location_id,
                                         stamp=stamp, sequences=sequences)
        except KeyError as exc:
            raise not_found(str(exc)) from None

    return feeds.body(session, pool, ("organisation", organisation_id, location_id or ""), render)


def _ics(body: bytes, filename: str) -> CalendarResponse:
    return CalendarResponse(body, headers={
        "Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "no-cache"})


@router.get("/pools/{pool_id}/calendars/workers/{worker_id}.ics",
            response_class=CalendarResponse, responses=ICS)
def worker_ics(pool: PoolDep, principal: PrincipalDep, worker_id: IdPath,
               session: SessionDep, state: StateDep) -> CalendarResponse:
    """A worker's published shifts (the worker themselves, or the coordinator)."""
    may_act_for_worker(principal, worker_id)
    return _ics(_worker_ics(session, pool, worker_id, state.feeds), f"{worker_id}.ics")


@router.get("/pools/{pool_id}/calendars/organisations/{organisation_id}.ics",
            response_class=CalendarResponse, responses=ICS)
def organisation_ics(pool: PoolDep, principal: PrincipalDep, organisation_id: IdPath,
                     session: SessionDep, state: StateDep,
                     location: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9._:-]{1,64}$")]
                     = None) -> CalendarResponse:
    """The published shifts of an organisation (or one location), with worker names."""
    may_act_for_organisation(principal, organisation_id)
    return _ics(_organisation_ics(session, pool, organisation_id, location, state.feeds),
                f"{organisation_id}.ics")


def _may_subscribe(principal: Principal, body: SubscriptionIn) -> None:
    if body.kind == "worker":
        may_act_for_worker(principal, body.subject)
    else:
        may_act_for_organisation(principal, body.subject)


def _feed_url(request: Request, state: Any, secret: str) -> str:
    base = state.settings.public_base_url or str(request.base_url).rstrip("/")
    return f"{base.rstrip('/')}/feeds/{secret}.ics"


def _sub_out(sub: Subscription, url: str | None = None) -> SubscriptionOut:
    return SubscriptionOut(id=sub.id, kind=sub.kind, subject=sub.subject_id,
                           location=sub.location_id, created_at=aware(sub.created_at),
                           revoked=sub.revoked_at is not None, url=url)


def _subscription(session: Any, pool: Pool, sub_id: int, principal: Principal) -> Subscription:
    sub = session.get(Subscription, sub_id)
    if sub is None or sub.pool_id != pool.id:
        raise not_found(f"subscription {sub_id}")
    if not principal.is_coordinator:
        if sub.kind == "worker" and principal.worker_id != sub.subject_id:
            raise not_found(f"subscription {sub_id}")
        if sub.kind == "organisation" and principal.organisation_id != sub.subject_id:
            raise not_found(f"subscription {sub_id}")
    return sub


@router.post("/pools/{pool_id}/subscriptions", response_model=SubscriptionOut,
             status_code=status.HTTP_201_CREATED)
def create_subscription(pool: PoolDep, principal: PrincipalDep, body: SubscriptionIn,
                        session: SessionDep, request: Request, state: StateDep) -> SubscriptionOut:
    """A private feed URL for a calendar app; shown in this answer only."""
    _may_subscribe(principal, body)
    if body.kind == "worker":
        if body.location is not None:
            raise ApiError(422, "a worker feed has no location",
                           [{"path": "location", "message": "only for organisation feeds"}])
        if body.subject not in {w["id"] for w in pool.base.get("workers", [])}:
            raise not_found(f"worker {body.subject!r}")
    else:
        orgs = {o["id"]: o for o in pool.base.get("organisations", [])}
        if body.subject not in orgs:
            raise not_found(f"organisation {body.subject!r}")
        if body.location is not None and body.location not in {
                loc["id"] for loc in orgs[body.subject].get("locations", [])}:
            raise not_found(f"location {body.location!r} of {body.subject!r}")
    secret = new_secret()
    sub = Subscription(pool_id=pool.id, token_hash=digest(secret), kind=body.kind,
                       subject_id=body.subject, location_id=body.location,
                       created_by=principal.token_id)
    session.add(sub)
    session.commit()
    return _sub_out(sub, _feed_url(request, state, secret))


@router.get("/pools/{pool_id}/subscriptions", response_model=list[SubscriptionOut])
def list_subscriptions(pool: PoolDep, principal: PrincipalDep,
                       session: SessionDep) -> list[SubscriptionOut]:
    """Coordinators: all; others: the feeds of their own worker or organisation."""
    query = select(Subscription).where(Subscription.pool_id == pool.id)
    if principal.role == "worker":
        query = query.where(Subscription.kind == "worker",
                            Subscription.subject_id == principal.worker_id)
    elif principal.role == "planner":
        query = query.where(Subscription.kind == "organisation",
                            Subscription.subject_id == principal.organisation_id)
    return [_sub_out(s) for s in session.scalars(query.order_by(Subscription.id))]


@router.delete("/pools/{pool_id}/subscriptions/{subscription_id}",
               status_code=status.HTTP_204_NO_CONTENT)
def revoke_subscription(pool: PoolDep, principal: PrincipalDep, subscription_id: SubId,
                        session: SessionDep) -> None:
    """Revoke a feed URL: it answers 404 from now on."""
    sub = _subscription(session, pool, subscription_id, principal)
    sub.revoked_at = sub.revoked_at or utcnow()
    session.commit()


@router.post("/pools/{pool_id}/subscriptions/{subscription_id}/rotate",
             response_model=SubscriptionOut)
def rotate_subscription(pool: PoolDep, principal: PrincipalDep, subscription_id: SubId,
                        session: SessionDep, request: Request, state: StateDep) -> SubscriptionOut:
    """Replace the feed's secret: the old URL stops working, the new one is shown once."""
    sub = _subscription(session, pool, subscription_id, principal)
    if sub.revoked_at is not None:
        raise ApiError(409, f"subscription {subscription_id} is revoked")
    secret = new_secret()
    sub.token_hash = digest(secret)
    session.commit()
    return _sub_out(sub, _feed_url(request, state, secret))


@router.get("/feeds/{secret}.ics", response_class=CalendarResponse, responses=ICS,
            tags=["feeds"])
def feed(secret: Annotated[str, Path(pattern=SECRET)], session: SessionDep,
         state: StateDep) -> CalendarResponse:
    """A subscribed calendar; the secret in the URL is the only credential."""
    sub = session.scalar(select(Subscription).where(Subscription.token_hash == digest(secret)))
    if sub is None or sub.revoked_at is not None:
        raise not_found("feed")
    pool = session.get(Pool, sub.pool_id)
    if pool is None:
        raise not_found("feed")
    if sub.kind == "worker":
        body = _worker_ics(session, pool, sub.subject_id, state.feeds)
    else:
        body = _organisation_ics(session, pool, sub.subject_id, sub.location_id, state.feeds)
    return _ics(body, "flexpool.ics")
