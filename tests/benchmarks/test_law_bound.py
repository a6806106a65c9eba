"""The bound on what any legal roster fills (``benchmarks.law_bound``): it sees the
law where the plain model (``benchmarks.plain_fill``) does not."""

from __future__ import annotations

from benchmarks.law_bound import law_fill_bound
from benchmarks.plain_fill import plain_fill
from tests.builders import scenario, shift, worker


def test_the_law_bound_keeps_the_daily_rest_the_plain_model_ignores() -> None:
    """A late shift and an early one 6 h apart: the daily rest (11 h, once a week 8 h;
    ATW art. 5:3) lets one worker take only one of them; the plain model takes both."""
    s = scenario(workers=[worker("w1")], shifts=[
        shift("2026-11-30T15:00", "2026-11-30T23:00", "late"),
        shift("2026-12-01T05:00", "2026-12-01T13:00", "early"),
    ])
    bound, converged, _ = law_fill_bound(s, seconds=10, workers=1)
    assert (bound, converged) == (1, True)
    assert plain_fill(s, time_limit_s=5, workers=1).filled == 2


def test_without_time_the_bound_is_every_slot() -> None:
    s = scenario(workers=[worker("w1")], shifts=[shift("2026-11-30T08:00", "2026-11-30T16:00", "day")])
    assert law_fill_bound(s, seconds=-1, workers=1)[:2] == (1, False)
