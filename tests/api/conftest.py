"""Fixtures for the service tests: an app on a fresh database, seeded pools, tokens.

``backend`` runs on SQLite always and on a throwaway PostgreSQL cluster when
``initdb``/``pg_ctl`` are installed (skipped otherwise).
"""

from __future__ import annotations

import copy
import glob
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.security import issue_token
from api.seed import seed_pool
from api.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "example-scenario.json"
WEEK = "2026-W49"


def example() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def without_shifts(scenario: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(scenario)
    data["shifts"], data["pinned"] = [], []
    return data


@dataclass
class Service:
    client: TestClient
    app: Any
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"} if role in self.tokens else {}

    def sessions(self) -> Any:
        return self.app.state.flexpool.sessions

    def issue(self, name: str, pool: str, role: str, **kwargs: Any) -> str:
        with self.sessions()() as session:
            _, secret = issue_token(session, pool, role, **kwargs)
            session.commit()
        self.tokens[name] = secret
        return secret


@contextmanager
def running_service(data_dir: Path, database_url: str | None = None,
                    **settings: Any) -> Iterator[Service]:
    app = create_app(Settings(data_dir=data_dir, database_url=database_url, log_json=False,
                              **settings))
    with TestClient(app) as client:
        yield Service(client, app)


def seed(service: Service, scenario: dict[str, Any], pool: str = "pool1") -> None:
    """Seed a pool and name its tokens: coordinator, planner (zh-enschede), worker (w0001)."""
    with service.sessions()() as session:
        seed_pool(session, scenario, pool)
    service.issue("coordinator", pool, "coordinator")
    service.issue("planner", pool, "planner", organisation_id="zh-enschede")
    service.issue("planner_other", pool, "planner", organisation_id="vvt-hengelo")
    service.issue("worker", pool, "worker", worker_id="w0001")
    service.issue("worker_other", pool, "worker", worker_id="w0002")


# ------------------------------------------------------------------ PostgreSQL


def _pg_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on a free port; yields an admin URL."""
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) not installed")
    root = Path(tempfile.mkdtemp(prefix="flexpool-pg-"))
    data = root / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        if not shutil.which("runuser"):
            pytest.skip("running as root without runuser")
        try:
            shutil.chown(root, "postgres")
        except (LookupError, PermissionError):
            pytest.skip("no 'postgres' user to run the throwaway cluster")
        os.chmod(root, 0o700)
        as_user = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    try:
        subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                        "--auth=trust", "-E", "UTF8", "--no-sync"],
                       check=True, capture_output=True, timeout=120)
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-w", "-t", "60",
                        "-l", str(root / "log"), "-o",
                        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off",
                        "start"], check=True, capture_output=True, timeout=90)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"could not start PostgreSQL: {exc}")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                        "stop"], capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


def fresh_pg_database(server: str) -> str:
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str | None:
    """None (the embedded SQLite file) or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return None
    return fresh_pg_database(request.getfixturevalue("pg_server"))


def wait_for_job(service: Service, pool: str, job_id: int, timeout: float = 90) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = service.client.get(f"/pools/{pool}/jobs/{job_id}",
                                 headers=service.headers("coordinator")).json()
        if job["status"] not in ("queued", "running"):
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")
