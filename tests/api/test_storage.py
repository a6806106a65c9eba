"""Storage on SQLite (always) and PostgreSQL (when installed): migrations, WAL,
and what survives a restart of the service."""

from __future__ import annotations

from pathlib import Path

import icalendar
import pytest
from sqlalchemy import inspect, text

from api.db import SolveJob, alembic_config, make_engine, migrate
from api.settings import Settings
from tests.api.conftest import WEEK, example, running_service, seed, without_shifts

P = "/pools/pool1"


def test_restart_keeps_data_and_interrupts_running_jobs(tmp_path: Path,
                                                        database_url: str | None) -> None:
    scenario = example()
    with running_service(tmp_path, database_url) as svc:
        seed(svc, without_shifts(scenario), "pool1")
        tokens = dict(svc.tokens)
        c = svc.headers("coordinator")
        shifts = [{k: v for k, v in s.items() if k != "organisation"}
                  for s in scenario["shifts"] if s["organisation"] == "ghz-almelo"]
        assert svc.client.put(f"{P}/weeks/{WEEK}/demand/ghz-almelo", json={"shifts": shifts},
                              headers=c).status_code == 200
        assert svc.client.put(f"{P}/weeks/{WEEK}/preferences/w0003",
                              json={"shift_kinds": {"late": 4}}, headers=c).status_code == 200
        roster = {"scenario": "x", "status": "feasible",
                  "objective": {"filled_slots": 1, "total_slots": 6},
                  "assignments": [{"shift": shifts[0]["id"], "worker": "w0003"}]}
        r = svc.client.post(f"{P}/rosters", json={"week": WEEK, "roster": roster}, headers=c)
        assert r.status_code == 201, r.text
        roster_id = r.json()["id"]
        assert svc.client.post(f"{P}/rosters/{roster_id}/publish", headers=c).status_code == 200
        ics1 = svc.client.get(f"{P}/calendars/workers/w0003.ics", headers=c).content
        with svc.sessions()() as session:
            session.add(SolveJob(pool_id="pool1", week=WEEK, status="running", time_limit_s=5,
                                 progress={"filled": 3}))
            session.commit()

    with running_service(tmp_path, database_url) as svc:
        svc.tokens.update(tokens)
        c = svc.headers("coordinator")
        jobs = svc.client.get(f"{P}/jobs", headers=c).json()
        assert [j["status"] for j in jobs] == ["interrupted"]
        assert jobs[0]["progress"]["filled"] == 3
        demand = svc.client.get(f"{P}/weeks/{WEEK}/demand/ghz-almelo", headers=c).json()
        assert [s["id"] for s in demand["shifts"]] == [s["id"] for s in shifts]
        prefs = svc.client.get(f"{P}/weeks/{WEEK}/preferences/w0003", headers=c).json()
        assert prefs["preferences"]["shift_kinds"] == {"late": 4}
        got = svc.client.get(f"{P}/rosters/{roster_id}", headers=svc.headers("worker")).json()
        assert got["status"] == "published" and got["roster"]["assignments"] == []
        ics2 = svc.client.get(f"{P}/calendars/workers/w0003.ics", headers=c).content
        assert ics1 == ics2
        events = icalendar.Calendar.from_ical(ics2).walk("VEVENT")
        assert len(events) == 1


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    engine = make_engine(settings.url)
    migrate(engine)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert (tmp_path / "flexpool.sqlite3").exists()
    engine.dispose()


def test_migrations_go_down_and_up(tmp_path: Path, database_url: str | None) -> None:
    from alembic import command

    url = Settings(data_dir=tmp_path, database_url=database_url).url
    engine = make_engine(url)
    migrate(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"pools", "api_tokens", "demand_versions", "preference_versions", "solve_jobs",
            "rosters", "ical_sequences", "subscriptions"} <= tables
    cfg = alembic_config(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert "pools" not in set(inspect(engine).get_table_names())
    migrate(engine)
    assert "pools" in set(inspect(engine).get_table_names())
    engine.dispose()


def test_database_url_forms() -> None:
    assert Settings(database_url="postgres://u@h/db").url == "postgresql+psycopg://u@h/db"
    assert Settings(database_url="postgresql://u@h/db").url == "postgresql+psycopg://u@h/db"
    assert Settings.from_env({"FLEXPOOL_DATA_DIR": "/x"}).url == "sqlite:////x/flexpool.sqlite3"


@pytest.mark.parametrize("limit", [10])
def test_request_size_limit(tmp_path: Path, limit: int) -> None:
    with running_service(tmp_path, max_body_bytes=200) as svc:
        seed(svc, example(), "pool1")
        r = svc.client.put(f"{P}/weeks/{WEEK}/preferences/w0001",
                           content=b"{" + b" " * 500 + b"}",
                           headers={**svc.headers("worker"), "Content-Type": "application/json"})
        assert r.status_code == 413 and "larger than" in r.json()["detail"]
