"""Demo data: a pool from the Twente generator (size S) or the example scenario.

The base scenario goes into a pool, each organisation's shifts become its
demand for the scenario's ISO week, and one coordinator, one planner and
one worker token are issued.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from api.db import DemandVersion, Pool
from api.security import issue_token
from api.weeks import BASE_KEYS, validate_base, week_of

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EXAMPLE = EXAMPLES / "example-scenario.json"
GENERATOR = EXAMPLES / "twente" / "generate.py"


@dataclass(frozen=True)
class DemoTokens:
    pool_id: str
    week: str
    coordinator: str
    planner: str
    planner_organisation: str
    worker: str
    worker_id: str


def demo_scenario() -> dict[str, Any]:
    """Twente S (seed 1) when the generator is there, else the example scenario."""
    try:
        spec = importlib.util.spec_from_file_location("flexpool_twente_generate", GENERATOR)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up while building
        spec.loader.exec_module(module)
        return module.generate("S", seed=1)
    except Exception:
        return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def seed_pool(session: Session, scenario: dict[str, Any], pool_id: str = "twente") -> DemoTokens:
    """Store ``scenario`` as a pool with its week's demand; returns fresh demo tokens."""
    base = {k: scenario[k] for k in BASE_KEYS if k in scenario}
    validate_base(base)
    week = week_of(date.fromisoformat(scenario["horizon"]["start"]))
    session.add(Pool(id=pool_id, name=scenario["name"], base=base))
    session.flush()
    by_org: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for shift in scenario.get("shifts", []):
        by_org[shift["organisation"]].append(shift)
    for org, shifts in by_org.items():
        session.add(DemandVersion(pool_id=pool_id, organisation_id=org, week=week, version=1,
                                  shifts=shifts, source="seed"))
    organisation = next(iter(by_org), base["organisations"][0]["id"])
    worker_id = base["workers"][0]["id"]
    _, coordinator = issue_token(session, pool_id, "coordinator", label="demo coordinator")
    _, planner = issue_token(session, pool_id, "planner", organisation_id=organisation,
                             label="demo planner")
    _, worker = issue_token(session, pool_id, "worker", worker_id=worker_id, label="demo worker")
    session.commit()
    return DemoTokens(pool_id, week, coordinator, planner, organisation, worker, worker_id)
