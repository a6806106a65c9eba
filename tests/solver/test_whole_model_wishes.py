"""Who takes the wishes on a model too large to solve them exactly
(``solver.solve._large_wishes_on_whole_model``): CP-SAT on the whole model where rules over
the whole horizon keep neighbourhood steps from working in windows, and the time
left allows it; neighbourhoods otherwise."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from flexpool.model import Scenario
from flexpool.scenario import load_scenario
from solver.solve import SolverConfig, solve

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "example-scenario.json"
SOLVE_MODULE = importlib.import_module("solver.solve")


def example(*, whole_horizon_rule: bool) -> Scenario:
    scenario = load_scenario(EXAMPLE.read_text())
    if not whole_horizon_rule:
        return scenario
    # at most 10 weekends: binds no one in the example's horizon, but is a rule over all of it
    workers = [w.model_copy(update={"work_rules": w.work_rules.model_copy(update={"max_weekends": 10})})
               for w in scenario.workers]
    return scenario.model_copy(update={"workers": workers})


def wishes_stage(scenario: Scenario) -> str:
    result = solve(scenario, SolverConfig(time_limit_s=5, workers=2, seed=0))
    taken = [str(st["stage"]) for st in result.stages if st["stage"] in ("preferences", "neighbourhoods: wishes")]
    assert len(taken) == 1, taken
    return taken[0]


@pytest.fixture
def as_if_large(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setattr(SOLVE_MODULE, "EXACT_MODEL_VARIABLES", 0)
    # no branch-and-price: the example's roster proven cheapest would need no wishes stage at all
    monkeypatch.setattr(importlib.import_module("solver.columns"), "TREE_SHARE", 0.0)
    return monkeypatch


def test_rules_over_the_whole_horizon_give_the_wishes_to_the_whole_model(as_if_large: pytest.MonkeyPatch) -> None:
    assert wishes_stage(example(whole_horizon_rule=True)) == "preferences"


def test_windowed_rules_leave_the_wishes_to_neighbourhoods(as_if_large: pytest.MonkeyPatch) -> None:
    assert wishes_stage(example(whole_horizon_rule=False)) == "neighbourhoods: wishes"


def test_without_the_time_for_the_whole_model_neighbourhoods_take_the_wishes(as_if_large: pytest.MonkeyPatch) -> None:
    as_if_large.setattr(SOLVE_MODULE, "WHOLE_WISHES_PACE", 10 ** 9)
    assert wishes_stage(example(whole_horizon_rule=True)) == "neighbourhoods: wishes"
