"""Shared builders for the generic rostering rules (issue #4): a two-week horizon of
daily 08:00-16:00 shifts ``d0``..``d13`` (d0 is Monday 2026-11-30, d5/d6 the first
weekend) with the Arbeidstijdenwet loosened, so only the generic rule under test binds."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flexpool.model import Scenario
from tests.builders import scenario, shift, worker

HORIZON = ("2026-11-30", "2026-12-13")
LOOSE_RULES = {"weekly_rest_minutes": 0, "min_daily_rest_minutes": 0, "reduced_daily_rest_minutes": 0,
               "max_week_minutes": 100_000, "max_avg_week_minutes_4w": 100_000,
               "max_avg_week_minutes_16w": 100_000}


def day(d: int) -> str:
    return (date(2026, 11, 30) + timedelta(days=d)).isoformat()


def day_shift(d: int, label: str = "D", start: str = "08:00", end: str = "16:00",
              **fields: Any) -> dict[str, Any]:
    return shift(f"{day(d)}T{start}", f"{day(d)}T{end}", f"{label}{d}", label=label, **fields)


def generic_scenario(days: list[int] | None = None, *, work_rules: dict[str, Any] | None = None,
                     rules: dict[str, Any] | None = None, shifts: list[dict[str, Any]] | None = None,
                     workers: list[dict[str, Any]] | None = None, **fields: Any) -> Scenario:
    """One worker ``w1`` with ``work_rules``; shifts ``d<i>`` on ``days`` (default all 14)."""
    if shifts is None:
        shifts = [day_shift(d) for d in (range(14) if days is None else days)]
    return scenario(horizon=HORIZON, rules={**LOOSE_RULES, **(rules or {})},
                    workers=workers or [worker("w1", work_rules=work_rules or {})],
                    shifts=shifts, **fields)
