"""Published rosters as iCal feeds, and the SEQUENCE bookkeeping behind them.

A feed covers every week of the pool that has a published roster. Shift ids
are only unique within a week, so each is namespaced as ``<week>:<shift>``
before rendering; the UID of an assignment is therefore
``assignment_uid("<week>:<shift>", worker)``, stable across re-publishing.
Publishing compares each assignment with what was published before (start,
end, location, break, label): changed or returning assignments get
``SEQUENCE + 1``; removed ones simply drop out of the feeds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db import IcalSequence, Pool, RosterVersion, aware, utcnow
from api.weeks import scenario_dict, week_of
from flexpool.ical import assignment_uid
from flexpool.model import Assignment, Horizon, Roster, Scenario, Shift
from flexpool.scenario import load_scenario


def uid_of(week: str, shift_id: str, worker_id: str) -> str:
    return assignment_uid(f"{week}:{shift_id}", worker_id)


def fingerprint(shift: Shift) -> str:
    """What a calendar shows of a shift; a change here raises SEQUENCE."""
    data = [shift.start.isoformat(), shift.end.isoformat(), shift.organisation, shift.location,
            shift.unpaid_break_minutes, shift.label]
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()


def record_publication(session: Session, pool_id: str, row: RosterVersion,
                       previous: RosterVersion | None) -> None:
    """Update the stored SEQUENCE of every assignment the new version touches."""
    scenario = load_scenario(row.scenario)
    shifts = {s.id: s for s in scenario.shifts}
    roster = Roster.model_validate(row.roster)
    now = {uid_of(row.week, a.shift, a.worker): fingerprint(shifts[a.shift])
           for a in roster.assignments}
    before: set[str] = set()
    if previous is not None:
        before = {uid_of(previous.week, a["shift"], a["worker"])
                  for a in previous.roster.get("assignments", [])}
    uids = set(now) | before
    stored = {s.uid: s for s in session.scalars(select(IcalSequence).where(
        IcalSequence.pool_id == pool_id, IcalSequence.uid.in_(uids)))} if uids else {}
    for uid, fp in now.items():
        seq = stored.get(uid)
        if seq is None:
            session.add(IcalSequence(pool_id=pool_id, uid=uid, sequence=0, fingerprint=fp,
                                     present=True))
        elif seq.fingerprint != fp or not seq.present:
            seq.sequence, seq.fingerprint, seq.present = seq.sequence + 1, fp, True
    for uid in before - set(now):
        if uid in stored:
            stored[uid].present = False


def published_rows(session: Session, pool_id: str) -> list[RosterVersion]:
    return list(session.scalars(select(RosterVersion).where(
        RosterVersion.pool_id == pool_id, RosterVersion.status == "published",
    ).order_by(RosterVersion.week)))


View = tuple[Scenario, Roster, dict[str, int], Any]


@dataclass
class FeedCache:
    """Per pool: the published view and the rendered feeds, reused until the
    set of published roster versions changes (a publication makes a new key)."""

    views: dict[str, tuple[tuple[Any, ...], View]] = field(default_factory=dict)
    bodies: dict[str, dict[tuple[str, ...], bytes]] = field(default_factory=dict)

    def body(self, session: Session, pool: Pool, subject: tuple[str, ...],
             render: Callable[[View], bytes]) -> bytes:
        rows = published_rows(session, pool.id)
        key = tuple((r.id, r.published_at) for r in rows)
        cached = self.views.get(pool.id)
        if cached is None or cached[0] != key:
            self.views[pool.id] = cached = (key, published_view(session, pool, rows))
            self.bodies[pool.id] = {}
        bodies = self.bodies[pool.id]
        if subject not in bodies:
            bodies[subject] = render(cached[1])
        return bodies[subject]


def published_view(session: Session, pool: Pool, rows: list[RosterVersion] | None = None) -> View:
    """One scenario and roster over every published week, the SEQUENCEs and a stamp."""
    rows = published_rows(session, pool.id) if rows is None else rows
    if not rows:
        empty = load_scenario(scenario_dict(pool.base, week_of(date.today()), []))  # noqa: DTZ011
        roster = Roster(scenario=empty.name, status="feasible", assignments=[],
                        objective={"filled_slots": 0, "total_slots": 0})
        return empty, roster, {}, (pool.created_at and aware(pool.created_at)) or utcnow()
    shifts: list[Shift] = []
    assignments: list[Assignment] = []
    workers: dict[str, Any] = {}
    organisations: dict[str, Any] = {}
    starts, ends = [], []
    for row in rows:
        scenario = load_scenario(row.scenario)
        shifts.extend(s.model_copy(update={"id": f"{row.week}:{s.id}"}) for s in scenario.shifts)
        assignments.extend(Assignment.model_construct(shift=f"{row.week}:{a['shift']}",
                                                      worker=a["worker"])
                           for a in row.roster.get("assignments", []))
        workers.update({w.id: w for w in scenario.workers})
        organisations.update({o.id: o for o in scenario.organisations})
        starts.append(scenario.horizon.start)
        ends.append(scenario.horizon.end)
        last = scenario
    combined = last.model_copy(update={
        "shifts": shifts, "workers": list(workers.values()),
        "organisations": list(organisations.values()),
        "horizon": Horizon(start=min(starts), end=max(ends)), "name": pool.name})
    roster = Roster.model_construct(scenario=pool.name, status="feasible",
                                    assignments=assignments, unfilled=[], dropped_pins=None,
                                    objective=None, stats={})
    sequences = {s.uid: s.sequence for s in session.scalars(
        select(IcalSequence).where(IcalSequence.pool_id == pool.id))}
    stamp = max(aware(r.published_at) or utcnow() for r in rows)
    return combined, roster, sequences, stamp
