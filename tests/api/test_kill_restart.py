"""Killing the real server mid-solve loses nothing, and the job shows as interrupted.

Runs ``python -m api`` in its own process group, publishes a roster, starts a
long solve, kills the whole group with SIGKILL (server and solver process),
starts the server again on the same data directory and reads everything back.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.api.conftest import _free_port


def _start(data_dir: Path, port: int) -> tuple[subprocess.Popen[str], dict[str, str]]:
    env = {**os.environ, "PORT": str(port), "FLEXPOOL_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "api"], cwd=data_dir, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
    printed = ""
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        printed += line
        if line.startswith("try:"):
            break
    pool = re.search(r"pool:\s+(\S+), week (\S+)", printed)
    coordinator = re.search(r"coordinator:\s+(\S+)", printed)
    planner = re.search(r"planner:\s+\S+\s+\(organisation (\S+)\)", printed)
    assert pool and coordinator and planner, printed
    return proc, {"pool": pool.group(1), "week": pool.group(2), "coordinator": coordinator.group(1),
                  "organisation": planner.group(1)}


def _client(port: int, token: str) -> httpx.Client:
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30,
                          headers={"Authorization": f"Bearer {token}"})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            client.get("/health")
            return client
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("server did not come up")


def _wait_status(client: httpx.Client, path: str, wanted: set[str], seconds: float = 90) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(path).json()
        if job["status"] in wanted:
            return job
        time.sleep(0.3)
    raise AssertionError(f"job never reached {wanted}: {job}")


def test_kill_mid_solve_and_restart(tmp_path: Path) -> None:
    port = _free_port()
    proc, lines = _start(tmp_path, port)
    base, week, org = f"/pools/{lines['pool']}", lines["week"], lines["organisation"]
    try:
        c = _client(port, lines["coordinator"])
        first = c.post(f"{base}/weeks/{week}/jobs", json={"time_limit_s": 3}).json()
        done = _wait_status(c, f"{base}/jobs/{first['id']}", {"done"})
        published = c.post(f"{base}/rosters/{done['roster_id']}/publish")
        assert published.status_code == 200, published.text
        ics_before = c.get(f"{base}/calendars/organisations/{org}.ics").content
        demand_before = c.get(f"{base}/weeks/{week}/demand/{org}")
        long_job = c.post(f"{base}/weeks/{week}/jobs", json={"time_limit_s": 300}).json()
        _wait_status(c, f"{base}/jobs/{long_job['id']}", {"running"})
        time.sleep(2.0)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(20)

    proc, _ = _start(tmp_path, port)
    try:
        c = _client(port, lines["coordinator"])
        job = c.get(f"{base}/jobs/{long_job['id']}").json()
        assert job["status"] == "interrupted"
        assert c.get(f"{base}/rosters/{done['roster_id']}").json()["status"] == "published"
        assert c.get(f"{base}/calendars/organisations/{org}.ics").content == ics_before
        after = c.get(f"{base}/weeks/{week}/demand/{org}")
        assert after.status_code == demand_before.status_code
        if after.status_code == 200:
            assert after.json() == demand_before.json()
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(20)
