"""Eligibility found by indexes equals the rule applied to every pair.

:func:`flexpool.eligibility.eligible_workers` finds candidates by set indexes and
tests timing only for the shifts near a worker's unavailable windows and fixed
work; :func:`flexpool.eligibility.exclusion` is the rule itself, pair by pair.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from flexpool.eligibility import EligibilityContext, eligible_workers, exclusion
from flexpool.scenario import load_scenario
from flexpool.timeline import Timeline

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_indexed_eligibility_is_the_rule_pair_by_pair() -> None:
    """Twente S has unavailability, home rosters (fixed work next to shifts, too little
    rest), contracts, expiring credentials and travel limits: every kind of exclusion."""
    scenario = load_scenario((EXAMPLES / "twente" / "twente-S.json").read_text())
    ctx = EligibilityContext(scenario, Timeline.of(scenario))
    indexed = eligible_workers(ctx)
    kinds: Counter[str] = Counter()
    for shift in scenario.shifts:
        by_rule = []
        for worker in scenario.workers:
            why = exclusion(ctx, worker, shift)
            if why is None:
                by_rule.append(worker.id)
            else:
                kinds[why.code] += 1
        assert indexed[shift.id] == by_rule, shift.id
    assert {"unavailable", "fixed-work", "rest-with-fixed-work"} <= set(kinds), kinds
