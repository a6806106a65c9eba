"""From aware datetimes to integer minutes, and the local facts of each work item.

The one place where time is converted: elapsed minutes are counted via UTC
(a 23:00-07:00 night in the DST week lasts 7 h or 9 h), local notions are taken
in the scenario's zone (spec, Conventions):

- calendar week: Monday 00:00 to Monday 00:00 local; a shift's working minutes
  count in the week in which it starts;
- night: more than 60 minutes inside a local 00:00-06:00 window (ATW art. 1:7);
- late night: a night whose local end time of day is later than 02:00 (ATW-N3);
- kind: night, else by local start time: early 05:00-09:59, day 10:00-11:59,
  late otherwise.

Both the legality checker and the solver read these facts; neither computes
time on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from flexpool.model import Scenario, ShiftKind, Worker

NIGHT_WINDOW_END = time(6, 0)
NIGHT_MIN_MINUTES = 60
LATE_NIGHT_END = time(2, 0)


@dataclass(frozen=True)
class Timebase:
    """Integer minutes since the local midnight that opens the horizon."""

    zone: ZoneInfo
    horizon_start: date

    @cached_property
    def origin(self) -> datetime:
        return datetime.combine(self.horizon_start, time(0), tzinfo=self.zone).astimezone(UTC)

    @cached_property
    def first_monday(self) -> date:
        return self.horizon_start - timedelta(days=self.horizon_start.weekday())

    def minute(self, moment: datetime) -> int:
        """Elapsed minutes from the origin to an aware ``moment`` (via UTC)."""
        return int((moment.astimezone(UTC) - self.origin) // timedelta(minutes=1))

    def local_midnight(self, day: date) -> int:
        return self.minute(datetime.combine(day, time(0), tzinfo=self.zone))

    def moment(self, minute: int) -> datetime:
        """The aware local datetime of an integer minute."""
        return (self.origin + timedelta(minutes=minute)).astimezone(self.zone)

    def week_of(self, day: date) -> int:
        """Calendar-week index (Monday-based) relative to the horizon's first week."""
        return (day - self.first_monday).days // 7

    def week_start(self, week: int) -> int:
        """Minute of local Monday 00:00 opening calendar week ``week``."""
        return self.local_midnight(self.first_monday + timedelta(weeks=week))

    def monday_of(self, week: int) -> date:
        return self.first_monday + timedelta(weeks=week)


@dataclass(frozen=True)
class WorkItem:
    """A shift or a piece of fixed work, reduced to the facts the rules need."""

    key: str
    start: int
    end: int
    work_minutes: int
    start_date: date
    week: int
    night: bool
    late_night: bool
    kind: ShiftKind
    fixed: bool
    organisation: str | None = None
    label: str = ""

    @property
    def elapsed(self) -> int:
        return self.end - self.start

    def dates_touched(self, timebase: Timebase) -> list[date]:
        """Local calendar dates the half-open interval touches."""
        last = timebase.moment(self.end - 1).date()
        return [self.start_date + timedelta(days=i) for i in range((last - self.start_date).days + 1)]


def night_window_minutes(start: datetime, end: datetime, zone: ZoneInfo) -> int:
    """Elapsed minutes of ``[start, end)`` inside local 00:00-06:00 windows.

    >>> z = ZoneInfo("Europe/Amsterdam")
    >>> night_window_minutes(datetime(2026, 3, 28, 23, tzinfo=z), datetime(2026, 3, 29, 7, tzinfo=z), z)
    300
    """
    total = 0
    day = start.astimezone(zone).date()
    last = end.astimezone(zone).date()
    start_utc, end_utc = start.astimezone(UTC), end.astimezone(UTC)
    while day <= last:
        lo = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
        hi = datetime.combine(day, NIGHT_WINDOW_END, tzinfo=zone).astimezone(UTC)
        overlap = min(end_utc, hi) - max(start_utc, lo)
        if overlap > timedelta(0):
            total += int(overlap // timedelta(minutes=1))
        day += timedelta(days=1)
    return total


def classify(start: datetime, end: datetime, zone: ZoneInfo) -> tuple[ShiftKind, bool]:
    """Shift kind and whether it is a late night (a night ending after 02:00 local).

    >>> z = ZoneInfo("Europe/Amsterdam")
    >>> classify(datetime(2026, 12, 1, 23, tzinfo=z), datetime(2026, 12, 2, 7, tzinfo=z), z)
    ('night', True)
    >>> classify(datetime(2026, 12, 1, 7, tzinfo=z), datetime(2026, 12, 1, 15, tzinfo=z), z)
    ('early', False)
    """
    if night_window_minutes(start, end, zone) > NIGHT_MIN_MINUTES:
        local_end = end.astimezone(zone).time()
        return "night", local_end > LATE_NIGHT_END
    hour = start.astimezone(zone).hour
    if 5 <= hour < 10:
        return "early", False
    if 10 <= hour < 12:
        return "day", False
    return "late", False


def make_item(
    timebase: Timebase,
    key: str,
    start: datetime,
    end: datetime,
    unpaid_break_minutes: int,
    *,
    fixed: bool,
    organisation: str | None = None,
    label: str = "",
) -> WorkItem:
    kind, late = classify(start, end, timebase.zone)
    start_min, end_min = timebase.minute(start), timebase.minute(end)
    local_start = start.astimezone(timebase.zone).date()
    return WorkItem(
        key=key,
        start=start_min,
        end=end_min,
        work_minutes=max(0, end_min - start_min - unpaid_break_minutes),
        start_date=local_start,
        week=timebase.week_of(local_start),
        night=kind == "night",
        late_night=late,
        kind=kind,
        fixed=fixed,
        organisation=organisation,
        label=label,
    )


def fixed_key(worker_id: str, index: int) -> str:
    return f"fixed:{worker_id}:{index}"


@dataclass(frozen=True)
class Timeline:
    """Integer facts of every shift and every worker's fixed work."""

    timebase: Timebase
    shifts: dict[str, WorkItem]
    fixed: dict[str, tuple[WorkItem, ...]]
    horizon_weeks: range
    horizon_end: int

    @classmethod
    def of(cls, scenario: Scenario) -> Timeline:
        tb = Timebase(scenario.zone, scenario.horizon.start)
        shifts = {
            s.id: make_item(
                tb, s.id, s.start, s.end, s.unpaid_break_minutes,
                fixed=False, organisation=s.organisation, label=s.label,
            )
            for s in scenario.shifts
        }
        fixed = {w.id: _fixed_items(tb, w) for w in scenario.workers}
        first, last = tb.week_of(scenario.horizon.start), tb.week_of(scenario.horizon.end)
        end = tb.local_midnight(scenario.horizon.end + timedelta(days=1))
        latest_shift_week = max((i.week for i in shifts.values()), default=last)
        return cls(tb, shifts, fixed, range(first, max(last, latest_shift_week) + 1), end)


def _fixed_items(tb: Timebase, worker: Worker) -> tuple[WorkItem, ...]:
    items = [
        make_item(
            tb, fixed_key(worker.id, i), f.start, f.end, f.unpaid_break_minutes,
            fixed=True, label=f.label,
        )
        for i, f in enumerate(worker.fixed_work)
    ]
    return tuple(sorted(items, key=lambda it: (it.start, it.end)))
