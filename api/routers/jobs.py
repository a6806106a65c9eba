"""Solve jobs: start, watch (JSON or server-sent events), cancel."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Path, status
from fastapi.responses import StreamingResponse
from sqlalchemy import func, select

from api.db import JOB_ACTIVE, SolveJob, aware
from api.deps import CoordinatorDep, PoolDep, SessionDep, StateDep, WeekPath
from api.errors import ApiError, not_found
from api.schemas import JobIn, JobOut, Progress
from api.weeks import week_days, week_scenario

router = APIRouter(tags=["jobs"])
JobId = Annotated[int, Path(ge=1, le=2**62)]


def job_out(job: SolveJob) -> JobOut:
    return JobOut(id=job.id, week=job.week, status=job.status, time_limit_s=job.time_limit_s,
                  progress=Progress(**(job.progress or {})), error=job.error,
                  roster_id=job.roster_id, created_at=aware(job.created_at),
                  started_at=aware(job.started_at), finished_at=aware(job.finished_at))


def _job(session, pool_id: str, job_id: int) -> SolveJob:  # type: ignore[no-untyped-def]
    job = session.get(SolveJob, job_id)
    if job is None or job.pool_id != pool_id:
        raise not_found(f"job {job_id}")
    return job


@router.post("/pools/{pool_id}/weeks/{week}/jobs", response_model=JobOut,
             status_code=status.HTTP_202_ACCEPTED)
def start_job(pool: PoolDep, _: CoordinatorDep, week: WeekPath, body: JobIn,
              session: SessionDep, state: StateDep) -> JobOut:
    """Solve the week in a background process; answers at once with the job."""
    week_days(week)
    active = session.scalar(select(func.count()).select_from(SolveJob).where(
        SolveJob.pool_id == pool.id, SolveJob.status.in_(JOB_ACTIVE)))
    limit = state.settings.max_active_jobs_per_pool
    if (active or 0) >= limit:
        raise ApiError(429, f"this pool already runs {active} solve job(s) (limit {limit}); "
                       "wait for it or cancel it")
    data, scenario = week_scenario(session, pool, week)
    if not scenario.shifts:
        raise ApiError(409, f"no demand submitted for {week}")
    job = SolveJob(pool_id=pool.id, week=week, status="queued",
                   time_limit_s=min(body.time_limit_s, state.settings.max_time_limit_s),
                   seed=body.seed, progress={})
    session.add(job)
    session.commit()
    state.runner.start(job.id, data, job.time_limit_s, job.seed)
    session.refresh(job)
    return job_out(job)


@router.get("/pools/{pool_id}/jobs", response_model=list[JobOut])
def list_jobs(pool: PoolDep, _: CoordinatorDep, session: SessionDep) -> list[JobOut]:
    rows = session.scalars(select(SolveJob).where(SolveJob.pool_id == pool.id)
                           .order_by(SolveJob.id.desc()).limit(100))
    return [job_out(j) for j in rows]


@router.get("/pools/{pool_id}/jobs/{job_id}", response_model=JobOut)
def get_job(pool: PoolDep, _: CoordinatorDep, job_id: JobId, session: SessionDep) -> JobOut:
    """Status and last progress (filled, bound, elapsed seconds)."""
    return job_out(_job(session, pool.id, job_id))


@router.post("/pools/{pool_id}/jobs/{job_id}/cancel", response_model=JobOut)
def cancel_job(pool: PoolDep, _: CoordinatorDep, job_id: JobId, session: SessionDep,
               state: StateDep) -> JobOut:
    """Stop the solve; the best roster so far (the incumbent) becomes a draft."""
    job = _job(session, pool.id, job_id)
    if job.status not in JOB_ACTIVE:
        raise ApiError(409, f"job {job_id} is {job.status}, not running")
    if not state.runner.cancel(job_id):
        job.status, job.error = "interrupted", "no solver process runs this job"
        session.commit()
    session.expire_all()
    return job_out(_job(session, pool.id, job_id))


@router.get("/pools/{pool_id}/jobs/{job_id}/events",
            response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {"schema": {"type": "string"}}},
                             "description": "server-sent events: `progress` until `end`"}})
async def job_events(pool: PoolDep, _: CoordinatorDep, job_id: JobId, session: SessionDep,
                     state: StateDep) -> StreamingResponse:
    """A live stream: one ``progress`` event per change, then ``end`` with the final job."""
    _job(session, pool.id, job_id)
    sessions = state.sessions

    def snapshot() -> JobOut:
        with sessions() as s:
            return job_out(_job(s, pool.id, job_id))

    async def stream() -> AsyncIterator[str]:
        last = None
        while True:
            job = await asyncio.to_thread(snapshot)
            payload = json.dumps(job.model_dump(mode="json"))
            if job.status not in JOB_ACTIVE:
                yield f"event: end\ndata: {payload}\n\n"
                return
            if payload != last:
                yield f"event: progress\ndata: {payload}\n\n"
                last = payload
            await asyncio.sleep(0.5)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache"})
