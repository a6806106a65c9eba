"""A constructive roster: shifts in order, each slot to a legal worker.

Each addition is judged by the independent checker, so only what adding shift
by shift cannot satisfy is left to the caller: minimum rules (``work_rules``
``min_*``) and pins in ``initial`` that conflict with each other. A worker whose
first shift is refused for ``min_total_minutes`` (one shift cannot reach it) and
other minimums only is not offered more: every later first shift would be
refused too, and on long horizons those checks cost seconds.

- ``"priority"`` order seeds the solver: levels 5 down to 1, and within a level
  the most constrained shift first (fewest eligible workers per place), each
  place to a legal worker who wished for the shift (``preferences.shifts``)
  before one with no wish and one who wished not to work it, then the
  least-loaded, ties to the worker with the fewest other open shifts to choose
  from (so flexible workers stay free for the shifts only they can take). It
  also keeps the solver's stricter reading of touching work (docs/rules.md,
  section 5): no shift touches another work item of its worker, so the model
  takes the roster as its hint (on Timefold LARGE one night touching a morning
  made the whole start infeasible to CP-SAT).
- ``"start"`` order is the first-come-first-served baseline a planner gets by
  working down the list by hand: shifts by start, the first legal worker.
"""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Literal

from flexpool.checker import CheckContext, check_worker
from flexpool.model import Scenario, Shift

Order = Literal["priority", "start"]
MINIMUMS = frozenset({"GEN-MIN-TOTAL", "GEN-MIN-DAYS", "GEN-MIN-OFF"})  # the checker's rule codes


def greedy_assignments(
    scenario: Scenario,
    check_ctx: CheckContext,
    eligible: dict[str, list[str]],
    initial: dict[tuple[str, str], int] | None = None,
    *,
    order: Order = "priority",
    deadline: float | None = None,
) -> dict[tuple[str, str], int]:
    """Fill slots one by one; returns ``{(worker, shift): 1}`` including ``initial``.

    ``deadline`` (a ``time.monotonic()`` value) stops early with what is built.
    """
    chosen = {k: 1 for k, val in (initial or {}).items() if val}
    roster: dict[str, list[str]] = defaultdict(list)
    taken: dict[str, int] = defaultdict(int)
    for w, s in chosen:
        roster[w].append(s)
        taken[s] += 1
    # open shifts each worker could still take: how much choosing them now costs elsewhere
    still_open: dict[str, int] = defaultdict(int)
    for shift in scenario.shifts:
        for w in eligible.get(shift.id, ()):
            still_open[w] += 1

    left_to_caller: set[str] = set()  # workers no single first shift can make legal
    by_priority = order == "priority"  # the solver's start, not the planner's baseline
    timeline = check_ctx.timeline
    edges: dict[str, set[int]] = defaultdict(set)  # start and end minutes of each worker's work
    if by_priority:
        for w, items in timeline.fixed.items():
            edges[w].update(m for item in items for m in (item.start, item.end))
        for w, s in chosen:
            edges[w].update((timeline.shifts[s].start, timeline.shifts[s].end))

    def touches(worker: str, shift_id: str) -> bool:
        item = timeline.shifts[shift_id]
        return item.start in edges[worker] or item.end in edges[worker]

    wishes = {w.id: w.preferences.shifts for w in scenario.workers}

    def scarcity(shift: Shift) -> float:
        return len(eligible.get(shift.id, ())) / max(1, shift.headcount)

    if by_priority:
        shifts = sorted(scenario.shifts, key=lambda s: (-s.priority, scarcity(s), s.start, s.id))
    else:
        shifts = sorted(scenario.shifts, key=lambda s: (s.start, s.id))
    for shift in shifts:
        if deadline is not None and time.monotonic() > deadline:
            break
        candidates = [w for w in eligible.get(shift.id, ()) if (w, shift.id) not in chosen]
        if by_priority:
            candidates.sort(key=lambda w: (-_sign(wishes[w].get(shift.id, 0)), len(roster[w]), still_open[w]))
        for worker in candidates:
            if taken[shift.id] >= shift.headcount:
                break
            if worker in left_to_caller or (by_priority and touches(worker, shift.id)):
                continue
            violations = check_worker(check_ctx, worker, [*roster[worker], shift.id])
            if not violations:
                roster[worker].append(shift.id)
                taken[shift.id] += 1
                chosen[worker, shift.id] = 1
                if by_priority:
                    edges[worker].update((timeline.shifts[shift.id].start, timeline.shifts[shift.id].end))
            elif (not roster[worker] and any(vi.rule == "GEN-MIN-TOTAL" for vi in violations)
                  and all(vi.rule in MINIMUMS for vi in violations)):
                left_to_caller.add(worker)
        for w in eligible.get(shift.id, ()):
            still_open[w] -= 1
    return chosen


def _sign(value: int) -> int:
    """1 for a wish to work a shift, -1 for a wish not to, 0 for none."""
    return (value > 0) - (value < 0)
