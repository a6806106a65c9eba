"""Rosters per week: drafts (from jobs or uploads), check, publish, diff.

Coordinators see whole rosters. A planner sees, of a published roster, only
the shifts of their organisation and the names of the workers on them; a
worker sees only their own shifts.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, status
from sqlalchemy import select

from api.calendars import record_publication
from api.db import RosterVersion, aware, utcnow
from api.deps import CoordinatorDep, PoolDep, PrincipalDep, SessionDep
from api.errors import ApiError, not_found
from api.jobs import next_roster_version
from api.schemas import CheckIn, CheckOut, DiffOut, RosterIn, RosterOut, RosterSummaryOut
from api.security import Principal
from api.weeks import week_scenario
from flexpool.checker import CheckResult, RosterError, check, load_roster
from flexpool.model import Roster
from flexpool.scenario import load_scenario

router = APIRouter(tags=["rosters"])
RosterId = Annotated[int, Path(ge=1, le=2**62)]


def _row(session: Any, pool_id: str, roster_id: int, principal: Principal) -> RosterVersion:
    row = session.get(RosterVersion, roster_id)
    if row is None or row.pool_id != pool_id:
        raise not_found(f"roster {roster_id}")
    if not principal.is_coordinator and row.status != "published":
        raise not_found(f"roster {roster_id}")
    return row


def view(row: RosterVersion, principal: Principal) -> dict[str, Any]:
    """What this principal may see of a roster."""
    if principal.is_coordinator:
        return row.roster
    shifts = {s["id"]: s for s in row.scenario.get("shifts", [])}
    names = {w["id"]: w["name"] for w in row.scenario.get("workers", [])}

    def shift_info(shift_id: str) -> dict[str, Any]:
        s = shifts[shift_id]
        return {k: s.get(k) for k in ("organisation", "location", "start", "end", "label")}

    if principal.role == "planner":
        own = {sid for sid, s in shifts.items()
               if s.get("organisation") == principal.organisation_id}
        return {
            "format": "flexpool-roster-view/1", "audience": "organisation",
            "organisation": principal.organisation_id,
            "assignments": [{"shift": a["shift"], "worker": a["worker"],
                             "worker_name": names.get(a["worker"], ""), **shift_info(a["shift"])}
                            for a in row.roster.get("assignments", []) if a["shift"] in own],
            "unfilled": [{"shift": u["shift"], "missing": u["missing"]}
                         for u in row.roster.get("unfilled", []) if u["shift"] in own],
        }
    return {
        "format": "flexpool-roster-view/1", "audience": "worker", "worker": principal.worker_id,
        "assignments": [{"shift": a["shift"], "worker": a["worker"], **shift_info(a["shift"])}
                        for a in row.roster.get("assignments", [])
                        if a["worker"] == principal.worker_id],
    }


def roster_out(row: RosterVersion, principal: Principal) -> RosterOut:
    return RosterOut(id=row.id, week=row.week, version=row.version, status=row.status,
                     job_id=row.job_id, created_at=aware(row.created_at),
                     published_at=aware(row.published_at), roster=view(row, principal))


def check_out(result: CheckResult) -> CheckOut:
    return CheckOut(legal=result.legal, violations=[
        {"rule": v.rule, "worker": v.worker, "shifts": list(v.shifts), "message": v.message}
        for v in result.violations])


def _roster_errors(exc: RosterError) -> ApiError:
    return ApiError(422, f"{len(exc.errors)} error(s) in the roster",
                    [{"path": e.path, "message": e.message} for e in exc.errors])


@router.get("/pools/{pool_id}/rosters", response_model=list[RosterSummaryOut])
def list_rosters(pool: PoolDep, principal: PrincipalDep, session: SessionDep,
                 week: Annotated[str | None, Query(pattern=r"^\d{4}-W\d{2}$")] = None,
                 ) -> list[RosterSummaryOut]:
    """Coordinators: every version; others: published rosters only."""
    query = select(RosterVersion).where(RosterVersion.pool_id == pool.id)
    if week:
        query = query.where(RosterVersion.week == week)
    if not principal.is_coordinator:
        query = query.where(RosterVersion.status == "published")
    rows = session.scalars(query.order_by(RosterVersion.week, RosterVersion.version))
    out = []
    for r in rows:
        objective = r.roster.get("objective") or {}
        coordinator = principal.is_coordinator
        out.append(RosterSummaryOut(
            id=r.id, week=r.week, version=r.version, status=r.status,
            created_at=aware(r.created_at), published_at=aware(r.published_at),
            filled_slots=objective.get("filled_slots") if coordinator else None,
            total_slots=objective.get("total_slots") if coordinator else None))
    return out


@router.post("/pools/{pool_id}/rosters", response_model=RosterOut,
             status_code=status.HTTP_201_CREATED)
def upload_roster(pool: PoolDep, principal: CoordinatorDep, body: RosterIn,
                  session: SessionDep) -> RosterOut:
    """Store a (hand-edited) roster for the week as a new draft version."""
    data, scenario = week_scenario(session, pool, body.week)
    try:
        load_roster(body.roster, scenario)
    except RosterError as exc:
        raise _roster_errors(exc) from None
    row = RosterVersion(pool_id=pool.id, week=body.week,
                        version=next_roster_version(session, pool.id, body.week),
                        status="draft", roster=body.roster.to_json_dict(), scenario=data)
    session.add(row)
    session.commit()
    return roster_out(row, principal)


@router.get("/pools/{pool_id}/rosters/{roster_id}", response_model=RosterOut)
def get_roster(pool: PoolDep, principal: PrincipalDep, roster_id: RosterId,
               session: SessionDep) -> RosterOut:
    return roster_out(_row(session, pool.id, roster_id, principal), principal)


@router.get("/pools/{pool_id}/rosters/{roster_id}/check", response_model=CheckOut)
def check_roster(pool: PoolDep, principal: CoordinatorDep, roster_id: RosterId,
                 session: SessionDep) -> CheckOut:
    """Run the legality checker on a stored roster version."""
    row = _row(session, pool.id, roster_id, principal)
    return check_out(check(load_scenario(row.scenario), Roster.model_validate(row.roster)))


@router.post("/pools/{pool_id}/rosters/{roster_id}/publish", response_model=RosterOut,
             responses={409: {"description": "the roster breaks hard rules; violations listed"}})
def publish_roster(pool: PoolDep, principal: CoordinatorDep, roster_id: RosterId,
                   session: SessionDep) -> RosterOut:
    """Publish after the checker passes; an illegal roster is refused with its violations."""
    row = _row(session, pool.id, roster_id, principal)
    if row.status == "published":
        raise ApiError(409, f"roster {roster_id} is already published")
    result = check(load_scenario(row.scenario), Roster.model_validate(row.roster))
    if not result.legal:
        raise ApiError(409, f"roster breaks {len(result.violations)} hard rule(s); not published",
                       [{"path": f"violations[{i}]", "message": v.message}
                        for i, v in enumerate(result.violations)],
                       extra={"violations": check_out(result).model_dump()["violations"]})
    previous = session.scalar(select(RosterVersion).where(
        RosterVersion.pool_id == pool.id, RosterVersion.week == row.week,
        RosterVersion.status == "published"))
    if previous is not None:
        previous.status = "superseded"
    row.status, row.published_at = "published", utcnow()
    record_publication(session, pool.id, row, previous)
    session.commit()
    return roster_out(row, principal)


@router.get("/pools/{pool_id}/rosters/{roster_id}/diff", response_model=DiffOut)
def diff_rosters(pool: PoolDep, principal: CoordinatorDep, roster_id: RosterId,
                 session: SessionDep,
                 against: Annotated[int | None, Query(ge=1, le=2**62,
                                                      description="default: previous version")]
                 = None) -> DiffOut:
    """Assignments added and removed from version ``against`` to this one."""
    row = _row(session, pool.id, roster_id, principal)
    if against is None:
        other = session.scalar(select(RosterVersion).where(
            RosterVersion.pool_id == pool.id, RosterVersion.week == row.week,
            RosterVersion.version < row.version).order_by(RosterVersion.version.desc()).limit(1))
        if other is None:
            raise not_found(f"a version before roster {roster_id}")
    else:
        other = _row(session, pool.id, against, principal)
        if other.week != row.week:
            raise ApiError(422, f"roster {against} is of {other.week}, not {row.week}")
    new = {(a["shift"], a["worker"]) for a in row.roster.get("assignments", [])}
    old = {(a["shift"], a["worker"]) for a in other.roster.get("assignments", [])}
    return DiffOut(from_version=other.version, to_version=row.version,
                   added=[{"shift": s, "worker": w} for s, w in sorted(new - old)],
                   removed=[{"shift": s, "worker": w} for s, w in sorted(old - new)],
                   unchanged=len(new & old))


@router.post("/pools/{pool_id}/check", response_model=CheckOut, tags=["check"])
def check_posted(pool: PoolDep, _: CoordinatorDep, body: CheckIn, session: SessionDep) -> CheckOut:
    """Check this roster: judge a roster against the week's current scenario."""
    _, scenario = week_scenario(session, pool, body.week)
    try:
        return check_out(check(scenario, body.roster))
    except RosterError as exc:
        raise _roster_errors(exc) from None
