"""The weekly flow over HTTP: demand (JSON, CSV, Excel), preferences, solve,
publish, iCal; re-publishing keeps UIDs and raises SEQUENCE."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pandas as pd

from api.calendars import uid_of
from tests.api.conftest import WEEK, example, running_service, seed, wait_for_job, without_shifts

POOL = "pool1"
ZONE = ZoneInfo("Europe/Amsterdam")
COLUMNS = ["id", "location", "start", "end", "unpaid_break_minutes", "headcount", "roles",
           "requires", "induction_required", "priority", "label"]


def _rows(shifts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**{c: s.get(c, "") for c in COLUMNS}, "roles": ";".join(s["roles"]),
             "requires": ";".join(s["requires"])} for s in shifts]


def _events(body: bytes) -> dict[str, Any]:
    cal = icalendar.Calendar.from_ical(body)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def _local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def test_weekly_flow(tmp_path: Path) -> None:
    scenario = example()
    by_org: dict[str, list[dict[str, Any]]] = {}
    for s in scenario["shifts"]:
        by_org.setdefault(s["organisation"], []).append(s)
    with running_service(tmp_path) as svc:
        seed(svc, without_shifts(scenario), POOL)
        c, planner, worker = (svc.headers(r) for r in ("coordinator", "planner", "worker"))
        base = f"/pools/{POOL}/weeks/{WEEK}"

        # JSON demand by the hospital's planner
        shifts = [{k: v for k, v in s.items() if k != "organisation"}
                  for s in by_org["zh-enschede"]]
        r = svc.client.put(f"{base}/demand/zh-enschede", json={"shifts": shifts}, headers=planner)
        assert r.status_code == 200, r.text
        assert r.json()["version"] == 1 and len(r.json()["shifts"]) == len(shifts)

        # CSV with errors: every wrong row reported with row and column, nothing imported
        rows = _rows(by_org["vvt-hengelo"])
        bad = [dict(r) for r in rows]
        bad[0]["headcount"] = "two"
        bad[2]["location"] = "zh-enschede-ic"
        bad[3]["end"] = bad[3]["start"]
        csv_bad = pd.DataFrame(bad).to_csv(index=False).encode()
        r = svc.client.post(f"{base}/demand/vvt-hengelo/upload", headers=c,
                            files={"file": ("demand.csv", csv_bad, "text/csv")})
        assert r.status_code == 422, r.text
        found = {(e["row"], e["column"]) for e in r.json()["errors"]}
        assert {(2, "headcount"), (4, "location"), (5, "end")} <= found, r.json()
        r2 = svc.client.post(f"{base}/demand/vvt-hengelo/upload", headers=c, files={
            "file": ("demand.csv", pd.DataFrame([b for i, b in enumerate(bad) if i]).to_csv(
                index=False).encode(), "text/csv")})
        found2 = {(e["row"], e["column"]) for e in r2.json()["errors"]}
        assert (3, "location") in found2 and (4, "end") in found2, r2.json()
        assert svc.client.get(f"{base}/demand/vvt-hengelo", headers=c).status_code == 404

        # good CSV
        csv = pd.DataFrame(rows).to_csv(index=False).encode()
        r = svc.client.post(f"{base}/demand/vvt-hengelo/upload", headers=c,
                            files={"file": ("demand.csv", csv, "text/csv")})
        assert r.status_code == 200, r.text
        assert r.json()["source"] == "csv" and len(r.json()["shifts"]) == len(rows)

        # Excel, built here with pandas + openpyxl (real datetimes in the cells)
        xrows = _rows(by_org["ghz-almelo"])
        frame = pd.DataFrame(xrows)
        frame["start"] = pd.to_datetime(frame["start"])
        frame["end"] = pd.to_datetime(frame["end"])
        buf = io.BytesIO()
        frame.to_excel(buf, index=False, engine="openpyxl")
        r = svc.client.post(f"{base}/demand/ghz-almelo/upload", headers=c, files={
            "file": ("demand.xlsx", buf.getvalue(),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})
        assert r.status_code == 200, r.text
        assert r.json()["source"] == "excel"
        assert r.json()["shifts"][0]["start"] == "2026-11-30T14:30:00"

        # preferences (self-service)
        prefs = {"shift_kinds": {"night": -5}, "organisations": {"zh-enschede": 3},
                 "unavailable": [{"start": "2026-12-05T00:00", "end": "2026-12-06T00:00"}]}
        r = svc.client.put(f"{base}/preferences/w0001", json=prefs, headers=worker)
        assert r.status_code == 200, r.text
        assert svc.client.get(f"{base}/preferences/w0001", headers=worker).json()["version"] == 1

        # solve in a background process, watch the events stream
        r = svc.client.post(f"{base}/jobs", json={"time_limit_s": 3}, headers=c)
        assert r.status_code == 202, r.text
        job_id = r.json()["id"]
        with svc.client.stream("GET", f"/pools/{POOL}/jobs/{job_id}/events", headers=c) as s:
            assert s.headers["content-type"].startswith("text/event-stream")
            events = [line for line in s.iter_lines() if line.startswith("event:")]
        assert events[-1] == "event: end"
        job = wait_for_job(svc, POOL, job_id)
        assert job["status"] == "done", job
        assert job["progress"]["filled"] is not None and job["progress"]["elapsed_s"] is not None
        roster_id = job["roster_id"]
        draft = svc.client.get(f"/pools/{POOL}/rosters/{roster_id}", headers=c).json()
        assert draft["status"] == "draft" and draft["roster"]["assignments"]
        assert svc.client.get(f"/pools/{POOL}/rosters/{roster_id}/check",
                              headers=c).json()["legal"]
        assignments = draft["roster"]["assignments"]
        assert all(a["worker"] != "w0001" or not a["shift"].endswith(("12-05-vroeg",
                                                                      "12-05-laat"))
                   for a in assignments)
        # workers and planners do not see drafts
        assert svc.client.get(f"/pools/{POOL}/rosters/{roster_id}",
                              headers=worker).status_code == 404

        # an illegal roster is refused with its violations
        night = by_org["zh-enschede"][1]["id"]
        early_next = by_org["zh-enschede"][2]["id"]
        illegal = {"scenario": "x", "status": "feasible", "objective": {
            "filled_slots": 2, "total_slots": 2},
            "assignments": [{"shift": night, "worker": "w0002"},
                            {"shift": early_next, "worker": "w0002"}]}
        r = svc.client.post(f"/pools/{POOL}/rosters", json={"week": WEEK, "roster": illegal},
                            headers=c)
        assert r.status_code == 201, r.text
        r = svc.client.post(f"/pools/{POOL}/rosters/{r.json()['id']}/publish", headers=c)
        assert r.status_code == 409 and r.json()["violations"], r.text
        r = svc.client.post(f"/pools/{POOL}/check", json={"week": WEEK, "roster": illegal},
                            headers=c)
        assert r.status_code == 200 and not r.json()["legal"]

        # publish and fetch iCal
        r = svc.client.post(f"/pools/{POOL}/rosters/{roster_id}/publish", headers=c)
        assert r.status_code == 200, r.text
        mine = [a for a in assignments if a["worker"] == "w0001"]
        assert mine, "the example should give w0001 work"
        r = svc.client.get(f"/pools/{POOL}/calendars/workers/w0001.ics", headers=worker)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
        events1 = _events(r.content)
        shift_by_id = {s["id"]: s for s in scenario["shifts"]}
        assert set(events1) == {uid_of(WEEK, a["shift"], "w0001") for a in mine}
        for a in mine:
            event = events1[uid_of(WEEK, a["shift"], "w0001")]
            shift = shift_by_id[a["shift"]]
            assert event["DTSTART"].dt == _local(shift["start"])
            assert event["DTEND"].dt == _local(shift["end"])
            assert int(event["SEQUENCE"]) == 0
        org_ics = svc.client.get(f"/pools/{POOL}/calendars/organisations/zh-enschede.ics",
                                 headers=planner)
        assert org_ics.status_code == 200
        assert len(_events(org_ics.content)) == sum(
            1 for a in assignments if shift_by_id[a["shift"]]["organisation"] == "zh-enschede")

        # a subscription feed works without a bearer token
        r = svc.client.post(f"/pools/{POOL}/subscriptions",
                            json={"kind": "worker", "subject": "w0001"}, headers=worker)
        assert r.status_code == 201, r.text
        feed_path = "/feeds/" + r.json()["url"].rsplit("/feeds/", 1)[1]
        assert set(_events(svc.client.get(feed_path).content)) == set(events1)

        # change: move one of w0001's shifts 30 min earlier, drop another assignment
        changed, dropped = mine[0]["shift"], (mine[1]["shift"] if len(mine) > 1 else None)
        org = shift_by_id[changed]["organisation"]
        new_shifts = []
        for s in by_org[org]:
            s = {k: v for k, v in s.items() if k != "organisation"}
            if s["id"] == changed:  # 30 minutes earlier: what the calendar shows changes
                start = datetime.fromisoformat(s["start"]) - timedelta(minutes=30)
                s["start"] = start.isoformat(timespec="minutes")
            new_shifts.append(s)
        r = svc.client.put(f"{base}/demand/{org}", json={"shifts": new_shifts}, headers=c)
        assert r.status_code == 200 and r.json()["version"] == 2, r.text
        keep = [a for a in assignments if a["shift"] != dropped or a["worker"] != "w0001"]
        second = {**draft["roster"], "assignments": keep}
        r = svc.client.post(f"/pools/{POOL}/rosters", json={"week": WEEK, "roster": second},
                            headers=c)
        assert r.status_code == 201, r.text
        second_id = r.json()["id"]
        diff = svc.client.get(f"/pools/{POOL}/rosters/{second_id}/diff",
                              params={"against": roster_id}, headers=c).json()
        assert diff["removed"] == ([{"shift": dropped, "worker": "w0001"}] if dropped else [])
        r = svc.client.post(f"/pools/{POOL}/rosters/{second_id}/publish", headers=c)
        assert r.status_code == 200, r.text
        events2 = _events(svc.client.get(f"/pools/{POOL}/calendars/workers/w0001.ics",
                                         headers=worker).content)
        expected = {uid_of(WEEK, a["shift"], "w0001") for a in keep if a["worker"] == "w0001"}
        assert set(events2) == expected and expected <= set(events1)
        for uid, event in events2.items():
            raised = uid == uid_of(WEEK, changed, "w0001")
            assert int(event["SEQUENCE"]) == (1 if raised else 0), uid
            if raised:
                assert event["DTSTART"].dt != events1[uid]["DTSTART"].dt
        assert svc.client.get(f"/pools/{POOL}/rosters/{roster_id}",
                              headers=c).json()["status"] == "superseded"

        # the planner sees its own shifts and worker names only; the worker their own
        view = svc.client.get(f"/pools/{POOL}/rosters/{second_id}", headers=planner).json()
        assert {a["organisation"] for a in view["roster"]["assignments"]} <= {"zh-enschede"}
        assert "reasons" not in json.dumps(view["roster"]["unfilled"])
        assert all(set(a) >= {"worker_name"} for a in view["roster"]["assignments"])
        wview = svc.client.get(f"/pools/{POOL}/rosters/{second_id}", headers=worker).json()
        assert {a["worker"] for a in wview["roster"]["assignments"]} == {"w0001"}


def test_cancel_keeps_the_best_roster_so_far(tmp_path: Path) -> None:
    """A long solve on Twente S is cancelled once its greedy incumbent is stored."""
    import time

    from examples.twente.generate import generate

    scenario = generate("S", seed=1)
    with running_service(tmp_path) as svc:
        with svc.sessions()() as session:
            from api.seed import seed_pool

            tokens = seed_pool(session, scenario, "twente")
        c = {"Authorization": f"Bearer {tokens.coordinator}"}
        r = svc.client.post(f"/pools/twente/weeks/{tokens.week}/jobs",
                            json={"time_limit_s": 120}, headers=c)
        assert r.status_code == 202, r.text
        job_id = r.json()["id"]
        again = svc.client.post(f"/pools/twente/weeks/{tokens.week}/jobs",
                                json={"time_limit_s": 5}, headers=c)
        assert again.status_code == 429, again.text  # one active job per pool
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job = svc.client.get(f"/pools/twente/jobs/{job_id}", headers=c).json()
            if job["progress"].get("filled") is not None:
                break
            time.sleep(0.2)
        assert job["status"] == "running", job
        r = svc.client.post(f"/pools/twente/jobs/{job_id}/cancel", headers=c)
        assert r.status_code == 200, r.text
        job = r.json()
        assert job["status"] == "cancelled" and job["roster_id"], job
        assert job["progress"]["filled"] is not None
        roster = svc.client.get(f"/pools/twente/rosters/{job['roster_id']}", headers=c).json()
        assert roster["roster"]["stats"]["cancelled"] is True
        assert roster["roster"]["assignments"]
        check = svc.client.get(f"/pools/twente/rosters/{job['roster_id']}/check", headers=c)
        assert check.json()["legal"], check.json()
