"""Access control for every route and role: 401 without a token, 403/404 across
organisations, workers and pools, and the role's own routes allowed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute

from api.db import SolveJob
from solver.solve import SolverConfig, solve
from tests.api.conftest import WEEK, Service, example, running_service, seed

P = "/pools/pool1"
W = f"{P}/weeks/{WEEK}"
ROLES = ("coordinator", "planner", "planner_other", "worker", "worker_other", "foreign",
         "anonymous")
ALL = {"coordinator", "planner", "planner_other", "worker", "worker_other"}
C = {"coordinator"}
CP = {"coordinator", "planner"}
CW = {"coordinator", "worker"}
CSV = "id,location,start,end\nzh-x,zh-enschede-ic,2026-12-01T07:00,2026-12-01T15:00\n"


def _routes(ids: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], set[str]]]:
    """(method, path, request kwargs, roles allowed); paths name org zh-enschede, worker w0001."""
    shift = {"id": "zh-x", "location": "zh-enschede-ic", "start": "2026-12-01T07:00",
             "end": "2026-12-01T15:00"}
    roster = {"scenario": "x", "status": "feasible", "assignments": [],
              "objective": {"filled_slots": 0, "total_slots": 0}}
    return [
        ("GET", f"{P}", {}, ALL),
        ("PUT", f"{P}/base", {"json": ids["base"]}, C),
        ("POST", f"{P}/tokens", {"json": {"role": "worker", "worker": "w0003"}}, C),
        ("GET", f"{P}/tokens", {}, C),
        ("DELETE", f"{P}/tokens/{ids['spare_token']}", {}, C),
        ("PUT", f"{W}/demand/zh-enschede", {"json": {"shifts": [shift]}}, CP),
        ("POST", f"{W}/demand/zh-enschede/upload",
         {"files": {"file": ("d.csv", CSV.encode(), "text/csv")}}, CP),
        ("GET", f"{W}/demand/zh-enschede", {}, CP),
        ("GET", f"{W}/demand/zh-enschede/versions", {}, CP),
        ("PUT", f"{W}/preferences/w0001", {"json": {"shift_kinds": {"night": -3}}}, CW),
        ("GET", f"{W}/preferences/w0001", {}, CW),
        ("POST", f"{W}/jobs", {"json": {"time_limit_s": 1}}, C),
        ("GET", f"{P}/jobs", {}, C),
        ("GET", f"{P}/jobs/{ids['job']}", {}, C),
        ("POST", f"{P}/jobs/{ids['job']}/cancel", {}, C),
        ("GET", f"{P}/jobs/{ids['job']}/events", {}, C),
        ("GET", f"{P}/rosters", {}, ALL),
        ("POST", f"{P}/rosters", {"json": {"week": WEEK, "roster": roster}}, C),
        ("GET", f"{P}/rosters/{ids['published']}", {}, ALL),
        ("GET", f"{P}/rosters/{ids['published']}/check", {}, C),
        ("POST", f"{P}/rosters/{ids['draft']}/publish", {}, C),
        ("GET", f"{P}/rosters/{ids['draft']}/diff", {}, C),
        ("POST", f"{P}/check", {"json": {"week": WEEK, "roster": roster}}, C),
        ("GET", f"{P}/calendars/workers/w0001.ics", {}, CW),
        ("GET", f"{P}/calendars/organisations/zh-enschede.ics", {}, CP),
        ("GET", f"{P}/calendars/organisations/zh-enschede.ics?location=zh-enschede-ic", {}, CP),
        ("POST", f"{P}/subscriptions", {"json": {"kind": "worker", "subject": "w0001"}}, CW),
        ("POST", f"{P}/subscriptions", {"json": {"kind": "organisation",
                                                 "subject": "zh-enschede"}}, CP),
        ("GET", f"{P}/subscriptions", {}, ALL),
        ("POST", f"{P}/subscriptions/{ids['subscription']}/rotate", {}, CW),
        ("DELETE", f"{P}/subscriptions/{ids['subscription']}", {}, CW),
    ]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, dict[str, Any]]]:
    scenario = example()
    with running_service(tmp_path_factory.mktemp("access")) as svc:
        seed(svc, scenario, "pool1")
        other = example()
        with svc.sessions()() as session:
            from api.seed import seed_pool

            foreign = seed_pool(session, other, "pool2")
        svc.tokens["foreign"] = foreign.coordinator
        c = svc.headers("coordinator")
        result = solve(_scenario(svc), SolverConfig(time_limit_s=2, workers=1))
        roster = result.roster.to_json_dict()
        first = svc.client.post(f"{P}/rosters", json={"week": WEEK, "roster": roster}, headers=c)
        published = first.json()["id"]
        assert svc.client.post(f"{P}/rosters/{published}/publish", headers=c).status_code == 200
        second = svc.client.post(f"{P}/rosters", json={"week": WEEK, "roster": roster}, headers=c)
        with svc.sessions()() as session:
            session.add(SolveJob(pool_id="pool1", week=WEEK, status="done", time_limit_s=1,
                                 progress={}))
            session.add(SolveJob(pool_id="pool1", week=WEEK, status="running", time_limit_s=1,
                                 progress={}))  # holds the pool's one job slot: POST -> 429
            session.commit()
        sub = svc.client.post(f"{P}/subscriptions", json={"kind": "worker", "subject": "w0001"},
                              headers=c).json()["id"]
        spare = svc.client.post(f"{P}/tokens", json={"role": "worker", "worker": "w0004"},
                                headers=c).json()["id"]
        base = {k: scenario[k] for k in ("name", "timezone", "rules", "organisations",
                                         "workers")}
        ids = {"published": published, "draft": second.json()["id"], "job": 1,
               "subscription": sub, "spare_token": spare, "base": base}
        yield svc, ids


def _scenario(svc: Service) -> Any:
    from api.db import Pool
    from api.weeks import week_scenario

    with svc.sessions()() as session:
        return week_scenario(session, session.get(Pool, "pool1"), WEEK)[1]


CASES = [(i, role) for i in range(len(_routes({"base": {}, "spare_token": 1, "job": 1,
                                                 "published": 1, "draft": 2,
                                                 "subscription": 1})))
         for role in ROLES]


@pytest.mark.parametrize(("index", "role"), CASES,
                         ids=[f"{i}-{r}" for i, r in CASES])
def test_route_access(world: tuple[Service, dict[str, Any]], index: int, role: str) -> None:
    svc, ids = world
    method, path, kwargs, allowed = _routes(ids)[index]
    r = svc.client.request(method, path, headers=svc.headers(role), **kwargs)
    if role == "anonymous":
        assert r.status_code == 401, (method, path, r.text)
    elif role == "foreign":
        assert r.status_code == 404, (method, path, r.text)
    elif role in allowed:
        assert r.status_code not in (401, 403, 404) and r.status_code < 500, (
            method, path, role, r.status_code, r.text)
    else:
        assert r.status_code in (403, 404), (method, path, role, r.status_code, r.text)
    assert r.status_code < 500
    if r.status_code >= 400:
        assert r.json()["detail"], r.text


def test_every_route_is_in_the_matrix(world: tuple[Service, dict[str, Any]]) -> None:
    svc, ids = world
    covered = {(m, p.split("?")[0].replace(str(ids["published"]), "{roster_id}"))
               for m, p, _, _ in _routes(ids)}
    templates = {(m, r.path) for r in svc.app.routes if isinstance(r, APIRoute)
                 for m in r.methods if r.path not in ("/health", "/pools", "/feeds/{secret}.ics")}
    missing = []
    for method, template in templates:
        if not any(m == method and _matches(template, p) for m, p in covered):
            missing.append((method, template))
    assert not missing, missing


def _matches(template: str, path: str) -> bool:
    import re

    pattern = re.sub(r"\{[^}]+\}", "[^/]+", template.replace(".", r"\."))
    return re.fullmatch(pattern, path) is not None


def test_planner_sees_only_own_shifts_and_names(world: tuple[Service, dict[str, Any]]) -> None:
    svc, _ = world
    listed = svc.client.get(f"{P}/rosters", headers=svc.headers("planner")).json()
    assert [r["status"] for r in listed] == ["published"]
    assert listed[0]["filled_slots"] is None
    view = svc.client.get(f"{P}/rosters/{listed[0]['id']}", headers=svc.headers("planner"))
    roster = view.json()["roster"]
    assert roster["audience"] == "organisation"
    assert {a["organisation"] for a in roster["assignments"]} <= {"zh-enschede"}
    assert all(set(a) == {"shift", "worker", "worker_name", "organisation", "location",
                          "start", "end", "label"} for a in roster["assignments"])
    pool = svc.client.get(P, headers=svc.headers("planner")).json()
    assert pool["workers"] is None
    mine = svc.client.get(P, headers=svc.headers("worker")).json()
    assert [w["id"] for w in mine["workers"]] == ["w0001"]


def test_feed_secret_is_revocable_and_rotatable(world: tuple[Service, dict[str, Any]]) -> None:
    svc, _ = world
    w = svc.headers("worker")
    made = svc.client.post(f"{P}/subscriptions", json={"kind": "worker", "subject": "w0001"},
                           headers=w).json()
    old = "/feeds/" + made["url"].rsplit("/feeds/", 1)[1]
    assert svc.client.get(old).status_code == 200
    rotated = svc.client.post(f"{P}/subscriptions/{made['id']}/rotate", headers=w).json()
    new = "/feeds/" + rotated["url"].rsplit("/feeds/", 1)[1]
    assert svc.client.get(old).status_code == 404
    assert svc.client.get(new).status_code == 200
    assert svc.client.delete(f"{P}/subscriptions/{made['id']}", headers=w).status_code == 204
    assert svc.client.get(new).status_code == 404
    assert svc.client.get("/feeds/" + "x" * 43 + ".ics").status_code == 404


def test_revoked_token_is_refused(world: tuple[Service, dict[str, Any]]) -> None:
    svc, _ = world
    c = svc.headers("coordinator")
    made = svc.client.post(f"{P}/tokens", json={"role": "planner", "organisation": "ghz-almelo"},
                           headers=c).json()
    h = {"Authorization": f"Bearer {made['token']}"}
    assert svc.client.get(P, headers=h).status_code == 200
    assert svc.client.delete(f"{P}/tokens/{made['id']}", headers=c).status_code == 204
    assert svc.client.get(P, headers=h).status_code == 401
