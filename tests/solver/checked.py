"""Solve a test scenario and insist the independent checker accepts the roster."""

from __future__ import annotations

from flexpool.checker import check
from flexpool.model import Roster, Scenario
from solver import SolverConfig, solve

CONFIG = SolverConfig(time_limit_s=10, workers=2, seed=1)


def solved(s: Scenario, config: SolverConfig = CONFIG) -> Roster:
    """The solver's roster, after asserting that it breaks no rule."""
    roster = solve(s, config).roster
    violations = check(s, roster).violations
    assert not violations, [v.message for v in violations]
    return roster
