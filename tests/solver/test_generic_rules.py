"""The solver's generic rostering rules (issue #4): each offers more work than a
rule allows and asserts what the solver fills; every roster goes through the checker."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from flexpool.checker import check
from solver import SolverConfig, solve
from tests.builders import roster as roster_of
from tests.builders import worker
from tests.generic_builders import day_shift, generic_scenario
from tests.solver.checked import CONFIG, solved


def filled(days: list[int] | None = None, **kwargs: Any) -> int:
    return solved(generic_scenario(days, **kwargs)).objective.filled_slots


def test_max_consecutive_days() -> None:
    assert filled(list(range(7)), work_rules={"max_consecutive_days": 3}) == 6
    assert filled(list(range(7)), work_rules={"max_consecutive_days": 7}) == 7


def test_min_consecutive_days() -> None:
    assert filled([2, 3], work_rules={"min_consecutive_days": 3}) == 0
    assert filled([0, 1], work_rules={"min_consecutive_days": 3}) == 2  # touches the horizon start
    assert filled([2, 3, 4], work_rules={"min_consecutive_days": 3}) == 3


def test_min_consecutive_days_off() -> None:
    assert filled([1, 3], work_rules={"min_consecutive_days_off": 2}) == 1
    assert filled([1, 4], work_rules={"min_consecutive_days_off": 2}) == 2


def test_max_weekends() -> None:
    assert filled([5, 12], work_rules={"max_weekends": 1}) == 1
    assert filled([5, 6], work_rules={"max_weekends": 1}) == 2
    assert filled([5, 6, 7], work_rules={"max_weekends": 0}) == 1


def test_max_total_minutes_and_label() -> None:
    assert filled([1, 2, 3], work_rules={"max_total_minutes": 960}) == 2
    assert filled([1, 2, 3], work_rules={"max_shifts_by_label": {"D": 1}}) == 1


def test_min_total_minutes_forces_over_staffing_at_its_cost() -> None:
    s = generic_scenario(shifts=[day_shift(1, headcount=0, max_headcount=1, over_cost=5)],
                         work_rules={"min_total_minutes": 480})
    result = solve(s, CONFIG)
    assert check(s, result.roster).legal
    assert len(result.roster.assignments) == 1
    assert [(p.name, p.points) for p in result.penalties] == [("over-staffing", 5)]


def test_over_staffing_fills_nothing_and_costs() -> None:
    workers = [worker(f"w{i}") for i in range(1, 4)]
    s = generic_scenario(shifts=[day_shift(1, max_headcount=3, over_cost=1)], workers=workers)
    roster = solved(s)
    assert len(roster.assignments) == 1


def test_forbidden_succession() -> None:
    shifts = [day_shift(1, "L", "14:00", "22:00"), day_shift(2, "E", "07:00", "15:00")]
    assert solved(generic_scenario(shifts=shifts, rules={"forbidden_successions": [["L", "E"]]})
                  ).objective.filled_slots == 1
    assert solved(generic_scenario(shifts=shifts, rules={"forbidden_successions": [["E", "L"]]})
                  ).objective.filled_slots == 2


@pytest.mark.parametrize("late_start", ["15:00", "10:00"])
def test_forbidden_successions_to_several_shifts_of_the_next_day(late_start: str) -> None:
    """A night forbids both the early and the late shift of the next day, whether those
    two overlap (one at-most-one constraint) or not (a clause per pair). Without the rule
    one worker would hold the night too, and two workers every shift."""
    shifts = [day_shift(1, "N", "20:00", "23:59"), day_shift(2, "E", "07:00", "11:00"),
              day_shift(2, "L", late_start, "19:00")]
    rules = {"forbidden_successions": [["N", "E"], ["N", "L"]]}
    next_day = 2 if late_start == "15:00" else 1  # what one worker can hold of E and L
    one = solved(generic_scenario(shifts=shifts, rules=rules))
    assert one.objective.filled_slots == next_day
    two = solved(generic_scenario(shifts=shifts, rules=rules, workers=[worker("w1"), worker("w2")]))
    assert two.objective.filled_slots == 1 + next_day


def test_max_shifts_per_day() -> None:
    shifts = [day_shift(1, "A", "06:00", "10:00"), day_shift(1, "B", "18:00", "22:00")]
    assert solved(generic_scenario(shifts=shifts, rules={"max_shifts_per_day": 1})).objective.filled_slots == 1
    assert solved(generic_scenario(shifts=shifts)).objective.filled_slots == 2


def test_shift_wish_and_load_balance() -> None:
    workers = [worker("w1"), worker("w2", preferences={"shifts": {"D1": 5}})]
    roster = solved(generic_scenario(shifts=[day_shift(1)], workers=workers))
    assert [(a.shift, a.worker) for a in roster.assignments] == [("D1", "w2")]
    workers = [worker("w1", preferences={"shifts": {"D1": 1, "D2": 1}}), worker("w2")]
    balanced = solved(generic_scenario([1, 2], workers=workers, weights={"load_balance": 5}))
    assert {a.worker for a in balanced.assignments} == {"w1", "w2"}


def test_minimums_no_greedy_start_can_meet_are_repaired_worker_by_worker(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding shift by shift never meets ``min_total_minutes``, so the start is empty
    and illegal; the one-worker repair gives each worker a legal part, also where no
    whole model is built (regions above its size)."""
    monkeypatch.setattr(importlib.import_module("solver.solve"), "WHOLE_MODEL_VARIABLES", 0)
    workers = [worker(w, work_rules={"min_total_minutes": 960}) for w in ("w1", "w2")]
    s = generic_scenario(shifts=[day_shift(d, max_headcount=2) for d in range(1, 5)], workers=workers)
    result = solve(s, CONFIG)
    assert check(s, result.roster).legal
    assert result.roster.objective.filled_slots == 4
    assert any(st["stage"] == "first legal roster" for st in result.stages)


def test_workers_repaired_without_filling_once_filling_keeps_failing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With no patience for the filling attempt (and no construction), every worker
    goes straight to the one-worker search for any legal part (the long-horizon path);
    the roster is still legal."""
    neighbourhoods = importlib.import_module("solver.neighbourhoods")
    monkeypatch.setattr(neighbourhoods, "legal_part", lambda *args: None)
    monkeypatch.setattr(neighbourhoods, "REPAIR_FILL_PATIENCE", 0)
    workers = [worker(w, work_rules={"min_total_minutes": 960}) for w in ("w1", "w2")]
    s = generic_scenario(shifts=[day_shift(d, max_headcount=2) for d in range(1, 5)], workers=workers)
    result = solve(s, CONFIG)
    assert check(s, result.roster).legal
    repair = next(st for st in result.stages if st["stage"] == "first legal roster")
    assert repair["status"] == "FEASIBLE"


def test_workers_get_their_parts_by_construction_when_models_would_be_too_slow(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With no time share for one-worker models, every illegal worker's part is built
    by construction (solver/construct.py); the roster is legal and fills what it can."""
    neighbourhoods = importlib.import_module("solver.neighbourhoods")
    monkeypatch.setattr(neighbourhoods, "PACE_WORKERS", 0)
    monkeypatch.setattr(neighbourhoods, "CONSTRUCT_SHARE", 0.0)
    built: list[str] = []

    def counted(ctx: Any, timeline: Any, who: Any, *args: Any) -> list[str] | None:
        built.append(who.id)
        return neighbourhoods_legal_part(ctx, timeline, who, *args)

    neighbourhoods_legal_part = neighbourhoods.legal_part
    monkeypatch.setattr(neighbourhoods, "legal_part", counted)
    workers = [worker(w, work_rules={"min_total_minutes": 960}) for w in ("w1", "w2")]
    s = generic_scenario(shifts=[day_shift(d, max_headcount=2) for d in range(1, 5)], workers=workers)
    result = solve(s, CONFIG)
    assert sorted(built) == ["w1", "w2"]
    assert check(s, result.roster).legal
    assert result.roster.objective.filled_slots == 4


def test_a_minimum_no_roster_can_meet_ends_unknown_and_hands_out_nothing() -> None:
    """``w1`` needs 40 h but only four 8-hour shifts exist: the repair cannot make the
    roster legal, so the stage says ``INCOMPLETE``, no roster is handed out, and the
    result is ``unknown`` with no assignments, never an illegal roster."""
    s = generic_scenario(shifts=[day_shift(d) for d in range(1, 5)],
                         workers=[worker("w1", work_rules={"min_total_minutes": 2400})])
    handed_out: list[list[tuple[str, str]]] = []
    result = solve(s, SolverConfig(time_limit_s=5, workers=2, seed=1, on_roster=handed_out.append))
    assert result.roster.status == "unknown"
    assert result.roster.assignments == []
    assert handed_out == []
    repair = next(st for st in result.stages if st["stage"] == "first legal roster")
    assert repair["status"] == "INCOMPLETE" and repair["unrepaired_workers"] == 1


def test_every_roster_handed_out_meets_the_minimums() -> None:
    """The greedy start breaks ``min_total_minutes`` here, so it is never handed out as an
    incumbent (a service stores those, and may publish one after a cancel)."""
    workers = [worker(w, work_rules={"min_total_minutes": 960}) for w in ("w1", "w2")]
    s = generic_scenario(shifts=[day_shift(d, max_headcount=2) for d in range(1, 5)], workers=workers)
    handed_out: list[list[tuple[str, str]]] = []
    solve(s, SolverConfig(time_limit_s=10, workers=2, seed=1, on_roster=handed_out.append))
    assert handed_out
    for pairs in handed_out:
        assert check(s, roster_of(pairs)).legal


def test_a_pin_on_a_kind_capped_at_zero_is_dropped_with_the_rule() -> None:
    """A worker pinned to a night who may work none: the pin is dropped, and says why."""
    s = generic_scenario(shifts=[day_shift(1, "N", "22:00", "23:59")], work_rules={"max_shifts_by_label": {"N": 0}},
                         pinned=[{"shift": "N1", "worker": "w1"}])
    roster = solved(s)
    assert roster.assignments == []
    (dropped,) = roster.dropped_pins or []
    assert [r.code for r in dropped.reasons] == ["label-cap"]
