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
from tests.builders import worker as worker_of
from tests.generic_builders import day_shift, generic_scenario

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


def test_a_kind_capped_at_zero_is_no_candidate() -> None:
    """GEN-KIND-MAX with a cap of 0: the worker may work no night at all, so no night
    is a candidate pair (the reason names the rule); days stay candidates, and a cap of
    1 excludes nothing."""
    nights = [day_shift(d, "N", "22:00", "23:59") for d in (1, 2)]
    s = generic_scenario(shifts=[day_shift(1), *nights],
                         workers=[worker_of("w1", work_rules={"max_shifts_by_label": {"N": 0}}),
                                  worker_of("w2", work_rules={"max_shifts_by_label": {"N": 1}})])
    ctx = EligibilityContext(s, Timeline.of(s))
    assert eligible_workers(ctx) == {"D1": ["w1", "w2"], "N1": ["w2"], "N2": ["w2"]}
    why = exclusion(ctx, s.workers[0], s.shifts[1])
    assert why is not None and (why.code, why.rule) == ("label-cap", "GEN-KIND-MAX")
    assert "'N'" in why.message
