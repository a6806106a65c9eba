"""The constructive start: scarce shifts first, and the planner's baseline by start."""

from __future__ import annotations

import pytest

from flexpool.checker import CheckContext
from flexpool.eligibility import EligibilityContext, eligible_workers
from flexpool.model import Scenario
from flexpool.timeline import Timeline
from solver.greedy import greedy_assignments
from tests.builders import scenario, shift, worker
from tests.generic_builders import day_shift, generic_scenario


def two_shifts_one_specialist() -> Scenario:
    """Two shifts at the same time; only ``w1`` may do the later-listed wound-care shift."""
    specialist = worker("w1", roles=["verpleegkundige", "wondzorg"])
    generalist = worker("w2")
    return scenario(
        workers=[specialist, generalist],
        shifts=[
            shift("2026-11-30T07:00", "2026-11-30T15:00", "a-general"),
            shift("2026-11-30T07:00", "2026-11-30T15:00", "b-wound-care", roles=["wondzorg"]),
        ],
    )


def greedy(s: Scenario, order: str) -> set[tuple[str, str]]:
    eligible = eligible_workers(EligibilityContext(s, Timeline.of(s)))
    return set(greedy_assignments(s, CheckContext.of(s), eligible, order=order))  # type: ignore[arg-type]


def test_priority_order_gives_the_scarce_shift_its_only_worker_first() -> None:
    assert greedy(two_shifts_one_specialist(), "priority") == {("w1", "b-wound-care"), ("w2", "a-general")}


def test_start_order_works_down_the_list_like_a_planner() -> None:
    """The baseline takes the first legal worker for the first shift, and strands the second."""
    assert greedy(two_shifts_one_specialist(), "start") == {("w1", "a-general")}


def one_shift_three_workers(wishes: dict[str, int]) -> Scenario:
    """One place; ``wishes`` maps a worker to their wish for it (``preferences.shifts``)."""
    return scenario(
        workers=[worker(w, preferences={"shifts": {"early": wishes[w]}} if wishes.get(w) else {})
                 for w in ("w1", "w2", "w3")],
        shifts=[shift("2026-11-30T07:00", "2026-11-30T15:00", "early")],
    )


def test_the_solver_start_gives_a_shift_to_the_worker_who_wished_for_it() -> None:
    """Any of the three could work it; ``w3`` asked for it, so ``w3`` gets it."""
    assert greedy(one_shift_three_workers({"w3": 60}), "priority") == {("w3", "early")}


def test_the_solver_start_passes_over_a_worker_who_wished_not_to_work_it() -> None:
    """``w1`` comes first when no one wishes anything, and is passed over once they wish not to."""
    assert greedy(one_shift_three_workers({}), "priority") == {("w1", "early")}
    assert greedy(one_shift_three_workers({"w1": -60}), "priority") == {("w2", "early")}


def test_the_planner_baseline_knows_nothing_of_wishes() -> None:
    assert greedy(one_shift_three_workers({"w3": 60, "w1": -60}), "start") == {("w1", "early")}


def test_a_higher_priority_shift_still_comes_before_a_scarcer_lower_one() -> None:
    s = scenario(
        workers=[worker("w1", roles=["verpleegkundige", "wondzorg"])],
        shifts=[
            shift("2026-11-30T07:00", "2026-11-30T15:00", "urgent", priority=5),
            shift("2026-11-30T07:00", "2026-11-30T15:00", "scarce", priority=2, roles=["wondzorg"]),
        ],
    )
    assert greedy(s, "priority") == {("w1", "urgent")}


def test_a_worker_no_single_shift_brings_to_their_minimum_is_left_to_the_repair(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``w1`` needs 16 h over the horizon; every first shift of 8 h is refused for that
    minimum alone, so after the first refusal ``w1`` is not checked again (on a year-long
    horizon those checks cost seconds), while ``w2`` is served as usual."""
    import solver.greedy as greedy_module

    checked: list[str] = []
    real_check = greedy_module.check_worker

    def counting(ctx: CheckContext, worker_id: str, shift_ids: list[str]) -> list[object]:
        checked.append(worker_id)
        return real_check(ctx, worker_id, shift_ids)

    monkeypatch.setattr(greedy_module, "check_worker", counting)
    s = generic_scenario(shifts=[day_shift(d, max_headcount=2) for d in range(1, 6)],
                         workers=[worker("w1", work_rules={"min_total_minutes": 960}), worker("w2")])
    chosen = greedy(s, "priority")
    assert {w for w, _ in chosen} == {"w2"}
    assert len(chosen) == 5
    assert checked.count("w1") == 1


def test_the_solver_start_keeps_touching_shifts_apart_and_the_baseline_does_not() -> None:
    """09:00-13:00 and 13:00-17:00 join into one legal 8-hour period (the checker's
    reading); the solver's start keeps its stricter one (docs/rules.md, section 5), so
    the model accepts the start as its hint. The planner's baseline takes both."""
    s = scenario(workers=[worker("w1")],
                 shifts=[shift("2026-11-30T09:00", "2026-11-30T13:00", "morning"),
                         shift("2026-11-30T13:00", "2026-11-30T17:00", "afternoon")])
    assert len(greedy(s, "priority")) == 1
    assert greedy(s, "start") == {("w1", "morning"), ("w1", "afternoon")}
