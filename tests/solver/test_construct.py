"""A legal part for one worker by construction (solver/construct.py): each test sets
rules that a shift-by-shift fill cannot meet and asserts the part the construction
builds; the checker judges every part."""

from __future__ import annotations

from typing import Any

from flexpool.checker import CheckContext, check_worker
from flexpool.eligibility import EligibilityContext, eligible_workers
from flexpool.model import Scenario
from flexpool.timeline import Timeline
from solver.construct import legal_part
from tests.builders import worker
from tests.generic_builders import day_shift, generic_scenario


def part_of(s: Scenario, values: dict[str, int] | None = None, pinned: frozenset[str] = frozenset(),
            worker_id: str = "w1") -> list[str] | None:
    timeline = Timeline.of(s)
    eligible = eligible_workers(EligibilityContext(s, timeline))
    shifts = [sid for sid, ws in eligible.items() if worker_id in ws]
    ctx = CheckContext.of(s)
    who = next(w for w in s.workers if w.id == worker_id)
    part = legal_part(ctx, timeline, who, shifts, lambda sid: (values or {}).get(sid, 1), set(pinned))
    if part is not None:
        assert check_worker(ctx, worker_id, part) == []
    return part


def rules(**work_rules: Any) -> Scenario:
    return generic_scenario(work_rules=work_rules)


def test_exact_total_minutes_with_runs_and_days_off() -> None:
    """Ten 8-hour shifts in two weeks, runs of at most 5 days, 2 days off between."""
    part = part_of(rules(min_total_minutes=4800, max_total_minutes=4800, max_consecutive_days=5,
                         min_consecutive_days_off=2))
    assert part is not None and len(part) == 10


def test_no_weekend_when_none_is_allowed() -> None:
    part = part_of(rules(min_total_minutes=4800, max_weekends=0))
    assert part == [f"D{d}" for d in (0, 1, 2, 3, 4, 7, 8, 9, 10, 11)]


def test_inner_runs_meet_the_minimum_and_edge_runs_are_exempt() -> None:
    """Only d0 and d13 are worth working: runs touching the horizon's edges may be one
    day long, so the part is exactly those two days (7 of 8 hours a day needed: 16 h)."""
    values = {f"D{d}": (5 if d in (0, 13) else -1) for d in range(14)}
    s = rules(min_total_minutes=960, min_consecutive_days=3)
    assert part_of(s, values) == ["D0", "D13"]


def test_the_most_valuable_days_within_a_maximum() -> None:
    values = {"D3": 5, "D9": 4, "D11": 3}
    s = rules(min_total_minutes=960, max_total_minutes=960)
    assert part_of(s, values) == ["D3", "D9"]


def test_labels_under_their_caps_and_minutes_from_two_lengths() -> None:
    """28 hours from 8-hour days (label D, at most 2) and 10-hour lates (L): only one
    day and two lates add up, and no day follows a late."""
    shifts = [day_shift(d) for d in range(14)] + [day_shift(d, "L", "12:00", "22:00") for d in range(14)]
    s = generic_scenario(shifts=shifts, rules={"forbidden_successions": [["L", "D"]]},
                         workers=[worker("w1", work_rules={"min_total_minutes": 1680, "max_total_minutes": 1700,
                                                           "max_shifts_by_label": {"D": 2}})])
    part = part_of(s)
    assert part is not None
    assert sorted(p[0] for p in part) == ["D", "L", "L"]


def test_a_pinned_shift_is_part_of_it() -> None:
    values = {f"D{d}": (0 if d == 6 else 3) for d in range(14)}
    s = rules(min_total_minutes=960, max_total_minutes=960)
    part = part_of(s, values, pinned=frozenset({"D6"}))
    assert part is not None and "D6" in part and len(part) == 2


def test_none_when_the_minimum_is_out_of_reach() -> None:
    """Four 8-hour shifts cannot give 40 hours: the caller falls back to an exact model."""
    s = generic_scenario(shifts=[day_shift(d) for d in range(1, 5)],
                         workers=[worker("w1", work_rules={"min_total_minutes": 2400})])
    assert part_of(s) is None


def test_fixed_work_counts_towards_the_minimum_and_as_a_day_with_work() -> None:
    """8 hours of fixed work on d2 leave 8 hours to find, never on d2 itself, and the
    run around d2 may not exceed 2 days."""
    home = {"start": "2026-12-02T08:00:00+01:00", "end": "2026-12-02T16:00:00+01:00"}
    s = generic_scenario(workers=[worker("w1", fixed_work=[home],
                                         work_rules={"min_total_minutes": 960, "max_total_minutes": 960,
                                                     "max_consecutive_days": 2})])
    part = part_of(s)
    assert part is not None and len(part) == 1 and part != ["D2"]


def test_a_maximum_run_longer_than_the_horizon_changes_nothing() -> None:
    """Runs of at most 200 days (more run states than an int8 can name) over 14 days
    choose the same days as no maximum at all."""
    values = {"D3": 5, "D9": 4, "D11": 3}
    unlimited = part_of(rules(min_total_minutes=960, max_total_minutes=960, min_consecutive_days_off=2), values)
    long_runs = part_of(rules(min_total_minutes=960, max_total_minutes=960, min_consecutive_days_off=2,
                              max_consecutive_days=200), values)
    assert unlimited == long_runs == ["D3", "D9"]
