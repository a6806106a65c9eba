"""A constructive roster: shifts in order, each slot to the first legal worker.

Legality is judged by the independent checker, so the result is always legal.
In ``"priority"`` order (priority, then start) it seeds CP-SAT as a hint; in
``"start"`` order it is the first-come-first-served baseline a planner gets by
working down the list by hand.
"""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Literal

from flexpool.checker import CheckContext, check_worker
from flexpool.model import Scenario

Order = Literal["priority", "start"]


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
    Among legal workers the least-loaded one is taken, to spread work.
    """
    chosen = {k: 1 for k, val in (initial or {}).items() if val}
    roster: dict[str, list[str]] = defaultdict(list)
    taken: dict[str, int] = defaultdict(int)
    for w, s in chosen:
        roster[w].append(s)
        taken[s] += 1
    if order == "priority":
        shifts = sorted(scenario.shifts, key=lambda s: (-s.priority, s.start, s.id))
    else:
        shifts = sorted(scenario.shifts, key=lambda s: (s.start, s.id))
    for shift in shifts:
        if deadline is not None and time.monotonic() > deadline:
            break
        candidates = [w for w in eligible.get(shift.id, ()) if (w, shift.id) not in chosen]
        if order == "priority":
            candidates.sort(key=lambda w: len(roster[w]))
        for worker in candidates:
            if taken[shift.id] >= shift.headcount:
                break
            if not check_worker(check_ctx, worker, [*roster[worker], shift.id]):
                roster[worker].append(shift.id)
                taken[shift.id] += 1
                chosen[worker, shift.id] = 1
    return chosen
