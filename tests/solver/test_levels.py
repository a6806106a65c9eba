"""Proving the top priority levels on their own shifts (``solver.levels``).

Spec, Weights: filling comes first and lexicographically by priority, as many
priority-5 slots as possible, then priority 4, and so on. So the best fill of a
level is decided by the shifts of that level and above, once the levels above
keep what they reached; that holds only while every rule is monotone.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from flexpool.checker import CheckContext, check
from flexpool.eligibility import EligibilityContext, eligible_workers
from flexpool.model import Scenario
from flexpool.timeline import Timeline
from solver import SolverConfig, solve
from solver.levels import level_bound, merge_top, pairs_from_level, rules_are_monotone
from solver.space import Pair, RosterSpace
from tests.builders import roster as roster_of
from tests.builders import worker
from tests.generic_builders import day_shift, generic_scenario

solve_module = importlib.import_module("solver.solve")  # (the package exports the function as ``solve``)


def space_of(s: Scenario, pinned: set[Pair] | None = None) -> RosterSpace:
    timeline = Timeline.of(s)
    ctx = EligibilityContext(s, timeline)
    return RosterSpace(s, timeline, ctx, eligible_workers(ctx), pinned or set())


def capped(shifts: list[dict[str, Any]], per_week: int = 2) -> Scenario:
    """One worker ``w1`` who may work ``per_week`` shifts a week (contract, hard)."""
    return generic_scenario(shifts=shifts, workers=[worker("w1", contract={"max_shifts_per_week": per_week})])


@pytest.mark.parametrize(("work_rules", "monotone"), [
    ({}, True),
    ({"max_consecutive_days": 3}, True),  # a maximum: dropping a shift never breaks it
    ({"min_total_minutes": 480}, False),
    ({"min_consecutive_days": 3}, False),
    ({"min_consecutive_days_off": 2}, False),
])
def test_only_minimum_rules_make_dropping_a_shift_unsafe(work_rules: dict[str, Any], monotone: bool) -> None:
    assert rules_are_monotone(generic_scenario(work_rules=work_rules)) is monotone


def test_level_bound_is_the_exact_optimum_on_the_shifts_of_that_level_and_above() -> None:
    """Three priority-5 shifts, a contract of two shifts a week: no roster fills more
    than two, and the lower shift is not part of the model."""
    s = capped([day_shift(d, priority=5) for d in (0, 1, 2)] + [day_shift(3, priority=3)])
    space = space_of(s)
    assert set(pairs_from_level(space, 5)) == {"D0", "D1", "D2"}
    proof = level_bound(space, 5, {}, set(), seconds=5, workers=1)
    assert (proof.bound, proof.exact) == (2, True)
    assert len(proof.roster) == 2
    assert {sid for _, sid in proof.roster} <= {"D0", "D1", "D2"}


def test_level_bound_keeps_the_levels_above_at_what_they_reached() -> None:
    """Two shifts a week: priority 4 could take both of its shifts, but not while the
    priority-5 shift keeps its one filled slot."""
    s = capped([day_shift(0, priority=5), day_shift(1, priority=4), day_shift(2, priority=4)])
    space = space_of(s)
    assert level_bound(space, 4, {}, set(), seconds=5, workers=1).bound == 2
    kept = level_bound(space, 4, {5: 1}, set(), seconds=5, workers=1)
    assert (kept.bound, kept.exact) == (1, True)
    assert ("w1", "D0") in kept.roster


def overlapping(workers: list[str]) -> Scenario:
    """A priority-5 day shift ``H1`` and an overlapping priority-3 shift ``L1``."""
    return generic_scenario(workers=[worker(w) for w in workers], shifts=[
        day_shift(1, "H", "08:00", "16:00", priority=5), day_shift(1, "L", "12:00", "20:00", priority=3)])


@pytest.mark.parametrize(("workers", "merged"), [
    (["w1", "w2"], {("w1", "H1"), ("w2", "L1")}),  # another worker takes the freed shift
    (["w1"], {("w1", "H1")}),  # nobody else can: it stays open
])
def test_merge_top_gives_up_the_lower_shift_that_conflicts(workers: list[str], merged: set[Pair]) -> None:
    """w1 gains the priority-5 shift in the top roster; it overlaps the priority-3
    shift w1 held, which w1 gives up, and the result passes the checker."""
    s = overlapping(workers)
    check_ctx = CheckContext.of(s)
    result = merge_top(check_ctx, space_of(s), {("w1", "L1")}, {("w1", "H1")}, 5)
    assert result == merged
    violations = check(s, roster_of([(sid, w) for w, sid in sorted(result)]), check_ctx).violations
    assert not violations, [v.message for v in violations]


def test_merge_top_refuses_to_drop_a_pinned_shift() -> None:
    """The same conflict, but w1's priority-3 shift is pinned: no merge."""
    s = overlapping(["w1", "w2"])
    space = space_of(s, pinned={("w1", "L1")})
    assert merge_top(CheckContext.of(s), space, {("w1", "L1")}, {("w1", "H1")}, 5) is None


def test_whole_model_stages_are_skipped_when_they_cannot_reach_a_roster() -> None:
    """A stage must outlast presolve (about ``STAGE_SECONDS_PER_PAIR`` per pair):
    62,000 pairs over five levels need minutes, not the 50 s a 60-s solve has left."""
    assert not solve_module._whole_stages_fit(62_000, 50.0, 5)
    assert solve_module._whole_stages_fit(62_000, 600.0, 5)
    assert not solve_module._whole_stages_fit(1_000, 10.0, 5)  # below the five-second floor


def test_solve_without_a_whole_model_proves_the_top_level_and_closes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Taken as a large model whose stages would not fit, the solve proves priority 5
    on its own shifts (two of three under the contract), keeps that fill, and says so."""
    monkeypatch.setattr(solve_module, "EXACT_MODEL_VARIABLES", 0)
    monkeypatch.setattr(solve_module, "_whole_stages_fit", lambda *_: False)
    s = capped([day_shift(d, priority=5) for d in (0, 1, 2)] + [day_shift(3, priority=3)])
    result = solve(s, SolverConfig(time_limit_s=5, workers=1))
    stages = {st["stage"]: st for st in result.stages}
    assert "priority 5" not in stages  # no whole-model stage
    assert stages["priority 5 (top levels)"]["bound"] == 2
    assert result.roster.objective.filled_by_priority["5"] == 2
    assert result.roster.objective.bound_by_priority["5"] == 2
    assert not check(s, result.roster).violations
