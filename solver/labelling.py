"""Pricing by labelling: one worker's cheapest pattern by a dynamic programme over the days.

Column generation (:mod:`solver.columns`) prices each worker with a one-worker
CP-SAT model. The literature's branch-and-price prices with a dynamic programme
over the days instead (Burke & Curtois, *New approaches to nurse rostering
benchmark instances*, 2014); compiled, it is faster: the root LP of Curtois Instance8
converged in 18.7 s against 49.7 s with CP-SAT pricing, Instance9's in 5.0 s against
24.4 s (``benchmarks/curtois/NOTES.md``).

The programme keeps one *label* (a partial pattern up to a day) per state, the
cheaper of two in one state: the *kind* of the shift worked last (or a day off;
labels after which the same labels are forbidden are one kind, since that is all a
state needs of it: Curtois Instance12's 10 labels are 4 kinds, Instance13's 18 are 7,
and a sweep of every worker's pricing under the same prices took 70 ms and 2.1 s
against 125 ms and 4.6 s with a state per label, the same least costs), the
length of the current run of days with work or off and whether it touches the
horizon's first date, the work minutes, the weekends worked and, per label whose
``max_shifts_by_label`` cap has bound in an earlier run, the shifts of it (caps are
counted lazily, see :meth:`WorkerLabelling.cheapest`). That is exactly what these
rules need (``docs/rules.md``):

- ``work_rules``: GEN-MAX-DAYS, GEN-MIN-DAYS, GEN-MIN-OFF (runs touching an edge
  exempt), GEN-WEEKENDS, GEN-MIN-TOTAL, GEN-MAX-TOTAL, GEN-KIND-MAX;
- ``rules.forbidden_successions`` (GEN-SUCCESSION);
- one shift a day, which the worker's model implies when its shifts of a date all
  overlap or ``rules.max_shifts_per_day`` is 1;
- soft terms linear in the worker's shifts (read off the model's objective).

Every other rule of the worker's model (the Arbeidstijdenwet, CAO rest) is left
out, so the programme's least cost is a *lower bound* on the model's. Its cheapest
patterns are judged by flexpool's checker, which knows every rule: the cheapest, when
legal, is the model's least too; when it is not, CP-SAT prices that worker from then on.
Labels that cannot end below a reduced cost of 0, or below the last cheapest pattern,
are dropped on the way (a bound on the days left by the run, succession and minutes
rules alone), which keeps the least exact where it is negative.
:meth:`WorkerLabelling.of` returns None for a worker the programme cannot price
(fixed work, pins, two shifts a day), and :meth:`WorkerLabelling.cheapest` None once
its states outgrow the programme's limits.
"""

from __future__ import annotations

import importlib
import math
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np

from flexpool.model import Worker
from solver.variables import Variables

TABLE_BITS = 20  # hash table of 2^20 slots per day
LAYER_STATES = 1 << 18  # states of one day at most; more and the programme gives up
TOTAL_STATES = 1 << 22  # states over all days at most (their back pointers)
MAX_COUNTED = 16  # labels whose caps can bind, at most
KEY_LIMIT = 1 << 62  # the mixed-radix state key must fit an int64
SATURDAY, SUNDAY = 5, 6
GAVE_UP = -1  # the kernel's count when a limit was reached
BOUND_CELLS = 1 << 22  # completion bounds by minutes done, up to this many cells (32 MiB)
THRESHOLD_SLACK = 1e-9  # relative: sums in another order must not prune the pattern that sets it


@dataclass(frozen=True)
class WorkerLabelling:
    """One worker's programme: the choices per day and the rules as arrays (built once)."""

    worker: str
    offset: float  # the soft terms' constant part
    soft_of: dict[str, float]  # each shift's linear soft cost
    shift_ids: list[str]  # choice -> shift id
    day_start: np.ndarray  # CSR offsets of each day's choices (days + 1)
    label: np.ndarray  # choice -> label index
    label_names: tuple[str, ...]  # label index -> the shifts' label
    units: np.ndarray  # choice -> work minutes / unit
    soft: np.ndarray  # choice -> its linear soft cost
    kind: np.ndarray  # choice -> its label's kind: labels that forbid the same labels next share one
    kind_forbidden: np.ndarray  # [kind worked last, next label]: not on the next day (the last row: a day off)
    cap_of: dict[int, int]  # label index -> its GEN-KIND-MAX cap, for labels whose cap can bind
    saturday: np.ndarray  # day -> bool
    sunday: np.ndarray
    rules: np.ndarray  # min_off, min_run, max_run, max_weekends, max_units, min_units, radices of the rest
    counted: set[int] = field(default_factory=set, compare=False)  # capped labels the states count so far
    _arrays: dict[int, tuple[np.ndarray, ...] | None] = field(  # len(counted) -> _counting's arrays
        default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, v: Variables, worker: Worker, offset: float, soft: dict[str, float]) -> WorkerLabelling | None:
        """The programme for ``worker``'s model in ``v`` (unpinned) whose soft terms are
        ``offset`` plus each shift's cost in ``soft``, or None when it cannot price it."""
        placed = v.placed(worker.id)
        if any(p.fixed for p in placed):
            return None
        dates = v.scenario.horizon.dates
        index = {d: i for i, d in enumerate(dates)}
        if any(p.item.start_date not in index for p in placed):
            return None
        by_day: dict[int, list[str]] = defaultdict(list)
        items = {p.item.key: p.item for p in placed}
        for p in placed:
            by_day[index[p.item.start_date]].append(p.item.key)
        one_a_day = v.scenario.rules.max_shifts_per_day == 1
        if not one_a_day and any(max(items[s].start for s in ss) >= min(items[s].end for s in ss)
                                 for ss in by_day.values()):
            return None  # two shifts of one date may both be worked: not one state a day
        rules = worker.work_rules
        labels = sorted({items[s].label for s in items}
                        | {x for pair in v.scenario.rules.forbidden_successions for x in pair})
        label_index = {name: i for i, name in enumerate(labels)}
        forbidden = np.zeros((len(labels), len(labels)), np.bool_)  # [last label, next label]
        for a, b in v.scenario.rules.forbidden_successions:
            forbidden[label_index[a], label_index[b]] = True
        kind_rows, kind_of_label = np.unique(forbidden, axis=0, return_inverse=True)
        kind_of_label = kind_of_label.reshape(-1)  # one kind per label, whatever numpy's shape
        kind_forbidden = np.vstack([kind_rows, np.zeros((1, len(labels)), np.bool_)])  # a day off forbids nothing

        shift_ids = [s for d in range(len(dates)) for s in by_day.get(d, [])]
        day_start = np.zeros(len(dates) + 1, np.int64)
        for d in range(len(dates)):
            day_start[d + 1] = day_start[d] + len(by_day.get(d, []))
        minutes = [items[s].work_minutes for s in shift_ids]
        track_minutes = rules.min_total_minutes is not None or rules.max_total_minutes is not None
        unit = max(1, math.gcd(*minutes, *(m for m in (rules.min_total_minutes, rules.max_total_minutes)
                                           if m))) if track_minutes and minutes else 1
        max_units = (rules.max_total_minutes // unit if rules.max_total_minutes is not None
                     else sum(minutes) // unit) if track_minutes else 0
        min_units = -(-(rules.min_total_minutes or 0) // unit) if track_minutes else 0

        days_with = defaultdict(set)
        for s in shift_ids:
            days_with[items[s].label].add(items[s].start_date)
        cap_of = {label_index[name]: cap for name, cap in rules.max_shifts_by_label.items()
                  if name in days_with and cap < len(days_with[name])}
        weekends = {d - timedelta(days=d.weekday() - SATURDAY) for d in dates if d.weekday() >= SATURDAY}
        track_weekends = rules.max_weekends is not None and rules.max_weekends < len(weekends)

        min_off = rules.min_consecutive_days_off or 1
        min_run = rules.min_consecutive_days or 1
        max_run = rules.max_consecutive_days or len(dates)
        run_radix = max(max_run, min_off, min_run) + 1
        weekend_radix = rules.max_weekends + 1 if track_weekends else 1
        return cls(
            worker.id, offset, soft, shift_ids, day_start,
            np.array([label_index[items[s].label] for s in shift_ids], np.int64), tuple(labels),
            np.array([m // unit if track_minutes else 0 for m in minutes], np.int64),
            np.array([soft.get(s, 0.0) for s in shift_ids], np.float64),
            np.array([kind_of_label[label_index[items[s].label]] for s in shift_ids], np.int64),
            kind_forbidden,
            cap_of,
            np.array([d.weekday() == SATURDAY for d in dates], np.bool_),
            np.array([d.weekday() == SUNDAY for d in dates], np.bool_),
            np.array([min_off, min_run, max_run, rules.max_weekends if track_weekends else -1,
                      max_units, min_units, run_radix, weekend_radix, max_units + 1, 0], np.int64),
        )

    @property
    def bound_by_units(self) -> bool:
        """Whether the completion bounds can afford a dimension for the minutes done."""
        days, kinds, runs, units = len(self.day_start), len(self.kind_forbidden), self.rules[6], self.rules[8]
        return days * kinds * runs * 2 * units <= BOUND_CELLS

    def penalty(self, shifts: frozenset[str]) -> int:
        """The soft terms' value for a pattern (whole points)."""
        return round(self.offset + sum(self.soft_of.get(s, 0.0) for s in shifts))

    def cost(self, shifts: frozenset[str], prices: dict[str, float]) -> float:
        """A pattern's cost in the programme: its linear soft cost minus the prices."""
        return sum(self.soft_of.get(s, 0.0) - prices.get(s, 0.0) for s in shifts)

    def cheapest(self, prices: dict[str, float], most: int,
                 at_most: float = math.inf) -> list[tuple[float, frozenset[str]]] | None:
        """Up to ``most`` patterns of least cost (soft cost minus prices) no dearer than
        ``at_most``, cheapest first, each ending in a different state (none: every pattern
        costs more); None when a size limit was reached.

        Caps are counted lazily (decremental state-space relaxation, Righini & Salani,
        *Networks* 51, 2008): the programme first runs without the counts of labels
        whose cap has not yet bound, a relaxation; while its cheapest pattern breaks a
        cap, that label is counted from then on and the programme runs again. The
        cheapest pattern that keeps every cap is then the least, and patterns that
        break one are left out."""
        cost = self.soft - np.array([prices.get(s, 0.0) for s in self.shift_ids], np.float64)
        threshold = at_most + THRESHOLD_SLACK * (1 + abs(at_most)) if math.isfinite(at_most) else np.inf
        kernel = _kernel
        if kernel is None:
            return None
        while True:
            counting = self._counting()
            if counting is None:
                return None
            buffers = _take_buffers()
            try:
                slot, caps, radices, rules = counting
                count, values, choices = kernel(
                    self.day_start, self.label, self.kind, self.units, slot, cost, self.kind_forbidden, caps, radices,
                    self.saturday, self.sunday, rules, most, threshold, self.bound_by_units, *buffers)
            finally:
                _spare_buffers.append(buffers)
            if count == GAVE_UP:
                return None
            broken = [self._broken_caps(choices[k]) for k in range(count)]
            if count and broken[0]:  # never a counted cap, so the loop ends
                self.counted.update(broken[0])
                continue
            return [(float(values[k]), frozenset(self.shift_ids[c] for c in choices[k] if c >= 0))
                    for k in range(count) if not broken[k]]

    def _counting(self) -> tuple[np.ndarray, ...] | None:
        """The kernel's arrays for the labels counted now: each choice's slot (-1: its
        label is not counted), the caps, their radices and the rules; None when their
        states cannot be indexed. Built once per set counted (it only grows), not
        once per pricing call."""
        if len(self.counted) not in self._arrays:
            self._arrays[len(self.counted)] = self._build_counting()
        return self._arrays[len(self.counted)]

    def _build_counting(self) -> tuple[np.ndarray, ...] | None:
        counted = sorted(self.counted)
        caps = [self.cap_of[k] for k in counted]
        run_radix, weekend_radix, unit_radix = (int(r) for r in self.rules[6:9])
        key_space = len(self.kind_forbidden) * run_radix * 2 * unit_radix * weekend_radix * math.prod(
            cap + 1 for cap in caps)  # Python integers: no overflow
        if key_space >= KEY_LIMIT or len(counted) > MAX_COUNTED:
            return None
        slot_of_label = np.full(len(self.label_names), -1, np.int64)
        slot_of_label[counted] = np.arange(len(counted))
        rules = self.rules.copy()
        rules[9] = len(counted)
        return (slot_of_label[self.label], np.array(caps or [0], np.int64),
                np.array([cap + 1 for cap in caps] or [1], np.int64), rules)

    def _broken_caps(self, choices: np.ndarray) -> set[int]:
        """The capped labels a pattern (its choice per day, -1 off) works more often than their cap."""
        worked = np.bincount(self.label[choices[choices >= 0]], minlength=len(self.label_names))
        return {k for k, cap in self.cap_of.items() if worked[k] > cap}


_spare_buffers: list[tuple[np.ndarray, ...]] = []  # one set per call running at once, kept between calls


def _take_buffers() -> tuple[np.ndarray, ...]:
    """A spare set of the hash table (empty between calls) and the label arrays, or a new
    one: pricing threads come and go with each round's pool, the buffers stay."""
    try:
        return _spare_buffers.pop()  # list.pop and append are atomic under the GIL
    except IndexError:
        return _make_buffers(1 << TABLE_BITS, LAYER_STATES, TOTAL_STATES)


def _make_buffers(table: int, layer: int, total: int) -> tuple[np.ndarray, ...]:
    return (
        np.full(table, -1, np.int64), np.zeros(table, np.int32), np.zeros(layer, np.int32),
        np.zeros((2, layer, 5), np.int32),  # last, run, edge, units, weekends per layer
        np.zeros((2, layer, MAX_COUNTED), np.int16),  # shifts per counted label
        np.zeros(layer * 2, np.float64),
        np.zeros(total, np.int32),  # back pointer: parent state's global index
        np.zeros(total, np.int32),  # choice taken (-1: a day off)
    )


_kernel = None  # solver.labelling_kernel._label once compiled
_compiling = threading.Lock()
_compiled = threading.Event()


def start_compiling() -> None:
    """Compile the kernels in a daemon thread, once per process (numba caches the
    machine code on disk, so later processes only load it): until then
    :meth:`WorkerLabelling.cheapest` returns None and CP-SAT prices."""
    if not _compiling.acquire(blocking=False):
        return
    threading.Thread(target=_compile, name="labelling-compiler", daemon=True).start()


def kernel_ready(timeout: float | None = 0.0) -> bool:
    """Whether the kernels are compiled, waiting up to ``timeout`` seconds (None: until they are)."""
    return _compiled.wait(timeout)


def _compile() -> None:
    global _kernel
    module = importlib.import_module("solver.labelling_kernel")
    one_day = (np.array([0, 1], np.int64), np.zeros(1, np.int64), np.zeros(1, np.int64), np.zeros(1, np.int64),
               np.full(1, -1, np.int64), np.zeros(1, np.float64), np.zeros((2, 1), np.bool_),
               np.zeros(1, np.int64), np.ones(1, np.int64), np.zeros(1, np.bool_), np.zeros(1, np.bool_),
               np.array([1, 1, 1, -1, 0, 0, 2, 1, 1, 0], np.int64))
    module._label(*one_day, 1, np.inf, True, *_make_buffers(16, 4, 8))  # the types of every call
    _kernel = module._label
    _compiled.set()

