"""The plain filling-only model (``benchmarks.plain_fill``): issue 3's yardstick.

It keeps eligibility, headcounts, overlaps and the contract, and nothing of the
Arbeidstijdenwet, so it may fill what no legal roster can; its bound therefore
bounds every legal roster's fill.
"""

from __future__ import annotations

from benchmarks.plain_fill import plain_fill
from solver import SolverConfig, solve
from tests.builders import scenario, shift, worker


def test_the_plain_model_ignores_the_daily_rest_a_legal_roster_keeps() -> None:
    """A late shift and an early one 6 h apart: the law's daily rest (11 h, once a
    week 8 h; ATW art. 5:3) lets one worker take only one; the plain model takes both."""
    s = scenario(workers=[worker("w1")], shifts=[
        shift("2026-11-30T15:00", "2026-11-30T23:00", "late"),
        shift("2026-12-01T05:00", "2026-12-01T13:00", "early"),
    ])
    plain = plain_fill(s, time_limit_s=5, workers=1)
    legal = solve(s, SolverConfig(time_limit_s=5, workers=1)).roster.objective
    assert (plain.filled, plain.bound, plain.status) == (2, 2, "OPTIMAL")
    assert legal.filled_slots == 1
    assert plain.filled_by_priority["3"] == 2


def test_the_plain_model_keeps_contract_hours_and_overlaps() -> None:
    """Three day shifts and one overlapping them, a contract of two shifts a week."""
    s = scenario(workers=[worker("w1", contract={"max_shifts_per_week": 2})], shifts=[
        shift("2026-11-30T08:00", "2026-11-30T16:00", "mon"),
        shift("2026-11-30T12:00", "2026-11-30T20:00", "mon-late", priority=5),
        shift("2026-12-02T08:00", "2026-12-02T16:00", "wed"),
        shift("2026-12-04T08:00", "2026-12-04T16:00", "fri"),
    ])
    plain = plain_fill(s, time_limit_s=5, workers=1)
    assert (plain.filled, plain.bound) == (2, 2)
