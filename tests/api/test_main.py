"""``python -m api`` starts uvicorn on 127.0.0.1:$PORT, seeded, printing URLs and tokens."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.api.conftest import _free_port

ROOT = Path(__file__).resolve().parents[2]


def test_python_m_api_serves_the_seeded_twente_pool(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "PORT": str(port), "FLEXPOOL_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "api"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        lines: dict[str, str] = {}
        deadline = time.monotonic() + 60
        assert proc.stdout is not None
        while time.monotonic() < deadline and "try" not in lines:
            line = proc.stdout.readline()
            if not line:
                break
            key, _, value = line.partition(":")
            lines[key.strip()] = value.strip()
        assert lines["docs"] == f"//127.0.0.1:{port}/docs" or lines["docs"].endswith("/docs")
        coordinator = lines["coordinator"]
        assert lines["planner"] and lines["worker"]
        pool = None
        while time.monotonic() < deadline:
            try:
                pool = httpx.get(f"http://127.0.0.1:{port}/pools/twente",
                                 headers={"Authorization": f"Bearer {coordinator}"}, timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert pool is not None and pool.status_code == 200
        assert pool.json()["name"].startswith("Twente S")
        assert (tmp_path / "flexpool.sqlite3").exists()
    finally:
        proc.terminate()
        proc.wait(20)
