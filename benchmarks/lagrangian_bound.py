"""A proven upper bound on total fill that sees each worker's rules: Lagrangian relaxation.

The filling problem is ``max sum_s y_s`` with ``y_s <= headcount_s`` and ``y_s <= sum_w
x_ws``, each worker's ``x_w`` a legal part under every per-worker rule. Moving the
coupling rows into the objective with prices ``price_s >= 0`` leaves one independent
problem per worker::

    L(price) = sum_s headcount_s * max(0, 1 - price_s) + sum_w max_{legal x_w} sum_s price_s * x_ws

and every ``L(price)`` is at least the best total fill (weak duality). The worker
problems are solved exactly by one-worker CP-SAT models (their proven objective bound
is used, so a worker model stopped early still gives a valid bound). Unlike the LP
relaxation, a worker's part is whole here: 4.5 eight-hour shifts in a 36-hour week do
not count. Prices live on a grid of ``1 / SCALE`` so the arithmetic is exact; they are
moved by subgradient steps (Polyak's rule against the best roster known).

``python -m benchmarks.lagrangian_bound --size M --known 2170 --iterations 30``
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ortools.sat.python import cp_model

from flexpool.eligibility import EligibilityContext, eligible_workers
from flexpool.model import Scenario
from flexpool.scenario import load_scenario
from flexpool.timeline import Timeline
from solver.rules import add_hard_rules
from solver.variables import Variables

SCALE = 1000  # prices are integers / SCALE
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class WorkerProblem:
    """One worker's legal parts, as a CP-SAT model whose objective is re-priced."""

    worker: str
    model: cp_model.CpModel
    x: dict[str, cp_model.IntVar]  # shift id -> literal

    def best_part(self, prices: dict[str, int], seconds: float) -> tuple[int, set[str]]:
        """(proven upper bound on the part's priced value, the best part found)."""
        priced = {s: prices[s] for s in self.x if prices[s] > 0}
        if not priced:
            return 0, set()
        self.model.maximize(sum(p * self.x[s] for s, p in priced.items()))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = seconds
        solver.parameters.num_workers = 1
        status = solver.solve(self.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return sum(priced.values()), set()  # nothing proven: every priced shift at once
        bound = math.floor(solver.best_objective_bound + 1e-6)
        return bound, {s for s in priced if solver.boolean_value(self.x[s])}


def worker_problems(scenario: Scenario) -> list[WorkerProblem]:
    timeline = Timeline.of(scenario)
    ctx = EligibilityContext(scenario, timeline)
    by_worker: dict[str, list[str]] = defaultdict(list)
    for shift_id, workers in eligible_workers(ctx).items():
        for w in workers:
            by_worker[w].append(shift_id)
    problems = []
    for worker, shifts in by_worker.items():
        model = cp_model.CpModel()
        v = Variables.build(model, scenario, timeline, ctx, {s: [worker] for s in shifts})
        add_hard_rules(v)
        problems.append(WorkerProblem(worker, model, {s: v.x[worker, s] for s in shifts}))
    return problems


def lagrangian_bound(scenario: Scenario, known: int, iterations: int, worker_seconds: float = 5.0,
                     log: bool = True) -> tuple[int, list[int]]:
    """The best (lowest) proven bound on total fill after ``iterations`` price updates,
    and the bound of each iteration. ``known`` is a fill some legal roster reaches."""
    headcount = {s.id: s.headcount for s in scenario.shifts}
    problems = worker_problems(scenario)
    candidates = {s for p in problems for s in p.x}
    prices = {s: SCALE // 2 if s in candidates else 0 for s in headcount}
    best, history, step = None, [], 1.0
    for it in range(iterations):
        began = time.monotonic()
        taken: dict[str, int] = defaultdict(int)
        workers_value = 0
        for p in problems:
            value, part = p.best_part(prices, worker_seconds)
            workers_value += value
            for s in part:
                taken[s] += 1
        shift_value = sum(h * max(0, SCALE - prices[s]) for s, h in headcount.items())
        bound_scaled = shift_value + workers_value
        bound = bound_scaled // SCALE  # fill is an integer
        history.append(bound)
        best = bound if best is None else min(best, bound)
        if log:
            print(f"iteration {it}: bound {bound_scaled / SCALE:.1f} (best {best}), "
                  f"{time.monotonic() - began:.1f} s", flush=True)
        # subgradient of L at these prices: places taken minus places counted
        gradient = {s: taken[s] - (headcount[s] if prices[s] < SCALE else 0) for s in headcount}
        norm = sum(g * g for g in gradient.values())
        if norm == 0:
            break
        if len(history) >= 3 and history[-1] >= min(history[:-1]):
            step = max(0.05, step * 0.7)  # no progress: smaller steps
        t = step * max(1.0, bound_scaled / SCALE - known) / norm
        for s, g in gradient.items():
            if s in candidates or prices[s]:
                prices[s] = min(SCALE, max(0, prices[s] - round(t * g * SCALE)))
    assert best is not None
    return best, history


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="M")
    parser.add_argument("--known", type=int, required=True, help="total fill of a legal roster")
    parser.add_argument("--iterations", type=int, default=30)
    args = parser.parse_args(argv)
    scenario = load_scenario(ROOT / "examples" / "twente" / f"twente-{args.size}.json")
    began = time.monotonic()
    best, history = lagrangian_bound(scenario, args.known, args.iterations)
    print(json.dumps({"size": args.size, "bound": best, "history": history,
                      "seconds": round(time.monotonic() - began, 1)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
