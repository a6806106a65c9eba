"""The Curtois-Qu adapter: instance -> scenario -> roster -> matrix, and the engine on Instance1."""

from __future__ import annotations

import pytest

from benchmarks.curtois.adapter import curtois_objective, from_matrix, to_matrix, to_scenario
from benchmarks.curtois.evaluator import evaluate, read_roster_tsv
from benchmarks.curtois.instance import DATA_DIR, load_instance
from flexpool.checker import check
from solver import SolverConfig, solve

REFERENCES = [(1, "Instance1.monolith_test.608.tsv", 608), (10, "Instance10.monolith_test.4650.tsv", 4650)]


@pytest.mark.parametrize(("number", "name", "objective"), REFERENCES)
def test_published_roster_round_trips_and_is_legal(number: int, name: str, objective: int) -> None:
    instance = load_instance(number)
    matrix = read_roster_tsv(DATA_DIR / "reference_rosters" / name, instance)
    scenario = to_scenario(instance)
    roster = from_matrix(instance, matrix)
    assert to_matrix(instance, roster) == [list(row) for row in matrix]
    result = check(scenario, roster)
    assert result.legal, str(result)
    assert evaluate(instance, matrix).objective == objective


def test_checker_and_evaluator_agree_on_a_broken_roster() -> None:
    instance = load_instance(1)
    matrix = [list(r) for r in read_roster_tsv(DATA_DIR / "reference_rosters" / REFERENCES[0][1], instance)]
    staff = instance.staff[0]
    day_off = min(staff.days_off)
    matrix[0][day_off] = instance.shift_ids[0]
    assert not evaluate(instance, matrix).feasible
    assert not check(to_scenario(instance), from_matrix(instance, matrix)).legal


def test_scenario_mapping() -> None:
    instance = load_instance(2)
    scenario = to_scenario(instance)
    assert len(scenario.workers) == len(instance.staff)
    assert len(scenario.shifts) == instance.horizon * len(instance.shift_types)
    assert scenario.horizon.start.weekday() == 0
    first = instance.staff[0]
    rules = scenario.workers[0].work_rules
    assert (rules.max_weekends, rules.min_total_minutes) == (first.max_weekends, first.min_total_minutes)
    assert scenario.rules.forbidden_successions == [
        (st.id, nxt) for st in instance.shift_types for nxt in st.forbidden_next]


def test_instance1_reaches_the_best_known_607() -> None:
    instance = load_instance(1)
    scenario = to_scenario(instance)
    roster = solve(scenario, SolverConfig(time_limit_s=20, workers=2, seed=0)).roster
    assert check(scenario, roster).legal
    evaluation = evaluate(instance, to_matrix(instance, roster))
    assert evaluation.feasible
    assert evaluation.objective == curtois_objective(instance, roster) == 607
