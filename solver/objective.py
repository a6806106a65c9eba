"""What the solver optimises: filling by priority, then named soft penalties.

Filling is lexicographic (spec, Weights): :func:`fill_by_priority` gives one
expression per priority level, solved in turn from 5 down to 1. The soft terms
only break ties among rosters that fill exactly as much; each is a named
:class:`PenaltyTerm` so the result can say who paid what (a score analysis).
Weights are documented on :class:`flexpool.model.Weights`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from ortools.sat.python import cp_model

from flexpool.model import Shift
from solver.variables import Variables

WEEKEND_DAYS = (5, 6)  # Saturday, Sunday (local start date)
TRAVEL_STEP_KM = 5


@dataclass(frozen=True)
class PenaltyTerm:
    """One soft rule's contribution for one worker: ``expr`` in penalty points."""

    name: str
    worker: str
    expr: cp_model.LinearExprT


def fill_by_priority(v: Variables) -> dict[int, cp_model.LinearExprT]:
    """Filled slots per priority level (only levels with candidate pairs)."""
    levels: dict[int, list[cp_model.LinearExprT]] = defaultdict(list)
    for shift in v.scenario.shifts:
        lits = [v.x[w, shift.id] for w in v.workers_of(shift.id)]
        open_places = max(0, v.places(shift.id, shift.headcount))
        if shift.max_headcount is not None and lits and len(lits) > open_places:
            # over-staffed places fill nothing: count at most the open places
            filled = v.model.new_int_var(0, open_places, f"filled[{shift.id}]")
            v.model.add(filled <= sum(lits))
            levels[shift.priority].append(filled)
        else:
            levels[shift.priority].extend(lits)
    return {p: sum(lits) for p, lits in levels.items() if lits}


def filled_by_level(shifts: Mapping[str, Shift], pairs: Iterable[tuple[str, str]]) -> dict[int, int]:
    """Filled slots per priority of a roster given as (worker, shift) pairs: at most
    ``headcount`` per shift, so over-staffed places (``max_headcount``) fill nothing.

    >>> from flexpool.model import Shift
    >>> s = Shift(id="a", organisation="o", location="l", start="2026-11-30T08:00",
    ...           end="2026-11-30T16:00", headcount=1, max_headcount=3)
    >>> filled_by_level({"a": s}, [("w1", "a"), ("w2", "a")])
    {3: 1}
    """
    count: dict[str, int] = defaultdict(int)
    for _, shift_id in pairs:
        count[shift_id] += 1
    out: dict[int, int] = defaultdict(int)
    for shift_id, n in count.items():
        shift = shifts[shift_id]
        out[shift.priority] += min(n, shift.headcount)
    return dict(out)


def soft_terms(v: Variables) -> list[PenaltyTerm]:
    """Every soft rule's penalty terms, in a fixed order."""
    terms: list[PenaltyTerm] = []
    for rule in (preference_windows, shift_kind_and_organisation_likes, distance_to_target,
                 fair_nights_and_weekends, travel_distance, shift_wishes, over_staffing,
                 load_balance):
        terms.extend(rule(v))
    return terms


def pair_coefficients(v: Variables, terms: list[cp_model.LinearExprT]
                      ) -> tuple[float, dict[tuple[str, str], float], bool]:
    """``sum(terms)`` read as a constant and a coefficient per (worker, shift) pair
    (zero ones left out), and whether that is all of it: False when some term sits
    on another variable (a load balance's square, an over-staffing count), whose
    part the coefficients leave out. The model's objective is set to read them and
    cleared after."""
    if not terms:
        return 0.0, {}, True
    pair_of = {lit.index: key for key, lit in v.x.items()}
    v.model.minimize(sum(terms))
    objective = v.model.proto.objective
    try:
        coefficients: dict[tuple[str, str], float] = defaultdict(float)
        linear = True
        for index, coef in zip(objective.vars, objective.coeffs, strict=True):
            if index in pair_of:
                coefficients[pair_of[index]] += coef
            else:
                linear = False
        return objective.offset, {k: c for k, c in coefficients.items() if c}, linear
    finally:
        v.model.clear_objective()


def preference_windows(v: Variables) -> Iterator[PenaltyTerm]:
    """Soft. ``avoid`` costs per assigned shift overlapping the window; ``prefer``
    rewards per assigned shift inside it.

    Source: spec, Worker ``preferences``.
    """
    tb, weights = v.timeline.timebase, v.scenario.weights
    for worker in v.active_workers():
        prefs = worker.preferences
        for window in prefs.avoid:
            lo, hi = tb.minute(window.start), tb.minute(window.end)
            lits = [v.x[worker.id, s] for s in v.shifts_of(worker.id)
                    if v.timeline.shifts[s].start < hi and v.timeline.shifts[s].end > lo]
            if lits:
                yield PenaltyTerm("avoid", worker.id, weights.avoid * window.weight * sum(lits))
        for window in prefs.prefer:
            lo, hi = tb.minute(window.start), tb.minute(window.end)
            lits = [v.x[worker.id, s] for s in v.shifts_of(worker.id)
                    if v.timeline.shifts[s].start >= lo and v.timeline.shifts[s].end <= hi]
            if lits:
                yield PenaltyTerm("prefer", worker.id, -weights.prefer * window.weight * sum(lits))


def shift_kind_and_organisation_likes(v: Variables) -> Iterator[PenaltyTerm]:
    """Soft. Liked shift kinds and organisations reward, disliked ones cost, per shift.

    Source: spec, Worker ``preferences.shift_kinds`` and ``.organisations``.
    """
    weights = v.scenario.weights
    for worker in v.active_workers():
        kinds, orgs = worker.preferences.shift_kinds, worker.preferences.organisations
        if not kinds and not orgs:
            continue
        kind_expr, org_expr = [], []
        for s in v.shifts_of(worker.id):
            item = v.timeline.shifts[s]
            if item.kind in kinds:
                kind_expr.append(-weights.shift_kind * kinds[item.kind] * v.x[worker.id, s])
            if item.organisation in orgs:
                org_expr.append(-weights.organisation * orgs[item.organisation] * v.x[worker.id, s])
        if kind_expr:
            yield PenaltyTerm("shift-kind", worker.id, sum(kind_expr))
        if org_expr:
            yield PenaltyTerm("organisation", worker.id, sum(org_expr))


def distance_to_target(v: Variables) -> Iterator[PenaltyTerm]:
    """Soft. Hours per week away from ``target_minutes_per_week`` (flexpool shifts only).

    Source: spec, Worker ``contract.target_minutes_per_week``.
    """
    weight = v.scenario.weights.target_hours
    for worker in v.active_workers():
        target = worker.contract.target_minutes_per_week
        if target is None or weight == 0:
            continue
        by_week: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
        for s in v.shifts_of(worker.id):
            item = v.timeline.shifts[s]
            by_week[item.week].append((item.work_minutes, v.x[worker.id, s]))
        for week in v.timeline.horizon_weeks:
            worked = sum(m * lit for m, lit in by_week.get(week, ()))
            most = sum(m for m, _ in by_week.get(week, ())) + target
            hours = v.model.new_int_var(0, most // 60 + 1, f"target_dev[{worker.id},{week}]")
            v.model.add(60 * hours >= worked - target)
            v.model.add(60 * hours >= target - worked)
            yield PenaltyTerm("target-hours", worker.id, weight * hours)


def _squared_count(v: Variables, name: str, lits: list[cp_model.IntVar]) -> cp_model.IntVar:
    count = v.model.new_int_var(0, len(lits), f"{name}_count")
    v.model.add(count == sum(lits))
    square = v.model.new_int_var(0, len(lits) ** 2, f"{name}_sq")
    v.model.add_multiplication_equality(square, [count, count])
    return square


def fair_nights_and_weekends(v: Variables) -> Iterator[PenaltyTerm]:
    """Soft. Spread nights and weekend shifts: cost grows with the square of each
    worker's count, so two workers with one night each beat one worker with two.

    Source: DOMAIN.md section 7 (fairness: nights, weekends spread evenly).
    """
    weights = v.scenario.weights
    for worker in v.active_workers():
        nights, weekends = [], []
        for s in v.shifts_of(worker.id):
            item = v.timeline.shifts[s]
            if item.night:
                nights.append(v.x[worker.id, s])
            if item.start_date.weekday() in WEEKEND_DAYS:
                weekends.append(v.x[worker.id, s])
        if len(nights) > 1 and weights.night_fairness:
            yield PenaltyTerm("night-fairness", worker.id,
                              weights.night_fairness * _squared_count(v, f"nights[{worker.id}]", nights))
        if len(weekends) > 1 and weights.weekend_fairness:
            yield PenaltyTerm("weekend-fairness", worker.id,
                              weights.weekend_fairness * _squared_count(v, f"weekend[{worker.id}]", weekends))


def travel_distance(v: Variables) -> Iterator[PenaltyTerm]:
    """Soft. Travel from home to the shift's location, per started 5 km.

    Source: DOMAIN.md section 2 (travel after filling and legality).
    """
    weight = v.scenario.weights.travel_km
    if weight == 0:
        return
    for worker in v.active_workers():
        parts = []
        for s in v.shifts_of(worker.id):
            km = v.eligibility.distance_km(worker, v.eligibility.shifts[s].location)
            if km:
                parts.append(weight * (int(km) // TRAVEL_STEP_KM) * v.x[worker.id, s])
        if parts:
            yield PenaltyTerm("travel", worker.id, sum(parts))


def shift_wishes(v: Variables) -> Iterator[PenaltyTerm]:
    """Soft. ``preferences.shifts``: a positive wish rewards, a negative one costs,
    per point, when the worker works that shift.

    Source: issue #4 (shift on/off requests, desired/undesired dates).
    """
    weight = v.scenario.weights.shift_wish
    if weight == 0:
        return
    for worker in v.active_workers():
        wishes = worker.preferences.shifts
        parts = [-weight * wishes[s] * v.x[worker.id, s] for s in v.shifts_of(worker.id)
                 if wishes.get(s)]
        if parts:
            yield PenaltyTerm("shift-wish", worker.id, sum(parts))


def over_staffing(v: Variables) -> Iterator[PenaltyTerm]:
    """Soft. ``over_cost`` per worker beyond a shift's headcount (``max_headcount``).

    Paid by the shift, not by one worker: the term carries the shift's id as its ``worker``.

    Source: issue #4 (cover with an over-staffing cost).
    """
    for shift in v.scenario.shifts:
        if shift.max_headcount is None or shift.over_cost == 0:
            continue
        lits = [v.x[w, shift.id] for w in v.workers_of(shift.id)]
        open_places = max(0, v.places(shift.id, shift.headcount))
        if len(lits) <= open_places:
            continue
        over = v.model.new_int_var(0, len(lits) - open_places, f"over[{shift.id}]")
        v.model.add(over >= sum(lits) - open_places)
        yield PenaltyTerm("over-staffing", shift.id, shift.over_cost * over)


def load_balance(v: Variables) -> Iterator[PenaltyTerm]:
    """Soft. Even spread of shift counts: ``weights.load_balance`` times each
    worker's squared number of shifts (off by default).

    Source: issue #4 (Timefold's load balance).
    """
    weight = v.scenario.weights.load_balance
    if weight == 0:
        return
    for worker in v.active_workers():
        lits = [v.x[worker.id, s] for s in v.shifts_of(worker.id)]
        if lits:
            yield PenaltyTerm("load-balance", worker.id,
                              weight * _squared_count(v, f"load[{worker.id}]", lits))
