"""Explanations for open slots name the rule or credential, with numbers and dates."""

from __future__ import annotations

import importlib

import pytest

from flexpool.checker import CheckContext
from flexpool.eligibility import EligibilityContext, eligible_workers
from flexpool.timeline import Timeline
from solver import SolverConfig, solve
from solver.explain import explain_unfilled
from tests.builders import organisation, scenario, shift, worker
from tests.generic_builders import day_shift, generic_scenario

CONFIG = SolverConfig(time_limit_s=5, seed=1)
BIG = "big:verpleegkundige"


def test_expired_registration_is_named_with_its_date() -> None:
    """Both nurses' BIG registrations end on 2 December; a shift on the 3rd has no one."""
    nurses = [worker(f"w{i}", credentials=[{"code": "induction:loc", "kind": "induction"},
                                           {"code": BIG, "kind": "bevoegd", "valid_until": "2026-12-02"}])
              for i in (1, 2)]
    s = scenario(workers=nurses, shifts=[shift("2026-12-03T07:00", "2026-12-03T15:00", "s", requires=[BIG])])
    (unfilled,) = solve(s, CONFIG).roster.unfilled
    message = unfilled.reasons[0].message
    assert unfilled.reasons[0].code == "no-eligible-worker"
    assert f"no worker holds {BIG} valid on 2026-12-03 (2 registrations expired on 2026-12-02)" in message


def test_blocked_workers_are_counted_by_rule() -> None:
    """One worker, two overlapping shifts: the open one says the worker is busy then."""
    s = scenario(shifts=[shift("2026-11-30T07:00", "2026-11-30T15:00", "a", priority=5),
                         shift("2026-11-30T08:00", "2026-11-30T12:00", "b", priority=1)])
    (unfilled,) = solve(s, CONFIG).roster.unfilled
    assert unfilled.shift == "b"
    assert unfilled.reasons[0].code == "eligible-workers-blocked"
    assert "1 eligible worker not assigned here, all blocked: 1 by another shift at the same time (OVERLAP)" \
        in unfilled.reasons[0].message


def test_rest_after_a_night_series_is_named() -> None:
    """Three nights, then a Friday early: the early stays open because of ATW-N5."""
    nights = [shift(f"2026-12-0{d}T23:00", f"2026-12-0{d + 1}T07:00", f"n{d}", priority=5) for d in (1, 2, 3)]
    s = scenario(shifts=[*nights, shift("2026-12-05T07:00", "2026-12-05T15:00", "early", priority=1)])
    (unfilled,) = solve(s, CONFIG).roster.unfilled
    assert unfilled.shift == "early"
    assert "(ATW-N5)" in unfilled.reasons[0].message


def test_shift_too_long_for_the_cao_is_explained() -> None:
    """A 10 h night at a hospital whose CAO allows 9 h: no one may work it."""
    s = scenario(organisations=[organisation(rules={"max_night_shift_minutes": 540})],
                 shifts=[shift("2026-11-30T21:00", "2026-12-01T07:00", "long")])
    (unfilled,) = solve(s, CONFIG).roster.unfilled
    assert unfilled.reasons[0].code == "night-too-long"
    assert "600 min of work" in unfilled.reasons[0].message


def test_soft_penalties_are_reported_by_name() -> None:
    """A worker who avoids Monday but is the only one: the avoid penalty is listed."""
    w = worker(preferences={"avoid": [{"start": "2026-11-30T00:00", "end": "2026-12-01T00:00", "weight": 5}]})
    s = scenario(workers=[w], shifts=[shift("2026-11-30T07:00", "2026-11-30T15:00")])
    result = solve(s, CONFIG)
    assert result.roster.objective.filled_slots == 1
    assert ("w1", "avoid", 50) in [(p.worker, p.name, p.points) for p in result.penalties]


def test_blocked_workers_are_counted_also_where_no_whole_model_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regions too big for a whole model are explained from eligibility, not from the
    (empty) model: the worker is eligible for the open shift, and busy."""
    monkeypatch.setattr(importlib.import_module("solver.solve"), "WHOLE_MODEL_VARIABLES", 0)
    s = scenario(shifts=[shift("2026-11-30T07:00", "2026-11-30T15:00", "a", priority=5),
                         shift("2026-11-30T08:00", "2026-11-30T12:00", "b", priority=1)])
    (unfilled,) = solve(s, CONFIG).roster.unfilled
    assert unfilled.reasons[0].code == "eligible-workers-blocked"


def test_past_the_deadline_open_slots_are_counted_not_checked() -> None:
    """Explaining checks every eligible worker against the roster; past its deadline the
    reason says how many are eligible and that they were not checked one by one."""
    s = scenario(workers=[worker("w1"), worker("w2")],
                 shifts=[shift("2026-11-30T07:00", "2026-11-30T15:00", "a", headcount=3)])
    ctx = EligibilityContext(s, Timeline.of(s))
    eligible = eligible_workers(ctx)
    (unfilled,) = explain_unfilled(s, ctx, CheckContext.of(s), eligible, [("a", "w1")], {"a": 1}, deadline=0.0)
    assert unfilled.missing == 2
    assert [r.code for r in unfilled.reasons] == ["not-checked"]
    assert unfilled.reasons[0].message.startswith("1 eligible worker not assigned here; not checked one by one")


def test_a_kind_no_one_may_work_is_named_with_its_rule() -> None:
    """The only worker may work no nights (``max_shifts_by_label`` N: 0): the open night
    says so, where a planner would otherwise look for a busy or absent worker."""
    s = generic_scenario(shifts=[day_shift(1, "N", "22:00", "23:59")],
                         work_rules={"max_shifts_by_label": {"N": 0}})
    (unfilled,) = solve(s, CONFIG).roster.unfilled
    assert unfilled.reasons[0].code == "no-eligible-worker"
    assert unfilled.reasons[0].message.endswith("of 1 workers: 1 may work no shifts of this kind")
