"""Open shifts per organisation per ISO week: JSON, CSV or Excel; versioned."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, UploadFile
from sqlalchemy import select

from api.db import DemandVersion, Pool, aware, latest_version, next_version
from api.deps import IdPath, PoolDep, PrincipalDep, SessionDep, WeekPath, may_act_for_organisation
from api.errors import not_found
from api.schemas import DemandIn, DemandOut, DemandVersionOut
from api.weeks import check_demand, parse_table, shift_data, week_days

router = APIRouter(tags=["demand"])
PREFIX = "/pools/{pool_id}/weeks/{week}/demand/{organisation_id}"


def _organisation(pool: Pool, principal: Any, organisation_id: str, week: str) -> None:
    week_days(week)
    may_act_for_organisation(principal, organisation_id)
    if organisation_id not in {o["id"] for o in pool.base.get("organisations", [])}:
        raise not_found(f"organisation {organisation_id!r}")


def _out(row: DemandVersion) -> DemandOut:
    return DemandOut(organisation=row.organisation_id, week=row.week, version=row.version,
                     source=row.source, created_at=aware(row.created_at), shifts=row.shifts)


def _store(session: Any, pool: Pool, principal: Any, week: str, organisation_id: str,
           shifts: list[dict[str, Any]], source: str) -> DemandOut:
    version = next_version(session, DemandVersion, pool_id=pool.id, week=week,
                           organisation_id=organisation_id)
    row = DemandVersion(pool_id=pool.id, organisation_id=organisation_id, week=week,
                        version=version, shifts=shifts, source=source,
                        created_by=principal.token_id)
    session.add(row)
    session.commit()
    return _out(row)


@router.put(PREFIX, response_model=DemandOut)
def put_demand(pool: PoolDep, principal: PrincipalDep, week: WeekPath, organisation_id: IdPath,
               body: DemandIn, session: SessionDep) -> DemandOut:
    """Replace the organisation's open shifts for the week (a new version).

    Every error is reported with its path (``shifts[2].end``); nothing is stored
    when any shift is wrong.
    """
    _organisation(pool, principal, organisation_id, week)
    shifts = [shift_data(s) for s in body.shifts]
    check_demand(session, pool, week, organisation_id, shifts)
    return _store(session, pool, principal, week, organisation_id, shifts, "json")


@router.post(PREFIX + "/upload", response_model=DemandOut)
async def upload_demand(pool: PoolDep, principal: PrincipalDep, week: WeekPath,
                        organisation_id: IdPath, session: SessionDep,
                        file: Annotated[UploadFile, File(description=".csv or .xlsx, one shift "
                                                         "per row, header in row 1")]) -> DemandOut:
    """Replace the week's open shifts from a CSV or Excel sheet.

    Columns: ``id, location, start, end`` (required), ``unpaid_break_minutes,
    headcount, roles, requires`` (``;``-separated), ``induction_required,
    priority, label``. Every wrong cell is reported with row and column.
    """
    _organisation(pool, principal, organisation_id, week)
    content = await file.read()
    shifts, rows, errors = parse_table(file.filename or "", content)
    check_demand(session, pool, week, organisation_id, shifts, rows, errors)
    source = "excel" if (file.filename or "").lower().endswith((".xlsx", ".xlsm")) else "csv"
    return _store(session, pool, principal, week, organisation_id, shifts, source)


@router.get(PREFIX, response_model=DemandOut)
def get_demand(pool: PoolDep, principal: PrincipalDep, week: WeekPath, organisation_id: IdPath,
               session: SessionDep) -> DemandOut:
    """The current version of the organisation's demand for the week."""
    _organisation(pool, principal, organisation_id, week)
    row = latest_version(session, DemandVersion, pool_id=pool.id, week=week,
                         organisation_id=organisation_id)
    if row is None:
        raise not_found(f"demand of {organisation_id!r} for {week}")
    return _out(row)


@router.get(PREFIX + "/versions", response_model=list[DemandVersionOut])
def list_demand_versions(pool: PoolDep, principal: PrincipalDep, week: WeekPath,
                         organisation_id: IdPath, session: SessionDep) -> list[DemandVersionOut]:
    _organisation(pool, principal, organisation_id, week)
    rows = session.scalars(select(DemandVersion).where(
        DemandVersion.pool_id == pool.id, DemandVersion.week == week,
        DemandVersion.organisation_id == organisation_id).order_by(DemandVersion.version))
    return [DemandVersionOut(version=r.version, source=r.source, created_at=aware(r.created_at),
                             shifts=len(r.shifts)) for r in rows]


