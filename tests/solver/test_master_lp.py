"""The master LP kept between rounds answers as one built afresh (solver/master_lp.py)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from ortools.linear_solver import pywraplp

from solver.master_lp import MasterLP

HEADS = {"mon": 1, "tue": 1, "wed": 2}
PATTERNS = [  # (worker, shifts, penalty)
    ("ann", {"mon"}, 0),
    ("bob", {"tue", "wed"}, 3),
    ("ann", {"mon", "wed"}, 5),
    ("bob", {"wed"}, 0),
    ("cas", {"tue"}, 1),
    ("cas", {"mon", "tue", "wed"}, 9),
]


def master(bounded: bool = True) -> MasterLP:
    return MasterLP(heads=HEADS, extra={"mon": 0, "tue": 0, "wed": 1}, fill_weight=dict.fromkeys(HEADS, 100),
                    over_cost={"mon": 0, "tue": 0, "wed": 7}, priority=dict.fromkeys(HEADS, 3),
                    workers=["ann", "bob", "cas"], open_caps={}, no_pattern_cost=10_000, bounded=bounded)


def built_at_once(patterns: list[tuple[str, set[str], int]], bounded: bool = True) -> MasterLP:
    lp = master(bounded)
    for worker, shifts, penalty in patterns:
        lp.add(worker, frozenset(shifts), penalty)
    return lp


@pytest.mark.parametrize("bounded", [True, False])
def test_patterns_added_between_solves_give_the_lp_built_at_once(bounded: bool) -> None:
    growing = master(bounded)
    for count, (worker, shifts, penalty) in enumerate(PATTERNS, start=1):
        growing.add(worker, frozenset(shifts), penalty)
        grown, fresh = growing.solve(), built_at_once(PATTERNS[:count], bounded).solve()
        assert grown is not None and fresh is not None
        assert grown.value == pytest.approx(fresh.value)


def test_all_patterns_together_cover_every_place_at_the_least_penalty() -> None:
    solution = built_at_once(PATTERNS).solve()
    assert solution is not None
    # ann {mon, wed} (5), bob {wed} (0), cas {tue} (1): every place filled; cas must take a
    # pattern, and a second worker on tue has no place (no over-staffing there)
    assert solution.value == pytest.approx(6)
    assert solution.shares == {("ann", 1): pytest.approx(1), ("bob", 1): pytest.approx(1), ("cas", 0): pytest.approx(1)}


def test_a_fixed_worker_keeps_only_the_fixed_pattern_and_gets_all_back_when_released() -> None:
    lp = built_at_once(PATTERNS)
    free = lp.solve()
    lp.restrict({"ann": frozenset({0})})  # ann works Monday only
    fixed = lp.solve()
    only_that = built_at_once([p for p in PATTERNS if p[0] != "ann"] + [PATTERNS[0]]).solve()
    assert fixed is not None and only_that is not None and free is not None
    assert fixed.value == pytest.approx(only_that.value)
    assert fixed.value > free.value
    assert all(worker != "ann" or index == 0 for worker, index in fixed.shares)
    lp.restrict({})
    released = lp.solve()
    assert released is not None and released.value == pytest.approx(free.value)


def test_a_pattern_added_to_a_restricted_worker_stays_out_of_play_until_allowed() -> None:
    lp = built_at_once(PATTERNS[:2])
    lp.restrict({"ann": frozenset({0})})
    lp.add("ann", frozenset({"mon", "wed"}), 0)  # would fill a place of wed for free
    fixed = lp.solve()
    lp.restrict({})
    released = lp.solve()
    assert fixed is not None and released is not None
    assert ("ann", 1) not in fixed.shares
    assert released.value == pytest.approx(fixed.value - 100)
    lp.restrict({"ann": frozenset({1})})  # only the new one: as when a shift is forced on ann
    forced = lp.solve()
    assert forced is not None and set(forced.shares) >= {("ann", 1)} and ("ann", 0) not in forced.shares


def test_a_worker_without_patterns_is_priced_by_the_artificial_column() -> None:
    solution = master().solve()
    assert solution is not None
    assert solution.value == pytest.approx(3 * 10_000 + 100 * sum(HEADS.values()))
    assert solution.prices == {sid: pytest.approx(100) for sid in HEADS}


def cheap_places(open_caps: dict[int, int]) -> MasterLP:
    """An open place costs 1, less than ann's second shift (5 more): left alone, the
    LP leaves a place of wed open."""
    lp = MasterLP(heads=HEADS, extra={"mon": 0, "tue": 0, "wed": 0}, fill_weight=dict.fromkeys(HEADS, 1),
                  over_cost=dict.fromkeys(HEADS, 0), priority=dict.fromkeys(HEADS, 3),
                  workers=["ann", "bob", "cas"], open_caps=open_caps, no_pattern_cost=10_000, bounded=True)
    for worker, shifts, penalty in [("ann", {"mon"}, 0), ("ann", {"mon", "wed"}, 5), ("bob", {"wed"}, 0),
                                    ("cas", {"tue"}, 1)]:
        lp.add(worker, frozenset(shifts), penalty)
    return lp


def test_a_cap_on_open_places_added_later_binds_as_one_given_at_the_start() -> None:
    free = cheap_places({}).solve()
    capped_later = cheap_places({})
    capped_later.cap_open({3: 0})
    later, at_start = capped_later.solve(), cheap_places({3: 0}).solve()
    assert free is not None and later is not None and at_start is not None
    assert free.value == pytest.approx(2)  # cas 1, one place of wed open 1
    assert later.value == pytest.approx(at_start.value) == pytest.approx(6)  # ann takes wed too: 5 + cas 1
    assert later.shares[("ann", 1)] == pytest.approx(1)


@pytest.mark.parametrize("caps", [[0, 1], [1, 0]])
def test_a_level_capped_twice_keeps_the_lower_cap(caps: list[int]) -> None:
    lp = cheap_places({3: caps[0]})
    lp.cap_open({3: caps[1]})
    solution = lp.solve()
    assert solution is not None and solution.value == pytest.approx(6)


class _Abnormal:
    """A GLOP solver whose solves end ABNORMAL, as a warm-started one can stay."""

    def __init__(self, lp: pywraplp.Solver) -> None:
        self._lp = lp

    def Solve(self) -> int:
        return pywraplp.Solver.ABNORMAL

    def __getattr__(self, name: str) -> Any:
        return getattr(self._lp, name)


def test_a_solve_glop_fails_in_place_is_done_again_on_the_lp_loaded_afresh() -> None:
    """Every row and column is found again in the loaded LP: it gives the same value,
    and restricting a worker and adding a pattern afterwards work as before (the LP is
    degenerate: its prices and shares need not be the same)."""
    lp, fresh = built_at_once(PATTERNS[:-1]), built_at_once(PATTERNS[:-1])
    lp._lp = _Abnormal(lp._lp)
    reloaded, expected = lp.solve(), fresh.solve()
    assert reloaded is not None and expected is not None
    assert reloaded.value == pytest.approx(expected.value)
    worker, shifts, penalty = PATTERNS[-1]
    for master_lp in (lp, fresh):
        master_lp.restrict({"ann": frozenset({0})})
        master_lp.add(worker, frozenset(shifts), penalty)
    after, expected = lp.solve(), fresh.solve()
    assert after is not None and expected is not None
    assert after.value == pytest.approx(expected.value)
    assert {i for w, i in after.shares if w == "ann"} == {0}


class _Timed:
    """A GLOP solver that records the time limits it is given."""

    def __init__(self, lp: pywraplp.Solver) -> None:
        self._lp = lp
        self.limits_ms: list[int] = []

    def SetTimeLimit(self, milliseconds: int) -> None:
        self.limits_ms.append(milliseconds)
        self._lp.SetTimeLimit(milliseconds)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._lp, name)


def test_glop_gets_the_time_left_to_the_deadline_and_solves_as_without() -> None:
    lp, unlimited = built_at_once(PATTERNS), built_at_once(PATTERNS)
    timed = lp._lp = _Timed(lp._lp)
    solution, expected = lp.solve(deadline=time.monotonic() + 5.0), unlimited.solve()
    assert len(timed.limits_ms) == 1 and 4_000 < timed.limits_ms[0] <= 5_000
    assert solution is not None and expected is not None
    assert solution.value == pytest.approx(expected.value)


def test_a_master_whose_deadline_has_passed_is_not_solved() -> None:
    """A dive then ends in its integer master rather than wait on GLOP past its time."""
    assert built_at_once(PATTERNS).solve(deadline=time.monotonic() - 0.1) is None
