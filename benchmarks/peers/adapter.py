"""Timefold's employee-scheduling demo (neutral JSON) as a flexpool scenario, and back.

The mapping (documented in ``benchmarks/peers/README.md``):

- one organisation, one location per demo location; time zone UTC (the demo's
  times are naive, and no summer time falls in its weeks);
- each demo shift is a flexpool shift (same id) with ``roles = [required_skill]``,
  headcount 1; each employee a worker (id from the name) with ``roles = skills``;
- ``unavailable_dates`` become whole-date ``unavailable`` intervals (a shift
  overlapping the date is not eligible: the peer penalises its minutes there);
- desired / undesired dates become ``preferences.shifts``: + / - the shift's
  minutes on those dates, exactly as the peer counts them
  (:func:`benchmarks.peers.timefold_demo.minutes_on_date`);
- the peer's hard rules as scenario rules: 10 h between shifts
  (``min_daily_rest_minutes`` = ``reduced_daily_rest_minutes`` =
  ``rest_after_late_night_minutes`` = 600) and ``max_shifts_per_day`` = 1; every
  other Arbeidstijdenwet limit is loosened, so only the peer's rules apply;
- the peer's load balance (sqrt of the sum of squared deviations from the mean)
  is approximated by ``weights.load_balance`` x the sum of squared shift counts
  (the mean is fixed once every shift is assigned), against ``shift_wish`` per
  minute of wish.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import timedelta
from typing import Any

from benchmarks.peers.timefold_demo import Instance, minutes_on_date
from flexpool.model import Roster, Scenario

ORG = "hospital"
LOOSE = 10 ** 6
SHIFT_WISH_WEIGHT = 10
LOAD_BALANCE_WEIGHT = 1
PEER_RULES: dict[str, Any] = {
    "max_shift_minutes": LOOSE, "max_night_shift_minutes": LOOSE, "max_week_minutes": LOOSE,
    "max_avg_week_minutes_4w": LOOSE, "max_avg_week_minutes_16w": LOOSE,
    "max_avg_week_minutes_16w_night_workers": LOOSE, "min_daily_rest_minutes": 600,
    "reduced_daily_rest_minutes": 600, "weekly_rest_minutes": 0,
    "rest_after_late_night_minutes": 600, "rest_after_night_series_minutes": 0,
    "max_consecutive_shifts_with_night": 366, "max_late_nights_16w": LOOSE,
    "max_shifts_per_day": 1,
}


def slug(text: str) -> str:
    """An id for a name or location: ``"Beth Li"`` -> ``"Beth_Li"``.

    >>> slug("Ambulatory care")
    'Ambulatory_care'
    """
    return re.sub(r"[^A-Za-z0-9._:-]", "_", text)[:64]


def to_scenario_dict(instance: Instance, *, shift_wish: int = SHIFT_WISH_WEIGHT,
                     load_balance: int = LOAD_BALANCE_WEIGHT) -> dict[str, Any]:
    starts = [s.start for s in instance.shifts]
    ends = [s.end for s in instance.shifts]
    locations = sorted({s.location for s in instance.shifts})
    workers = []
    for e in instance.employees:
        wishes: dict[str, int] = defaultdict(int)
        for s in instance.shifts:
            for day in {s.start.date(), s.end.date()}:
                if day in e.desired_dates:
                    wishes[s.id] += minutes_on_date(s, day)
                if day in e.undesired_dates:
                    wishes[s.id] -= minutes_on_date(s, day)
        workers.append({
            "id": slug(e.name), "name": e.name, "roles": sorted(e.skills),
            "unavailable": [{"start": f"{d.isoformat()}T00:00",
                             "end": f"{(d + timedelta(days=1)).isoformat()}T00:00"}
                            for d in sorted(e.unavailable_dates)],
            "preferences": {"shifts": {k: v for k, v in wishes.items() if v}},
        })
    return {
        "format": "flexpool-scenario/1",
        "name": f"timefold-demo-{instance.name}",
        "timezone": "UTC",
        "horizon": {"start": min(starts).date().isoformat(), "end": max(ends).date().isoformat()},
        "rules": PEER_RULES,
        "organisations": [{"id": ORG, "name": "Timefold demo hospital", "sector": "ziekenhuis",
                           "locations": [{"id": slug(loc), "name": loc, "lat": 0.0, "lon": 0.0}
                                         for loc in locations]}],
        "workers": workers,
        "shifts": [{"id": s.id, "organisation": ORG, "location": slug(s.location),
                    "start": s.start.isoformat(timespec="minutes"),
                    "end": s.end.isoformat(timespec="minutes"), "roles": [s.required_skill]}
                   for s in instance.shifts],
        "weights": {"avoid": 0, "prefer": 0, "shift_kind": 0, "organisation": 0,
                    "target_hours": 0, "night_fairness": 0, "weekend_fairness": 0,
                    "travel_km": 0, "shift_wish": shift_wish, "load_balance": load_balance},
    }


def to_scenario(instance: Instance, **weights: int) -> Scenario:
    from flexpool.scenario import load_scenario

    return load_scenario(to_scenario_dict(instance, **weights))


def to_assignment(instance: Instance, roster: Roster) -> dict[str, str | None]:
    """``{shift_id: employee name}`` (``None`` for an unassigned shift), in shift order."""
    name_of = {slug(e.name): e.name for e in instance.employees}
    chosen = {a.shift: name_of[a.worker] for a in roster.assignments}
    return {s.id: chosen.get(s.id) for s in instance.shifts}
