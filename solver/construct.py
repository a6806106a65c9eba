"""A legal part for one worker, built by dynamic programming instead of search.

The generic rules (``work_rules``, issue #4) bind a worker over the whole
horizon: runs of days with work and days off, weekends, and total minutes in a
window that can be as narrow as one shift (Curtois-Qu: 111,600-112,320 minutes
over 364 days). A shift-by-shift fill cannot meet such minimums, and a
one-worker CP-SAT model over 364 days x 32 shift kinds needs a second or more to
find any legal part. This module finds one in a fraction of that, in two steps:

1. **Which days** (:func:`work_days`): an exact dynamic programme over the
   horizon's dates. Its state is the current run (days with work, or days off,
   and whether the run began on the first date), the weekends worked and the
   number of shift days; it honours ``max_consecutive_days``,
   ``min_consecutive_days``, ``min_consecutive_days_off`` (runs touching the
   horizon's edges exempt, as in :mod:`flexpool.checker` GEN-MIN-DAYS/OFF),
   ``max_weekends`` (a Saturday and the Sunday after it), days with fixed work or
   pins (work) and days without an eligible shift (off), and a number of shift
   days from which the minutes window stays reachable. It maximises the value
   of the days worked (the best shift that day), so the part takes open places.
2. **Which shift each day** (:func:`_shifts_for`): the best shift per day, in date
   order, that keeps the minutes window reachable with the days left, respects
   ``max_shifts_by_label`` and ``rules.forbidden_successions``, and leaves the
   next work day a shift it may follow with.

The checker judges the result (every rule, Arbeidstijdenwet too); a part it
rejects is not returned, and the caller falls back to an exact model.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date

import numpy as np

from flexpool.checker import CheckContext, check_worker
from flexpool.model import Worker
from flexpool.timeline import Timeline

UNREACHABLE = -(2 ** 23)  # times 128 (the state packed in with it) still an int32
ATTEMPTS = 4  # day patterns tried, each with fewer shift days, before giving up
MIN_LABEL = object()  # the previous day held fixed work or nothing: any shift may follow


@dataclass(frozen=True)
class Day:
    """What a worker may do on one horizon date."""

    options: tuple[str, ...]  # eligible shifts starting on the date, best first
    forced: str | None = None  # a pinned shift: the only option, and a day with work
    fixed_minutes: int = 0  # fixed work starting on the date (a day with work, no shift)

    @property
    def must_work(self) -> bool:
        return self.forced is not None or self.fixed_minutes > 0

    @property
    def may_take_shift(self) -> bool:
        return self.fixed_minutes == 0 and bool(self.options)


def legal_part(ctx: CheckContext, timeline: Timeline, worker: Worker, shift_ids: list[str],
               value: Callable[[str], int], pinned: AbstractSet[str] = frozenset()) -> list[str] | None:
    """Shifts for ``worker`` (from ``shift_ids``, the eligible ones) that the checker
    accepts, taking shifts of higher ``value`` where the rules leave a choice; or
    ``None`` when this construction finds none (the caller then searches exactly).
    A shift of negative value is taken only when the minimums need it."""
    scenario = ctx.scenario
    rules = worker.work_rules
    dates = scenario.horizon.dates
    index = {d: i for i, d in enumerate(dates)}
    caps = rules.max_shifts_by_label
    by_date: dict[int, list[str]] = {}
    for sid in shift_ids:
        item = timeline.shifts[sid]
        if item.start_date in index and caps.get(item.label, 1) > 0:
            by_date.setdefault(index[item.start_date], []).append(sid)
    fixed: Counter[int] = Counter()
    for item in timeline.fixed.get(worker.id, ()):
        if item.start_date in index:
            fixed[index[item.start_date]] += item.work_minutes
    forced: dict[int, str] = {}
    for sid in pinned:
        i = index.get(timeline.shifts[sid].start_date)
        if i is not None:
            if i in forced or fixed[i]:
                return None  # two items on one date: beyond this construction
            forced[i] = sid
    days = [Day(tuple(sorted(by_date.get(i, ()), key=value, reverse=True)) if i not in forced else (forced[i],),
                forced.get(i), fixed[i]) for i in range(len(dates))]

    fixed_total = sum(fixed.values())
    low = (rules.min_total_minutes or 0) - fixed_total
    high = math.inf if rules.max_total_minutes is None else rules.max_total_minutes - fixed_total
    fewest, most = _shift_day_range(days, timeline, caps, low, high)
    day_values = [value(day.options[0]) if day.may_take_shift else 0 for day in days]
    for _ in range(ATTEMPTS):
        if fewest > most:
            return None
        worked = work_days(days, dates, day_values, rules.max_consecutive_days, rules.min_consecutive_days,
                           rules.min_consecutive_days_off, rules.max_weekends, fewest, most)
        if worked is None:
            return None
        part = _shifts_for(days, worked, timeline, ctx.scenario.rules.forbidden_successions, caps, low, high)
        if part is not None:
            return None if check_worker(ctx, worker.id, part) else part
        # the minutes or the label caps left no shift for some day: fewer days, nearer the middle
        chosen = sum(1 for i, work in enumerate(worked) if work and days[i].fixed_minutes == 0)
        most = chosen - max(1, (chosen - fewest) // 4)
    return None


def _shift_day_range(days: list[Day], timeline: Timeline, caps: dict[str, int],
                     low: float, high: float) -> tuple[int, int]:
    """Fewest and most shift days that can bring the minutes into ``[low, high]``:
    the longest shifts first (label caps and the days that offer them honoured) for
    the fewest, the shortest first for the most."""
    offered: Counter[tuple[int, str]] = Counter()
    for day in days:
        if day.may_take_shift:
            for label, minutes in {(timeline.shifts[s].label, timeline.shifts[s].work_minutes)
                                   for s in day.options}:
                offered[minutes, label] += 1
    supply = [(minutes, min(n, caps.get(label, n))) for (minutes, label), n in offered.items()]
    fewest, reached = 0, 0
    for minutes, n in sorted(supply, reverse=True):
        take = min(n, max(0, math.ceil((low - reached) / minutes)))
        fewest, reached = fewest + take, reached + take * minutes
    if reached < low or high < 0:
        return 1, 0  # not even every longest shift reaches the minimum
    most, spent = 0, 0
    for minutes, n in sorted(supply):
        take = n if high == math.inf else min(n, int((high - spent) // minutes))
        most, spent = most + take, spent + take * minutes
    return fewest, min(most, sum(day.may_take_shift for day in days))


# --------------------------------------------------------------------- days


def work_days(days: list[Day], dates: list[date], values: list[int], max_run: int | None,
              min_run: int | None, min_off: int | None, max_weekends: int | None,
              fewest: int, most: int) -> list[bool] | None:
    """Which dates to work: the most valuable choice meeting the run, days-off and
    weekend rules with between ``fewest`` and ``most`` shift days, or ``None``.

    States: ``S`` (no work yet: the leading days off are exempt), ``E r`` (a run of
    r days with work that began on the first date: exempt from ``min_run``), ``W r``
    (a later run), ``O o`` (o days off since a run, counted up to ``min_off``).
    Each state holds an array over (weekends worked, shift days) of the best value;
    ``came_from`` keeps, per date and cell, the state of the date before. A date's
    moves are taken a block of states at a time (every run one day longer at once),
    since the arrays, not the moves, are what cost time over 364 dates.
    """
    need_run, need_off = min_run or 1, min_off or 1
    top = max_run or need_run  # without a maximum, runs are counted up to the minimum only
    states = ["S"] + [f"E{r}" for r in range(1, top + 1)] + [f"W{r}" for r in range(1, top + 1)] \
        + [f"O{o}" for o in range(1, need_off + 1)]
    start, early, late, off = 0, 1, 1 + top, 1 + 2 * top  # first index of S, E1, W1, O1
    ends_run = np.array([*range(early, early + top), *range(late + need_run - 1, late + top)])
    source_bits = (len(states) - 1).bit_length()
    packed = np.int32 if source_bits <= 7 else np.int64  # a value shifted by the state's bits
    if len(days) * max(map(abs, values), default=0) >= -UNREACHABLE // 2:
        raise ValueError(f"work_days: values up to {max(map(abs, values))} over {len(days)} dates "
                         f"are beyond its int32 arrays")
    weekends = 1 if max_weekends is None else max_weekends + 1
    value = np.full((len(states), weekends, most + 1), UNREACHABLE, dtype=np.int32)
    value[start, 0, 0] = 0
    came_from = np.zeros((len(dates), *value.shape), dtype=np.int8 if len(states) <= 128 else np.int16)
    # the cells a date can reach: no more shift days or weekends than have passed, and
    # enough shift days that the dates after it can still bring ``fewest``
    shift_days = np.cumsum([day.may_take_shift or day.forced is not None for day in days])
    weekends_begun = np.cumsum([d.weekday() == 5 or (i == 0 and d.weekday() == 6) for i, d in enumerate(dates)])

    for i, (day, today) in enumerate(zip(days, dates, strict=True)):
        rows = min(weekends, int(weekends_begun[i]) + 1) if max_weekends is not None else 1
        low, high = max(0, fewest - int(shift_days[-1] - shift_days[i])), min(most, int(shift_days[i]))
        if low > high:
            return None
        window = (slice(None), slice(0, rows), slice(low, high + 1))
        new = np.full_like(value, UNREACHABLE)
        cells, came, stay = new[window], came_from[i][window], value[window]
        counted = max_weekends is not None and today.weekday() >= 5
        if day.must_work or day.may_take_shift:
            count = int(day.may_take_shift or day.forced is not None)
            # a weekend is counted on its first worked day: a Sunday after a worked Saturday is not
            going_on = _moved(value, int(counted and today.weekday() == 5), count, values[i], rows, low, high)
            starting = going_on if today.weekday() == 5 or not counted else \
                _moved(value, 1, count, values[i], rows, low, high)
            for first in (early, late):  # every run one day longer
                cells[first + 1:first + top] = going_on[first:first + top - 1]
                came[first + 1:first + top] = np.arange(first, first + top - 1)[:, None, None]
                if max_run is None:  # runs past the minimum stay at the top
                    _keep_better(cells, came, first + top - 1, first + top - 1, going_on[first + top - 1])
            _keep_better(cells, came, early if i == 0 else late, start, starting[start])
            _keep_better(cells, came, late, off + need_off - 1, starting[off + need_off - 1])
        if not day.must_work:
            cells[start], came[start] = stay[start], start
            ended = (stay[ends_run].astype(packed, copy=False) << source_bits) + ends_run[:, None, None]  # value, state
            ended = ended.max(axis=0)  # (a reduction, where argmax along the states is slow)
            cells[off], came[off] = ended >> source_bits, ended & ((1 << source_bits) - 1)
            cells[off + 1:off + need_off] = stay[off:off + need_off - 1]
            came[off + 1:off + need_off] = np.arange(off, off + need_off - 1)[:, None, None]
            _keep_better(cells, came, off + need_off - 1, off + need_off - 1, stay[off + need_off - 1])
        value = new

    best = value[:, :, fewest:]
    if best.max() <= UNREACHABLE // 2:
        return None
    s, w, c = np.unravel_index(int(best.argmax()), best.shape)
    return _trace_back(came_from, states, dates, days, int(s), int(w), int(c) + fewest, max_weekends)


def _moved(value: np.ndarray, weekend: int, count: int, add: int, rows: int, low: int,
           high: int) -> np.ndarray:
    """Every state's values one date on (``weekend`` and ``count`` along their axes,
    plus ``add``), over the date's cells: ``rows`` weekends, shift days ``low..high``."""
    out = np.full((value.shape[0], rows, high - low + 1), UNREACHABLE, dtype=value.dtype)
    first = max(low, count)
    np.add(value[:, :rows - weekend, first - count:high + 1 - count], add, out=out[:, weekend:, first - low:])
    return out


def _keep_better(new: np.ndarray, came: np.ndarray, target: int, source: int | np.ndarray,
                 moved: np.ndarray) -> None:
    """``moved`` (reached from ``source``) into state ``target`` where it beats what is there."""
    better = moved > new[target]
    np.copyto(new[target], moved, where=better)
    np.copyto(came[target], source, where=better, casting="unsafe")


def _trace_back(came_from: np.ndarray, states: list[str], dates: list[date], days: list[Day],
                s: int, w: int, c: int, max_weekends: int | None) -> list[bool]:
    worked = [False] * len(dates)
    for i in range(len(dates) - 1, -1, -1):
        source = int(came_from[i, s, w, c])
        work = states[s][0] in "EW"
        worked[i] = work
        if work:
            today = dates[i].weekday()
            if max_weekends is not None and (today == 5 or (today == 6 and states[source][0] in "SO")):
                w -= 1
            c -= int(days[i].may_take_shift or days[i].forced is not None)
        s = source
    return worked


# ------------------------------------------------------------------- shifts


def _shifts_for(days: list[Day], worked: list[bool], timeline: Timeline,
                forbidden_successions: list[list[str]], caps: dict[str, int],
                low: float, high: float) -> list[str] | None:
    """One shift per chosen day, best first, keeping the minutes window reachable."""
    forbidden = {(a, b) for a, b in forbidden_successions}
    taken: Counter[str] = Counter()
    left = [i for i, work in enumerate(worked) if work and not days[i].fixed_minutes]
    label_lengths: dict[str, set[int]] = {}
    for i in left:
        for sid in days[i].options:
            item = timeline.shifts[sid]
            label_lengths.setdefault(item.label, set()).add(item.work_minutes)
    part: list[str] = []
    total, previous = 0, MIN_LABEL
    for k, i in enumerate(left):
        after = left[k + 1] if k + 1 < len(left) and left[k + 1] == i + 1 else None
        remaining = len(left) - k - 1
        chosen = None
        for sid in days[i].options:
            item = timeline.shifts[sid]
            if item.label in caps and taken[item.label] >= caps[item.label]:
                continue
            if previous is not MIN_LABEL and (previous, item.label) in forbidden:
                continue
            lengths = _lengths_left(label_lengths, caps, taken, item.label)
            after_total = total + item.work_minutes
            if remaining and lengths is None:
                continue
            shortest, longest = lengths if remaining and lengths else (0, 0)
            if after_total + remaining * shortest > high or after_total + remaining * longest < low:
                continue
            if after is not None and not any(
                    (item.label, timeline.shifts[o].label) not in forbidden for o in days[after].options):
                continue
            chosen = sid
            break
        if chosen is None:
            return None
        part.append(chosen)
        item = timeline.shifts[chosen]
        taken[item.label] += 1
        total += item.work_minutes
        nxt = left[k + 1] if k + 1 < len(left) else None
        previous = item.label if nxt == i + 1 else MIN_LABEL
    return part


def _lengths_left(label_lengths: dict[str, set[int]], caps: dict[str, int],
                  taken: Counter[str], label: str) -> tuple[int, int] | None:
    """Shortest and longest shift of a label still under its cap after taking one
    more ``label``, or ``None`` when every label is spent."""
    lengths = [n for lab, ns in label_lengths.items()
               if lab not in caps or taken[lab] + (lab == label) < caps[lab] for n in ns]
    return (min(lengths), max(lengths)) if lengths else None
