"""A Curtois & Qu instance as a flexpool scenario, and a flexpool roster back as a matrix.

The mapping (documented in ``benchmarks/curtois/README.md``):

- day ``d`` is the local date ``START + d`` (2024-01-01 is a Monday, as day 0 is),
  time zone UTC (no summer time);
- each cover row (day, shift type) is one flexpool shift ``<type>.<day>``, 08:00 to
  08:00 + length, ``label`` = the shift type, ``headcount`` = the requirement,
  ``max_headcount`` = the staff size and ``over_cost`` = the over weight. All shifts
  start at 08:00, so two on one date overlap (one shift per day) and the rest between
  days is at least 12 h; under-cover is the open slots (filled first, weight 100);
- each employee is a worker with ``work_rules`` (the STAFF row), days off as
  ``unavailable`` whole dates, on-requests as ``preferences.shifts`` +weight and
  off-requests as -weight;
- forbidden successors become ``rules.forbidden_successions``; every Arbeidstijdenwet
  limit is loosened so that only the instance's own rules apply; every weight but
  ``shift_wish`` (1) is 0.

The Curtois objective of a roster is then ``100 x open slots + soft penalty +
sum of on-request weights`` (an unmet on-request costs its weight; a met one is
rewarded by it in the soft penalty).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from benchmarks.curtois.evaluator import Roster as Matrix
from benchmarks.curtois.instance import Instance
from flexpool.model import Roster, Scenario

START = date(2024, 1, 1)  # a Monday, like day 0
SHIFT_START = time(8, 0)
ORG, LOC = "curtois", "ward"
LOOSE = 10 ** 6

LOOSE_RULES: dict[str, Any] = {
    "max_shift_minutes": LOOSE, "max_night_shift_minutes": LOOSE, "max_week_minutes": LOOSE,
    "max_avg_week_minutes_4w": LOOSE, "max_avg_week_minutes_16w": LOOSE,
    "max_avg_week_minutes_16w_night_workers": LOOSE, "min_daily_rest_minutes": 0,
    "reduced_daily_rest_minutes": 0, "weekly_rest_minutes": 0, "rest_after_late_night_minutes": 0,
    "rest_after_night_series_minutes": 0,
    "max_late_nights_16w": LOOSE,
}
ZERO_WEIGHTS = {"avoid": 0, "prefer": 0, "shift_kind": 0, "organisation": 0, "target_hours": 0,
                "night_fairness": 0, "weekend_fairness": 0, "travel_km": 0, "shift_wish": 1,
                "load_balance": 0}


def shift_id(shift_type: str, day: int) -> str:
    return f"{shift_type}.{day}"


def _day(d: int) -> date:
    return START + timedelta(days=d)


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")


def to_scenario_dict(instance: Instance) -> dict[str, Any]:
    """The scenario JSON (``flexpool-scenario/1``) for ``instance``."""
    cover = {(c.day, c.shift): c for c in instance.cover}
    staff_size = len(instance.staff)
    shifts = []
    for d in range(instance.horizon):
        for st in instance.shift_types:
            row = cover.get((d, st.id))
            begin = datetime.combine(_day(d), SHIFT_START)
            shifts.append({
                "id": shift_id(st.id, d), "organisation": ORG, "location": LOC,
                "start": _stamp(begin), "end": _stamp(begin + timedelta(minutes=st.length)),
                "label": st.id, "headcount": row.requirement if row else 0,
                "max_headcount": staff_size, "over_cost": row.weight_over if row else 0,
            })
    wishes: dict[str, dict[str, int]] = defaultdict(dict)
    for r in instance.on_requests:
        key = shift_id(r.shift, r.day)
        wishes[r.employee][key] = wishes[r.employee].get(key, 0) + r.weight
    for r in instance.off_requests:
        key = shift_id(r.shift, r.day)
        wishes[r.employee][key] = wishes[r.employee].get(key, 0) - r.weight
    workers = []
    for s in instance.staff:
        workers.append({
            "id": s.id, "name": s.id,
            "unavailable": [{"start": _stamp(datetime.combine(_day(d), time(0))),
                             "end": _stamp(datetime.combine(_day(d + 1), time(0)))}
                            for d in sorted(s.days_off)],
            "preferences": {"shifts": wishes.get(s.id, {})},
            "work_rules": {
                "max_consecutive_days": s.max_consecutive_shifts,
                "min_consecutive_days": s.min_consecutive_shifts,
                "min_consecutive_days_off": s.min_consecutive_days_off,
                "max_weekends": s.max_weekends,
                "min_total_minutes": s.min_total_minutes,
                "max_total_minutes": s.max_total_minutes,
                "max_shifts_by_label": dict(s.max_shifts),
            },
        })
    successions = [[st.id, nxt] for st in instance.shift_types for nxt in st.forbidden_next]
    return {
        "format": "flexpool-scenario/1",
        "name": instance.name,
        "timezone": "UTC",
        "horizon": {"start": START.isoformat(), "end": _day(instance.horizon - 1).isoformat()},
        "rules": {**LOOSE_RULES, "forbidden_successions": successions},
        "organisations": [{"id": ORG, "name": "Curtois-Qu instance", "sector": "other",
                           "locations": [{"id": LOC, "lat": 0.0, "lon": 0.0}]}],
        "workers": workers,
        "shifts": shifts,
        "weights": ZERO_WEIGHTS,
    }


def to_scenario(instance: Instance) -> Scenario:
    from flexpool.scenario import load_scenario

    return load_scenario(to_scenario_dict(instance))


def to_matrix(instance: Instance, roster: Roster) -> Matrix:
    """The roster as ``matrix[e][d]`` (staff order; shift type or ``None`` for a day off)."""
    row_of = {s.id: i for i, s in enumerate(instance.staff)}
    matrix: Matrix = [[None] * instance.horizon for _ in instance.staff]
    for a in roster.assignments:
        shift_type, day = a.shift.rsplit(".", 1)
        cell = matrix[row_of[a.worker]]
        if cell[int(day)] is not None:
            raise ValueError(f"{a.worker} works twice on day {day}")
        cell[int(day)] = shift_type
    return matrix


def from_matrix(instance: Instance, matrix: Matrix, name: str = "from-matrix") -> Roster:
    """A matrix as a flexpool roster (for checking a published roster with the checker)."""
    from flexpool.model import Assignment, Objective

    assignments = [Assignment(shift=shift_id(cell, d), worker=s.id)
                   for s, row in zip(instance.staff, matrix, strict=True)
                   for d, cell in enumerate(row) if cell is not None]
    return Roster(scenario=name, status="feasible", assignments=assignments,
                  objective=Objective(filled_slots=len(assignments), total_slots=0))


def curtois_objective(instance: Instance, roster: Roster) -> int | None:
    """The Curtois objective implied by the solver's own figures (None without a soft value)."""
    soft = roster.objective.soft_penalty
    if soft is None:
        return None
    return 100 * open_slots(instance, roster) + soft + sum(r.weight for r in instance.on_requests)


def open_slots(instance: Instance, roster: Roster) -> int:
    """Places below each cover requirement (over-staffing fills none)."""
    count: dict[str, int] = defaultdict(int)
    for a in roster.assignments:
        count[a.shift] += 1
    return sum(max(0, c.requirement - count[shift_id(c.shift, c.day)]) for c in instance.cover)
