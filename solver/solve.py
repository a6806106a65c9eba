"""``solve(scenario, config) -> SolveResult``: the CP-SAT roster solver.

Stages, each a CP-SAT solve warm-started from the previous roster:

1. keep pins (only when pinned work conflicts): as many pins as the rules allow;
2. fill priority 5, then 4, ... 1: each level maximised while every higher
   level keeps what it reached, so no lower-priority slot or soft term can ever
   buy an open higher-priority slot (spec, Weights);
3. soft terms: preferences, fairness, target hours, travel, at equal filling.

A greedy first-come roster in priority order seeds stage 2 as a hint. Time
left by a stage that finishes early flows to the next. The status is
``optimal`` only when every stage was proven optimal. Infeasibility and
time-outs are statuses, never exceptions.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from flexpool.checker import CheckContext, check_worker
from flexpool.eligibility import EligibilityContext, eligible_workers, exclusion
from flexpool.model import (
    Assignment,
    DroppedPin,
    Objective,
    Penalty,
    Reason,
    Roster,
    RosterStatus,
    Scenario,
)
from flexpool.timeline import Timeline
from solver.explain import explain_unfilled
from solver.greedy import greedy_assignments
from solver.neighbourhoods import NeighbourhoodSearch, lexicographic_weights
from solver.objective import PenaltyTerm, fill_by_priority, soft_terms
from solver.rules import add_hard_rules
from solver.variables import Variables

PRIORITIES = (5, 4, 3, 2, 1)
GREEDY_SHARE, GREEDY_MAX_S = 0.1, 5.0
EXACT_MODEL_VARIABLES = 15_000  # above this, neighbourhood search after the top level
WHOLE_MODEL_VARIABLES = 150_000  # above this, no whole model at all: neighbourhoods only
TOP_LEVEL_SHARE = 0.3
FILL_SHARE = 0.7
SOFT_EVALUATION_RESERVE = 0.05


@dataclass(frozen=True)
class Progress:
    """A progress report: slots filled so far, the proven bound, seconds elapsed."""

    stage: str
    filled: int
    bound: int
    total: int
    elapsed_s: float


@dataclass(frozen=True)
class SolverConfig:
    """How long and how hard to search.

    ``relative_gap`` stops a stage once it is proven within that fraction of
    its bound; ``progress`` is called on every improving roster.
    """

    time_limit_s: float = 30.0
    workers: int = 2
    seed: int = 0
    relative_gap: float = 0.0
    progress: Callable[[Progress], None] | None = None
    log_search: bool = False


@dataclass(frozen=True)
class PenaltyRecord:
    """A non-zero soft penalty paid in the roster (negative: a reward earned)."""

    worker: str
    name: str
    points: int


@dataclass(frozen=True)
class SolveResult:
    roster: Roster
    penalties: list[PenaltyRecord] = field(default_factory=list)
    stages: list[dict[str, object]] = field(default_factory=list)

    @property
    def status(self) -> RosterStatus:
        return self.roster.status


class _ProgressCallback(cp_model.CpSolverSolutionCallback):
    def __init__(self, report: Callable[[float, float], None]) -> None:
        super().__init__()
        self._report = report

    def on_solution_callback(self) -> None:
        self._report(self.objective_value, self.best_objective_bound)


@dataclass
class _Run:
    scenario: Scenario
    config: SolverConfig
    started: float
    model: cp_model.CpModel
    v: Variables
    total_slots: int
    solution: dict[tuple[str, str], int] = field(default_factory=dict)
    stages: list[dict[str, object]] = field(default_factory=list)
    all_optimal: bool = True
    evaluated: list[int] | None = None
    full_solution: list[int] | None = None

    def remaining(self) -> float:
        return self.config.time_limit_s - (time.monotonic() - self.started)

    def hint(self) -> None:
        """Hint the last roster; with every variable's value when a stage produced it."""
        self.model.clear_hints()
        hint = self.model.proto.solution_hint
        if self.full_solution is not None:
            hint.vars.extend(range(len(self.full_solution)))
            hint.values.extend(self.full_solution)
            return
        for key, lit in self.v.x.items():
            self.model.add_hint(lit, self.solution.get(key, 0))

    def run_stage(self, name: str, budget: float, filled_before: int = 0,
                  is_fill: bool = True, scale: int = 1, lower_cap: int = 0,
                  evaluate: list[cp_model.LinearExprT] | None = None) -> tuple[int, int | None, int | None]:
        """Solve the current objective; returns (cp status, value, bound).

        A fill stage's objective is ``scale * level + lower levels`` (lower < scale),
        so value and bound returned are the level's own; ``lower_cap`` bounds the rest.

        ``evaluate`` expressions are valued on the roster found, into ``self.evaluated``.
        """
        self.hint()
        solver = cp_model.CpSolver()
        params = solver.parameters
        params.max_time_in_seconds = max(0.05, budget)
        params.num_workers = self.config.workers
        params.random_seed = self.config.seed
        params.relative_gap_limit = self.config.relative_gap
        params.log_search_progress = self.config.log_search
        callback = None
        if self.config.progress and is_fill:
            def report(value: float, bound: float) -> None:
                assert self.config.progress is not None
                level, lower = divmod(round(value), scale)
                self.config.progress(Progress(name, filled_before + level + lower,
                                              filled_before + int(bound + 1e-6) // scale + lower_cap,
                                              self.total_slots, time.monotonic() - self.started))
            callback = _ProgressCallback(report)
        status = solver.solve(self.model, callback)
        record: dict[str, object] = {"stage": name, "status": solver.status_name(status),
                                     "seconds": round(solver.wall_time, 2)}
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            self.solution = {k: int(solver.boolean_value(lit)) for k, lit in self.v.x.items()}
            self.full_solution = list(solver.response_proto.solution)
            if evaluate is not None:
                self.evaluated = [int(solver.value(e)) for e in evaluate]
            value = round(solver.objective_value) // scale
            bound = (int(solver.best_objective_bound + 1e-6) // scale if is_fill
                     else round(solver.best_objective_bound))
            record.update(value=value, bound=bound)
            if status != cp_model.OPTIMAL:
                self.all_optimal = False
            self.stages.append(record)
            return status, value, bound
        self.all_optimal = False
        self.stages.append(record)
        return status, None, None


def solve(scenario: Scenario, config: SolverConfig | None = None) -> SolveResult:
    """Assign workers to shifts; every returned roster is legal under the spec."""
    config = config or SolverConfig()
    started = time.monotonic()
    timeline = Timeline.of(scenario)
    ctx = EligibilityContext(scenario, timeline)
    eligible = eligible_workers(ctx)
    check_ctx = CheckContext.of(scenario)
    total_slots = sum(s.headcount for s in scenario.shifts)

    # A legal roster first, before any model: the greedy fill around the pins.
    pins = [(p.worker, p.shift) for p in scenario.pinned if p.worker in eligible.get(p.shift, ())]
    greedy_deadline = time.monotonic() + min(GREEDY_SHARE * config.time_limit_s, GREEDY_MAX_S)
    start = greedy_assignments(scenario, check_ctx, eligible, {k: 1 for k in pins}, deadline=greedy_deadline)
    if config.progress and _pins_legal(check_ctx, pins):
        config.progress(Progress("greedy", len(start), total_slots, total_slots, time.monotonic() - started))

    pairs = sum(len(ws) for ws in eligible.values())
    model = cp_model.CpModel()
    whole = pairs <= WHOLE_MODEL_VARIABLES
    v = Variables.build(model, scenario, timeline, ctx, eligible if whole else {})
    if whole:
        add_hard_rules(v)
    build_seconds = time.monotonic() - started
    run = _Run(scenario, config, started, model, v, total_slots)
    dropped = _apply_pins(run, ctx, check_ctx) if whole else []
    run.solution = {k: 1 for k in start if k not in {(d.worker, d.shift) for d in dropped}}
    run.full_solution = None  # hint the greedy roster, not the pins stage's

    fill = fill_by_priority(v)
    levels = [p for p in PRIORITIES if any(s.priority == p and eligible.get(s.id) for s in scenario.shifts)]
    caps = {p: _upper_bound(eligible, scenario, p) for p in levels}
    if len(v.x) <= EXACT_MODEL_VARIABLES and whole:
        filled, bounds, penalties = _solve_whole(run, fill, levels, caps)
    else:
        kept = set(pins) - {(d.worker, d.shift) for d in dropped}
        filled, bounds, penalties = _solve_by_neighbourhoods(run, ctx, eligible, kept, fill, levels, caps)
    roster = _roster(run, ctx, check_ctx, filled, bounds, dropped, build_seconds, penalties)
    return SolveResult(roster, penalties, run.stages)


def _pins_legal(check_ctx: CheckContext, pins: list[tuple[str, str]]) -> bool:
    by_worker: dict[str, list[str]] = defaultdict(list)
    for w, s in pins:
        by_worker[w].append(s)
    return not any(check_worker(check_ctx, w, shifts) for w, shifts in by_worker.items())


Fill = dict[int, cp_model.LinearExprT]


def _solve_whole(run: _Run, fill: Fill, levels: list[int], caps: dict[int, int]
                 ) -> tuple[dict[int, int], dict[int, int], list[PenaltyRecord]]:
    """Exact staged solve on the whole model: each level, then the soft terms."""
    model, v = run.model, run.v
    filled: dict[int, int] = {}
    bounds: dict[int, int] = {}
    for i, level in enumerate(levels):
        budget = run.remaining() / (len(levels) - i + 1)
        lower = levels[i + 1:]
        scale = sum(caps[p] for p in lower) + 1
        model.maximize(scale * fill[level] + sum(fill[p] for p in lower))
        _, value, bound = run.run_stage(f"priority {level}", budget, sum(filled.values()),
                                        scale=scale, lower_cap=scale - 1)
        if value is None:  # no better roster in time: keep the previous one
            value = sum(1 for (w, sid), val in run.solution.items()
                        if val and run.v.eligibility.shifts[sid].priority == level)
            bound = caps[level]
        filled[level] = value
        bounds[level] = min(caps[level], bound if bound is not None else value)
        model.add(fill[level] >= value)

    terms = soft_terms(v)
    if terms and run.remaining() > 0.1:
        model.minimize(sum(t.expr for t in terms))
        run.run_stage("preferences", run.remaining(), is_fill=False, evaluate=[t.expr for t in terms])
    elif terms:
        run.all_optimal = False
    return filled, bounds, _penalties(terms, run.evaluated)


def _solve_by_neighbourhoods(run: _Run, ctx: EligibilityContext, eligible: dict[str, list[str]],
                             pinned: set[tuple[str, str]], fill: Fill, levels: list[int],
                             caps: dict[int, int]) -> tuple[dict[int, int], dict[int, int], list[PenaltyRecord]]:
    """For large regions: prove the top level on the whole model, then improve by neighbourhoods."""
    config = run.config
    run.all_optimal = False
    bounds = dict(caps)
    top = levels[0]
    start_roster = dict(run.solution)
    start_top = sum(start_roster.get(k, 0) for k in _keys_at(eligible, run.scenario, top))
    value = bound = None
    if top in fill:  # a whole model exists: prove the top level on it
        run.model.maximize(fill[top])
        _, value, bound = run.run_stage(f"priority {top}", run.remaining() * TOP_LEVEL_SHARE)
    if value is not None and bound is not None:
        bounds[top] = min(caps[top], bound)
    if value is None or value <= start_top:
        run.solution = start_roster

    def report(solution: dict[tuple[str, str], int]) -> None:
        if config.progress:
            config.progress(Progress("neighbourhoods", len(solution), sum(bounds.values()),
                                     run.total_slots, time.monotonic() - run.started))

    search = NeighbourhoodSearch(run.scenario, run.v.timeline, ctx, eligible, pinned,
                                 lexicographic_weights(caps), seed=config.seed, workers=config.workers,
                                 on_improvement=report)
    pairs = {k for k, val in run.solution.items() if val}
    for name, share, phase in (("neighbourhoods: fill", FILL_SHARE, search.improve_fill),
                               ("neighbourhoods: wishes", 1.0, search.improve_wishes)):
        began = time.monotonic()
        reserve = SOFT_EVALUATION_RESERVE * config.time_limit_s
        pairs = phase(pairs, began + max(0.0, (run.remaining() - reserve) * share))
        run.stages.append({"stage": name, "status": "FEASIBLE", "seconds": round(time.monotonic() - began, 2),
                           "value": len(pairs)})
    run.solution = {k: 1 for k in pairs}
    filled = {p: sum(1 for k in pairs if k in fill_keys) for p, fill_keys in
              ((p, set(_keys_at(eligible, run.scenario, p))) for p in levels)}
    penalties = [PenaltyRecord(w, n, pts) for w, n, pts in search.soft_values(pairs) if pts]
    return filled, bounds, _merge(penalties)


def _merge(records: list[PenaltyRecord]) -> list[PenaltyRecord]:
    total: dict[tuple[str, str], int] = defaultdict(int)
    for r in records:
        total[r.worker, r.name] += r.points
    return [PenaltyRecord(w, n, p) for (w, n), p in sorted(total.items()) if p]


def _keys_at(eligible: dict[str, list[str]], scenario: Scenario, level: int) -> list[tuple[str, str]]:
    return [(w, s.id) for s in scenario.shifts if s.priority == level for w in eligible.get(s.id, ())]


def _upper_bound(eligible: dict[str, list[str]], scenario: Scenario, level: int) -> int:
    """Slots of a level that have any eligible worker (capped by headcount)."""
    return sum(min(s.headcount, len(eligible.get(s.id, ()))) for s in scenario.shifts if s.priority == level)


def _apply_pins(run: _Run, ctx: EligibilityContext, check_ctx: CheckContext) -> list[DroppedPin]:
    """Force pinned assignments; drop (and report) those that became illegal."""
    dropped: list[DroppedPin] = []
    kept: list[tuple[str, str]] = []
    for pin in run.scenario.pinned:
        worker, shift = ctx.workers[pin.worker], ctx.shifts[pin.shift]
        why = exclusion(ctx, worker, shift)
        if why is not None or run.v.works(pin.worker, pin.shift) is None:
            reason = Reason(code=why.code if why else "ineligible",
                            message=why.message if why else "no longer eligible")
            dropped.append(DroppedPin(shift=pin.shift, worker=pin.worker, reasons=[reason]))
        else:
            kept.append((pin.worker, pin.shift))
    if not kept:
        return dropped
    lits = [run.v.x[k] for k in kept]
    run.model.maximize(sum(lits))
    _, value, _ = run.run_stage("pins", max(1.0, run.remaining() / 10), is_fill=False)
    by_worker: dict[str, list[str]] = defaultdict(list)
    for w, s in kept:
        by_worker[w].append(s)
    for key, lit in zip(kept, lits, strict=True):
        if value is not None and run.solution.get(key):
            run.model.add(lit == 1)
            continue
        run.model.add(lit == 0)
        violations = [vi for vi in check_worker(check_ctx, key[0], by_worker[key[0]]) if key[1] in vi.shifts]
        reasons = [Reason(code=vi.rule, message=vi.message) for vi in violations] or [
            Reason(code="conflicts-with-pins", message="conflicts with other pinned work under the rules")
        ]
        dropped.append(DroppedPin(shift=key[1], worker=key[0], reasons=reasons))
    return dropped


def _roster(run: _Run, ctx: EligibilityContext, check_ctx: CheckContext, filled: dict[int, int],
            bounds: dict[int, int], dropped: list[DroppedPin], build_seconds: float,
            penalties: list[PenaltyRecord]) -> Roster:
    scenario = run.scenario
    assigned = [(s, w) for (w, s), val in run.solution.items() if val]
    order = {s.id: i for i, s in enumerate(scenario.shifts)}
    assigned.sort(key=lambda sw: (order[sw[0]], sw[1]))
    count: dict[str, int] = defaultdict(int)
    for s, _ in assigned:
        count[s] += 1
    unfilled = explain_unfilled(scenario, ctx, check_ctx, run.v, assigned, count)
    totals: dict[int, int] = defaultdict(int)
    for s in scenario.shifts:
        totals[s.priority] += s.headcount
    for p in totals:
        filled.setdefault(p, 0)
        bounds.setdefault(p, 0)
    status: RosterStatus = "optimal" if run.all_optimal else "feasible"
    soft = next((st.get("value") for st in run.stages if st["stage"] == "preferences"), None)
    return Roster(
        scenario=scenario.name,
        status=status,
        assignments=[Assignment(shift=s, worker=w) for s, w in assigned],
        unfilled=unfilled,
        dropped_pins=dropped or None,
        penalties=[Penalty(worker=p.worker, rule=p.name, points=p.points) for p in penalties] or None,
        objective=Objective(
            filled_slots=len(assigned),
            total_slots=run.total_slots,
            bound_filled_slots=sum(bounds.values()),
            filled_by_priority={str(p): filled[p] for p in sorted(totals, reverse=True)},
            total_by_priority={str(p): totals[p] for p in sorted(totals, reverse=True)},
            bound_by_priority={str(p): bounds[p] for p in sorted(totals, reverse=True)},
            soft_penalty=soft if isinstance(soft, int) else None,
        ),
        stats={
            "solve_seconds": round(time.monotonic() - run.started, 2),
            "build_seconds": round(build_seconds, 2),
            "workers": run.config.workers,
            "seed": run.config.seed,
            "variables": len(run.v.x),
            "stages": run.stages,
        },
    )


def _penalties(terms: list[PenaltyTerm], values: list[int] | None) -> list[PenaltyRecord]:
    """Non-zero soft terms of the final roster, per worker and rule (a score analysis)."""
    if not terms or values is None:
        return []
    out: dict[tuple[str, str], int] = defaultdict(int)
    for term, points in zip(terms, values, strict=True):
        out[term.worker, term.name] += points
    return [PenaltyRecord(worker=w, name=n, points=p) for (w, n), p in sorted(out.items()) if p]
