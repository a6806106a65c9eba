"""On a large model the level stages share ``PROOF_SHARE_LARGE`` of the time and
neighbourhoods fill on after them; where rules over the whole horizon keep those
steps out of windows, the stages get ``PROOF_SHARE_WHOLE_HORIZON`` instead
(``solver.solve._prove_levels``)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from solver.solve import SolverConfig, solve
from tests.builders import wish_strands_a_shift

TIME_LIMIT = 4.0


def level_stage_budget(monkeypatch: pytest.MonkeyPatch, **work_rules: Any) -> float:
    """The seconds a large model's priority-3 stage is given: the greedy start strands
    that level's wound care (:func:`tests.builders.wish_strands_a_shift`), and no dive
    or neighbourhood fills it before the stage."""
    solve_module = importlib.import_module("solver.solve")
    monkeypatch.setattr(solve_module, "EXACT_MODEL_VARIABLES", 0)  # as if the model were large
    monkeypatch.setattr(solve_module, "MIN_LARGE_STAGE_SECONDS", 0.1)  # and its stages still fit
    monkeypatch.setattr(solve_module, "PATTERN_MODEL_VARIABLES", 0)  # no dive fills it first
    monkeypatch.setattr(solve_module, "PROBED_PATTERN_VARIABLES", 0)  # not even after a quick round
    monkeypatch.setattr(solve_module, "_fill_first", lambda *args: None)  # nor do neighbourhoods
    budgets: dict[str, float] = {}
    run_stage = solve_module._Run.run_stage

    def recording(self: Any, name: str, budget: float, *args: Any, **kwargs: Any) -> Any:
        budgets[name] = budget
        return run_stage(self, name, budget, *args, **kwargs)

    monkeypatch.setattr(solve_module._Run, "run_stage", recording)
    s = wish_strands_a_shift(**({"work_rules": work_rules} if work_rules else {}))
    roster = solve(s, SolverConfig(time_limit_s=TIME_LIMIT, workers=2, seed=0)).roster
    assert roster.objective.filled_slots == 2
    return budgets["priority 3"]


def test_windowed_neighbourhoods_leave_the_level_stages_under_a_third_of_the_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert level_stage_budget(monkeypatch) <= 0.3 * TIME_LIMIT


def test_under_a_rule_over_the_whole_horizon_the_level_stages_get_most_of_the_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert level_stage_budget(monkeypatch, max_weekends=4) >= 0.7 * TIME_LIMIT
