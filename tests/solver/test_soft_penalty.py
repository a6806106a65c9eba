"""A roster's ``soft_penalty`` is what its own penalties add up to, whichever stage
found it (docs/format.md, Objective): the whole model's preferences stage, or the
neighbourhoods that improve the wishes on models too large for it."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from flexpool.model import Roster
from flexpool.scenario import load_scenario
from solver.solve import SolverConfig, solve

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "example-scenario.json"


def solved() -> Roster:
    return solve(load_scenario(EXAMPLE.read_text()), SolverConfig(time_limit_s=5, workers=2, seed=0)).roster


@pytest.fixture
def without_tree(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No branch-and-price: a roster it proved cheapest would need no wishes stage."""
    monkeypatch.setattr(importlib.import_module("solver.columns"), "TREE_SHARE", 0.0)
    return monkeypatch


def stages(roster: Roster) -> list[str]:
    return [str(st["stage"]) for st in roster.stats["stages"]]


def test_soft_penalty_of_a_roster_proven_cheapest() -> None:
    roster = solved()
    assert roster.status == "optimal"
    assert "preferences" not in stages(roster)
    assert roster.penalties
    assert roster.objective.soft_penalty == sum(p.points for p in roster.penalties)


def test_soft_penalty_of_the_whole_models_roster(without_tree: pytest.MonkeyPatch) -> None:
    roster = solved()
    assert "preferences" in stages(roster)
    assert roster.penalties, "the example's workers have wishes the roster cannot all meet"
    assert roster.objective.soft_penalty == sum(p.points for p in roster.penalties)


def test_soft_penalty_of_a_roster_whose_wishes_neighbourhoods_improved(without_tree: pytest.MonkeyPatch) -> None:
    # as if the model were too large for the whole-model preferences stage
    without_tree.setattr(importlib.import_module("solver.solve"), "EXACT_MODEL_VARIABLES", 0)
    roster = solved()
    assert "neighbourhoods: wishes" in stages(roster)
    assert roster.objective.soft_penalty == sum(p.points for p in roster.penalties or [])
    assert roster.objective.soft_penalty is not None
