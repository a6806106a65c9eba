"""On models too large for whole-model wishes, neighbourhoods fill the greedy start
before the level stages (``solver.solve._fill_first``): the wishes the start honoured
survive where a level stage's roster would keep none of them."""

from __future__ import annotations

import importlib

import pytest

from flexpool.model import Roster
from solver.solve import SolverConfig, solve
from tests.builders import wish_strands_a_shift


def solved_wish_strands_a_shift() -> Roster:
    return solve(wish_strands_a_shift(), SolverConfig(time_limit_s=3, workers=2, seed=0)).roster


def test_a_large_model_fills_the_start_by_neighbourhoods_first(monkeypatch: pytest.MonkeyPatch) -> None:
    solve_module = importlib.import_module("solver.solve")
    monkeypatch.setattr(solve_module, "EXACT_MODEL_VARIABLES", 0)  # as if the model were large
    monkeypatch.setattr(solve_module, "MIN_LARGE_STAGE_SECONDS", 0.1)  # and its stages still fit
    roster = solved_wish_strands_a_shift()
    first = next(st for st in roster.stats["stages"] if st["stage"] == "neighbourhoods: fill first")
    assert first["value"] == 2
    assert {(a.shift, a.worker) for a in roster.assignments} == {("urgent", "w2"), ("wound-care", "w1")}


def test_a_small_model_goes_straight_to_its_level_stages() -> None:
    roster = solved_wish_strands_a_shift()
    assert "neighbourhoods: fill first" not in [st["stage"] for st in roster.stats["stages"]]
    assert roster.objective.filled_slots == 2
