"""iCalendar feeds of a roster: one per worker, one per organisation (or location).

Pure functions from a :class:`~flexpool.model.Scenario` and a
:class:`~flexpool.model.Roster` to the bytes of an RFC 5545 ``VCALENDAR``
(DOMAIN.md section 6). Nothing here reads the clock: ``DTSTAMP`` and
``LAST-MODIFIED`` are the caller's ``stamp``, so equal input gives equal bytes.

What each part follows:

- RFC 5545 §3.4 / §3.6: one ``VCALENDAR`` with ``PRODID``, ``VERSION:2.0``
  (§3.7.3, §3.7.4), ``CALSCALE:GREGORIAN`` (§3.7.1) and ``METHOD:PUBLISH``
  (§3.7.2, RFC 5546 §3.2.1), plus the de-facto ``X-WR-CALNAME`` and
  ``X-WR-TIMEZONE`` (§3.8.8.2 allows such extension properties).
- RFC 5545 §3.6.5: a ``VTIMEZONE`` for the scenario zone, derived from the
  zoneinfo database for the years the calendar covers. Each ``STANDARD`` /
  ``DAYLIGHT`` onset is written as the local time in the *previous* offset
  (``TZOFFSETFROM``), as §3.6.5 and §3.8.3.3 define it: in Europe/Amsterdam
  summer time starts at ``02:00`` (+0100) and ends at ``03:00`` (+0200).
- RFC 5545 §3.6.1: one ``VEVENT`` per shift assignment with ``UID``
  (§3.8.4.7, from :func:`assignment_uid`, stable across exports),
  ``DTSTAMP`` and ``LAST-MODIFIED`` in UTC (§3.8.7.2, §3.8.7.3), ``SEQUENCE``
  (§3.8.7.4, from the caller's ``sequences``), ``DTSTART`` / ``DTEND``
  (§3.8.2.4, §3.8.2.2) as local times with ``TZID`` (§3.3.5 form 3; floating
  times are misread by clients), ``SUMMARY``, ``LOCATION`` and
  ``DESCRIPTION`` (§3.8.1.12, §3.8.1.7, §3.8.1.5) in Dutch.
- RFC 5545 §3.1: lines end in CRLF and are folded at 75 octets, as the
  ``icalendar`` library writes them.

One exception to "local time with TZID": §3.3.5 says a repeated local time
(the autumn hour 02:00-03:00) means its *first* occurrence, so an instant in the
second occurrence cannot be written with ``TZID``; such a ``DTSTART`` or
``DTEND`` is written in UTC (§3.3.5 form 2), which every client reads exactly.

Privacy (DOMAIN.md section 6): a worker's feed holds only that worker's own
shifts; an organisation's feed names the workers on its shifts and nothing else
about them (no credentials, home, contract or preferences).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from flexpool.model import Location, Organisation, Roster, Scenario, Shift, ShiftKind, Worker
from flexpool.timeline import classify

PRODID = "-//flexpool//flexpool roster//NL"
KIND_NL: dict[ShiftKind, str] = {
    "early": "Vroege dienst",
    "day": "Dagdienst",
    "late": "Late dienst",
    "night": "Nachtdienst",
}
_UID_NAMESPACE = "flexpool-assignment/1"
_SCAN_STEP = timedelta(hours=6)


def assignment_uid(shift_id: str, worker_id: str, domain: str = "flexpool") -> str:
    """The stable ``UID`` of one shift assignment (RFC 5545 §3.8.4.7).

    A SHA-256 digest of the ids (128 bits shown), so the same assignment keeps
    its UID in every export and in every feed it appears in, and the UID itself
    reveals no ids.

    >>> assignment_uid("s1", "w1") == assignment_uid("s1", "w1")
    True
    >>> assignment_uid("s1", "w1") != assignment_uid("s1", "w2")
    True
    >>> assignment_uid("s1", "w1").endswith("@flexpool")
    True
    """
    if not domain or any(c.isspace() or c == "@" for c in domain):
        raise ValueError(f"invalid UID domain {domain!r}")
    payload = "\x00".join((_UID_NAMESPACE, shift_id, worker_id)).encode("utf-8")
    return f"{hashlib.sha256(payload).hexdigest()[:32]}@{domain}"


def worker_calendar(
    scenario: Scenario,
    roster: Roster,
    worker_id: str,
    *,
    stamp: datetime,
    sequences: Mapping[str, int] | None = None,
) -> bytes:
    """The feed of one worker: only their own assigned shifts.

    ``SUMMARY`` reads e.g. ``Vroege dienst — Ziekenhuis Enschede, Intensive care``.
    Raises :class:`KeyError` for an unknown worker and :class:`ValueError` for
    a roster that names unknown shifts or a naive ``stamp``.
    """
    index = _Index.of(scenario)
    worker = index.worker(worker_id)
    entries = [
        _Entry(shift, worker, index.organisations[shift.organisation], index.location(shift))
        for shift, w in index.assignments(roster)
        if w.id == worker.id
    ]
    return _render(
        scenario,
        f"Rooster {worker.name}",
        entries,
        audience="worker",
        stamp=stamp,
        sequences=sequences,
    )


def organisation_calendar(
    scenario: Scenario,
    roster: Roster,
    organisation_id: str,
    *,
    location_id: str | None = None,
    stamp: datetime,
    sequences: Mapping[str, int] | None = None,
) -> bytes:
    """The feed of one organisation, or of one of its locations.

    Holds every assignment on the organisation's shifts (at ``location_id``
    when given); ``SUMMARY`` reads e.g. ``Nachtdienst — Bram Nijhuis (nacht)``.
    Raises :class:`KeyError` for an unknown organisation or a location that is
    not the organisation's.
    """
    index = _Index.of(scenario)
    if organisation_id not in index.organisations:
        raise KeyError(f"unknown organisation {organisation_id!r}")
    org = index.organisations[organisation_id]
    name = f"Flexpool-diensten {org.name}"
    if location_id is not None:
        location = next((loc for loc in org.locations if loc.id == location_id), None)
        if location is None:
            raise KeyError(f"location {location_id!r} is not a location of {organisation_id!r}")
        name += f" — {_location_name(location)}"
    entries = [
        _Entry(shift, worker, org, index.location(shift))
        for shift, worker in index.assignments(roster)
        if shift.organisation == org.id and (location_id is None or shift.location == location_id)
    ]
    return _render(
        scenario, name, entries, audience="organisation", stamp=stamp, sequences=sequences
    )


# ---------------------------------------------------------------- internals


@dataclass(frozen=True)
class _Entry:
    shift: Shift
    worker: Worker
    organisation: Organisation
    location: Location

    @property
    def uid(self) -> str:
        return assignment_uid(self.shift.id, self.worker.id)


@dataclass(frozen=True)
class _Index:
    shifts: dict[str, Shift]
    workers: dict[str, Worker]
    organisations: dict[str, Organisation]
    locations: dict[str, Location]

    @classmethod
    def of(cls, scenario: Scenario) -> _Index:
        return cls(
            shifts={s.id: s for s in scenario.shifts},
            workers={w.id: w for w in scenario.workers},
            organisations={o.id: o for o in scenario.organisations},
            locations={loc.id: loc for o in scenario.organisations for loc in o.locations},
        )

    def worker(self, worker_id: str) -> Worker:
        if worker_id not in self.workers:
            raise KeyError(f"unknown worker {worker_id!r}")
        return self.workers[worker_id]

    def location(self, shift: Shift) -> Location:
        return self.locations[shift.location]

    def assignments(self, roster: Roster) -> Iterable[tuple[Shift, Worker]]:
        unknown = sorted(
            {a.shift for a in roster.assignments if a.shift not in self.shifts}
            | {a.worker for a in roster.assignments if a.worker not in self.workers}
        )
        if unknown:
            raise ValueError(f"roster names shifts or workers not in the scenario: {unknown}")
        seen: set[tuple[str, str]] = set()
        for a in roster.assignments:
            if (a.shift, a.worker) not in seen:  # one event per assignment, even if repeated
                seen.add((a.shift, a.worker))
                yield self.shifts[a.shift], self.workers[a.worker]


def _render(
    scenario: Scenario,
    name: str,
    entries: list[_Entry],
    *,
    audience: str,
    stamp: datetime,
    sequences: Mapping[str, int] | None,
) -> bytes:
    if stamp.tzinfo is None or stamp.utcoffset() is None:
        raise ValueError("stamp must be an aware datetime (it is written in UTC)")
    stamp_utc = stamp.astimezone(UTC).replace(microsecond=0)
    zone = scenario.zone
    cal = Calendar()
    cal.add("PRODID", PRODID)
    cal.add("VERSION", "2.0")
    cal.add("CALSCALE", "GREGORIAN")
    cal.add("METHOD", "PUBLISH")
    cal.add("X-WR-CALNAME", name)
    cal.add("X-WR-TIMEZONE", scenario.timezone)
    cal.add_component(_vtimezone(zone, *_covered_years(scenario, entries)))
    ordered = sorted(entries, key=lambda e: (e.shift.start.astimezone(UTC), e.uid))
    for entry in ordered:
        sequence = (sequences or {}).get(entry.uid, 0)
        if sequence < 0:
            raise ValueError(f"SEQUENCE of {entry.uid} is negative ({sequence})")
        cal.add_component(_event(entry, zone, audience, stamp_utc, sequence))
    return cal.to_ical()


def _event(entry: _Entry, zone: ZoneInfo, audience: str, stamp: datetime, sequence: int) -> Event:
    shift = entry.shift
    kind, _ = classify(shift.start, shift.end, zone)
    if audience == "worker":
        summary = f"{KIND_NL[kind]} — {entry.organisation.name}, {_location_name(entry.location)}"
    else:
        summary = f"{KIND_NL[kind]} — {entry.worker.name}"
        if shift.label:
            summary += f" ({shift.label})"
    event = Event()
    event.add("UID", entry.uid)
    event.add("DTSTAMP", stamp)
    event.add("LAST-MODIFIED", stamp)
    event.add("SEQUENCE", sequence)
    event.add("DTSTART", _ical_time(shift.start, zone))
    event.add("DTEND", _ical_time(shift.end, zone))
    event.add("SUMMARY", summary)
    event.add("LOCATION", _location_text(entry.location))
    event.add("DESCRIPTION", _description(shift, entry.worker))
    event.add("STATUS", "CONFIRMED")
    event.add("TRANSP", "OPAQUE")
    return event


def _ical_time(moment: datetime, zone: ZoneInfo) -> datetime:
    """Local time in ``zone`` (written with TZID), or UTC for a second occurrence.

    >>> z = ZoneInfo("Europe/Amsterdam")
    >>> _ical_time(datetime(2026, 10, 25, 0, 30, tzinfo=UTC), z).tzinfo
    zoneinfo.ZoneInfo(key='Europe/Amsterdam')
    >>> _ical_time(datetime(2026, 10, 25, 1, 30, tzinfo=UTC), z).tzinfo
    datetime.timezone.utc
    """
    local = moment.astimezone(zone)
    if local.replace(fold=0).astimezone(UTC) != local.astimezone(UTC):
        return moment.astimezone(UTC)
    return local.replace(fold=0)


def _location_name(location: Location) -> str:
    return location.name or location.id


def _location_text(location: Location) -> str:
    if location.municipality:
        return f"{_location_name(location)}, {location.municipality}"
    return _location_name(location)


def _description(shift: Shift, worker: Worker) -> str:
    lines = []
    if shift.label:
        lines.append(f"Dienst: {shift.label}")
    functions = [r for r in shift.roles if r in worker.roles] or list(shift.roles)
    if functions:
        lines.append(f"{'Functie' if len(functions) == 1 else 'Functies'}: {', '.join(functions)}")
    # via UTC: aware datetimes sharing one tzinfo subtract as wall-clock times
    elapsed = (shift.end.astimezone(UTC) - shift.start.astimezone(UTC)) // timedelta(minutes=1)
    work = max(0, elapsed - shift.unpaid_break_minutes)
    pause = (
        f"{_duration_nl(shift.unpaid_break_minutes)} pauze"
        if shift.unpaid_break_minutes
        else "geen pauze"
    )
    lines.append(f"{_duration_nl(work)} werk, {pause}")
    return "\n".join(lines)


def _duration_nl(minutes: int) -> str:
    """Minutes in Dutch: ``8 uur``, ``7 uur 30 min``, ``30 min``.

    >>> [_duration_nl(m) for m in (480, 450, 30, 0)]
    ['8 uur', '7 uur 30 min', '30 min', '0 min']
    """
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} uur {rest} min"
    if hours:
        return f"{hours} uur"
    return f"{rest} min"


# ---------------------------------------------------------------- VTIMEZONE


def _covered_years(scenario: Scenario, entries: list[_Entry]) -> tuple[int, int]:
    """First and last calendar year of the horizon and of every event."""
    zone = scenario.zone
    days = [scenario.horizon.start, scenario.horizon.end]
    for e in entries:
        days += [e.shift.start.astimezone(zone).date(), e.shift.end.astimezone(zone).date()]
    return min(days).year, max(days).year


@dataclass(frozen=True)
class _Observance:
    offset: timedelta
    dst: bool
    name: str


def _observance(zone: ZoneInfo, moment_utc: datetime) -> _Observance:
    local = moment_utc.astimezone(zone)
    offset = local.utcoffset()
    assert offset is not None
    return _Observance(offset, bool(local.dst()), local.tzname() or _offset_name(offset))


def _offset_name(offset: timedelta) -> str:
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset / timedelta(minutes=1)))
    return f"{sign}{minutes // 60:02d}{minutes % 60:02d}"


def _transitions(
    zone: ZoneInfo, start_utc: datetime, end_utc: datetime
) -> list[tuple[datetime, _Observance, _Observance]]:
    """Every ``(instant, before, after)`` change of offset or name in ``[start, end)``."""
    found = []
    lo, before = start_utc, _observance(zone, start_utc)
    while lo < end_utc:
        hi = min(lo + _SCAN_STEP, end_utc)
        after = _observance(zone, hi)
        if after != before:
            a, b = lo, hi  # before holds at a, something else at b: bisect to the second
            while b - a > timedelta(seconds=1):
                mid = a + (b - a) // 2
                if _observance(zone, mid) == before:
                    a = mid
                else:
                    b = mid
            hi, after = b, _observance(zone, b)
            found.append((b, before, after))
        lo, before = hi, after
    return found


def _vtimezone(zone: ZoneInfo, first_year: int, last_year: int) -> Timezone:
    """A VTIMEZONE for ``zone`` valid from 1 January ``first_year`` to the end of ``last_year``.

    The first sub-component states the observance in force at the start (its
    onset is that local midnight, with equal offsets); each following one is a
    real transition, its ``DTSTART`` the local onset in ``TZOFFSETFROM``
    (RFC 5545 §3.6.5).
    """
    start_local = datetime.combine(date(first_year, 1, 1), time(0), tzinfo=zone)
    end_local = datetime.combine(date(last_year + 1, 1, 1), time(0), tzinfo=zone)
    start_utc, end_utc = start_local.astimezone(UTC), end_local.astimezone(UTC)
    tz = Timezone()
    tz.add("TZID", zone.key)
    initial = _observance(zone, start_utc)
    tz.add_component(_sub(start_local.replace(tzinfo=None), initial, initial))
    for instant, before, after in _transitions(zone, start_utc, end_utc):
        onset = (instant + before.offset).replace(tzinfo=None)
        tz.add_component(_sub(onset, before, after))
    return tz


def _sub(
    onset: datetime, before: _Observance, after: _Observance
) -> TimezoneStandard | TimezoneDaylight:
    sub = TimezoneDaylight() if after.dst else TimezoneStandard()
    sub.add("DTSTART", onset)
    sub.add("TZOFFSETFROM", before.offset)
    sub.add("TZOFFSETTO", after.offset)
    sub.add("TZNAME", after.name)
    return sub
