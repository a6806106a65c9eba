"""Builders for hand-sized test scenarios, with deterministic ids.

Every builder returns plain JSON-shaped dicts so tests exercise the same
loading path as real input; :func:`scenario` loads the result.

Defaults: one hospital ``org`` with location ``loc`` in Enschede; workers live
next door, hold every role used below and the induction at ``loc``; the
horizon is the week of Monday 2026-11-30 in Europe/Amsterdam.
"""

from __future__ import annotations

from typing import Any

from flexpool.model import Scenario
from flexpool.scenario import load_scenario

ROLE = "verpleegkundige"


def organisation(org_id: str = "org", *, rules: dict[str, Any] | None = None,
                 locations: list[str] | None = None, sector: str = "ziekenhuis") -> dict[str, Any]:
    locs = locations or ["loc" if org_id == "org" else f"{org_id}-loc"]
    return {
        "id": org_id,
        "name": f"Organisatie {org_id}",
        "sector": sector,
        "rules": rules or {},
        "locations": [
            {"id": loc, "name": f"Locatie {loc}", "municipality": "Enschede",
             "lat": 52.2129, "lon": 6.8899}
            for loc in locs
        ],
    }


def worker(worker_id: str = "w1", **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": worker_id,
        "name": f"Werker {worker_id}",
        "home": {"municipality": "Enschede", "lat": 52.2215, "lon": 6.8937},
        "roles": [ROLE],
        "credentials": [{"code": "induction:loc", "kind": "induction"}],
    }
    base.update(fields)
    return base


def shift(start: str, end: str, shift_id: str | None = None, **fields: Any) -> dict[str, Any]:
    """A one-slot shift at ``loc``; ids default to the start time."""
    base: dict[str, Any] = {
        "id": shift_id or f"s-{start.replace(':', '')}",
        "organisation": "org",
        "location": "loc",
        "start": start,
        "end": end,
        "roles": [ROLE],
        "priority": 3,
    }
    base.update(fields)
    return base


def fixed(start: str, end: str, label: str = "eigen rooster", **fields: Any) -> dict[str, Any]:
    return {"start": start, "end": end, "label": label, **fields}


def scenario_dict(*, workers: list[dict[str, Any]] | None = None,
                  shifts: list[dict[str, Any]] | None = None,
                  organisations: list[dict[str, Any]] | None = None,
                  horizon: tuple[str, str] = ("2026-11-30", "2026-12-06"),
                  **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": "flexpool-scenario/1",
        "name": "test",
        "timezone": "Europe/Amsterdam",
        "horizon": {"start": horizon[0], "end": horizon[1]},
        "organisations": organisations or [organisation()],
        "workers": workers if workers is not None else [worker()],
        "shifts": shifts or [],
    }
    data.update(fields)
    return data


def scenario(**kwargs: Any) -> Scenario:
    return load_scenario(scenario_dict(**kwargs))


def roster(assignments: list[tuple[str, str]], scenario_name: str = "test") -> dict[str, Any]:
    """A roster JSON dict from (shift, worker) pairs."""
    return {
        "format": "flexpool-roster/1",
        "scenario": scenario_name,
        "status": "feasible",
        "assignments": [{"shift": s, "worker": w} for s, w in assignments],
        "unfilled": [],
        "objective": {"filled_slots": len(assignments), "total_slots": len(assignments)},
    }


def wish_strands_a_shift(**w1_fields: Any) -> Scenario:
    """``w1`` wishes for the urgent shift and gets it in the greedy start, which strands
    the overlapping wound care only ``w1`` may do; ``w2`` could take the urgent one
    instead. ``w1_fields`` add to ``w1`` (``work_rules``, say)."""
    return scenario(
        workers=[worker("w1", roles=[ROLE, "wondzorg"], preferences={"shifts": {"urgent": 60}}, **w1_fields),
                 worker("w2")],
        shifts=[shift("2026-11-30T07:00", "2026-11-30T15:00", "urgent", priority=5),
                shift("2026-11-30T07:00", "2026-11-30T15:00", "wound-care", roles=["wondzorg"])],
    )
