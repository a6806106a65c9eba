"""A plain CP-SAT model of only the filling part: the yardstick of issue 3.

Issue 3 sets its bar by "a plain CP-SAT model of only the filling part" of a
comparable scenario (94% of its own bound after 120 s). This is that model, written
the obvious way, so both can run on the same scenario in one benchmark run:

- a Boolean per eligible (worker, shift) pair (flexpool's eligibility: role,
  credentials, induction, travel, availability);
- at most ``headcount`` workers per shift;
- a worker works at most one of any two overlapping shifts;
- the contract per calendar week: ``max_minutes_per_week`` and ``max_shifts_per_week``;
- maximise the filled slots, every priority alike; no hint, CP-SAT's defaults.

None of the Arbeidstijdenwet rules, CAO overlays, fixed work, rest or run limits
are in it, so it is a *relaxation* of flexpool's model: its optimum, and every bound
CP-SAT proves on it, bounds the total fill of any legal roster too. Its rosters
are not legal rosters and are never handed out.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from flexpool.eligibility import EligibilityContext, eligible_workers
from flexpool.model import Scenario
from flexpool.timeline import Timeline
from solver.objective import filled_by_level


@dataclass(frozen=True)
class PlainFill:
    """What the plain model reached: filled slots, CP-SAT's proven bound, and when."""

    filled: int
    bound: int
    filled_by_priority: dict[str, int]
    status: str
    seconds: float
    first_solution_s: float | None


def plain_fill(scenario: Scenario, time_limit_s: float, workers: int = 2, seed: int = 0) -> PlainFill:
    """Solve the plain filling model of ``scenario`` for ``time_limit_s`` seconds."""
    began = time.monotonic()
    timeline = Timeline.of(scenario)
    eligible = eligible_workers(EligibilityContext(scenario, timeline))
    model = cp_model.CpModel()
    x: dict[tuple[str, str], cp_model.IntVar] = {}
    by_worker: dict[str, list[str]] = defaultdict(list)
    for shift in scenario.shifts:
        lits = []
        for w in eligible.get(shift.id, ()):
            x[w, shift.id] = lit = model.new_bool_var(f"x[{w},{shift.id}]")
            by_worker[w].append(shift.id)
            lits.append(lit)
        if len(lits) > shift.headcount:
            model.add(sum(lits) <= shift.headcount)
    contracts = {w.id: w.contract for w in scenario.workers}
    for w, shift_ids in by_worker.items():
        items = sorted((timeline.shifts[s] for s in shift_ids), key=lambda i: i.start)
        for i, a in enumerate(items):
            for b in items[i + 1:]:
                if b.start >= a.end:
                    break
                model.add_at_most_one(x[w, a.key], x[w, b.key])
        weekly: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
        for item in items:
            weekly[item.week].append((item.work_minutes, x[w, item.key]))
        contract = contracts[w]
        for terms in weekly.values():
            if contract.max_minutes_per_week is not None:
                model.add(sum(m * lit for m, lit in terms) <= contract.max_minutes_per_week)
            if contract.max_shifts_per_week is not None:
                model.add(sum(lit for _, lit in terms) <= contract.max_shifts_per_week)
    model.maximize(sum(x.values()))

    first: list[float] = []

    class First(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            if not first:
                first.append(time.monotonic() - began)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit_s - (time.monotonic() - began))
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.solve(model, First())
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    chosen = [k for k, lit in x.items() if solver.boolean_value(lit)] if found else []
    reached = filled_by_level({s.id: s for s in scenario.shifts}, chosen)
    by_level = {str(p): reached.get(p, 0) for p in range(5, 0, -1)}
    return PlainFill(filled=round(solver.objective_value) if found else 0, filled_by_priority=by_level,
                     bound=int(solver.best_objective_bound + 1e-6),
                     status=solver.status_name(status), seconds=round(time.monotonic() - began, 1),
                     first_solution_s=round(first[0], 1) if first else None)
