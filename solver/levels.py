"""Proofs of a priority level on the shifts of that level and above only.

Filling is lexicographic (spec, Weights): the best fill of level ``p`` is decided
by the shifts of level ``p`` and above, once the levels above keep what they
reached. When every rule is *monotone* (taking a shift out of a legal roster
leaves it legal: every Arbeidstijdenwet and CAO limit, contracts, forbidden
successions, maximum runs and caps), any legal roster restricted to those shifts
is still legal and fills those levels as much. So a model with only their pairs
is a relaxation for level ``p``: the bound CP-SAT proves on it bounds every legal
roster. It is a fraction of the whole model, so it is proven in seconds where the
whole model cannot even be presolved in the time a stage has (Twente M).

The generic minimum rules (``min_consecutive_days``, ``min_consecutive_days_off``,
``min_total_minutes``, ``docs/rules.md`` GEN-*) are not monotone: taking a shift
out can break them. With any of them, no bound is claimed here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from flexpool.checker import CheckContext, check_worker
from flexpool.model import Scenario
from solver.greedy import greedy_assignments
from solver.objective import fill_by_priority
from solver.rules import add_hard_rules
from solver.space import Pair, RosterSpace
from solver.variables import Variables


def rules_are_monotone(scenario: Scenario) -> bool:
    """True when taking any shift out of a legal roster leaves it legal."""
    return not any(
        r.min_consecutive_days or r.min_consecutive_days_off or r.min_total_minutes
        for r in (w.work_rules for w in scenario.workers))


def pairs_from_level(space: RosterSpace, level: int) -> dict[str, list[str]]:
    """Eligible workers of the shifts of ``level`` and above."""
    priority = {s.id: s.priority for s in space.scenario.shifts}
    return {sid: ws for sid, ws in space.eligible.items() if ws and priority[sid] >= level}


@dataclass(frozen=True)
class LevelProof:
    """The most slots of a level any legal roster fills while each level above keeps
    what it reached (``bound``; None when nothing was proven), whether the model's
    best roster reaches it (``exact``), and that roster on the model's shifts."""

    bound: int | None
    exact: bool
    roster: set[Pair]


def level_bound(space: RosterSpace, level: int, reached: dict[int, int], roster: set[Pair],
                seconds: float, workers: int = 2, seed: int = 0) -> LevelProof:
    """Maximise ``level`` on the shifts of that level and above, each level above
    filling at least ``reached``, for at most ``seconds``; ``roster`` is the hint.
    Only a bound when :func:`rules_are_monotone`."""
    model = cp_model.CpModel()
    v = Variables.build(model, space.scenario, space.timeline, space.eligibility, pairs_from_level(space, level))
    add_hard_rules(v)
    for pair in space.pinned:
        if pair in v.x:
            model.add(v.x[pair] == 1)
    fill = fill_by_priority(v)
    if level not in fill:
        return LevelProof(0, True, set())
    for higher, expr in fill.items():
        if higher > level:
            model.add(expr >= reached.get(higher, 0))
    model.maximize(fill[level])
    for key, lit in v.x.items():
        model.add_hint(lit, int(key in roster))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, seconds)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return LevelProof(None, False, set())
    return LevelProof(int(solver.best_objective_bound + 1e-6), status == cp_model.OPTIMAL,
                      {k for k, lit in v.x.items() if solver.boolean_value(lit)})


def merge_top(check_ctx: CheckContext, space: RosterSpace, roster: set[Pair], top: set[Pair],
              level: int) -> set[Pair] | None:
    """``top`` (a roster of the shifts of ``level`` and above) with ``roster``'s work
    below that level. A worker whose part the checker then rejects gives up lower
    shifts, those named in a violation and of the lowest priority first, until it
    is accepted; under monotone rules giving up all of them always is. Then the
    places this opened are filled again greedily, by the workers whose part changed
    or for the shifts given up (:func:`solver.greedy.greedy_assignments`). None
    when a pinned shift would have to go."""
    priority = {s.id: s.priority for s in space.scenario.shifts}
    old_top = {(w, s) for w, s in roster if priority[s] >= level}
    merged = top | {(w, s) for w, s in roster if priority[s] < level}
    parts: dict[str, list[str]] = defaultdict(list)
    for w, s in merged:
        parts[w].append(s)
    changed = {w for w, _ in top ^ old_top}
    given_up: set[str] = set()
    for worker in sorted(changed):
        shifts = parts[worker]
        while violations := check_worker(check_ctx, worker, shifts):
            named = {s for v in violations for s in v.shifts}
            lower = [s for s in shifts if priority[s] < level and (worker, s) not in space.pinned]
            if not lower:
                return None
            drop = min(lower, key=lambda s: (s not in named, priority[s]))
            shifts.remove(drop)
            merged.discard((worker, drop))
            given_up.add(drop)
    refill = {sid: [w for w in ws if w in changed or sid in given_up] for sid, ws in space.eligible.items()}
    return set(greedy_assignments(space.scenario, check_ctx, refill, {k: 1 for k in merged}))
