"""pytest-benchmark timings of the hot paths at region size M (``make bench``).

Each benchmark also asserts what it computed, so a fast wrong answer fails.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ortools.sat.python import cp_model

from flexpool.checker import CheckContext, check
from flexpool.eligibility import EligibilityContext, eligible_workers
from flexpool.model import Scenario
from flexpool.scenario import load_scenario
from flexpool.timeline import Timeline
from solver.greedy import greedy_assignments
from solver.rules import add_hard_rules
from solver.variables import Variables

M = Path(__file__).resolve().parents[1] / "examples" / "twente" / "twente-M.json"


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(M)


@pytest.fixture(scope="module")
def eligible(scenario: Scenario) -> dict[str, list[str]]:
    return eligible_workers(EligibilityContext(scenario, Timeline.of(scenario)))


def test_load_and_validate(benchmark) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(M.read_text())
    s = benchmark(load_scenario, data)
    assert len(s.workers) == 600


def test_eligibility(benchmark, scenario: Scenario) -> None:  # type: ignore[no-untyped-def]
    result = benchmark(lambda: eligible_workers(EligibilityContext(scenario, Timeline.of(scenario))))
    assert sum(map(len, result.values())) > 10_000


def test_model_building(benchmark, scenario: Scenario, eligible: dict[str, list[str]]) -> None:  # type: ignore[no-untyped-def]
    def build() -> cp_model.CpModel:
        model = cp_model.CpModel()
        timeline = Timeline.of(scenario)
        v = Variables.build(model, scenario, timeline, EligibilityContext(scenario, timeline), eligible)
        add_hard_rules(v)
        return model

    model = benchmark.pedantic(build, rounds=3, iterations=1)
    assert len(model.proto.constraints) > 10_000


def test_checker(benchmark, scenario: Scenario, eligible: dict[str, list[str]]) -> None:  # type: ignore[no-untyped-def]
    chosen = greedy_assignments(scenario, CheckContext.of(scenario), eligible)
    roster = {"format": "flexpool-roster/1", "scenario": scenario.name, "status": "feasible",
              "assignments": [{"shift": s, "worker": w} for w, s in chosen],
              "objective": {"filled_slots": len(chosen), "total_slots": 0}}
    result = benchmark.pedantic(lambda: check(scenario, roster), rounds=3, iterations=1)
    assert result.legal
