"""The checker's generic rostering rules (GEN-*, issue #4), as allow/forbid pairs."""

from __future__ import annotations

from typing import Any

import pytest

from flexpool.checker import check
from tests.builders import roster, worker
from tests.generic_builders import day_shift, generic_scenario

ALL = list(range(14))


def rules_broken(work: list[int], *, work_rules: dict[str, Any] | None = None,
                 label: str = "D", **kwargs: Any) -> set[str]:
    s = generic_scenario(work_rules=work_rules, **kwargs)
    return check(s, roster([(f"{label}{d}", "w1") for d in work])).rules


@pytest.mark.parametrize(("work", "broken"), [
    ([1, 2, 3], False), ([1, 2, 3, 4], True), ([0, 1, 2, 3], True), ([10, 11, 12, 13], True),
])
def test_max_consecutive_days(work: list[int], broken: bool) -> None:
    assert ("GEN-MAX-DAYS" in rules_broken(work, work_rules={"max_consecutive_days": 3})) is broken


@pytest.mark.parametrize(("work", "broken"), [
    ([3], True), ([3, 4], False), ([0], False), ([13], False), ([0, 5, 6], False), ([5, 6, 9], True),
])
def test_min_consecutive_days_edges_exempt(work: list[int], broken: bool) -> None:
    assert ("GEN-MIN-DAYS" in rules_broken(work, work_rules={"min_consecutive_days": 2})) is broken


@pytest.mark.parametrize(("work", "broken"), [
    ([2, 4], True), ([2, 5], False), ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], False), ([], False),
])
def test_min_consecutive_days_off_edges_exempt(work: list[int], broken: bool) -> None:
    assert ("GEN-MIN-OFF" in rules_broken(work, work_rules={"min_consecutive_days_off": 2})) is broken


@pytest.mark.parametrize(("work", "broken"), [([5, 6], False), ([5, 13], True), ([6, 12], True)])
def test_max_weekends(work: list[int], broken: bool) -> None:
    assert ("GEN-WEEKENDS" in rules_broken(work, work_rules={"max_weekends": 1})) is broken


def test_max_weekends_zero_forbids_any_weekend_day() -> None:
    assert "GEN-WEEKENDS" in rules_broken([12], work_rules={"max_weekends": 0})
    assert "GEN-WEEKENDS" not in rules_broken([11], work_rules={"max_weekends": 0})


@pytest.mark.parametrize(("work", "min_broken", "max_broken"), [
    ([], True, False), ([1], True, False), ([1, 2], False, False), ([1, 2, 3], False, True),
])
def test_total_minutes(work: list[int], min_broken: bool, max_broken: bool) -> None:
    broken = rules_broken(work, work_rules={"min_total_minutes": 960, "max_total_minutes": 960})
    assert ("GEN-MIN-TOTAL" in broken) is min_broken
    assert ("GEN-MAX-TOTAL" in broken) is max_broken


def test_max_shifts_by_label() -> None:
    shifts = [day_shift(d, "N", "14:00", "22:00") for d in range(14)]
    assert "GEN-KIND-MAX" in rules_broken([1, 3], label="N", shifts=shifts,
                                          work_rules={"max_shifts_by_label": {"N": 1}})
    assert "GEN-KIND-MAX" not in rules_broken([1], label="N", shifts=shifts,
                                              work_rules={"max_shifts_by_label": {"N": 1}})


def test_forbidden_succession() -> None:
    s = generic_scenario(shifts=[day_shift(1, "L", "14:00", "22:00"), day_shift(2, "E", "07:00", "15:00"),
                                 day_shift(1, "E", "07:00", "15:00"), day_shift(2, "L", "14:00", "22:00")],
                         rules={"forbidden_successions": [["L", "E"]]})
    assert "GEN-SUCCESSION" in check(s, roster([("L1", "w1"), ("E2", "w1")])).rules
    assert check(s, roster([("E1", "w1"), ("L2", "w1")])).legal


def test_max_shifts_per_day() -> None:
    s = generic_scenario(shifts=[day_shift(1, "A", "06:00", "10:00"), day_shift(1, "B", "18:00", "22:00"),
                                 day_shift(2, "B", "18:00", "22:00")],
                         rules={"max_shifts_per_day": 1})
    assert "GEN-PER-DAY" in check(s, roster([("A1", "w1"), ("B1", "w1")])).rules
    assert check(s, roster([("A1", "w1"), ("B2", "w1")])).legal


def test_max_headcount_allows_over_staffing() -> None:
    workers = [worker(f"w{i}") for i in range(1, 5)]
    s = generic_scenario(shifts=[day_shift(1, max_headcount=3, over_cost=1)], workers=workers)
    assert check(s, roster([("D1", "w1"), ("D1", "w2"), ("D1", "w3")])).legal
    assert "HEADCOUNT" in check(s, roster([("D1", f"w{i}") for i in range(1, 5)])).rules


def test_defaults_change_nothing() -> None:
    s = generic_scenario()
    assert not s.workers[0].work_rules.active
    assert not {r for r in check(s, roster([(f"D{d}", "w1") for d in ALL])).rules if r.startswith("GEN-")}


def test_headcount_zero_needs_max_headcount() -> None:
    from flexpool.scenario import ScenarioError

    with pytest.raises(ScenarioError):
        generic_scenario(shifts=[day_shift(1, headcount=0)])
    assert generic_scenario(shifts=[day_shift(1, headcount=0, max_headcount=1)]).shifts[0].places == 1
