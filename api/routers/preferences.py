"""Worker preferences per ISO week (self-service), versioned."""

from __future__ import annotations

from fastapi import APIRouter

from api.db import PreferenceVersion, aware, latest_version, next_version
from api.deps import IdPath, PoolDep, PrincipalDep, SessionDep, WeekPath, may_act_for_worker
from api.errors import ApiError, not_found
from api.schemas import PreferencesIn, PreferencesOut
from api.weeks import preference_data, scenario_dict, week_days
from flexpool.scenario import ScenarioError, load_scenario

router = APIRouter(tags=["preferences"])
PATH = "/pools/{pool_id}/weeks/{week}/preferences/{worker_id}"


def _worker_index(pool, principal, worker_id: str, week: str) -> int:  # type: ignore[no-untyped-def]
    week_days(week)
    may_act_for_worker(principal, worker_id)
    ids = [w["id"] for w in pool.base.get("workers", [])]
    if worker_id not in ids:
        raise not_found(f"worker {worker_id!r}")
    return ids.index(worker_id)


def _out(row: PreferenceVersion) -> PreferencesOut:
    return PreferencesOut(worker=row.worker_id, week=row.week, version=row.version,
                          created_at=aware(row.created_at), preferences=row.data)


@router.put(PATH, response_model=PreferencesOut)
def put_preferences(pool: PoolDep, principal: PrincipalDep, week: WeekPath, worker_id: IdPath,
                    body: PreferencesIn, session: SessionDep) -> PreferencesOut:
    """State the week's wishes: unavailable times, avoid/prefer windows, liked kinds."""
    index = _worker_index(pool, principal, worker_id, week)
    data = preference_data(body)
    try:
        load_scenario(scenario_dict(pool.base, week, [], {worker_id: data}))
    except ScenarioError as exc:
        prefix = f"$.workers[{index}]."
        errors = [{"path": e.path.removeprefix(prefix).removeprefix("preferences."),
                   "message": e.message} for e in exc.errors]
        raise ApiError(422, f"{len(errors)} error(s) in the preferences", errors) from None
    version = next_version(session, PreferenceVersion, pool_id=pool.id, week=week, worker_id=worker_id)
    row = PreferenceVersion(pool_id=pool.id, worker_id=worker_id, week=week, version=version, data=data)
    session.add(row)
    session.commit()
    return _out(row)


@router.get(PATH, response_model=PreferencesOut)
def get_preferences(pool: PoolDep, principal: PrincipalDep, week: WeekPath, worker_id: IdPath,
                    session: SessionDep) -> PreferencesOut:
    _worker_index(pool, principal, worker_id, week)
    row = latest_version(session, PreferenceVersion, pool_id=pool.id, week=week, worker_id=worker_id)
    if row is None:
        raise not_found(f"preferences of {worker_id!r} for {week}")
    return _out(row)
