"""Neighbourhood groups stay small models: a fraction of the region, and of a step's pairs."""

from __future__ import annotations

import pytest

from flexpool.eligibility import EligibilityContext, eligible_workers
from flexpool.model import Scenario
from flexpool.timeline import Timeline
from solver import neighbourhoods
from solver.neighbourhoods import NeighbourhoodSearch
from tests.builders import worker
from tests.generic_builders import generic_scenario


def search_over(s: Scenario) -> NeighbourhoodSearch:
    timeline = Timeline.of(s)
    ctx = EligibilityContext(s, timeline)
    return NeighbourhoodSearch(s, timeline, ctx, eligible_workers(ctx), set(), {3: 1})


def region(workers: int) -> Scenario:
    return generic_scenario(workers=[worker(f"w{i}") for i in range(workers)])


def test_a_group_is_a_quarter_of_the_region_between_six_and_twenty_four() -> None:
    assert search_over(region(8)).group_size == 6
    assert search_over(region(40)).group_size == 10
    assert search_over(region(120)).group_size == 24


def test_long_horizons_make_smaller_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each worker brings 14 candidate pairs; with room for 42 a group has 3 workers,
    and never fewer than 2."""
    monkeypatch.setattr(neighbourhoods, "STEP_PAIRS", 42)
    assert search_over(region(40)).group_size == 3
    monkeypatch.setattr(neighbourhoods, "STEP_PAIRS", 1)
    assert search_over(region(40)).group_size == 2
