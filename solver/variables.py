"""The CP-SAT model's variables in one container, with domain-named queries.

Only eligible (worker, shift) pairs get a Boolean; pairs ruled out in advance
keep their reason in :mod:`flexpool.eligibility` for the explanations. Fixed
work is not a variable: it enters every rule as a constant.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from ortools.sat.python import cp_model

from flexpool.eligibility import EligibilityContext
from flexpool.model import Scenario, Worker
from flexpool.timeline import Timeline, WorkItem


def weighted(terms: Sequence[tuple[int, cp_model.IntVar]]) -> cp_model.LinearExpr:
    """``sum(coef * lit)``, built in one call (a Python ``sum`` builds it term by term)."""
    return cp_model.LinearExpr.weighted_sum([lit for _, lit in terms], [c for c, _ in terms])


@dataclass(frozen=True, slots=True)
class Placed:
    """A work item in one worker's week: a shift with its literal, or fixed work (``lit`` None)."""

    item: WorkItem
    lit: cp_model.IntVar | None
    fixed: bool = field(init=False)
    """``lit is None``, stored: every rule asks it of every item."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "fixed", self.lit is None)


@dataclass
class Variables:
    """``works(w, s)`` literals plus per-worker and per-date helpers built on demand."""

    model: cp_model.CpModel
    scenario: Scenario
    timeline: Timeline
    eligibility: EligibilityContext
    x: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    _by_worker: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    _by_shift: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    _day_vars: dict[tuple[str, str, date], cp_model.IntVar | int] = field(default_factory=dict)
    _placed: dict[str, list[Placed]] = field(default_factory=dict)
    _placed_by_day: dict[str, dict[date, list[Placed]]] = field(default_factory=dict)
    _starts: dict[str, tuple[list[int], int]] = field(default_factory=dict)
    _week_minutes: dict[str, tuple[dict[int, int], dict[int, list[tuple[int, cp_model.IntVar]]]]] = field(
        default_factory=dict)
    capacity: dict[str, int] = field(default_factory=dict)
    _caps: dict[tuple[object, ...], tuple[list[tuple[int, cp_model.IntVar]], int]] = field(
        default_factory=dict)

    @classmethod
    def build(cls, model: cp_model.CpModel, scenario: Scenario, timeline: Timeline,
              eligibility: EligibilityContext, eligible: dict[str, list[str]],
              capacity: dict[str, int] | None = None) -> Variables:
        """Variables for the eligible pairs; ``capacity`` overrides open places per shift
        (a neighbourhood model sees what the fixed rest of the roster leaves)."""
        v = cls(model, scenario, timeline, eligibility, capacity=dict(capacity or {}))
        for shift in scenario.shifts:
            for worker_id in eligible.get(shift.id, ()):
                v.x[worker_id, shift.id] = model.new_bool_var(f"x[{worker_id},{shift.id}]")
                v._by_worker[worker_id].append(shift.id)
                v._by_shift[shift.id].append(worker_id)
        return v

    def places(self, shift_id: str, headcount: int) -> int:
        return self.capacity.get(shift_id, headcount)

    def works(self, worker_id: str, shift_id: str) -> cp_model.IntVar | None:
        return self.x.get((worker_id, shift_id))

    def shifts_of(self, worker_id: str) -> list[str]:
        return self._by_worker.get(worker_id, [])

    def workers_of(self, shift_id: str) -> list[str]:
        return self._by_shift.get(shift_id, [])

    def active_workers(self) -> Iterator[Worker]:
        """Workers with at least one eligible shift (the others need no constraints)."""
        return (w for w in self.scenario.workers if self._by_worker.get(w.id))

    def placed(self, worker_id: str) -> list[Placed]:
        """The worker's candidate shifts and fixed work, sorted by start (cached; do not mutate)."""
        if worker_id not in self._placed:
            self._placed[worker_id] = self._build_placed(worker_id)
        return self._placed[worker_id]

    def _build_placed(self, worker_id: str) -> list[Placed]:
        out = [Placed(self.timeline.shifts[s], self.x[worker_id, s]) for s in self.shifts_of(worker_id)]
        memo = self.eligibility.model_facts  # fixed work is the same in every model
        if ("fixed work", worker_id) not in memo:
            memo["fixed work", worker_id] = [Placed(item, None) for item in self.timeline.fixed[worker_id]]
        out.extend(memo["fixed work", worker_id])
        out.sort(key=lambda p: (p.item.start, p.item.end))
        return out

    def _starts_and_longest(self, worker_id: str) -> tuple[list[int], int]:
        """The start minute of each item of :meth:`placed`, in order, and the longest
        item's length: what bisection by time needs (cached)."""
        if worker_id not in self._starts:
            placed = self.placed(worker_id)
            self._starts[worker_id] = ([p.item.start for p in placed],
                                       max((p.item.end - p.item.start for p in placed), default=0))
        return self._starts[worker_id]

    def placed_between(self, worker_id: str, lo: int, hi: int) -> list[Placed]:
        """The items of :meth:`placed` that overlap ``[lo, hi)``, in order, found by bisection."""
        starts, longest = self._starts_and_longest(worker_id)
        first = bisect_left(starts, lo - longest)
        return [p for p in self.placed(worker_id)[first:bisect_left(starts, hi)] if p.item.end > lo]

    def placed_starting(self, worker_id: str, lo: int, hi: int) -> list[Placed]:
        """The items of :meth:`placed` that start in ``[lo, hi)``, in order."""
        starts, _ = self._starts_and_longest(worker_id)
        return self.placed(worker_id)[bisect_left(starts, lo):bisect_left(starts, hi)]

    def week_minutes(self, worker_id: str) -> tuple[dict[int, int], dict[int, list[tuple[int, cp_model.IntVar]]]]:
        """Per calendar week: the fixed work's minutes, and ``(minutes, literal)`` of each shift
        (cached; do not mutate)."""
        if worker_id not in self._week_minutes:
            fixed: dict[int, int] = defaultdict(int)
            terms: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
            for p in self.placed(worker_id):
                if p.lit is None:
                    fixed[p.item.week] += p.item.work_minutes
                else:
                    terms[p.item.week].append((p.item.work_minutes, p.lit))
            self._week_minutes[worker_id] = (dict(fixed), dict(terms))
        return self._week_minutes[worker_id]

    def cap(self, key: tuple[object, ...], terms: list[tuple[int, cp_model.IntVar]], const: int,
            limit: int) -> None:
        """Collect ``const + sum(coef * lit) <= limit``; rules sharing the same ``key`` (same
        terms) keep only the tightest, emitted once by :meth:`emit_caps`.

        When fixed work alone exceeds the limit, no literal may be set.
        """
        residual = limit - const
        if residual < 0:
            for _, lit in terms:
                self.model.add(lit == 0)
            return
        if sum(c for c, _ in terms) <= residual:
            return
        if key not in self._caps or residual < self._caps[key][1]:
            self._caps[key] = (terms, residual)

    def emit_caps(self) -> None:
        for terms, residual in self._caps.values():
            self.model.add(weighted(terms) <= residual)
        self._caps.clear()

    def placed_by_day(self, worker_id: str) -> dict[date, list[Placed]]:
        """:meth:`placed` by local start date (cached; do not mutate)."""
        if worker_id not in self._placed_by_day:
            by_day: dict[date, list[Placed]] = defaultdict(list)
            for p in self.placed(worker_id):
                by_day[p.item.start_date].append(p)
            self._placed_by_day[worker_id] = dict(by_day)
        return self._placed_by_day[worker_id]

    def day_flag(self, worker_id: str, day: date, *, nights_only: bool) -> cp_model.IntVar | int:
        """Exactly "the worker starts a (night) item on ``day``": a literal, or 1/0 when fixed.

        Cached per (worker, day, kind) so every rule shares one variable.
        """
        key = (worker_id, "N" if nights_only else "D", day)
        if key in self._day_vars:
            return self._day_vars[key]
        lits = []
        for p in self.placed_by_day(worker_id).get(day, ()):
            if nights_only and not p.item.night:
                continue
            if p.lit is None:
                self._day_vars[key] = 1
                return 1
            lits.append(p.lit)
        flag: cp_model.IntVar | int
        if not lits:
            flag = 0
        elif len(lits) == 1:
            flag = lits[0]
        else:
            flag = self.model.new_bool_var(f"{key[1]}[{worker_id},{day}]")
            self.model.add_bool_or(lits).only_enforce_if(flag)
            for lit in lits:
                self.model.add_implication(lit, flag)
        self._day_vars[key] = flag
        return flag


def solve_fixed(model: cp_model.CpModel, x: dict[tuple[str, str], cp_model.IntVar],
                chosen: set[tuple[str, str]], seconds: float, workers: int = 1,
                objective: cp_model.LinearExprT | None = None) -> cp_model.CpSolver | None:
    """Solve a copy of ``model`` with every assignment literal of ``x`` fixed (1 for the
    pairs in ``chosen``, else 0), so the auxiliaries and the objective (``objective``
    replaces the model's) take their values for that roster. The solver, or None when
    the roster breaks a rule or time ran out."""
    probe = model.clone()
    for key, lit in x.items():
        probe.add(probe.get_bool_var_from_proto_index(lit.index) == int(key in chosen))
    if objective is not None:
        probe.minimize(objective)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    if solver.solve(probe) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return solver
