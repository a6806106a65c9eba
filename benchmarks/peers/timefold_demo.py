"""Timefold employee-scheduling demo: instance model, result-file loader and independent scorer.

This module owns the re-implementation of the peer's score exactly as
``data/README.md`` ("The peer's score") states it: five hard constraints, three soft
ones. It shares no code with Timefold or with our solver; its job is to re-score any
assignment (ours or Timefold's) on the same scale. Section and constraint numbers in
docstrings refer to that README.

Unassigned shifts: the README's hard list opens with "every shift must get an employee"
(Timefold's planning variable is not nullable, so its own rosters always assign every
shift). The README gives no weight, so this scorer counts an unassigned shift as
**1 hard per shift** under ``"Unassigned shift"``; it is excluded from every other
constraint and from the load-balance counts.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
"""Directory holding small.json, large.json and Timefold's ``*.timefold-*.json`` results."""

MIN_REST_MINUTES = 600
"""Hard constraint 3: at least 10 hours between two shifts of one employee."""

HARD_NAMES: tuple[str, ...] = (
    "Unassigned shift",
    "Missing required skill",
    "Overlapping shift",
    "At least 10 hours between 2 shifts",
    "One shift per day",
    "Unavailable employee",
)
"""Hard breakdown keys: the README preamble ("every shift must get an employee") and 1-5."""

SOFT_NAMES: tuple[str, ...] = (
    "Undesired day for employee",
    "Desired day for employee",
    "Balance employee shift assignments",
)
"""Soft breakdown keys: README soft constraints 6-8."""

_ONE_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Employee:
    """An employee of the demo data (README JSON ``employees`` entries)."""

    name: str
    skills: frozenset[str]
    unavailable_dates: frozenset[date]
    undesired_dates: frozenset[date]
    desired_dates: frozenset[date]


@dataclass(frozen=True)
class Shift:
    """A shift to fill (README JSON ``shifts`` entries); times are naive local times."""

    id: str
    start: datetime
    end: datetime
    location: str
    required_skill: str


@dataclass(frozen=True)
class Instance:
    """A demo instance: employees and shifts in file order."""

    name: str
    employees: tuple[Employee, ...]
    shifts: tuple[Shift, ...]

    @property
    def days(self) -> int:
        """Number of distinct shift start dates (README table column 'days')."""
        return len({s.start.date() for s in self.shifts})


@dataclass(frozen=True)
class Score:
    """A hard/soft score with its per-constraint breakdown (signed contributions).

    ``hard`` is minus the sum of hard penalties (0 is feasible); ``soft`` is the sum of
    soft contributions (higher is better), as in Timefold's ``HardSoftDecimalScore``.
    """

    hard: int
    soft: float
    hard_breakdown: dict[str, int] = field(default_factory=dict)
    soft_breakdown: dict[str, float] = field(default_factory=dict)
    unassigned: tuple[str, ...] = ()

    @property
    def feasible(self) -> bool:
        """True when every hard constraint (including full assignment) is met."""
        return self.hard == 0

    def __str__(self) -> str:
        return f"{self.hard}hard/{self.soft:.5f}soft"


@dataclass(frozen=True)
class PeerResult:
    """A Timefold result file: its reported score and roster (README last paragraph)."""

    score: str
    seconds: float
    assignment: dict[str, str | None]


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------


def _dates(raw: Mapping[str, Any], key: str) -> frozenset[date]:
    """ISO dates under ``key`` (absent means none)."""
    return frozenset(date.fromisoformat(v) for v in raw.get(key, []))


def _employee(raw: Mapping[str, Any]) -> Employee:
    """One ``employees`` entry of the README JSON form."""
    return Employee(
        name=str(raw["name"]),
        skills=frozenset(raw["skills"]),
        unavailable_dates=_dates(raw, "unavailable_dates"),
        undesired_dates=_dates(raw, "undesired_dates"),
        desired_dates=_dates(raw, "desired_dates"),
    )


def _shift(raw: Mapping[str, Any]) -> Shift:
    """One ``shifts`` entry of the README JSON form (naive ISO date-times)."""
    start = datetime.fromisoformat(str(raw["start"]))
    end = datetime.fromisoformat(str(raw["end"]))
    if end <= start:
        raise ValueError(f"shift {raw['id']!r}: end {end} is not after start {start}")
    return Shift(str(raw["id"]), start, end, str(raw["location"]), str(raw["required_skill"]))


def load_instance(path: str | Path) -> Instance:
    """Load ``small.json`` / ``large.json`` (README JSON form) into frozen dataclasses."""
    path = Path(path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    employees = tuple(_employee(e) for e in raw["employees"])
    shifts = tuple(_shift(s) for s in raw["shifts"])
    _require_unique([e.name for e in employees], "employee name", path)
    _require_unique([s.id for s in shifts], "shift id", path)
    return Instance(path.stem, employees, shifts)


def _require_unique(values: list[str], what: str, path: Path) -> None:
    """Reject duplicate employee names or shift ids (assignments refer to them)."""
    if len(set(values)) != len(values):
        raise ValueError(f"{path}: duplicate {what}")


def load_peer_result(path: str | Path) -> PeerResult:
    """Load a ``*.timefold-*.json`` file: ``{"score": ..., "assignment": {shift_id: name}}``."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    return PeerResult(str(raw["score"]), float(raw.get("seconds", 0)), dict(raw["assignment"]))


def parse_score(text: str) -> tuple[int, float]:
    """Parse Timefold's ``"-4hard/36068.40260soft"`` into ``(hard, soft)``."""
    hard_text, _, soft_text = text.partition("/")
    if not hard_text.endswith("hard") or not soft_text.endswith("soft"):
        raise ValueError(f"not a hard/soft score: {text!r}")
    return int(hard_text.removesuffix("hard")), float(soft_text.removesuffix("soft"))


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def minutes_on_date(shift: Shift, day: date) -> int:
    """Minutes of ``shift`` on calendar ``day`` (README, paragraph after the soft list).

    The overlap with ``day`` 00:00 .. 23:59:59.999999, truncated to whole minutes, and
    only when the shift starts or ends on ``day`` (22:00-06:00 gives 119 and 360).
    """
    if day not in (shift.start.date(), shift.end.date()):
        return 0
    day_start = datetime.combine(day, time.min)
    day_end = datetime.combine(day, time.max)
    overlap = min(shift.end, day_end) - max(shift.start, day_start)
    return max(0, overlap // _ONE_MINUTE)


def _by_employee(
    instance: Instance, assignment: Mapping[str, str | None]
) -> dict[str, list[Shift]]:
    """Group assigned shifts per employee name, sorted by start (validates names and ids)."""
    known_shifts = {s.id for s in instance.shifts}
    unknown = set(assignment) - known_shifts
    if unknown:
        raise ValueError(f"assignment names unknown shift id(s) {sorted(unknown)[:5]}")
    names = {e.name for e in instance.employees}
    groups: dict[str, list[Shift]] = defaultdict(list)
    for shift in instance.shifts:
        name = assignment.get(shift.id)
        if name is None:
            continue
        if name not in names:
            raise ValueError(f"shift {shift.id}: unknown employee {name!r}")
        groups[name].append(shift)
    for shifts in groups.values():
        shifts.sort(key=lambda s: (s.start, s.end, s.id))
    return dict(groups)


def _pairs(groups: Mapping[str, list[Shift]]) -> Iterator[tuple[Shift, Shift]]:
    """Unordered pairs of distinct shifts of the same employee (earlier start first)."""
    for shifts in groups.values():
        yield from combinations(shifts, 2)


# ---------------------------------------------------------------------------
# Hard constraints (README "Hard" list; each returns a positive penalty)
# ---------------------------------------------------------------------------


def unassigned_penalty(instance: Instance, assignment: Mapping[str, str | None]) -> int:
    """README hard preamble: every shift must get an employee (1 per unassigned shift)."""
    return sum(1 for s in instance.shifts if assignment.get(s.id) is None)


def missing_skill_penalty(instance: Instance, groups: Mapping[str, list[Shift]]) -> int:
    """Hard 1: the employee has the shift's ``required_skill`` (1 per shift)."""
    skills = {e.name: e.skills for e in instance.employees}
    return sum(
        1 for name, shifts in groups.items() for s in shifts if s.required_skill not in skills[name]
    )


def overlap_penalty(groups: Mapping[str, list[Shift]]) -> int:
    """Hard 2: no overlapping shifts for one employee (overlap minutes per pair)."""
    total = 0
    for a, b in _pairs(groups):
        overlap = min(a.end, b.end) - max(a.start, b.start)
        if overlap > timedelta(0):
            total += overlap // _ONE_MINUTE
    return total


def rest_penalty(groups: Mapping[str, list[Shift]]) -> int:
    """Hard 3: >= 10 h between two shifts (600 minus the gap in minutes, per pair).

    A pair counts when one shift ends no later than the other starts and the gap is
    under 600 minutes; overlapping pairs are left to hard 2.
    """
    total = 0
    for a, b in _pairs(groups):
        for first, second in ((a, b), (b, a)):
            if first.end <= second.start:
                gap = (second.start - first.end) // _ONE_MINUTE
                total += max(0, MIN_REST_MINUTES - gap)
    return total


def one_per_day_penalty(groups: Mapping[str, list[Shift]]) -> int:
    """Hard 4: at most one shift per start date per employee (1 per pair)."""
    return sum(1 for a, b in _pairs(groups) if a.start.date() == b.start.date())


def unavailable_penalty(instance: Instance, groups: Mapping[str, list[Shift]]) -> int:
    """Hard 5: no shift on an ``unavailable_dates`` day (minutes of the shift on that date)."""
    return _date_minutes(instance, groups, lambda e: e.unavailable_dates)


def _date_minutes(
    instance: Instance,
    groups: Mapping[str, list[Shift]],
    dates_of: Callable[[Employee], frozenset[date]],
) -> int:
    """Sum ``minutes_on_date`` over each employee's shifts and the dates ``dates_of`` selects."""
    total = 0
    for employee in instance.employees:
        days = dates_of(employee)
        for shift in groups.get(employee.name, ()):
            total += sum(minutes_on_date(shift, day) for day in days)
    return total


# ---------------------------------------------------------------------------
# Soft constraints (README "Soft" list; signed contributions)
# ---------------------------------------------------------------------------


def undesired_contribution(instance: Instance, groups: Mapping[str, list[Shift]]) -> int:
    """Soft 6: minus the minutes of shifts on ``undesired_dates``."""
    return -_date_minutes(instance, groups, lambda e: e.undesired_dates)


def desired_contribution(instance: Instance, groups: Mapping[str, list[Shift]]) -> int:
    """Soft 7: plus the minutes of shifts on ``desired_dates``."""
    return _date_minutes(instance, groups, lambda e: e.desired_dates)


def unfairness(counts: list[int]) -> float:
    """Soft 8 magnitude: sqrt(sum over employees of (shifts - mean)^2)."""
    if not counts:
        return 0.0
    mean = sum(counts) / len(counts)
    return math.sqrt(sum((c - mean) ** 2 for c in counts))


def balance_contribution(instance: Instance, groups: Mapping[str, list[Shift]]) -> float:
    """Soft 8: minus the load-balance unfairness over all employees (zero-shift ones too)."""
    return -unfairness([len(groups.get(e.name, ())) for e in instance.employees])


# ---------------------------------------------------------------------------
# Total
# ---------------------------------------------------------------------------


def score(instance: Instance, assignment: Mapping[str, str | None]) -> Score:
    """Score ``assignment`` (shift id -> employee name or ``None``) by the README's rules.

    Shift ids missing from ``assignment`` count as unassigned.
    """
    groups = _by_employee(instance, assignment)
    penalties = dict(
        zip(
            HARD_NAMES,
            (
                unassigned_penalty(instance, assignment),
                missing_skill_penalty(instance, groups),
                overlap_penalty(groups),
                rest_penalty(groups),
                one_per_day_penalty(groups),
                unavailable_penalty(instance, groups),
            ),
            strict=True,
        )
    )
    soft = dict(
        zip(
            SOFT_NAMES,
            (
                undesired_contribution(instance, groups),
                desired_contribution(instance, groups),
                balance_contribution(instance, groups),
            ),
            strict=True,
        )
    )
    unassigned = tuple(s.id for s in instance.shifts if assignment.get(s.id) is None)
    return Score(
        hard=-sum(penalties.values()),
        soft=float(sum(soft.values())),
        hard_breakdown={k: -v for k, v in penalties.items()},
        soft_breakdown={k: float(v) for k, v in soft.items()},
        unassigned=unassigned,
    )


def rescore_peer_result(instance: Instance, path: str | Path) -> tuple[Score, tuple[int, float]]:
    """Re-score a Timefold result file; return our score and the score the file states."""
    result = load_peer_result(path)
    return score(instance, result.assignment), parse_score(result.score)
