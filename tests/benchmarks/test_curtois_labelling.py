"""The labelling pricer (``benchmarks/curtois/labelling.py``): the cheapest legal roster
row, as brute force over the independent evaluator finds it, and the same least reduced
cost as flexpool's CP-SAT pricing on a real instance."""

from __future__ import annotations

import itertools
import random

import pytest

from benchmarks.curtois.evaluator import hard_violations
from benchmarks.curtois.instance import Instance
from benchmarks.curtois.labelling import compare, least_cost_pattern
from tests.benchmarks.test_curtois_evaluator import tiny

TWO_SHIFTS = ("E,480,", "L,600,E")  # an early may not follow a late (README rule 2)


def cheapest_by_brute_force(instance: Instance, cost: dict[tuple[int, str], float]) -> float | None:
    """Every row of shifts and days off, kept when the evaluator finds it legal."""
    choices = [None, *(st.id for st in instance.shift_types)]
    best = None
    for row in itertools.product(choices, repeat=instance.horizon):
        if any(s is not None and (d, s) not in cost for d, s in enumerate(row)):
            continue
        if hard_violations(instance, [list(row)]):
            continue
        value = sum(cost[d, s] for d, s in enumerate(row) if s is not None)
        best = value if best is None else min(best, value)
    return best


def random_costs(instance: Instance, seed: int) -> dict[tuple[int, str], float]:
    """Costs of -9 to 6, mostly negative as under a master LP's prices: the rules bind, and
    single days between dear ones tempt short runs."""
    rng = random.Random(seed)
    return {(d, st.id): rng.randint(-9, 6) for d in range(instance.horizon) for st in instance.shift_types
            if d not in instance.staff[0].days_off}


# ID, MaxShifts, MaxTotalMinutes, MinTotalMinutes, MaxConsecutiveShifts, MinConsecutiveShifts,
# MinConsecutiveDaysOff, MaxWeekends: each contract makes other rules bind.
CONTRACTS = [
    "A,E=9|L=9,100000,0,3,2,2,0",  # runs of 2-3, two days off between, no weekend
    "A,E=2|L=9,4200,2400,4,1,1,2",  # at most two earlies; minutes between 2,400 and 4,200
    "A,E=9|L=0,100000,1920,9,3,3,2",  # earlies only, runs of 3 or more, four shifts at least
]


@pytest.mark.parametrize("contract", CONTRACTS)
@pytest.mark.parametrize("days_off", ["A,4", "A,1,7"])
@pytest.mark.parametrize("seed", range(4))
def test_the_labelling_finds_the_cheapest_legal_row(contract: str, days_off: str, seed: int) -> None:
    """README section 4: the cheapest row over all 3^9 rows the evaluator accepts, with
    required days off (rule 10); days off 1 and 7 leave runs of one day at each edge,
    which only the edge exemptions (rules 7-8) allow."""
    instance = tiny(horizon=9, shifts=TWO_SHIFTS, staff=(contract,), days_off=(days_off,))
    cost = random_costs(instance, seed)
    priced = least_cost_pattern(instance, instance.staff[0], cost)
    expected = cheapest_by_brute_force(instance, cost)
    assert priced is not None and expected is not None
    assert priced.cost == expected
    row = [priced.shifts.get(d) for d in range(instance.horizon)]
    assert hard_violations(instance, [row]) == []
    assert sum(cost[d, s] for d, s in priced.shifts.items()) == priced.cost


def test_no_legal_row_is_none() -> None:
    """Rule 5 beyond reach: 4,000 minutes cannot be worked in 7 days with runs of 2 at most
    and two days off between them."""
    instance = tiny(horizon=7, shifts=TWO_SHIFTS, staff=("A,E=7|L=7,100000,4000,2,1,2,2",))
    assert least_cost_pattern(instance, instance.staff[0], random_costs(instance, 0)) is None


def test_the_labelling_and_flexpools_pricing_agree_on_instance4() -> None:
    """Under the duals of two column-generation rounds, every employee's least reduced
    cost is the same by both: the solver's one-worker model holds the README's rules."""
    rows = compare(4, rounds=2)
    assert len(rows) == 10
    assert all(r.proven for r in rows)
    assert [r.employee for r in rows if not r.agrees] == []
