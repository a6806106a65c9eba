"""An exact labelling pricer for one Curtois employee, written from the README's rules.

Column generation (``solver/columns.py``) prices each worker with a one-worker
CP-SAT model of flexpool's rules: the pattern of least reduced cost under the
master LP's prices. The literature's branch-and-price prices with a dynamic
programme over the days instead (Burke & Curtois, *New approaches to nurse
rostering benchmark instances*, 2014), and the notes named such a programme as
what would make the dives fit in 60 s. This module is that programme, written from
``data/README.md`` section 4 alone, sharing no code with the solver, for two uses:

- a **check** of the solver: on every employee, its least cost must equal the
  CP-SAT pricing's proven least reduced cost under the same prices
  (``tests/benchmarks/test_curtois_labelling.py``);
- a **measurement**: does it price faster than CP-SAT?
  ``python -m benchmarks.curtois.labelling 8 --rounds 5`` prices every employee
  both ways under the duals of a few column-generation rounds and prints both times.

A label is one partial roster up to a day, kept per *state*: the shift worked
last (``None`` for a day off), the length of the current run and whether it
touches day 0 (README rules 6-8: such runs are exempt from the minimums), the
minutes so far (rules 4-5), the weekends worked (rule 9) and, for every shift type
whose ``MaxShifts`` could bind (rule 3), how many were worked. Two labels in the
same state have the same futures, so only the cheaper is kept: exact, with no
dominance between states. Rules 1, 2 and 10 shape the moves.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Mapping
from dataclasses import dataclass

from benchmarks.curtois.instance import Instance, Staff, load_instance

State = tuple[str | None, int, bool, int, int, tuple[int, ...]]
"""(last shift or None, run length, run touches day 0, minutes, weekends, counts)."""

SATURDAY, SUNDAY = 5, 6  # README rule 9: weekend w is days 7w+5 and 7w+6
AGREE_TOLERANCE = 1e-4  # relative: CP-SAT solves a fractional objective scaled to integers


@dataclass(frozen=True)
class Priced:
    """The least cost pattern of one employee: its cost and its shift per working day."""

    cost: float
    shifts: dict[int, str]


@dataclass(frozen=True)
class _Layer:
    """The labels of one day: the least cost per state and where it came from."""

    value: dict[State, float]
    back: dict[State, tuple[State, str | None]]

    def keep(self, state: State, value: float, parent: State, shift: str | None) -> None:
        if value < self.value.get(state, float("inf")):
            self.value[state] = value
            self.back[state] = (parent, shift)


def least_cost_pattern(instance: Instance, staff: Staff, cost: Mapping[tuple[int, str], float]) -> Priced | None:
    """The cheapest legal roster row for ``staff`` when working shift ``s`` on day ``d``
    costs ``cost[d, s]`` (a day off costs nothing; pairs missing from ``cost`` cannot be
    worked); None when no row is legal (README section 4, rules 1-10)."""
    horizon = instance.horizon
    length = {st.id: st.length for st in instance.shift_types}
    forbidden_after = {st.id: frozenset(st.forbidden_next) for st in instance.shift_types}
    workable = {(d, s) for (d, s) in cost if d not in staff.days_off and s in length}
    cap = {s: staff.max_shifts_of(s) for s in length}
    counted = [s for s in length
               if cap[s] is not None and cap[s] < sum(1 for d in range(horizon) if (d, s) in workable)]
    slot = {s: i for i, s in enumerate(counted)}
    min_off, min_run, max_run = (staff.min_consecutive_days_off, staff.min_consecutive_shifts,
                                 staff.max_consecutive_shifts)

    # before day 0 the employee is off, in a run that touches the horizon's edge
    layer: dict[State, float] = {(None, min_off, True, 0, 0, (0,) * len(counted)): 0.0}
    came_from: list[dict[State, tuple[State, str | None]]] = []
    for day in range(horizon):
        nxt: dict[State, float] = {}
        back: dict[State, tuple[State, str | None]] = {}
        keep = _Layer(nxt, back).keep
        for state, value in layer.items():
            last, run, edge, minutes, weekends, counts = state
            # a day off: ends a work run, which must be long enough unless it touches day 0
            if last is None:
                keep((None, min(run + 1, min_off), edge, minutes, weekends, counts), value, state, None)
            elif edge or run >= min_run:
                keep((None, min(1, min_off), False, minutes, weekends, counts), value, state, None)
            # a shift: starts or extends a work run
            if last is None:
                if not edge and run < min_off:
                    continue
                work_run, work_edge = 1, day == 0
            else:
                if run + 1 > max_run:
                    continue
                work_run, work_edge = run + 1, edge
            new_weekend = day % 7 == SATURDAY or (day % 7 == SUNDAY and last is None)
            worked_weekends = weekends + new_weekend
            if worked_weekends > staff.max_weekends:
                continue
            for shift, minutes_of in length.items():
                if (day, shift) not in workable or (last is not None and shift in forbidden_after[last]):
                    continue
                total = minutes + minutes_of
                if total > staff.max_total_minutes:
                    continue
                new_counts = counts
                if shift in slot:
                    i = slot[shift]
                    if counts[i] >= cap[shift]:
                        continue
                    new_counts = (*counts[:i], counts[i] + 1, *counts[i + 1:])
                keep((shift, work_run, work_edge, total, worked_weekends, new_counts),
                     value + cost[day, shift], state, shift)
        came_from.append(back)
        layer = nxt

    # the last run touches the horizon's end, so no minimum applies to it
    finals = [(value, state) for state, value in layer.items() if state[3] >= staff.min_total_minutes]
    if not finals:
        return None
    value, state = min(finals, key=lambda f: f[0])
    shifts: dict[int, str] = {}
    for day in range(horizon - 1, -1, -1):
        state, shift = came_from[day][state]
        if shift is not None:
            shifts[day] = shift
    return Priced(value, shifts)


def request_costs(instance: Instance, staff: Staff) -> dict[tuple[int, str], float]:
    """Each workable (day, shift)'s own cost in the objective (README section 5): an
    off-request's weight, minus an on-request's (its unmet weight is saved)."""
    cost = {(d, st.id): 0.0 for d in range(instance.horizon) for st in instance.shift_types
            if d not in staff.days_off}
    for r in instance.off_requests:
        if r.employee == staff.id and (r.day, r.shift) in cost:
            cost[r.day, r.shift] += r.weight
    for r in instance.on_requests:
        if r.employee == staff.id and (r.day, r.shift) in cost:
            cost[r.day, r.shift] -= r.weight
    return cost


@dataclass(frozen=True)
class Comparison:
    """One employee priced both ways under the same prices."""

    employee: str
    cp_sat: float  # proven least reduced cost by flexpool's pricing model
    cp_sat_seconds: float
    labelling: float | None
    labelling_seconds: float
    proven: bool
    compiled: float  # least reduced cost by the solver's compiled labelling (solver/labelling.py)
    compiled_seconds: float

    @property
    def agrees(self) -> bool:
        """All three equal up to CP-SAT's scaling of a fractional objective to integers;
        where no pattern has a negative reduced cost, the compiled labelling reports 0
        (it prunes every pattern that cannot have one)."""
        def same(value: float | None) -> bool:
            return value is not None and abs(value - self.cp_sat) <= AGREE_TOLERANCE * (1 + abs(self.cp_sat))

        compiled_agrees = same(self.compiled) or (self.compiled == 0.0 and self.cp_sat >= 0.0)
        return self.proven and same(self.labelling) and compiled_agrees


def compare(number: int, rounds: int, pricing_seconds: float = 30.0) -> list[Comparison]:
    """Price every employee of Instance ``number`` with flexpool's CP-SAT pricing, with
    :func:`least_cost_pattern` and with the solver's compiled labelling, under the duals
    after ``rounds`` pricing rounds."""
    from benchmarks.curtois.adapter import shift_id, to_scenario
    from flexpool.eligibility import EligibilityContext, eligible_workers
    from flexpool.timeline import Timeline
    from solver.columns import ColumnGeneration
    from solver.labelling import kernel_ready

    instance = load_instance(number)
    scenario = to_scenario(instance)
    timeline = Timeline.of(scenario)
    context = EligibilityContext(scenario, timeline)
    columns = ColumnGeneration(scenario, timeline, context, eligible_workers(context), set(),
                               {p: 1 for p in {s.priority for s in scenario.shifts}}, workers=1)
    master = columns.generate(time.monotonic() + 600, max_rounds=rounds)
    if master is None:
        raise RuntimeError(f"Instance{number}: the master LP could not be solved")
    if not kernel_ready(timeout=300):
        raise RuntimeError("the labelling kernels did not compile")
    out = []
    for staff in instance.staff:
        dual = master.worker_duals.get(staff.id, 0.0)
        pricing = columns._pricing[staff.id]
        began = time.perf_counter()
        _, _, compiled = columns._price(staff.id, master.prices, dual,
                                        time.monotonic() + pricing_seconds, pricing_seconds)
        compiled_seconds = time.perf_counter() - began
        pricing.labelling = None  # CP-SAT prices now
        began = time.perf_counter()
        _, proven, least = columns._price(staff.id, master.prices, dual,
                                          time.monotonic() + pricing_seconds, pricing_seconds)
        middle = time.perf_counter()
        cost = {(d, s): c - master.prices.get(shift_id(s, d), 0.0)
                for (d, s), c in request_costs(instance, staff).items()}
        priced = least_cost_pattern(instance, staff, cost)
        end = time.perf_counter()
        out.append(Comparison(staff.id, least, middle - began,
                              None if priced is None else priced.cost - dual, end - middle, proven,
                              compiled, compiled_seconds))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance", type=int, help="Curtois instance number, 1-24")
    parser.add_argument("--rounds", type=int, default=5, help="pricing rounds before the comparison")
    args = parser.parse_args(argv)
    rows = compare(args.instance, args.rounds)
    for r in rows:
        print(f"{r.employee:>4}  CP-SAT {r.cp_sat:14.6f} {'proven' if r.proven else 'bound '} "
              f"{1000 * r.cp_sat_seconds:8.1f} ms   labelling {r.labelling or float('nan'):14.6f} "
              f"{1000 * r.labelling_seconds:9.1f} ms   compiled {r.compiled:14.6f} "
              f"{1000 * r.compiled_seconds:7.1f} ms   {'agree' if r.agrees else 'DIFFER'}")
    cp_total = sum(r.cp_sat_seconds for r in rows)
    dp_total = sum(r.labelling_seconds for r in rows)
    compiled_total = sum(r.compiled_seconds for r in rows)
    print(f"Instance{args.instance}, {len(rows)} employees after {args.rounds} rounds: CP-SAT {cp_total:.2f} s, "
          f"labelling in Python {dp_total:.2f} s ({dp_total / cp_total:.1f}x), compiled in the solver "
          f"{compiled_total:.2f} s ({compiled_total / cp_total:.2f}x); {sum(r.agrees for r in rows)} of "
          f"{len(rows)} agree")
    return 0 if all(r.agrees for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
