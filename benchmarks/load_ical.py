"""Load benchmark: iCal feed requests with 50 concurrent clients while a solve runs.

Starts the real service (``python -m api``, SQLite in a temporary data dir) on
loopback, publishes a roster of the seeded Twente S pool, starts a long solve
job, and then lets ``--clients`` concurrent HTTP clients fetch worker and
organisation calendars for ``--seconds``. Reports throughput, p50/p99 latency
and errors, and writes ``benchmarks/LOAD.md``. Fails when any request fails.

Run: ``python -m benchmarks.load_ical`` (not part of ``make test``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_service(data_dir: str, port: int) -> tuple[subprocess.Popen[str], dict[str, str]]:
    env = {**os.environ, "FLEXPOOL_DATA_DIR": data_dir, "PORT": str(port)}
    proc = subprocess.Popen([sys.executable, "-m", "api"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, cwd=ROOT.parent)
    info: dict[str, str] = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        if m := re.match(r"(coordinator|planner|worker):\s+(\S+)(?:\s+\((?:organisation|worker) (\S+)\))?", line):
            info[m.group(1)] = m.group(2)
            if m.group(3):
                info[f"{m.group(1)}_id"] = m.group(3)
        if m := re.match(r"pool:\s+(\S+), week (\S+)", line):
            info["pool"], info["week"] = m.group(1).rstrip(","), m.group(2)
        if line.startswith("try:"):
            break
    return proc, info


def wait_ready(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("service did not start")


def solve_and_publish(client: httpx.Client, pool: str, week: str) -> dict:
    job = client.post(f"/pools/{pool}/weeks/{week}/jobs", json={"time_limit_s": 5}).json()
    while (state := client.get(f"/pools/{pool}/jobs/{job['id']}").json())["status"] in ("queued", "running"):
        time.sleep(0.5)
    roster_id = state["roster_id"]
    published = client.post(f"/pools/{pool}/rosters/{roster_id}/publish")
    published.raise_for_status()
    return client.get(f"/pools/{pool}/rosters/{roster_id}").json()["roster"]


async def hammer(base: str, token: str, paths: list[str], clients: int, seconds: float
                 ) -> tuple[list[float], int, int]:
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=30) as client:
        async def one(i: int) -> None:
            nonlocal errors
            k = i
            while time.monotonic() < stop:
                began = time.perf_counter()
                try:
                    r = await client.get(paths[k % len(paths)])
                    ok = r.status_code == 200 and r.content.startswith(b"BEGIN:VCALENDAR")
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - began)
                errors += not ok
                k += clients
        await asyncio.gather(*(one(i) for i in range(clients)))
    return latencies, errors, len(latencies)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--out", type=Path, default=ROOT / "LOAD.md")
    args = parser.parse_args(argv)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as data_dir:
        proc, info = start_service(data_dir, port)
        try:
            wait_ready(base)
            pool, week = info["pool"], info["week"]
            coordinator = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {info['coordinator']}"},
                                       timeout=30)
            roster = solve_and_publish(coordinator, pool, week)
            workers = sorted({a["worker"] for a in roster["assignments"]})
            orgs = sorted({a["shift"].split("-")[0] for a in roster["assignments"]})
            paths = [f"/pools/{pool}/calendars/workers/{w}.ics" for w in workers]
            scenario_orgs = coordinator.get(f"/pools/{pool}").json()
            org_ids = [o["id"] for o in scenario_orgs.get("organisations", [])] or orgs
            paths += [f"/pools/{pool}/calendars/organisations/{o}.ics" for o in org_ids]
            job = coordinator.post(f"/pools/{pool}/weeks/{week}/jobs",
                                   json={"time_limit_s": args.seconds + 30}).json()
            time.sleep(2.0)  # the solve process is up and searching
            began = time.monotonic()
            latencies, errors, count = asyncio.run(
                hammer(base, info["coordinator"], paths, args.clients, args.seconds))
            elapsed = time.monotonic() - began
            solving = coordinator.get(f"/pools/{pool}/jobs/{job['id']}").json()["status"]
            coordinator.post(f"/pools/{pool}/jobs/{job['id']}/cancel")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(0.99 * (len(latencies) - 1))] * 1000
    lines = [
        "# Load benchmark: iCal feeds during a solve",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}. "
        f"Reproduce: `python -m benchmarks.load_ical --clients {args.clients} --seconds {args.seconds:g}`.",
        "",
        "The service (uvicorn, one process, SQLite) ran on loopback with a solve job in its worker "
        f"process (job status during the run: {solving}); {args.clients} concurrent clients fetched "
        f"{len(paths)} different worker and organisation calendars of a published roster.",
        "",
        "| clients | seconds | requests | errors | throughput req/s | p50 ms | p99 ms |",
        "|---|---|---|---|---|---|---|",
        f"| {args.clients} | {elapsed:.1f} | {count} | {errors} | {count / elapsed:.1f} | {p50:.1f} | {p99:.1f} |",
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 1 if errors or solving != "running" else 0


if __name__ == "__main__":
    raise SystemExit(main())
