"""The legality checker: does a roster keep every hard rule of the specification?

Written from ``spec/scenario.md`` (the contract) and independent of the solver:
it imports neither :mod:`solver` nor OR-Tools and shares no rule code with the
CP-SAT model or with :mod:`flexpool.eligibility` (only ``haversine_km``). It
reads time facts from :mod:`flexpool.timeline`, the one module that converts
aware datetimes to integer minutes (elapsed time via UTC, local notions in the
scenario's zone).

Entry points:

- :func:`check` judges a whole roster and returns a :class:`CheckResult`;
- :func:`check_worker` judges one worker's set of assigned shifts (all the
  per-worker rules); a :class:`CheckContext` holds the per-scenario lookups so
  that incremental callers (the greedy baseline) can reuse them;
- :func:`load_roster` reads roster JSON; unknown shift or worker ids are input
  errors (:class:`RosterError`, each with its JSON path), not violations;
- :func:`fixed_work_warnings` lists what ``fixed_work`` breaks on its own
  (never a violation of the roster).

The project's reading of the spec, rule by rule (ids as in ``Violation.rule``):

======================  ====================================================
``DUPLICATE``           a worker appears twice on one shift
``HEADCOUNT``           more distinct workers on a shift than its headcount
``ELIG-ROLE``           none of the shift's roles (empty roles = any)
``ELIG-CREDENTIAL``     a ``requires`` code missing or not valid on every
                        local date the shift touches (half-open)
``ELIG-INDUCTION``      ``induction:<location>`` likewise, when required
``ELIG-TRAVEL``         haversine(home, location) > ``max_travel_km``
``ELIG-UNAVAILABLE``    the shift overlaps an ``unavailable`` interval
``OVERLAP``             two work items overlap, one of them assigned
``ATW-1``               working time of a work period > max shift minutes
``ATW-N1``              working time of a night work period > max night
``ATW-6``               daily rest between work periods (one reduction/week)
``CAO-REST``            an organisation's daily rest around its shifts
``ATW-N3``              rest after a late night
``ATW-N5``              rest after a series of 3+ nights
``ATW-7``               longest rest inside each calendar week
``ATW-2``               working time per calendar week
``ATW-3``               average over 4 consecutive calendar weeks
``ATW-4``               average over 16 weeks (lower cap for night workers)
``ATW-N6``              late nights per 16 consecutive weeks
``ATW-N8``              run of days with work holding a night
``MAX-NIGHTS``          night series longer than ``rules.max_consecutive_nights``
``CAO-NIGHTS``          night series longer than an organisation's limit
``CONTRACT``            the worker's contract, per calendar week
``GEN-MAX-DAYS``        run of days with work > ``work_rules.max_consecutive_days``
``GEN-MIN-DAYS``        inner run of days with work < ``min_consecutive_days``
``GEN-MIN-OFF``         inner run of days off < ``min_consecutive_days_off``
``GEN-WEEKENDS``        weekends with work > ``work_rules.max_weekends``
``GEN-MIN-TOTAL``       horizon working time < ``min_total_minutes``
``GEN-MAX-TOTAL``       horizon working time > ``max_total_minutes``
``GEN-KIND-MAX``        shifts of a label > ``max_shifts_by_label[label]``
``GEN-SUCCESSION``      a forbidden succession of labels on consecutive dates
``GEN-PER-DAY``         more items starting on one date than ``max_shifts_per_day``
======================  ====================================================

Terms used throughout:

- *work item*: an assigned shift or a ``fixed_work`` entry of the worker;
- *work period*: work items joined while they overlap or touch (one ends
  exactly when the next starts); its working time is the sum of its items'
  working minutes; it is a *night* when more than 60 of its minutes fall in
  local 00:00-06:00 windows (recomputed on the joined interval) and a *late
  night* when it is a night whose local end time of day is later than 02:00;
- *gap*: the time between two consecutive work periods; it belongs to the
  calendar week of the local date at which it starts;
- *night series*: night work periods starting on consecutive local dates
  (two nights starting on one date continue the series); its length is the
  number of dates with a night, like a run's;
- *run*: work items starting on consecutive local dates; its length is the
  number of dates (days with work).

Only what involves an assigned shift is reported: the window, gap, period,
run or series judged must hold one. Everything else (fixed work breaking a
rule on its own) is an input warning, see :func:`fixed_work_warnings`.

Where the spec leaves room, this module chooses (and its tests pin):

- weekly sums count each item's working minutes in the week in which the item
  starts; the counts behind ATW-4 (night items) and ATW-N6 (late-night items)
  count work items, as the spec's table speaks of night shifts; rests, night
  series and lengths use work periods;
- organisation overlays of shift lengths report under ATW-1 / ATW-N1 (the
  message names the organisation whose limit applied);
- a gap after a late night is ATW-N3's (14 h); ATW-6 reports it as well only
  if the configured late-night rest is shorter than the daily rest;
- CAO-REST applies the largest organisation rest among the shifts on either
  side of a gap;
- an induction code also listed in ``requires`` is judged as ELIG-CREDENTIAL;
- overlapping 4- or 16-week windows holding the same items are reported once,
  named after the earliest window;
- ``check`` does not judge ``pinned`` or ``dropped_pins``: legality only.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from heapq import merge
from itertools import pairwise
from pathlib import Path
from typing import Any, overload

from pydantic import ValidationError

from flexpool.eligibility import haversine_km
from flexpool.model import Credential, Organisation, Roster, Rules, Scenario, Shift, Worker
from flexpool.scenario import InputError, InputErrors, json_path, read_json_object
from flexpool.timeline import (
    LATE_NIGHT_END,
    NIGHT_MIN_MINUTES,
    Timeline,
    WorkItem,
    night_window_minutes,
)

__all__ = [
    "CheckContext",
    "CheckResult",
    "RosterError",
    "Violation",
    "check",
    "check_worker",
    "fixed_work_warnings",
    "load_roster",
]


# ------------------------------------------------------------------ results


@dataclass(frozen=True)
class Violation:
    """One broken hard rule: its id, the worker (None for shift-level rules),
    the assigned shifts involved, and a sentence naming worker, shifts and numbers."""

    rule: str
    worker: str | None
    shifts: tuple[str, ...]
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class CheckResult:
    """Every violation found in a roster; ``legal`` when there is none."""

    violations: list[Violation] = field(default_factory=list)

    @property
    def legal(self) -> bool:
        return not self.violations

    @property
    def rules(self) -> set[str]:
        """The ids of the rules broken."""
        return {v.rule for v in self.violations}

    def __str__(self) -> str:
        if self.legal:
            return "legal"
        lines = "\n".join(f"  {v.message}" for v in self.violations)
        return f"{len(self.violations)} violation(s):\n{lines}"


class RosterError(InputErrors):
    """The roster cannot be checked (unreadable, malformed or naming unknown ids)."""

    what = "roster input"


# ------------------------------------------------------------------ roster input


def load_roster(source: str | Path | Mapping[str, Any] | Roster,
                scenario: Scenario | None = None) -> Roster:
    """Read a roster from a path, a JSON string, parsed data or a :class:`Roster`.

    With ``scenario``, every assignment must name a shift and a worker of that
    scenario. Raises :class:`RosterError` listing every error with its JSON
    path (``$.assignments[2].worker: unknown worker 'w9'``).
    """
    if isinstance(source, Roster):
        roster = source
    else:
        data = _read_json(source)
        try:
            roster = Roster.model_validate(data)
        except ValidationError as exc:
            errors = [
                InputError(json_path(tuple(e["loc"])), e["msg"].removeprefix("Value error, "))
                for e in exc.errors(include_url=False)
            ]
            raise RosterError(errors) from None
    if scenario is not None:
        errors = list(_reference_errors(roster, scenario))
        if errors:
            raise RosterError(errors)
    return roster


def _read_json(source: str | Path | Mapping[str, Any]) -> dict[str, Any]:
    return read_json_object(source, "roster", RosterError)


def _reference_errors(roster: Roster, scenario: Scenario) -> Iterator[InputError]:
    shift_ids = {s.id for s in scenario.shifts}
    worker_ids = {w.id for w in scenario.workers}
    for i, a in enumerate(roster.assignments):
        if a.shift not in shift_ids:
            yield InputError(f"$.assignments[{i}].shift", f"unknown shift {a.shift!r}")
        if a.worker not in worker_ids:
            yield InputError(f"$.assignments[{i}].worker", f"unknown worker {a.worker!r}")


# ------------------------------------------------------------------ context


@dataclass(frozen=True)
class Period:
    """Work items joined while they overlap or touch; see the module docstring."""

    items: tuple[WorkItem, ...]
    start: int
    end: int
    work_minutes: int
    night: bool
    late_night: bool
    start_date: date
    overlapping: bool
    focus: bool


@dataclass(frozen=True)
class FixedIndex:
    """One worker's fixed work, sorted, with the lookups every call reuses."""

    items: tuple[WorkItem, ...]
    starts: list[int]
    dates: frozenset[date]
    max_elapsed: int
    minutes: Counter[int]
    nights: Counter[int]
    late_nights: Counter[int]

    @classmethod
    def of(cls, items: Iterable[WorkItem]) -> FixedIndex:
        ordered = tuple(sorted(items, key=lambda i: (i.start, i.end)))
        minutes: Counter[int] = Counter()
        nights: Counter[int] = Counter()
        late: Counter[int] = Counter()
        for i in ordered:
            minutes[i.week] += i.work_minutes
            nights[i.week] += i.night
            late[i.week] += i.late_night
        return cls(ordered, [i.start for i in ordered], frozenset(i.start_date for i in ordered),
                   max((i.elapsed for i in ordered), default=0), minutes, nights, late)

    def near(self, ctx: CheckContext, assigned: list[WorkItem]) -> tuple[WorkItem, ...]:
        """The fixed items the period rules need around ``assigned`` (see WorkerView)."""
        if not assigned or not self.items:
            return ()
        tb, one = ctx.timebase, timedelta(days=1)
        first = min(i.week for i in assigned)
        last = max(ctx.end_week(i) for i in assigned)
        # a gap after the last shift may start in the week after it (ATW-6 counts
        # that week's gaps), so keep the week after that too
        lo_day, hi_day = tb.monday_of(first - 1), tb.monday_of(last + 3) - one
        while lo_day - one in self.dates:
            lo_day -= one
        while hi_day + one in self.dates:
            hi_day += one
        lo = tb.local_midnight(lo_day) - self.max_elapsed
        hi = tb.local_midnight(hi_day + one)
        return self.items[bisect_left(self.starts, lo):bisect_left(self.starts, hi)]


class CheckContext:
    """Per-scenario lookups, built once and reused across :func:`check_worker` calls.

    Everything per worker or per (worker, shift) pair is computed on first use
    and kept, so incremental callers pay for each pair's eligibility once.
    """

    def __init__(self, scenario: Scenario, timeline: Timeline | None = None) -> None:
        self.scenario = scenario
        self.rules: Rules = scenario.rules
        self.timeline = timeline if timeline is not None else Timeline.of(scenario)
        self.timebase = self.timeline.timebase
        self.shifts: dict[str, Shift] = {s.id: s for s in scenario.shifts}
        self.workers: dict[str, Worker] = {w.id: w for w in scenario.workers}
        self.organisations: dict[str, Organisation] = {o.id: o for o in scenario.organisations}
        self.locations = {loc.id: loc for o in scenario.organisations for loc in o.locations}
        self._eligibility: dict[tuple[str, str], tuple[Violation, ...]] = {}
        self._credentials: dict[str, dict[str, list[Credential]]] = {}
        self._unavailable: dict[str, list[tuple[int, int]]] = {}
        self._week_start: dict[int, int] = {}
        self._dates: dict[str, list[date]] = {}
        self._fixed: dict[str, FixedIndex] = {}
        self._end_week: dict[str, int] = {}
        self.org_rests = any(o.rules.min_daily_rest_minutes is not None
                             for o in scenario.organisations)

    @classmethod
    def of(cls, scenario: Scenario, timeline: Timeline | None = None) -> CheckContext:
        return cls(scenario, timeline)

    # -- time helpers

    def week_start(self, week: int) -> int:
        """Minute of local Monday 00:00 opening calendar week ``week`` (cached)."""
        found = self._week_start.get(week)
        if found is None:
            found = self._week_start[week] = self.timebase.week_start(week)
        return found

    def week_of_minute(self, minute: int) -> int:
        """Calendar week of the local date at ``minute``."""
        return self.timebase.week_of(self.timebase.moment(minute).date())

    def end_week(self, item: WorkItem) -> int:
        """Calendar week of the item's last minute (cached)."""
        found = self._end_week.get(item.key)
        if found is None:
            found = self._end_week[item.key] = self.week_of_minute(item.end - 1)
        return found

    def monday(self, week: int) -> str:
        return self.timebase.monday_of(week).isoformat()

    def clock(self, minute: int) -> str:
        return f"{self.timebase.moment(minute):%Y-%m-%d %H:%M}"

    def dates_touched(self, item: WorkItem) -> list[date]:
        found = self._dates.get(item.key)
        if found is None:
            found = self._dates[item.key] = item.dates_touched(self.timebase)
        return found

    # -- names in messages

    def name(self, item: WorkItem) -> str:
        """A shift by its id; fixed work by its label and local start."""
        if not item.fixed:
            return item.key
        label = f" '{item.label}'" if item.label else ""
        return f"fixed work{label} at {self.clock(item.start)}"

    def span(self, start: int, end: int) -> str:
        """``2026-11-30 07:00-15:00``, with the end date only when it differs."""
        lo, hi = self.timebase.moment(start), self.timebase.moment(end)
        tail = f"{hi:%H:%M}" if hi.date() == lo.date() else f"{hi:%Y-%m-%d %H:%M}"
        return f"{lo:%Y-%m-%d %H:%M}-{tail}"

    def name_with_span(self, item: WorkItem) -> str:
        label = f" '{item.label}'" if item.label else ""
        name = f"fixed work{label}" if item.fixed else item.key
        return f"{name} ({self.span(item.start, item.end)})"

    def period_name(self, period: Period) -> str:
        return " + ".join(self.name(i) for i in period.items)

    # -- per worker lookups

    def fixed_index(self, worker_id: str) -> FixedIndex:
        found = self._fixed.get(worker_id)
        if found is None:
            found = self._fixed[worker_id] = FixedIndex.of(self.timeline.fixed.get(worker_id, ()))
        return found

    def credentials(self, worker: Worker) -> dict[str, list[Credential]]:
        found = self._credentials.get(worker.id)
        if found is None:
            held: dict[str, list[Credential]] = defaultdict(list)
            for c in worker.credentials:
                held[c.code].append(c)
            found = self._credentials[worker.id] = dict(held)
        return found

    def unavailable(self, worker: Worker) -> list[tuple[int, int]]:
        found = self._unavailable.get(worker.id)
        if found is None:
            tb = self.timebase
            found = self._unavailable[worker.id] = [
                (tb.minute(u.start), tb.minute(u.end)) for u in worker.unavailable
            ]
        return found

    def eligibility(self, worker_id: str, shift_id: str) -> tuple[Violation, ...]:
        """All eligibility violations of one pair (cached)."""
        key = (worker_id, shift_id)
        found = self._eligibility.get(key)
        if found is None:
            worker, shift = self.workers[worker_id], self.shifts[shift_id]
            found = self._eligibility[key] = tuple(
                v for rule in ELIGIBILITY_RULES for v in rule(self, worker, shift)
            )
        return found


_last_context: tuple[Scenario, Timeline, CheckContext] | None = None


def _context_for(scenario: Scenario, timeline: Timeline) -> CheckContext:
    """A one-entry cache so the ``(scenario, timeline, ...)`` form of
    :func:`check_worker` does not rebuild its lookups on every call."""
    global _last_context
    last = _last_context
    if last is not None and last[0] is scenario and last[1] is timeline:
        return last[2]
    ctx = CheckContext.of(scenario, timeline)
    _last_context = (scenario, timeline, ctx)
    return ctx


# ------------------------------------------------------------------ eligibility rules


def _msg(worker_id: str | None, text: str, rule: str) -> str:
    return f"{worker_id}: {text} ({rule})" if worker_id else f"{text} ({rule})"


def check_role(ctx: CheckContext, worker: Worker, shift: Shift) -> Iterator[Violation]:
    """Hard. The worker holds one of the shift's roles (any-of; empty = any role).

    Source: spec/scenario.md, Shift ``roles``; DOMAIN.md section 5 (function levels).
    """
    if shift.roles and not set(shift.roles) & set(worker.roles):
        text = f"has none of the roles {', '.join(shift.roles)} needed for {shift.id}"
        yield Violation("ELIG-ROLE", worker.id, (shift.id,), _msg(worker.id, text, "ELIG-ROLE"))


def _validity(creds: list[Credential], day: date) -> str:
    """Why none of ``creds`` is valid on ``day``, in words.

    >>> _validity([Credential(code="x", kind="other", valid_until=date(2026, 12, 2))],
    ...           date(2026, 12, 3))
    'valid until 2026-12-02'
    """
    if all(c.valid_until is not None and c.valid_until < day for c in creds):
        return f"valid until {max(c.valid_until for c in creds if c.valid_until)}"
    if all(c.valid_from is not None and day < c.valid_from for c in creds):
        return f"valid from {min(c.valid_from for c in creds if c.valid_from)}"
    spans = (f"{c.valid_from or '...'}..{c.valid_until or '...'}" for c in creds)
    return "valid " + ", ".join(spans)


def _credential_violation(ctx: CheckContext, worker: Worker, shift: Shift, code: str,
                          rule: str) -> Violation | None:
    creds = ctx.credentials(worker).get(code)
    if not creds:
        text = f"does not hold {code}, required by {shift.id}"
        return Violation(rule, worker.id, (shift.id,), _msg(worker.id, text, rule))
    for day in ctx.dates_touched(ctx.timeline.shifts[shift.id]):
        if not any(c.valid_on(day) for c in creds):
            text = f"{code} not valid on {day} ({_validity(creds, day)}), required by {shift.id}"
            return Violation(rule, worker.id, (shift.id,), _msg(worker.id, text, rule))
    return None


def check_credentials(ctx: CheckContext, worker: Worker, shift: Shift) -> Iterator[Violation]:
    """Hard. Every ``requires`` code is held and valid on every local date the shift
    touches (half-open: a shift ending at 00:00 does not touch the next date).

    Source: spec/scenario.md, Shift ``requires`` and Roster legality; Wet BIG
    art. 35-36 (*onbekwaam maakt onbevoegd*, DOMAIN.md section 5).
    """
    for code in shift.requires:
        found = _credential_violation(ctx, worker, shift, code, "ELIG-CREDENTIAL")
        if found:
            yield found


def check_induction(ctx: CheckContext, worker: Worker, shift: Shift) -> Iterator[Violation]:
    """Hard. With ``induction_required``, ``induction:<location>`` is held and valid
    on every date the shift touches.

    Source: spec/scenario.md, Shift ``induction_required``; Wkkgz (DOMAIN.md section 5).
    """
    code = f"induction:{shift.location}"
    if shift.induction_required and code not in shift.requires:
        found = _credential_violation(ctx, worker, shift, code, "ELIG-INDUCTION")
        if found:
            yield found


def check_travel(ctx: CheckContext, worker: Worker, shift: Shift) -> Iterator[Violation]:
    """Hard. Straight-line (haversine) distance home to location <= ``max_travel_km``,
    when both are given.

    Source: spec/scenario.md, Worker ``max_travel_km``.
    """
    if worker.max_travel_km is None or worker.home is None:
        return
    loc = ctx.locations[shift.location]
    km = haversine_km(worker.home.lat, worker.home.lon, loc.lat, loc.lon)
    if km > worker.max_travel_km:
        text = (f"lives {km:.1f} km from {shift.location} ({shift.id}) > "
                f"max_travel_km {worker.max_travel_km:g}")
        yield Violation("ELIG-TRAVEL", worker.id, (shift.id,), _msg(worker.id, text, "ELIG-TRAVEL"))


def check_unavailable(ctx: CheckContext, worker: Worker, shift: Shift) -> Iterator[Violation]:
    """Hard. The shift does not overlap any ``unavailable`` interval (half-open).

    Source: spec/scenario.md, Worker ``unavailable``.
    """
    item = ctx.timeline.shifts[shift.id]
    for start, end in ctx.unavailable(worker):
        if item.start < end and start < item.end:
            text = (f"{ctx.name_with_span(item)} overlaps unavailability "
                    f"{ctx.span(start, end)}")
            yield Violation("ELIG-UNAVAILABLE", worker.id, (shift.id,),
                            _msg(worker.id, text, "ELIG-UNAVAILABLE"))
            return


EligibilityRule = Callable[[CheckContext, Worker, Shift], Iterator[Violation]]
ELIGIBILITY_RULES: tuple[EligibilityRule, ...] = (
    check_role, check_credentials, check_induction, check_travel, check_unavailable,
)


# ------------------------------------------------------------------ one worker's work


@dataclass(frozen=True)
class Gap:
    before: Period
    after: Period

    @property
    def minutes(self) -> int:
        return self.after.start - self.before.end


class WorkerView:
    """One worker's work items and work periods, with the items in *focus*.

    Focus items are the assigned shifts when checking a roster, the fixed work
    when listing input warnings; a rule reports only what involves a focus item.

    For speed, only the fixed work near the assigned shifts becomes periods:
    from the calendar week before the first assigned week to two weeks after the
    last, widened while fixed work starts on the adjacent dates (so runs and
    night series reaching back or forward stay whole). Week sums always use
    all fixed work (:class:`FixedIndex`).
    """

    def __init__(self, ctx: CheckContext, worker: Worker, assigned: Iterable[WorkItem],
                 *, focus_fixed: bool = False, whole: bool = False) -> None:
        self.ctx = ctx
        self.rules = ctx.rules
        self.worker = worker
        self.focus_fixed = focus_fixed
        self._reported: set[tuple[str, ...]] = set()
        self.assigned = sorted(assigned, key=lambda i: (i.start, i.end))
        self.fixed = ctx.fixed_index(worker.id)
        whole = whole or focus_fixed
        near = self.fixed.items if whole else self.fixed.near(ctx, self.assigned)
        self.items: list[WorkItem] = list(merge(self.assigned, near,
                                                key=lambda i: (i.start, i.end)))

    # -- focus

    def focus(self, item: WorkItem) -> bool:
        return item.fixed == self.focus_fixed

    @property
    def focus_items(self) -> Iterable[WorkItem]:
        return self.fixed.items if self.focus_fixed else self.assigned

    def shift_ids(self, items: Iterable[WorkItem]) -> tuple[str, ...]:
        """Ids of the assigned shifts among ``items``, in time order, no repeats."""
        return tuple(dict.fromkeys(i.key for i in items if not i.fixed))

    def violation(self, rule: str, items: Iterable[WorkItem], text: str) -> Violation:
        return Violation(rule, self.worker.id, self.shift_ids(items),
                         _msg(self.worker.id, text, rule))

    # -- periods and gaps

    @cached_property
    def periods(self) -> list[Period]:
        groups: list[list[WorkItem]] = []
        end = None
        for item in self.items:
            if end is not None and item.start <= end:
                groups[-1].append(item)
                end = max(end, item.end)
            else:
                groups.append([item])
                end = item.end
        return [self._period(g) for g in groups]

    def _period(self, items: list[WorkItem]) -> Period:
        first = items[0]
        if len(items) == 1:
            return Period((first,), first.start, first.end, first.work_minutes, first.night,
                          first.late_night, first.start_date, False, self.focus(first))
        start, end = first.start, max(i.end for i in items)
        overlapping = any(b.start < a.end for a, b in pairwise(items))
        tb = self.ctx.timebase
        lo, hi = tb.moment(start), tb.moment(end)
        night = night_window_minutes(lo, hi, tb.zone) > NIGHT_MIN_MINUTES
        late = night and hi.time() > LATE_NIGHT_END
        return Period(tuple(items), start, end, sum(i.work_minutes for i in items), night, late,
                      first.start_date, overlapping, any(map(self.focus, items)))

    @cached_property
    def gaps(self) -> list[Gap]:
        p = self.periods
        return [Gap(a, b) for a, b in pairwise(p)]

    def gap_involved(self, gap: Gap) -> bool:
        return gap.before.focus or gap.after.focus

    def between(self, gap: Gap) -> str:
        return (f"rest {gap.minutes} min between {self.ctx.period_name(gap.before)} "
                f"and {self.ctx.period_name(gap.after)}")

    @cached_property
    def night_series(self) -> list[list[int]]:
        """Night series as lists of period indexes (module docstring: *night series*)."""
        series: list[list[int]] = []
        last_date: date | None = None
        for index, period in enumerate(self.periods):
            if not period.night:
                continue
            if last_date is not None and (period.start_date - last_date).days in (0, 1):
                series[-1].append(index)
            else:
                series.append([index])
            last_date = period.start_date
        return series

    def series_length(self, series: list[int]) -> int:
        """Nights in a series, counted as dates (two nights on one date count once)."""
        return len({self.periods[i].start_date for i in series})

    # -- per-week sums (all items, by start week)

    @cached_property
    def focus_weeks(self) -> set[int]:
        return {i.week for i in self.focus_items}

    def _with_assigned(self, table: Counter[int], pick: Callable[[WorkItem], int]) -> Counter[int]:
        totals = Counter(table)
        for i in self.assigned:
            totals[i.week] += pick(i)
        return totals

    @cached_property
    def minutes_by_week(self) -> Counter[int]:
        """Working minutes of all items (fixed and assigned) by start week."""
        return self._with_assigned(self.fixed.minutes, lambda i: i.work_minutes)

    @cached_property
    def nights_by_week(self) -> Counter[int]:
        return self._with_assigned(self.fixed.nights, lambda i: int(i.night))

    @cached_property
    def late_nights_by_week(self) -> Counter[int]:
        return self._with_assigned(self.fixed.late_nights, lambda i: int(i.late_night))

    def windows(self, length: int, weeks: Iterable[int]) -> list[int]:
        """First weeks of the ``length``-week windows holding one of ``weeks``."""
        return sorted({w - k for w in weeks for k in range(length)})

    def window_sums(self, table: Mapping[int, int], length: int,
                    weeks: Iterable[int]) -> dict[int, int]:
        """First week -> sum of ``table`` over the ``length``-week windows holding
        one of ``weeks`` (prefix sums: cheap for 16-week windows)."""
        firsts = self.windows(length, weeks)
        if not firsts:
            return {}
        lo = firsts[0]
        prefix = [0]
        for week in range(lo, firsts[-1] + length):
            prefix.append(prefix[-1] + table.get(week, 0))
        return {f: prefix[f - lo + length] - prefix[f - lo] for f in firsts}

    def first_report(self, rule: str, items: Iterable[WorkItem]) -> bool:
        """False when a window holding exactly these items was reported already
        (overlapping windows with the same content say the same thing once)."""
        key = (rule, *(i.key for i in items))
        if key in self._reported:
            return False
        self._reported.add(key)
        return True

    def window_items(self, first: int, length: int,
                     pick: Callable[[WorkItem], bool] = lambda i: True) -> list[WorkItem]:
        """All items (not only the near ones) starting in the window."""
        every = merge(self.assigned, self.fixed.items, key=lambda i: (i.start, i.end))
        return [i for i in every if first <= i.week < first + length and pick(i)]


# ------------------------------------------------------------------ per-worker rules


def check_overlap(v: WorkerView) -> Iterator[Violation]:
    """Hard. A worker's work items (assigned shifts and fixed work) do not overlap;
    intervals are half-open, so touching is allowed.

    Source: spec/scenario.md, Rules ("a worker's work periods must not overlap").
    """
    items = v.items
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            if b.start >= a.end:
                break
            if v.focus(a) or v.focus(b):
                text = f"{v.ctx.name_with_span(a)} overlaps {v.ctx.name_with_span(b)}"
                yield v.violation("OVERLAP", (a, b), text)


def _org_limit(v: WorkerView, period: Period, field_name: str, law: int) -> tuple[int, str]:
    """The strictest of the law and the overlays of the period's organisations."""
    limit, source = law, "law"
    for item in period.items:
        if item.organisation is None:
            continue
        own = getattr(v.ctx.organisations[item.organisation].rules, field_name)
        if own is not None and own < limit:
            limit, source = own, item.organisation
    return limit, source


def check_shift_length(v: WorkerView) -> Iterator[Violation]:
    """Hard. Working time of each work period (a shift, or touching items joined)
    <= ``max_shift_minutes`` (ATW-1) and, when the period is a night,
    <= ``max_night_shift_minutes`` (ATW-N1); organisation overlays of the
    period's shifts apply, the strictest wins. Periods with an overlap are left
    to OVERLAP.

    Source: ATW art. 5:7 (12 h per shift) and art. 5:8 (10 h per night shift),
    DOMAIN.md section 3; CAO overlays (e.g. CAO Ziekenhuizen art. 6.10).
    """
    law = v.rules
    for p in v.periods:
        if p.overlapping or not p.focus:
            continue
        what = "night " if p.night else ""
        limit, source = _org_limit(v, p, "max_shift_minutes", law.max_shift_minutes)
        by = "" if source == "law" else f" (limit of {source})"
        if p.work_minutes > limit:
            text = f"working time {p.work_minutes} min in {v.ctx.period_name(p)} > {limit}{by}"
            yield v.violation("ATW-1", p.items, text)
        if p.night:
            limit, source = _org_limit(v, p, "max_night_shift_minutes", law.max_night_shift_minutes)
            by = "" if source == "law" else f" (limit of {source})"
            if p.work_minutes > limit:
                text = (f"{what}working time {p.work_minutes} min in {v.ctx.period_name(p)} "
                        f"> {limit}{by}")
                yield v.violation("ATW-N1", p.items, text)


def check_daily_rest(v: WorkerView) -> Iterator[Violation]:
    """Hard. Each gap between work periods >= ``min_daily_rest_minutes``; a gap may
    be as short as ``reduced_daily_rest_minutes`` at most
    ``reduced_daily_rest_per_week`` times per calendar week (a gap belongs to the
    week in which it starts). No reduction after a late night: such a gap is
    judged by ATW-N3 (and by ATW-6 only when that rule's rest is the shorter).
    The count is reported once per week, when it holds a gap next to an
    assigned shift.

    Source: ATW art. 5:3 (11 h, once per 7x24 h 8 h), DOMAIN.md section 3.
    """
    r = v.rules
    reduced: dict[int, list[Gap]] = defaultdict(list)
    for gap in v.gaps:
        g = gap.minutes
        if g >= r.min_daily_rest_minutes:
            continue
        if gap.before.late_night:
            # ATW-N3 judges this gap; ATW-6 only adds to it when its rest is the longer.
            if r.rest_after_late_night_minutes < r.min_daily_rest_minutes and v.gap_involved(gap):
                text = (f"{v.between(gap)} < {r.min_daily_rest_minutes} "
                        "(no reduction after a late night)")
                yield v.violation("ATW-6", gap.before.items + gap.after.items, text)
        elif g < r.reduced_daily_rest_minutes:
            if v.gap_involved(gap):
                text = f"{v.between(gap)} < {r.reduced_daily_rest_minutes} (even reduced)"
                yield v.violation("ATW-6", gap.before.items + gap.after.items, text)
        else:
            reduced[v.ctx.week_of_minute(gap.before.end)].append(gap)
    for week in sorted(reduced):
        gaps = reduced[week]
        if len(gaps) > r.reduced_daily_rest_per_week and any(map(v.gap_involved, gaps)):
            listed = "; ".join(v.between(gap) for gap in gaps)
            text = (f"{listed}: {len(gaps)} rests < {r.min_daily_rest_minutes} in the week of "
                    f"{v.ctx.monday(week)}, at most {r.reduced_daily_rest_per_week} allowed")
            items = [i for gap in gaps for i in gap.before.items + gap.after.items]
            yield v.violation("ATW-6", items, text)


def check_org_rest(v: WorkerView) -> Iterator[Violation]:
    """Hard. An organisation's ``min_daily_rest_minutes`` holds for the gap before
    and after every work period holding one of its shifts (no reduction).

    Source: spec/scenario.md, Organisation ``rules``; the organisation's CAO.
    """
    orgs = v.ctx.organisations
    if not v.ctx.org_rests:
        return
    for gap in v.gaps:
        if not v.gap_involved(gap):
            continue
        need, source = 0, ""
        for item in gap.before.items + gap.after.items:
            if item.organisation is None:
                continue
            own = orgs[item.organisation].rules.min_daily_rest_minutes
            if own is not None and own > need:
                need, source = own, item.organisation
        if gap.minutes < need:
            text = f"{v.between(gap)} < {need} required by {source}"
            yield v.violation("CAO-REST", gap.before.items + gap.after.items, text)


def check_rest_after_late_night(v: WorkerView) -> Iterator[Violation]:
    """Hard. After a late night (a night period ending after 02:00 local) the next
    gap >= ``rest_after_late_night_minutes``.

    Source: ATW art. 5:8 (14 h after a night shift ending after 02:00), DOMAIN.md section 3.
    """
    need = v.rules.rest_after_late_night_minutes
    for gap in v.gaps:
        if gap.before.late_night and gap.minutes < need and v.gap_involved(gap):
            end = v.ctx.timebase.moment(gap.before.end)
            text = f"{v.between(gap)} < {need} after a night ending at {end:%H:%M}"
            yield v.violation("ATW-N3", gap.before.items + gap.after.items, text)


def check_rest_after_night_series(v: WorkerView) -> Iterator[Violation]:
    """Hard. After the last night of a series of 3 or more nights the next gap
    >= ``rest_after_night_series_minutes``; reported when the series or the
    next period holds an assigned shift. History reaches in through fixed work.

    Source: ATW art. 5:8 (46 h after a series of 3+ night shifts), DOMAIN.md section 3.
    """
    need = v.rules.rest_after_night_series_minutes
    periods = v.periods
    for series in v.night_series:
        last = series[-1]
        if v.series_length(series) < 3 or last + 1 >= len(periods):
            continue
        before, after = periods[last], periods[last + 1]
        gap = after.start - before.end
        involved = [periods[i] for i in series] + [after]
        if gap < need and any(p.focus for p in involved):
            nights = ", ".join(v.ctx.period_name(periods[i]) for i in series)
            text = (f"rest {gap} min after a series of {v.series_length(series)} nights ({nights}) "
                    f"before {v.ctx.period_name(after)} < {need}")
            yield v.violation("ATW-N5", [i for p in involved for i in p.items], text)


def check_weekly_rest(v: WorkerView) -> Iterator[Violation]:
    """Hard. In every calendar week an assigned shift overlaps, the longest
    work-free stretch inside the week (clipped to Monday 00:00 - Monday 00:00
    local; the stretches before the first and after the last period count;
    nothing is assumed after the horizon) >= ``weekly_rest_minutes``.

    Source: ATW art. 5:5 (36 h per 7x24 h), DOMAIN.md section 3 (ATW-7).
    """
    ctx, need = v.ctx, v.rules.weekly_rest_minutes
    weeks: dict[int, list[WorkItem]] = defaultdict(list)
    for item in v.focus_items:
        for week in range(item.week, ctx.end_week(item) + 1):
            weeks[week].append(item)
    periods = v.periods
    ends = [p.end for p in periods]
    for week in sorted(weeks):
        lo, hi = ctx.week_start(week), ctx.week_start(week + 1)
        cursor, longest = lo, 0
        for p in periods[bisect_right(ends, lo):]:
            if p.start >= hi:
                break
            longest = max(longest, p.start - cursor)
            cursor = max(cursor, min(p.end, hi))
        longest = max(longest, hi - cursor)
        if longest < need:
            names = ", ".join(ctx.name(i) for i in weeks[week])
            text = (f"longest rest in the week of {ctx.monday(week)} is {longest} min < {need} "
                    f"(working {names})")
            yield v.violation("ATW-7", weeks[week], text)


def check_week_minutes(v: WorkerView) -> Iterator[Violation]:
    """Hard. Working time of the items starting in a calendar week (shifts and
    fixed work) <= ``max_week_minutes``, for each week in which an assigned shift starts.

    Source: ATW art. 5:7 (60 h per week), DOMAIN.md section 3 (ATW-2).
    """
    cap = v.rules.max_week_minutes
    for week in sorted(v.focus_weeks):
        total = v.minutes_by_week[week]
        if total > cap:
            items = v.window_items(week, 1)
            text = f"working time {total} min in the week of {v.ctx.monday(week)} > {cap}"
            yield v.violation("ATW-2", items, text)


def check_avg_4_weeks(v: WorkerView) -> Iterator[Violation]:
    """Hard. Every 4 consecutive calendar weeks holding an assigned shift (by start
    week): working time <= 4 x ``max_avg_week_minutes_4w``.

    Source: ATW art. 5:7 (55 h average over 4 weeks), DOMAIN.md section 3 (ATW-3).
    """
    cap = 4 * v.rules.max_avg_week_minutes_4w
    for first, total in v.window_sums(v.minutes_by_week, 4, v.focus_weeks).items():
        items = v.window_items(first, 4) if total > cap else []
        if items and v.first_report("ATW-3", items):
            text = (f"working time {total} min in the 4 weeks from {v.ctx.monday(first)} > {cap} "
                    f"(average {total / 4:g} > {v.rules.max_avg_week_minutes_4w} per week)")
            yield v.violation("ATW-3", items, text)


def check_avg_16_weeks(v: WorkerView) -> Iterator[Violation]:
    """Hard. Every 16 consecutive calendar weeks holding an assigned shift: working
    time <= 16 x ``max_avg_week_minutes_16w``, or 16 x
    ``max_avg_week_minutes_16w_night_workers`` when 16 or more night items
    (shifts and fixed work) start in those weeks.

    Source: ATW art. 5:7 (48 h over 16 weeks) and art. 5:8 (40 h when 16+ nights),
    DOMAIN.md section 3 (ATW-4).
    """
    r = v.rules
    counts = v.window_sums(v.nights_by_week, 16, v.focus_weeks)
    for first, total in v.window_sums(v.minutes_by_week, 16, v.focus_weeks).items():
        count = counts[first]
        night_worker = count >= 16
        avg = r.max_avg_week_minutes_16w
        if night_worker:
            avg = r.max_avg_week_minutes_16w_night_workers
        items = v.window_items(first, 16) if total > 16 * avg else []
        if items and v.first_report("ATW-4", items):
            why = f", {count} nights" if night_worker else ""
            text = (f"working time {total} min in the 16 weeks from {v.ctx.monday(first)} > "
                    f"{16 * avg} (average {total / 16:g} > {avg} per week{why})")
            yield v.violation("ATW-4", items, text)


def check_late_nights_16_weeks(v: WorkerView) -> Iterator[Violation]:
    """Hard. Late-night items (nights ending after 02:00 local) starting in any 16
    consecutive calendar weeks <= ``max_late_nights_16w``; judged for windows
    holding an assigned late night.

    Source: ATW art. 5:8 (36 nights ending after 02:00 per 16 weeks), DOMAIN.md
    section 3 (ATW-N6).
    """
    cap = v.rules.max_late_nights_16w
    focus = {i.week for i in v.focus_items if i.late_night}
    for first, count in v.window_sums(v.late_nights_by_week, 16, focus).items():
        items = v.window_items(first, 16, lambda i: i.late_night) if count > cap else []
        if items and v.first_report("ATW-N6", items):
            text = f"{count} late nights in the 16 weeks from {v.ctx.monday(first)} > {cap}"
            yield v.violation("ATW-N6", items, text)


def check_consecutive_shifts_with_night(v: WorkerView) -> Iterator[Violation]:
    """Hard. A run of work items starting on consecutive local dates that holds a
    night is at most ``max_consecutive_shifts_with_night`` days long; reported
    when the run holds an assigned shift. History reaches in through fixed work.

    Source: ATW art. 5:8 (at most 7 consecutive shifts in a series with a night),
    DOMAIN.md section 3 (ATW-N8).
    """
    cap = v.rules.max_consecutive_shifts_with_night
    by_date: dict[date, list[WorkItem]] = defaultdict(list)
    for item in v.items:
        by_date[item.start_date].append(item)
    runs: list[list[date]] = []
    for day in sorted(by_date):
        if runs and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    for run in runs:
        if len(run) <= cap:
            continue
        items = [i for d in run for i in by_date[d]]
        if any(i.night for i in items) and any(map(v.focus, items)):
            text = (f"{len(run)} consecutive days with work from {run[0]} to {run[-1]}, "
                    f"holding a night, > {cap}")
            yield v.violation("ATW-N8", items, text)


def check_consecutive_nights(v: WorkerView) -> Iterator[Violation]:
    """Hard. A night series holding an assigned shift is at most
    ``rules.max_consecutive_nights`` long (MAX-NIGHTS, when set), and at most an
    organisation's ``max_consecutive_nights`` when it holds one of that
    organisation's shifts (CAO-NIGHTS).

    Source: spec/scenario.md, Rules and Organisation ``rules``; e.g. CAO
    Ziekenhuizen art. 6.11 (5 nights in a row), DOMAIN.md section 4.
    """
    periods = v.periods
    cap = v.rules.max_consecutive_nights
    for series in v.night_series:
        ps = [periods[i] for i in series]
        if not any(p.focus for p in ps):
            continue
        items = [i for p in ps for i in p.items]
        first = ps[0].start_date
        length = v.series_length(series)
        if cap is not None and length > cap:
            text = f"{length} nights in a row from {first} > {cap}"
            yield v.violation("MAX-NIGHTS", items, text)
        for org_id in dict.fromkeys(i.organisation for i in items if i.organisation):
            own = v.ctx.organisations[org_id].rules.max_consecutive_nights
            if own is not None and length > own:
                text = f"{length} nights in a row from {first} > {own} allowed by {org_id}"
                yield v.violation("CAO-NIGHTS", items, text)


def check_contract(v: WorkerView) -> Iterator[Violation]:
    """Hard. Per calendar week, counting assigned shifts only (not fixed work) by
    start week: working time <= ``contract.max_minutes_per_week`` and number of
    shifts <= ``contract.max_shifts_per_week``.

    Source: spec/scenario.md, Worker ``contract``.
    """
    contract = v.worker.contract
    if v.focus_fixed or (contract.max_minutes_per_week is None
                         and contract.max_shifts_per_week is None):
        return
    by_week: dict[int, list[WorkItem]] = defaultdict(list)
    for item in v.assigned:
        by_week[item.week].append(item)
    for week in sorted(by_week):
        items = by_week[week]
        minutes = sum(i.work_minutes for i in items)
        cap = contract.max_minutes_per_week
        if cap is not None and minutes > cap:
            text = (f"{minutes} min assigned in the week of {v.ctx.monday(week)} > "
                    f"contract max_minutes_per_week {cap}")
            yield v.violation("CONTRACT", items, text)
        cap = contract.max_shifts_per_week
        if cap is not None and len(items) > cap:
            text = (f"{len(items)} shifts assigned in the week of {v.ctx.monday(week)} > "
                    f"contract max_shifts_per_week {cap}")
            yield v.violation("CONTRACT", items, text)


# ------------------------------------------------------------------ generic rostering rules


def _horizon_items(v: WorkerView) -> list[WorkItem]:
    """Assigned shifts and fixed work starting on a horizon date (the GEN-* rules' scope)."""
    every = merge(v.assigned, v.fixed.items, key=lambda i: (i.start, i.end))
    return [i for i in every if v.ctx.scenario.horizon.contains(i.start_date)]


def _date_runs(days: Iterable[date]) -> list[list[date]]:
    runs: list[list[date]] = []
    for day in sorted(set(days)):
        if runs and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def check_generic_runs(v: WorkerView) -> Iterator[Violation]:
    """Hard. Over the horizon's dates (days outside it count as days off): every run of
    days with work is at most ``work_rules.max_consecutive_days`` long (GEN-MAX-DAYS);
    a run touching neither the first nor the last horizon date is at least
    ``min_consecutive_days`` long (GEN-MIN-DAYS); a run of days off between two
    runs of work is at least ``min_consecutive_days_off`` long (GEN-MIN-OFF; off
    runs touching the horizon's edges are exempt).

    Source: issue #4 (generic rostering rules; Curtois-Qu benchmark rules 6-8).
    """
    rules = v.worker.work_rules
    if v.focus_fixed or (rules.max_consecutive_days is None and rules.min_consecutive_days is None
                         and rules.min_consecutive_days_off is None):
        return
    h = v.ctx.scenario.horizon
    by_date: dict[date, list[WorkItem]] = defaultdict(list)
    for item in _horizon_items(v):
        by_date[item.start_date].append(item)
    runs = _date_runs(by_date)
    for run in runs:
        items = [i for d in run for i in by_date[d]]
        top, low = rules.max_consecutive_days, rules.min_consecutive_days
        if top is not None and len(run) > top:
            text = f"{len(run)} consecutive days with work from {run[0]} to {run[-1]} > {top}"
            yield v.violation("GEN-MAX-DAYS", items, text)
        inner = run[0] != h.start and run[-1] != h.end
        if low is not None and inner and len(run) < low:
            text = f"{len(run)} consecutive days with work from {run[0]} to {run[-1]} < {low}"
            yield v.violation("GEN-MIN-DAYS", items, text)
    need = rules.min_consecutive_days_off
    if need is not None:
        for before, after in pairwise(runs):
            off = (after[0] - before[-1]).days - 1
            if off < need:
                items = by_date[before[-1]] + by_date[after[0]]
                text = f"{off} days off between {before[-1]} and {after[0]} < {need}"
                yield v.violation("GEN-MIN-OFF", items, text)


def check_generic_weekends(v: WorkerView) -> Iterator[Violation]:
    """Hard. Weekends with work (a Saturday and the Sunday after it; worked when a
    work item starts on either) number at most ``work_rules.max_weekends``.

    Source: issue #4; Curtois-Qu benchmark rule 9.
    """
    cap = v.worker.work_rules.max_weekends
    if v.focus_fixed or cap is None:
        return
    weekends: dict[date, list[WorkItem]] = defaultdict(list)
    for item in _horizon_items(v):
        wd = item.start_date.weekday()
        if wd >= 5:
            weekends[item.start_date - timedelta(days=wd - 5)].append(item)
    if len(weekends) > cap:
        items = [i for key in sorted(weekends) for i in weekends[key]]
        text = f"works {len(weekends)} weekends > max_weekends {cap}"
        yield v.violation("GEN-WEEKENDS", items, text)


def check_generic_totals(v: WorkerView) -> Iterator[Violation]:
    """Hard. Working minutes of the work items starting in the horizon lie between
    ``work_rules.min_total_minutes`` (GEN-MIN-TOTAL) and ``max_total_minutes``
    (GEN-MAX-TOTAL); shifts carrying a label number at most
    ``max_shifts_by_label[label]`` (GEN-KIND-MAX).

    Source: issue #4; Curtois-Qu benchmark rules 3-5.
    """
    rules = v.worker.work_rules
    if v.focus_fixed or (rules.min_total_minutes is None and rules.max_total_minutes is None
                         and not rules.max_shifts_by_label):
        return
    items = _horizon_items(v)
    total = sum(i.work_minutes for i in items)
    if rules.max_total_minutes is not None and total > rules.max_total_minutes:
        text = f"working time {total} min over the horizon > max_total_minutes {rules.max_total_minutes}"
        yield v.violation("GEN-MAX-TOTAL", items, text)
    if rules.min_total_minutes is not None and total < rules.min_total_minutes:
        text = f"working time {total} min over the horizon < min_total_minutes {rules.min_total_minutes}"
        yield v.violation("GEN-MIN-TOTAL", items, text)
    for label, cap in rules.max_shifts_by_label.items():
        labelled = [i for i in items if i.label == label]
        if len(labelled) > cap:
            text = f"{len(labelled)} shifts labelled {label!r} > {cap}"
            yield v.violation("GEN-KIND-MAX", labelled, text)


def check_successions_and_per_day(v: WorkerView) -> Iterator[Violation]:
    """Hard. No item labelled b starts on the local date after one labelled a, for
    each ``[a, b]`` of ``rules.forbidden_successions`` (GEN-SUCCESSION); at most
    ``rules.max_shifts_per_day`` items start on one local date (GEN-PER-DAY).
    Reported when an assigned shift is involved.

    Source: issue #4 (forward rotation; Curtois-Qu rule 2, Timefold's one shift per day).
    """
    rules = v.rules
    if not rules.forbidden_successions and rules.max_shifts_per_day is None:
        return
    by_date: dict[date, list[WorkItem]] = defaultdict(list)
    for item in v.items:
        by_date[item.start_date].append(item)
    forbidden = {tuple(pair) for pair in rules.forbidden_successions}
    for day in sorted(by_date):
        for a in by_date[day]:
            for b in by_date.get(day + timedelta(days=1), ()):
                if (a.label, b.label) in forbidden and (v.focus(a) or v.focus(b)):
                    text = (f"{v.ctx.name(b)} ({b.label}) on the date after "
                            f"{v.ctx.name(a)} ({a.label}) is a forbidden succession")
                    yield v.violation("GEN-SUCCESSION", (a, b), text)
        cap = rules.max_shifts_per_day
        if cap is not None and len(by_date[day]) > cap and any(map(v.focus, by_date[day])):
            text = f"{len(by_date[day])} work items start on {day} > max_shifts_per_day {cap}"
            yield v.violation("GEN-PER-DAY", by_date[day], text)


WorkerRule = Callable[[WorkerView], Iterator[Violation]]
WORKER_RULES: tuple[WorkerRule, ...] = (
    check_overlap,
    check_shift_length,
    check_daily_rest,
    check_org_rest,
    check_rest_after_late_night,
    check_rest_after_night_series,
    check_weekly_rest,
    check_week_minutes,
    check_avg_4_weeks,
    check_avg_16_weeks,
    check_late_nights_16_weeks,
    check_consecutive_shifts_with_night,
    check_consecutive_nights,
    check_contract,
    check_generic_runs,
    check_generic_weekends,
    check_generic_totals,
    check_successions_and_per_day,
)
"""The per-worker working-time rules, in reporting order (eligibility comes first)."""


# ------------------------------------------------------------------ entry points


@overload
def check_worker(ctx: CheckContext, worker_id: str, shift_ids: Iterable[str], /) -> list[Violation]:
    ...


@overload
def check_worker(scenario: Scenario, timeline: Timeline, worker_id: str,
                 shift_ids: Iterable[str], /) -> list[Violation]:
    ...


def check_worker(*args: Any) -> list[Violation]:
    """Every per-worker rule for one worker holding ``shift_ids``.

    Call as ``check_worker(ctx, worker_id, shift_ids)`` with a reusable
    :class:`CheckContext` (fastest), or ``check_worker(scenario, timeline,
    worker_id, shift_ids)`` (the context of the last scenario is kept).
    Reports DUPLICATE, the eligibility of each shift, then :data:`WORKER_RULES`.
    Ids must exist in the scenario (``KeyError`` otherwise).
    """
    if len(args) == 3 and isinstance(args[0], CheckContext):
        ctx, worker_id, shift_ids = args
    elif len(args) == 4 and isinstance(args[0], Scenario):
        ctx, worker_id, shift_ids = _context_for(args[0], args[1]), args[2], args[3]
    else:
        raise TypeError("check_worker(ctx, worker_id, shift_ids) or "
                        "check_worker(scenario, timeline, worker_id, shift_ids)")
    return _check_worker(ctx, worker_id, shift_ids)


def _check_worker(ctx: CheckContext, worker_id: str, shift_ids: Iterable[str],
                  *, whole: bool = False) -> list[Violation]:
    """:func:`check_worker`; ``whole`` turns the near-work pruning off (for tests)."""
    worker = ctx.workers[worker_id]
    counts = Counter(shift_ids)
    out: list[Violation] = []
    for shift_id, n in counts.items():
        if n > 1:
            text = f"assigned {n} times to {shift_id}"
            out.append(Violation("DUPLICATE", worker_id, (shift_id,),
                                 _msg(worker_id, text, "DUPLICATE")))
    for shift_id in counts:
        out.extend(ctx.eligibility(worker_id, shift_id))
    view = WorkerView(ctx, worker, (ctx.timeline.shifts[s] for s in counts), whole=whole)
    for rule in WORKER_RULES:
        out.extend(rule(view))
    return out


def check_headcount(ctx: CheckContext, workers_by_shift: Mapping[str, Iterable[str]]
                    ) -> Iterator[Violation]:
    """Hard. No more distinct workers on a shift than its ``headcount`` (or its
    ``max_headcount`` when set: over-staffing is then allowed at a soft cost).

    Source: spec/scenario.md, Shift ``headcount`` (each place is a slot).
    """
    for shift_id, workers in workers_by_shift.items():
        distinct = set(workers)
        headcount = ctx.shifts[shift_id].places
        if len(distinct) > headcount:
            text = f"{shift_id}: {len(distinct)} workers assigned > headcount {headcount}"
            yield Violation("HEADCOUNT", None, (shift_id,), f"{text} (HEADCOUNT)")


def check(scenario: Scenario, roster: Roster | Mapping[str, Any] | str | Path,
          ctx: CheckContext | None = None) -> CheckResult:
    """Judge a roster against every hard rule of the spec.

    ``roster`` may be a :class:`Roster` or anything :func:`load_roster` reads.
    Unknown shift or worker ids raise :class:`RosterError` (input errors, with
    JSON paths); broken rules are returned as violations, workers in scenario
    order, shift-level (HEADCOUNT) last.
    """
    ctx = ctx or CheckContext.of(scenario)
    loaded = load_roster(roster, scenario)
    by_worker: dict[str, list[str]] = defaultdict(list)
    by_shift: dict[str, list[str]] = defaultdict(list)
    for a in loaded.assignments:
        by_worker[a.worker].append(a.shift)
        by_shift[a.shift].append(a.worker)
    violations: list[Violation] = []
    for worker in scenario.workers:
        if worker.id in by_worker or worker.work_rules.min_total_minutes:
            violations.extend(check_worker(ctx, worker.id, by_worker.get(worker.id, [])))
    violations.extend(check_headcount(ctx, by_shift))
    return CheckResult(violations)


def fixed_work_warnings(scenario: Scenario, ctx: CheckContext | None = None) -> list[str]:
    """What each worker's ``fixed_work`` breaks on its own (input warnings, never
    violations of a roster): the working-time rules judged with no shift
    assigned and the fixed work in focus, history included.
    """
    ctx = ctx or CheckContext.of(scenario)
    out: list[str] = []
    for worker in scenario.workers:
        if not worker.fixed_work:
            continue
        view = WorkerView(ctx, worker, (), focus_fixed=True)
        for rule in WORKER_RULES:
            out.extend(f"warning: {v.message}" for v in rule(view))
    return out

