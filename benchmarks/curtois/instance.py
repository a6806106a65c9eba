"""Parser for the Curtois & Qu ``InstanceN.txt`` format, owning the immutable instance model.

Everything here follows ``data/README.md`` sections 1 (lexical rules) and 2 (sections).
The parser is deliberately strict: any malformed row raises a ``ValueError`` that names
the file and the 1-based line number, so a broken copy of an instance fails loudly
instead of being scored silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

DATA_DIR = Path(__file__).resolve().parent / "data"
"""Directory holding the copied benchmark files (Instance1..24.txt, best_known.csv, ...)."""

SECTION_ORDER: tuple[str, ...] = (
    "HORIZON",
    "SHIFTS",
    "STAFF",
    "DAYS_OFF",
    "SHIFT_ON_REQUESTS",
    "SHIFT_OFF_REQUESTS",
    "COVER",
)
"""README §1: sections always appear in this order."""


@dataclass(frozen=True)
class ShiftType:
    """A shift type (README §2, SECTION_SHIFTS).

    ``forbidden_next`` lists the shift types that may not be worked on the day after this one.
    """

    id: str
    length: int
    forbidden_next: tuple[str, ...]


@dataclass(frozen=True)
class Staff:
    """An employee's contract (README §2, SECTION_STAFF) plus required days off (SECTION_DAYS_OFF).

    ``max_shifts`` keeps the file's ``ShiftID=max`` pairs in file order; use
    :meth:`max_shifts_of` for look-ups.
    """

    id: str
    max_shifts: tuple[tuple[str, int], ...]
    max_total_minutes: int
    min_total_minutes: int
    max_consecutive_shifts: int
    min_consecutive_shifts: int
    min_consecutive_days_off: int
    max_weekends: int
    days_off: frozenset[int] = frozenset()

    def max_shifts_of(self, shift_id: str) -> int | None:
        """Return MaxShifts for ``shift_id``, or ``None`` when the file does not list it."""
        for listed, value in self.max_shifts:
            if listed == shift_id:
                return value
        return None


@dataclass(frozen=True)
class Request:
    """A shift-on or shift-off request (README §2) by ``employee`` for ``shift`` on ``day``."""

    employee: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True)
class Cover:
    """A cover row (README §2, SECTION_COVER): target head-count for (``day``, ``shift``)."""

    day: int
    shift: str
    requirement: int
    weight_under: int
    weight_over: int


@dataclass(frozen=True)
class Instance:
    """A parsed benchmark instance. Staff and shift types keep file order."""

    name: str
    horizon: int
    shift_types: tuple[ShiftType, ...]
    staff: tuple[Staff, ...]
    on_requests: tuple[Request, ...]
    off_requests: tuple[Request, ...]
    cover: tuple[Cover, ...]

    @cached_property
    def _shift_by_id(self) -> dict[str, ShiftType]:
        return {s.id: s for s in self.shift_types}

    def shift(self, shift_id: str) -> ShiftType:
        """Return the shift type with id ``shift_id`` (``KeyError`` if unknown)."""
        return self._shift_by_id[shift_id]

    @property
    def shift_ids(self) -> tuple[str, ...]:
        """Shift-type ids in file order."""
        return tuple(s.id for s in self.shift_types)

    @property
    def staff_ids(self) -> tuple[str, ...]:
        """Employee ids in file (STAFF section) order."""
        return tuple(e.id for e in self.staff)

    @property
    def days_off_entries(self) -> int:
        """Number of (employee, day) pairs in SECTION_DAYS_OFF (README §8 'days-off entries')."""
        return sum(len(e.days_off) for e in self.staff)


class _Location:
    """A file name and line number used to build error messages."""

    def __init__(self, path: str, line_no: int) -> None:
        self.path = path
        self.line_no = line_no

    def error(self, message: str) -> ValueError:
        """Return a ``ValueError`` prefixed with ``path:line``."""
        return ValueError(f"{self.path}:{self.line_no}: {message}")


def _content_lines(text: str) -> Iterator[tuple[int, str]]:
    """Yield ``(line_no, line)`` with ``\\r`` stripped and comment lines removed (README §1)."""
    for line_no, raw in enumerate(text.split("\n"), start=1):
        line = raw.replace("\r", "").strip()
        if line.startswith("#"):
            continue
        yield line_no, line


def _split_sections(text: str, path: str) -> dict[str, list[tuple[int, str]]]:
    """Group non-blank rows by section, checking headers and order (README §1)."""
    sections: dict[str, list[tuple[int, str]]] = {}
    current: str | None = None
    for line_no, line in _content_lines(text):
        where = _Location(path, line_no)
        if not line:
            current = None
            continue
        if line.startswith("SECTION_"):
            current = _open_section(line, sections, where)
            continue
        if current is None:
            raise where.error(f"row outside any section: {line!r}")
        sections[current].append((line_no, line))
    missing = [name for name in SECTION_ORDER if name not in sections]
    if missing:
        raise ValueError(f"{path}: missing section(s) {', '.join('SECTION_' + m for m in missing)}")
    return sections


def _open_section(header: str, sections: dict[str, list[tuple[int, str]]], where: _Location) -> str:
    """Validate a ``SECTION_<NAME>`` header against the fixed order and register it."""
    name = header.removeprefix("SECTION_")
    if name not in SECTION_ORDER:
        raise where.error(f"unknown section header {header!r}")
    if name in sections:
        raise where.error(f"duplicate section {header!r}")
    expected = SECTION_ORDER[len(sections)]
    if name != expected:
        raise where.error(f"section {header!r} out of order; expected SECTION_{expected}")
    sections[name] = []
    return name


def _int(text: str, what: str, where: _Location, minimum: int = 0) -> int:
    """Parse a non-negative (or ``>= minimum``) integer field."""
    try:
        value = int(text)
    except ValueError:
        raise where.error(f"{what} must be an integer, got {text!r}") from None
    if value < minimum:
        raise where.error(f"{what} must be >= {minimum}, got {value}")
    return value


def _fields(line: str, count: int, where: _Location) -> list[str]:
    """Split a comma-separated row and check its field count."""
    fields = line.split(",")
    if len(fields) != count:
        raise where.error(f"expected {count} comma-separated fields, got {len(fields)}: {line!r}")
    return fields


def _parse_horizon(rows: list[tuple[int, str]], path: str) -> int:
    """SECTION_HORIZON: a single positive integer H (README §2)."""
    if len(rows) != 1:
        raise ValueError(f"{path}: SECTION_HORIZON must contain exactly one row, got {len(rows)}")
    line_no, line = rows[0]
    return _int(line, "horizon", _Location(path, line_no), minimum=1)


def _parse_shift(line: str, where: _Location) -> ShiftType:
    """``ShiftID,LengthMinutes,F1|F2|...``; the third field may be empty (README §2)."""
    shift_id, length, forbidden = _fields(line, 3, where)
    if not shift_id:
        raise where.error("empty shift id")
    successors = tuple(f for f in forbidden.split("|") if f)
    return ShiftType(shift_id, _int(length, "shift length", where, minimum=1), successors)


def _parse_max_shifts(
    field: str, shift_ids: set[str], where: _Location
) -> tuple[tuple[str, int], ...]:
    """``S1=max|S2=max|...`` (README §2, MaxShifts)."""
    pairs: list[tuple[str, int]] = []
    for item in (p for p in field.split("|") if p):
        shift_id, sep, value = item.partition("=")
        if not sep:
            raise where.error(f"MaxShifts entry {item!r} is not of the form ShiftID=max")
        if shift_id not in shift_ids:
            raise where.error(f"MaxShifts names unknown shift type {shift_id!r}")
        pairs.append((shift_id, _int(value, f"MaxShifts[{shift_id}]", where)))
    return tuple(pairs)


def _parse_staff(line: str, shift_ids: set[str], where: _Location) -> Staff:
    """One SECTION_STAFF row of eight fields (README §2)."""
    fields = _fields(line, 8, where)
    if not fields[0]:
        raise where.error("empty employee id")
    names = (
        "MaxTotalMinutes",
        "MinTotalMinutes",
        "MaxConsecutiveShifts",
        "MinConsecutiveShifts",
        "MinConsecutiveDaysOff",
        "MaxWeekends",
    )
    numbers = [_int(value, name, where) for value, name in zip(fields[2:], names, strict=True)]
    return Staff(fields[0], _parse_max_shifts(fields[1], shift_ids, where), *numbers)


def _check_day(text: str, horizon: int, where: _Location) -> int:
    """Parse a 0-based day index and check it lies in ``0..H-1`` (README §1)."""
    day = _int(text, "day", where)
    if day >= horizon:
        raise where.error(f"day {day} outside horizon 0..{horizon - 1}")
    return day


def _check_employee(employee: str, staff_ids: set[str], where: _Location) -> str:
    """Return ``employee`` if it is a declared staff id."""
    if employee not in staff_ids:
        raise where.error(f"unknown employee {employee!r}")
    return employee


def _check_shift(shift: str, shift_ids: set[str], where: _Location) -> str:
    """Return ``shift`` if it is a declared shift-type id."""
    if shift not in shift_ids:
        raise where.error(f"unknown shift type {shift!r}")
    return shift


def _parse_days_off(
    rows: list[tuple[int, str]], path: str, horizon: int, staff_ids: set[str]
) -> dict[str, set[int]]:
    """``EmployeeID,d1,d2,...`` rows, merged per employee (README §2, SECTION_DAYS_OFF)."""
    days_off: dict[str, set[int]] = {}
    for line_no, line in rows:
        where = _Location(path, line_no)
        employee, *days = line.split(",")
        _check_employee(employee, staff_ids, where)
        days_off.setdefault(employee, set()).update(
            _check_day(d, horizon, where) for d in days if d
        )
    return days_off


def _request_parser(
    horizon: int, staff_ids: set[str], shift_ids: set[str]
) -> Callable[[str, _Location], Request]:
    """Build a parser for ``EmployeeID,Day,ShiftID,Weight`` rows (README §2)."""

    def parse(line: str, where: _Location) -> Request:
        employee, day, shift, weight = _fields(line, 4, where)
        return Request(
            _check_employee(employee, staff_ids, where),
            _check_day(day, horizon, where),
            _check_shift(shift, shift_ids, where),
            _int(weight, "weight", where),
        )

    return parse


def _cover_parser(horizon: int, shift_ids: set[str]) -> Callable[[str, _Location], Cover]:
    """Build a parser for ``Day,ShiftID,Requirement,WeightUnder,WeightOver`` rows (README §2)."""

    def parse(line: str, where: _Location) -> Cover:
        day, shift, requirement, under, over = _fields(line, 5, where)
        return Cover(
            _check_day(day, horizon, where),
            _check_shift(shift, shift_ids, where),
            _int(requirement, "requirement", where),
            _int(under, "weight under", where),
            _int(over, "weight over", where),
        )

    return parse


def _parse_rows(
    rows: list[tuple[int, str]], path: str, parse: Callable[[str, _Location], T]
) -> tuple[T, ...]:
    """Parse every ``(line_no, line)`` row of a section with ``parse``."""
    return tuple(parse(line, _Location(path, line_no)) for line_no, line in rows)


def _unique_ids(items: tuple[ShiftType, ...] | tuple[Staff, ...], what: str, path: str) -> None:
    """Reject a repeated shift-type or employee id."""
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"{path}: duplicate {what} id {item.id!r}")
        seen.add(item.id)


def parse_text(text: str, name: str = "<string>") -> Instance:
    """Parse instance ``text``; ``name`` is used for ``Instance.name`` and in error messages."""
    sections = _split_sections(text, name)
    horizon = _parse_horizon(sections["HORIZON"], name)
    shift_types = _parse_rows(sections["SHIFTS"], name, _parse_shift)
    _unique_ids(shift_types, "shift", name)
    shift_ids = {s.id for s in shift_types}
    _check_successors(shift_types, sections["SHIFTS"], name, shift_ids)
    staff = _parse_rows(
        sections["STAFF"], name, lambda line, where: _parse_staff(line, shift_ids, where)
    )
    _unique_ids(staff, "employee", name)
    staff_ids = {e.id for e in staff}
    days_off = _parse_days_off(sections["DAYS_OFF"], name, horizon, staff_ids)
    staff = tuple(replace(e, days_off=frozenset(days_off.get(e.id, ()))) for e in staff)
    requests = _request_parser(horizon, staff_ids, shift_ids)
    return Instance(
        name=Path(name).stem if name != "<string>" else name,
        horizon=horizon,
        shift_types=shift_types,
        staff=staff,
        on_requests=_parse_rows(sections["SHIFT_ON_REQUESTS"], name, requests),
        off_requests=_parse_rows(sections["SHIFT_OFF_REQUESTS"], name, requests),
        cover=_parse_rows(sections["COVER"], name, _cover_parser(horizon, shift_ids)),
    )


def _check_successors(
    shift_types: tuple[ShiftType, ...], rows: list[tuple[int, str]], path: str, shift_ids: set[str]
) -> None:
    """Every forbidden successor must itself be a declared shift type."""
    for shift_type, (line_no, _) in zip(shift_types, rows, strict=True):
        for successor in shift_type.forbidden_next:
            _check_shift(successor, shift_ids, _Location(path, line_no))


def parse_instance(path: str | Path) -> Instance:
    """Read and parse an ``InstanceN.txt`` file (CRLF or LF line endings)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="ascii")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not a plain ASCII file ({exc.reason})") from None
    return parse_text(text, str(path))


def instance_path(number: int) -> Path:
    """Path of the bundled ``Instance<number>.txt`` (1..24)."""
    if not 1 <= number <= 24:
        raise ValueError(f"Curtois instances are numbered 1..24, got {number}")
    return DATA_DIR / f"Instance{number}.txt"


def load_instance(number: int) -> Instance:
    """Parse the bundled ``Instance<number>.txt``."""
    return parse_instance(instance_path(number))
