"""Solve jobs in worker processes, never in the event loop.

Each job runs :func:`solver.solve.solve` in its own ``spawn``-ed process. The
child sends every better legal roster the solver reaches (at most one a second:
the greedy start, proven levels, neighbourhood improvements) as the incumbent,
progress reports (slots filled, proven bound, seconds), then the final roster. A watcher thread
in the service writes each message to the database, so status and progress
survive the process and are what the SSE stream and a restarted service read.

Cancel terminates the process; the last progress snapshot stays and the
incumbent becomes a draft roster. On shutdown, running jobs are marked
``interrupted``; on startup any job left ``queued``/``running`` is too.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import sessionmaker

from api.db import JOB_ACTIVE, RosterVersion, SolveJob, next_version, utcnow

log = logging.getLogger("flexpool.api.jobs")


def _child(conn: Connection, scenario_data: dict[str, Any], time_limit_s: float, seed: int,
           workers: int) -> None:  # pragma: no cover - runs in the child process
    """Entry point of a solve process: incumbent, progress, then the result."""
    try:
        from flexpool.model import Assignment, Objective, Roster
        from flexpool.scenario import load_scenario
        from solver.solve import Progress, SolverConfig, solve

        started = time.monotonic()
        scenario = load_scenario(scenario_data)
        total = sum(s.headcount for s in scenario.shifts)
        order = {s.id: i for i, s in enumerate(scenario.shifts)}
        last_sent = [0.0]

        def keep_incumbent(pairs: list[tuple[str, str]]) -> None:
            """Send the solver's better legal rosters (at most one a second) for cancel."""
            now = time.monotonic()
            if now - last_sent[0] < 1.0 and last_sent[0]:
                return
            last_sent[0] = now
            ordered = sorted(pairs, key=lambda p: (order[p[0]], p[1]))
            incumbent = Roster(
                scenario=scenario.name, status="feasible",
                assignments=[Assignment(shift=s, worker=w) for s, w in ordered],
                objective=Objective(filled_slots=len(ordered), total_slots=total),
                stats={"source": "incumbent", "elapsed_s": round(now - started, 2)},
            )
            conn.send(("incumbent", incumbent.to_json_dict()))

        def report(p: Progress) -> None:
            conn.send(("progress", {"stage": p.stage, "filled": p.filled, "bound": p.bound,
                                    "total": p.total, "elapsed_s": round(p.elapsed_s, 2)}))

        result = solve(scenario, SolverConfig(time_limit_s=time_limit_s, workers=workers,
                                              seed=seed, progress=report, on_roster=keep_incumbent))
        roster = result.roster
        conn.send(("progress", {"stage": "done", "filled": roster.objective.filled_slots,
                                "bound": roster.objective.bound_filled_slots,
                                "total": roster.objective.total_slots,
                                "elapsed_s": round(time.monotonic() - started, 2)}))
        conn.send(("done", roster.to_json_dict()))
    except BaseException as exc:
        with contextlib.suppress(Exception):
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


@dataclass
class _Running:
    process: Any
    conn: Connection
    scenario: dict[str, Any]
    thread: threading.Thread | None = None
    cancel: bool = False
    stopping: bool = False
    done: threading.Event = field(default_factory=threading.Event)


def next_roster_version(session: Any, pool_id: str, week: str) -> int:
    return next_version(session, RosterVersion, pool_id=pool_id, week=week)


class JobRunner:
    """Starts, watches and cancels solve processes; one per app instance."""

    def __init__(self, sessions: sessionmaker, solver_workers: int = 2) -> None:
        self._sessions = sessions
        self._solver_workers = solver_workers
        self._running: dict[int, _Running] = {}
        self._lock = threading.Lock()
        self._ctx = mp.get_context("spawn")

    def mark_interrupted(self) -> int:
        """Jobs a previous instance left active: they can no longer finish."""
        with self._sessions.begin() as session:
            result = session.execute(
                update(SolveJob).where(SolveJob.status.in_(JOB_ACTIVE)).values(
                    status="interrupted", finished_at=utcnow(),
                    error="the service stopped while this job ran"))
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def start(self, job_id: int, scenario_data: dict[str, Any], time_limit_s: float,
              seed: int) -> None:
        parent, child = self._ctx.Pipe(duplex=False)
        process = self._ctx.Process(
            target=_child, args=(child, scenario_data, time_limit_s, seed, self._solver_workers),
            daemon=True, name=f"flexpool-solve-{job_id}")
        with self._sessions.begin() as session:
            job = session.get(SolveJob, job_id)
            assert job is not None
            job.status, job.started_at = "running", utcnow()
        process.start()
        child.close()
        running = _Running(process, parent, scenario_data)
        running.thread = threading.Thread(target=self._watch, args=(job_id, running),
                                          daemon=True, name=f"flexpool-watch-{job_id}")
        with self._lock:
            self._running[job_id] = running
        running.thread.start()
        log.info("job started", extra={"job": job_id, "pid": process.pid})

    def cancel(self, job_id: int) -> bool:
        """Stop a running job; False when this instance does not run it."""
        with self._lock:
            running = self._running.get(job_id)
        if running is None:
            return False
        running.cancel = True
        running.process.terminate()
        running.done.wait(10)
        return True

    def wait(self, job_id: int, timeout: float) -> bool:
        with self._lock:
            running = self._running.get(job_id)
        return True if running is None else running.done.wait(timeout)

    def shutdown(self) -> None:
        with self._lock:
            items = list(self._running.items())
        for _, running in items:
            running.stopping = True
            running.process.terminate()
        for _, running in items:
            running.done.wait(10)

    # ------------------------------------------------------------ watcher

    def _watch(self, job_id: int, running: _Running) -> None:
        finished = False
        try:
            finished = self._pump(job_id, running)
            running.process.join(5)
            if not finished:
                self._end_without_result(job_id, running)
        except Exception:
            log.exception("job watcher failed", extra={"job": job_id})
            self._finish(job_id, "failed", error="internal error while watching the solve")
        finally:
            running.conn.close()
            with self._lock:
                self._running.pop(job_id, None)
            running.done.set()

    def _pump(self, job_id: int, running: _Running) -> bool:
        while True:
            try:
                if not running.conn.poll(0.2):
                    if not running.process.is_alive() and not running.conn.poll(0.2):
                        return False
                    continue
                kind, payload = running.conn.recv()
            except (EOFError, OSError):
                return False
            if kind == "progress":
                with self._sessions.begin() as session:
                    job = session.get(SolveJob, job_id)
                    if job is not None:
                        job.progress = payload
            elif kind == "incumbent":
                with self._sessions.begin() as session:
                    job = session.get(SolveJob, job_id)
                    if job is not None:
                        job.incumbent = payload
            elif kind == "done":
                roster_id = self._store_roster(job_id, running.scenario, payload)
                self._finish(job_id, "done", roster_id=roster_id)
                log.info("job done", extra={"job": job_id, "roster": roster_id})
                return True
            elif kind == "error":
                self._finish(job_id, "failed", error=str(payload))
                log.warning("job failed", extra={"job": job_id, "error": payload})
                return True

    def _end_without_result(self, job_id: int, running: _Running) -> None:
        if running.stopping:
            self._finish(job_id, "interrupted", error="the service stopped while this job ran")
            return
        if running.cancel:
            with self._sessions() as session:
                job = session.get(SolveJob, job_id)
                incumbent = job.incumbent if job is not None else None
            roster_id = None
            if incumbent is not None:
                incumbent = {**incumbent,
                             "stats": {**incumbent.get("stats", {}), "cancelled": True}}
                roster_id = self._store_roster(job_id, running.scenario, incumbent)
            self._finish(job_id, "cancelled", roster_id=roster_id)
            log.info("job cancelled", extra={"job": job_id, "roster": roster_id})
            return
        code = running.process.exitcode
        self._finish(job_id, "failed", error=f"the solver process ended unexpectedly ({code})")

    def _store_roster(self, job_id: int, scenario: dict[str, Any], roster: dict[str, Any]) -> int:
        with self._sessions.begin() as session:
            job = session.get(SolveJob, job_id)
            assert job is not None
            row = RosterVersion(pool_id=job.pool_id, week=job.week,
                                version=next_roster_version(session, job.pool_id, job.week),
                                status="draft", roster=roster, scenario=scenario, job_id=job_id)
            session.add(row)
            session.flush()
            return row.id

    def _finish(self, job_id: int, status: str, *, roster_id: int | None = None,
                error: str | None = None) -> None:
        with self._sessions.begin() as session:
            job = session.get(SolveJob, job_id)
            if job is None:
                return
            job.status, job.finished_at = status, utcnow()
            job.roster_id = roster_id if roster_id is not None else job.roster_id
            job.error = error
