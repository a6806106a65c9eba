"""Generic rostering rules (issue #4) as CP-SAT constraints, one function per rule.

Per worker, ``work_rules`` (runs of days with work, days off, weekends, total
minutes, shifts per label); per scenario, ``rules.forbidden_successions`` and
``rules.max_shifts_per_day``. Each function returns at once when nothing sets
its field, so scenarios without them build exactly the model they did before.

The per-worker rules count work items (shifts and fixed work) starting on a
horizon date; days outside the horizon count as days off, and runs touching
the horizon's first or last date are exempt from the minimums, as in
:mod:`flexpool.checker` (GEN-*), which judges the same readings independently.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from ortools.sat.python import cp_model

from flexpool.model import Worker
from solver.variables import Placed, Variables

Flag = cp_model.IntVar | int


def _ruled_workers(v: Variables, *fields: str) -> list[Worker]:
    return [w for w in v.active_workers()
            if any(getattr(w.work_rules, f) not in (None, {}) for f in fields)]


def _worked(v: Variables, worker: Worker, dates: list[date]) -> list[Flag]:
    return [v.day_flag(worker.id, d, nights_only=False) for d in dates]


def _lit(value: Flag, positive: bool) -> cp_model.IntVar | bool:
    """The clause literal "value == positive" (a Python bool when value is constant)."""
    if isinstance(value, int):
        return bool(value) == positive
    return value if positive else value.Not()


def _forbid_pattern(v: Variables, flags: list[Flag], first: int, length: int, inside: bool) -> None:
    """Forbid ``not inside`` at ``first - 1`` and ``first + length``, ``inside`` in between."""
    clause: list[cp_model.IntVar] = []
    for i in range(first - 1, first + length + 1):
        edge = i in (first - 1, first + length)
        # the pattern holds when flag == (inside if not edge else not inside); forbid it
        lit = _lit(flags[i], positive=not inside if not edge else inside)
        if lit is True:
            return
        if lit is not False:
            clause.append(lit)
    if clause:  # an all-fixed pattern is an input warning, not ours to repair
        v.model.add_bool_or(clause)


def add_max_consecutive_days(v: Variables) -> None:
    """Hard. Runs of days with work are at most ``work_rules.max_consecutive_days`` long.

    Every window of ``limit + 1`` horizon dates holds a day off.

    Source: issue #4 (GEN-MAX-DAYS).
    """
    dates = v.scenario.horizon.dates
    for worker in _ruled_workers(v, "max_consecutive_days"):
        limit = worker.work_rules.max_consecutive_days
        assert limit is not None
        flags = _worked(v, worker, dates)
        for i in range(len(dates) - limit):
            window = flags[i:i + limit + 1]
            if any(isinstance(f, int) and f == 0 for f in window):
                continue
            v.model.add(sum(window) <= limit)


def add_min_consecutive_days(v: Variables) -> None:
    """Hard. Runs of days with work not touching the horizon's edges are at least
    ``min_consecutive_days`` long; runs of days off between work at least
    ``min_consecutive_days_off`` long (forbidden patterns 0 1..1 0 and 1 0..0 1).

    Source: issue #4 (GEN-MIN-DAYS, GEN-MIN-OFF).
    """
    dates = v.scenario.horizon.dates
    n = len(dates)
    for worker in _ruled_workers(v, "min_consecutive_days", "min_consecutive_days_off"):
        flags = _worked(v, worker, dates)
        rules = worker.work_rules
        for need, inside in ((rules.min_consecutive_days, True),
                             (rules.min_consecutive_days_off, False)):
            if need is None:
                continue
            for length in range(1, need):
                for first in range(1, n - length):
                    _forbid_pattern(v, flags, first, length, inside)


def add_max_weekends(v: Variables) -> None:
    """Hard. At most ``work_rules.max_weekends`` weekends (Saturday and the Sunday
    after it) with work.

    Source: issue #4 (GEN-WEEKENDS).
    """
    dates = v.scenario.horizon.dates
    for worker in _ruled_workers(v, "max_weekends"):
        cap = worker.work_rules.max_weekends
        assert cap is not None
        flags = dict(zip(dates, _worked(v, worker, dates), strict=True))
        weekends: dict[date, list[Flag]] = defaultdict(list)
        for d, f in flags.items():
            if d.weekday() >= 5 and not (isinstance(f, int) and f == 0):
                weekends[d - timedelta(days=d.weekday() - 5)].append(f)
        worked: list[Flag] = []
        for key, days in weekends.items():
            if any(isinstance(f, int) and f == 1 for f in days):
                worked.append(1)
            elif len(days) == 1:
                worked.append(days[0])
            else:
                flag = v.model.new_bool_var(f"weekend[{worker.id},{key}]")
                for f in days:
                    v.model.add_implication(f, flag)
                v.model.add_bool_or(days).only_enforce_if(flag)
                worked.append(flag)
        if len(worked) > cap:
            v.model.add(sum(worked) <= cap)


def add_total_minutes(v: Variables) -> None:
    """Hard. Working minutes over the horizon within ``min_total_minutes`` and
    ``max_total_minutes``; shifts per label at most ``max_shifts_by_label``.

    A minimum that cannot be met makes the model infeasible (no roster is legal).

    Source: issue #4 (GEN-MIN-TOTAL, GEN-MAX-TOTAL, GEN-KIND-MAX).
    """
    h = v.scenario.horizon
    for worker in _ruled_workers(v, "min_total_minutes", "max_total_minutes", "max_shifts_by_label"):
        rules = worker.work_rules
        inside = [p for p in v.placed(worker.id) if h.contains(p.item.start_date)]
        const = sum(p.item.work_minutes for p in inside if p.fixed)
        terms = [(p.item.work_minutes, p.lit) for p in inside if p.lit is not None]
        if rules.max_total_minutes is not None:
            v.cap((worker.id, "total-minutes"), terms, const, rules.max_total_minutes)
        if rules.min_total_minutes is not None and rules.min_total_minutes > const:
            v.model.add(sum(c * lit for c, lit in terms) >= rules.min_total_minutes - const)
        for label, cap in rules.max_shifts_by_label.items():
            labelled = [p for p in inside if p.item.label == label]
            fixed = sum(1 for p in labelled if p.fixed)
            v.cap((worker.id, "label", label), [(1, p.lit) for p in labelled if p.lit is not None],
                  fixed, cap)


def add_forbidden_successions(v: Variables) -> None:
    """Hard. No shift labelled b starts on the date after one labelled a, for each
    ``[a, b]`` in ``rules.forbidden_successions``.

    Source: issue #4 (GEN-SUCCESSION; a forward-rotation rule).
    """
    followers: dict[str, set[str]] = defaultdict(set)
    for a, b in v.scenario.rules.forbidden_successions:
        followers[a].add(b)
    if not followers:
        return
    one = timedelta(days=1)
    for worker in v.active_workers():
        by_day = v.placed_by_day(worker.id)
        for day, items in by_day.items():
            for first in items:
                banned = followers.get(first.item.label or "", set())
                seconds = [p for p in by_day.get(day + one, ()) if p.item.label in banned]
                if seconds:
                    _forbid_after(v, first, seconds)


def _forbid_after(v: Variables, first: Placed, seconds: list[Placed]) -> None:
    """None of ``seconds`` with ``first``: one at-most-one when no-overlap already keeps
    ``seconds`` apart, else a clause per pair."""
    free = [p.lit for p in seconds if p.lit is not None]
    if len(free) == len(seconds) and _overlap_pairwise(seconds):
        if first.lit is None:
            v.model.add_bool_and([~lit for lit in free])
        else:
            v.model.add_at_most_one([first.lit, *free])
        return
    for second in seconds:
        if first.lit is None and second.lit is None:
            continue  # fixed work alone: an input warning
        if first.lit is None:
            v.model.add(second.lit == 0)
        elif second.lit is None:
            v.model.add(first.lit == 0)
        else:
            v.model.add_bool_or([~first.lit, ~second.lit])


def _overlap_pairwise(placed: list[Placed]) -> bool:
    """True when every two of these items overlap in time (on a line: when all share a moment)."""
    return max(p.item.start for p in placed) < min(p.item.end for p in placed)


def add_max_shifts_per_day(v: Variables) -> None:
    """Hard. At most ``rules.max_shifts_per_day`` work items start on one local date.

    Source: issue #4 (GEN-PER-DAY; Timefold's one shift per day).
    """
    cap = v.scenario.rules.max_shifts_per_day
    if cap is None:
        return
    for worker in v.active_workers():
        for day, items in v.placed_by_day(worker.id).items():
            terms = [(1, p.lit) for p in items if p.lit is not None]
            if terms:
                v.cap((worker.id, "per-day", day), terms, len(items) - len(terms), cap)


GENERIC_RULES = (
    add_max_consecutive_days,
    add_min_consecutive_days,
    add_max_weekends,
    add_total_minutes,
    add_forbidden_successions,
    add_max_shifts_per_day,
)
