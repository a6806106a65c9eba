"""The per-worker queries the rules ask of a model: the worker's items, found by time."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from ortools.sat.python import cp_model

from flexpool.eligibility import EligibilityContext, eligible_workers
from flexpool.model import Scenario
from flexpool.timeline import Timeline
from solver.variables import Variables
from tests.builders import fixed, scenario, shift, worker


def day(d: int) -> str:
    """Date of the horizon week: day(0) is Monday 2026-11-30 (negative: fixed-work history)."""
    return (date(2026, 11, 30) + timedelta(days=d)).isoformat()


def variables(s: Scenario) -> Variables:
    timeline = Timeline.of(s)
    ctx = EligibilityContext(s, timeline)
    return Variables.build(cp_model.CpModel(), s, timeline, ctx, eligible_workers(ctx))


@pytest.fixture(scope="module")
def worker_with_history() -> Variables:
    """Fixed nights and days in the two weeks before the horizon, and a week of shifts
    of unequal lengths (a long sleep-in night among them) in it."""
    history = [fixed(f"{day(d)}T22:00", f"{day(d + 1)}T07:00") for d in range(-14, -10)]
    history += [fixed(f"{day(d)}T08:00", f"{day(d)}T12:00") for d in range(-7, -2)]
    shifts = [shift(f"{day(d)}T07:00", f"{day(d)}T15:00") for d in range(0, 7)]
    shifts += [shift(f"{day(d)}T15:00", f"{day(d)}T23:00") for d in range(0, 7, 2)]
    shifts.append(shift(f"{day(3)}T21:00", f"{day(4)}T09:00"))
    return variables(scenario(workers=[worker(fixed_work=history)], shifts=shifts))


def test_placed_between_is_every_item_overlapping_the_interval(worker_with_history: Variables) -> None:
    v = worker_with_history
    placed = v.placed("w1")
    ends = sorted({p.item.end for p in placed} | {p.item.start for p in placed})
    for lo in ends[::3]:
        for hi in (lo + 1, lo + 600, lo + 3000, lo + 20000):
            expected = [p for p in placed if p.item.start < hi and p.item.end > lo]
            assert v.placed_between("w1", lo, hi) == expected


def test_placed_starting_is_every_item_starting_in_the_interval(worker_with_history: Variables) -> None:
    v = worker_with_history
    placed = v.placed("w1")
    for lo in sorted({p.item.end for p in placed}):
        hi = lo + 660
        assert v.placed_starting("w1", lo + 480, hi) == [p for p in placed if lo + 480 <= p.item.start < hi]


def test_week_minutes_keeps_fixed_work_apart_from_shifts(worker_with_history: Variables) -> None:
    """History weeks hold only fixed minutes; the horizon week only (minutes, literal) terms."""
    fixed_minutes, terms = worker_with_history.week_minutes("w1")
    placed = worker_with_history.placed("w1")
    assert sum(fixed_minutes.values()) == sum(p.item.work_minutes for p in placed if p.fixed)
    assert sorted(c for week in terms.values() for c, _ in week) == sorted(
        p.item.work_minutes for p in placed if not p.fixed)
    assert set(terms).isdisjoint(fixed_minutes)
