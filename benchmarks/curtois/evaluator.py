"""Independent evaluator for Curtois & Qu rosters: roster I/O, hard-rule checks and objective.

It owns the reading and writing of roster text files (README §7) and the scoring of a
roster against README §4 (hard rules 1-10) and §5 (objective). It imports nothing from
``flexpool`` or ``solver`` on purpose, so that it can referee any solver's output.

A roster is a list with one row per employee in STAFF order; each row holds, for each
day ``0..H-1``, a shift-type id or ``None`` for a day off.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from benchmarks.curtois.instance import Instance, Request, Staff

Roster = list[list[str | None]]
"""``roster[e][d]``: shift-type id worked by staff ``e`` (STAFF order) on day ``d``, or ``None``."""

Row = Sequence[str | None]
"""One employee's days, as accepted by the checks (lists or tuples)."""

Layout = Literal["auto", "monolith", "reference"]

RULE_NAMES: dict[int, str] = {
    1: "one shift per day",
    2: "shift rotation",
    3: "maximum shifts per type",
    4: "maximum total minutes",
    5: "minimum total minutes",
    6: "maximum consecutive shifts",
    7: "minimum consecutive shifts",
    8: "minimum consecutive days off",
    9: "maximum weekends",
    10: "days off",
}
"""Hard-rule numbers and names exactly as numbered in README §4."""


@dataclass(frozen=True)
class Violation:
    """One breach of a README §4 hard rule."""

    rule: int
    employee: str
    days: str
    detail: str

    def __str__(self) -> str:
        return (
            f"rule {self.rule} ({RULE_NAMES[self.rule]}): employee {self.employee}, "
            f"{self.days}: {self.detail}"
        )


@dataclass(frozen=True)
class Evaluation:
    """Objective components (README §5) and hard-rule violations (README §4) of a roster."""

    cover_penalty: int
    on_request_penalty: int
    off_request_penalty: int
    breaches: tuple[Violation, ...] = field(default=())

    @property
    def objective(self) -> int:
        """README §5 penalty: cover + unmet on-requests + violated off-requests."""
        return self.cover_penalty + self.on_request_penalty + self.off_request_penalty

    @property
    def violations(self) -> list[str]:
        """Readable descriptions naming rule number, employee and day(s)."""
        return [str(v) for v in self.breaches]

    @property
    def violated_rules(self) -> set[int]:
        """The README §4 rule numbers that are broken at least once."""
        return {v.rule for v in self.breaches}

    @property
    def feasible(self) -> bool:
        """True when no hard rule is broken (an infeasible roster is not penalised, §5)."""
        return not self.breaches


# ---------------------------------------------------------------------------
# Roster text files (README §7)
# ---------------------------------------------------------------------------


def _roster_lines(path: Path) -> list[str]:
    """Lines of a roster file with line endings removed and trailing blank lines dropped."""
    lines = path.read_text(encoding="ascii").replace("\r", "").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _strip_trailing_tab(cells: list[str], horizon: int) -> list[str]:
    """Drop the single empty cell produced by the trailing tab, if present."""
    if len(cells) == horizon + 1 and cells[-1] == "":
        return cells[:-1]
    return cells


def _looks_like_reference(rows: list[list[str]], instance: Instance) -> bool:
    """True if every first cell is an employee id (each once) and rows have room for H days."""
    firsts = [cells[0] for cells in rows]
    lengths_ok = all(
        len(c) == instance.horizon + 1 or (len(c) == instance.horizon + 2 and c[-1] == "")
        for c in rows
    )
    return lengths_ok and sorted(firsts) == sorted(instance.staff_ids)


def read_roster_tsv(path: str | Path, instance: Instance, layout: Layout = "auto") -> Roster:
    """Read a roster in the monolith layout or the reference layout (README §7).

    * ``monolith``: one line per employee in STAFF order, H tab-separated cells, trailing tab;
    * ``reference``: the same with the employee id as first cell (rows in any order).

    ``auto`` picks ``reference`` when the first cells are exactly the staff ids and every
    row has room for an id plus H days, otherwise ``monolith``. Empty cells are days off.
    """
    path = Path(path)
    rows = [line.split("\t") for line in _roster_lines(path)]
    if len(rows) != len(instance.staff):
        raise ValueError(f"{path}: expected {len(instance.staff)} employee lines, got {len(rows)}")
    if layout == "auto":
        layout = "reference" if _looks_like_reference(rows, instance) else "monolith"
    by_employee: dict[str, list[str | None]] = {}
    for line_no, cells in enumerate(rows, start=1):
        if layout == "reference":
            employee, cells = cells[0], cells[1:]
        else:
            employee = instance.staff[line_no - 1].id
        if employee in by_employee or employee not in instance.staff_ids:
            raise ValueError(f"{path}:{line_no}: unexpected or repeated employee {employee!r}")
        by_employee[employee] = _parse_cells(cells, instance, f"{path}:{line_no}")
    return [by_employee[e.id] for e in instance.staff]


def _parse_cells(cells: list[str], instance: Instance, where: str) -> list[str | None]:
    """Turn H cells into shift ids / ``None``, checking the count and every id."""
    cells = _strip_trailing_tab(cells, instance.horizon)
    if len(cells) != instance.horizon:
        raise ValueError(f"{where}: expected {instance.horizon} day cells, got {len(cells)}")
    known = set(instance.shift_ids)
    for day, cell in enumerate(cells):
        if cell and cell not in known:
            raise ValueError(f"{where}: day {day}: unknown shift type {cell!r}")
    return [cell or None for cell in cells]


def write_roster_tsv(roster: Sequence[Row], instance: Instance, path: str | Path) -> None:
    """Write ``roster`` in the monolith layout (README §7): each cell followed by a tab."""
    _check_shape(roster, instance)
    text = "".join("".join(f"{cell or ''}\t" for cell in row) + "\n" for row in roster)
    Path(path).write_text(text, encoding="ascii")


# ---------------------------------------------------------------------------
# Hard rules (README §4)
# ---------------------------------------------------------------------------


def _check_shape(roster: Sequence[Row], instance: Instance) -> None:
    """Reject rosters that do not have one row of H cells per employee.

    Rule 1 (one shift per day) holds by construction once the shape is right.
    """
    if len(roster) != len(instance.staff):
        raise ValueError(f"roster has {len(roster)} rows, instance has {len(instance.staff)} staff")
    known = set(instance.shift_ids)
    for staff, row in zip(instance.staff, roster, strict=True):
        if len(row) != instance.horizon:
            raise ValueError(f"employee {staff.id}: {len(row)} days, horizon is {instance.horizon}")
        unknown = {cell for cell in row if cell is not None and cell not in known}
        if unknown:
            raise ValueError(f"employee {staff.id}: unknown shift type(s) {sorted(unknown)}")


def _runs(row: Row, working: bool) -> Iterator[tuple[int, int]]:
    """Yield ``(first_day, last_day)`` of each maximal run of working (or off) days."""
    start: int | None = None
    for day, cell in enumerate(row):
        if (cell is not None) == working:
            start = day if start is None else start
        elif start is not None:
            yield start, day - 1
            start = None
    if start is not None:
        yield start, len(row) - 1


def _days(first: int, last: int) -> str:
    """Render a day span for violation messages."""
    return f"day {first}" if first == last else f"days {first}-{last}"


def _check_rotation(staff: Staff, row: Row, instance: Instance) -> list[Violation]:
    """Rule 2: day d+1's shift must not be in day d's forbidden-successor list (no wrap)."""
    found = []
    for day in range(instance.horizon - 1):
        today, tomorrow = row[day], row[day + 1]
        if today is None or tomorrow is None:
            continue
        if tomorrow in instance.shift(today).forbidden_next:
            detail = f"{tomorrow} may not follow {today}"
            found.append(Violation(2, staff.id, _days(day, day + 1), detail))
    return found


def _check_max_shifts(staff: Staff, row: Row, instance: Instance) -> list[Violation]:
    """Rule 3: at most MaxShifts[e][s] shifts of each type (types not listed are unlimited)."""
    found = []
    for shift_id in instance.shift_ids:
        limit = staff.max_shifts_of(shift_id)
        days = [d for d, cell in enumerate(row) if cell == shift_id]
        if limit is not None and len(days) > limit:
            detail = f"{len(days)} {shift_id} shifts > max {limit}"
            found.append(Violation(3, staff.id, "days " + ",".join(map(str, days)), detail))
    return found


def _check_minutes(staff: Staff, row: Row, instance: Instance) -> list[Violation]:
    """Rules 4 and 5: total worked minutes within [MinTotalMinutes, MaxTotalMinutes]."""
    total = sum(instance.shift(cell).length for cell in row if cell is not None)
    span = _days(0, instance.horizon - 1)
    found = []
    if total > staff.max_total_minutes:
        detail = f"{total} minutes > max {staff.max_total_minutes}"
        found.append(Violation(4, staff.id, span, detail))
    if total < staff.min_total_minutes:
        detail = f"{total} minutes < min {staff.min_total_minutes}"
        found.append(Violation(5, staff.id, span, detail))
    return found


def _check_consecutive(staff: Staff, row: Row, horizon: int) -> list[Violation]:
    """Rules 6-8 on maximal runs; rules 7 and 8 exempt runs touching day 0 or day H-1."""
    found = []
    for first, last in _runs(row, working=True):
        length = last - first + 1
        if length > staff.max_consecutive_shifts:
            detail = f"{length} consecutive shifts > max {staff.max_consecutive_shifts}"
            found.append(Violation(6, staff.id, _days(first, last), detail))
        inside = first > 0 and last < horizon - 1
        if inside and length < staff.min_consecutive_shifts:
            detail = f"{length} consecutive shifts < min {staff.min_consecutive_shifts}"
            found.append(Violation(7, staff.id, _days(first, last), detail))
    for first, last in _runs(row, working=False):
        length = last - first + 1
        inside = first > 0 and last < horizon - 1
        if inside and length < staff.min_consecutive_days_off:
            detail = f"{length} consecutive days off < min {staff.min_consecutive_days_off}"
            found.append(Violation(8, staff.id, _days(first, last), detail))
    return found


def _check_weekends(staff: Staff, row: Row, horizon: int) -> list[Violation]:
    """Rule 9: weekend w = days 7w+5, 7w+6 is worked if either day is; count <= MaxWeekends."""
    worked = [
        w for w in range(horizon // 7) if row[7 * w + 5] is not None or row[7 * w + 6] is not None
    ]
    if len(worked) <= staff.max_weekends:
        return []
    days = "weekends " + ",".join(f"{7 * w + 5}-{7 * w + 6}" for w in worked)
    detail = f"{len(worked)} weekends worked > max {staff.max_weekends}"
    return [Violation(9, staff.id, days, detail)]


def _check_days_off(staff: Staff, row: Row) -> list[Violation]:
    """Rule 10: no work on a SECTION_DAYS_OFF day."""
    return [
        Violation(10, staff.id, _days(day, day), f"works {row[day]} on a required day off")
        for day in sorted(staff.days_off)
        if row[day] is not None
    ]


def hard_violations(instance: Instance, roster: Sequence[Row]) -> list[Violation]:
    """All README §4 violations, grouped per employee in STAFF order."""
    _check_shape(roster, instance)
    found: list[Violation] = []
    for staff, row in zip(instance.staff, roster, strict=True):
        found += _check_rotation(staff, row, instance)
        found += _check_max_shifts(staff, row, instance)
        found += _check_minutes(staff, row, instance)
        found += _check_consecutive(staff, row, instance.horizon)
        found += _check_weekends(staff, row, instance.horizon)
        found += _check_days_off(staff, row)
    return found


# ---------------------------------------------------------------------------
# Objective (README §5)
# ---------------------------------------------------------------------------


def _lookup(instance: Instance, roster: Sequence[Row]) -> dict[str, Row]:
    """Map employee id to roster row."""
    return {staff.id: row for staff, row in zip(instance.staff, roster, strict=True)}


def on_request_penalty(requests: Sequence[Request], rows: dict[str, Row]) -> int:
    """README §5: weight of every on-request not met (a different shift or OFF both count)."""
    return sum(r.weight for r in requests if rows[r.employee][r.day] != r.shift)


def off_request_penalty(requests: Sequence[Request], rows: dict[str, Row]) -> int:
    """README §5: weight of every off-request whose shift is worked anyway."""
    return sum(r.weight for r in requests if rows[r.employee][r.day] == r.shift)


def cover_penalty(instance: Instance, roster: Sequence[Row]) -> int:
    """README §5: per cover row, ``wu * max(0, req - x) + wo * max(0, x - req)``."""
    total = 0
    for row in instance.cover:
        x = sum(1 for staff_row in roster if staff_row[row.day] == row.shift)
        total += row.weight_under * max(0, row.requirement - x)
        total += row.weight_over * max(0, x - row.requirement)
    return total


def evaluate(instance: Instance, roster: Sequence[Row]) -> Evaluation:
    """Score ``roster`` (README §5) and list its hard-rule violations (README §4)."""
    violations = hard_violations(instance, roster)
    rows = _lookup(instance, roster)
    return Evaluation(
        cover_penalty=cover_penalty(instance, roster),
        on_request_penalty=on_request_penalty(instance.on_requests, rows),
        off_request_penalty=off_request_penalty(instance.off_requests, rows),
        breaches=tuple(violations),
    )
