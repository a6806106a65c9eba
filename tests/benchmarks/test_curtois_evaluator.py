"""Tests for the Curtois & Qu parser and independent evaluator (benchmarks/curtois).

Section numbers (§) refer to benchmarks/curtois/data/README.md. The two published reference
rosters pin the objective; tiny hand-built instances pin each hard rule with an
allowed/forbidden pair; the README §8 table pins the parser on all 24 instances.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from benchmarks.curtois.evaluator import (
    Evaluation,
    evaluate,
    read_roster_tsv,
    write_roster_tsv,
)
from benchmarks.curtois.instance import (
    DATA_DIR,
    Instance,
    load_instance,
    parse_instance,
    parse_text,
)

REFERENCE_DIR = DATA_DIR / "reference_rosters"
INSTANCE1_REFERENCE = REFERENCE_DIR / "Instance1.monolith_test.608.tsv"
INSTANCE10_REFERENCE = REFERENCE_DIR / "Instance10.monolith_test.4650.tsv"

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

GENEROUS_STAFF = "A,D=14,100000,0,14,1,1,2"
"""One employee 'A' whom no rule constrains (for H <= 14): every test tightens one field."""


def tiny(
    *,
    horizon: int = 7,
    shifts: tuple[str, ...] = ("D,480,",),
    staff: tuple[str, ...] = (GENEROUS_STAFF,),
    days_off: tuple[str, ...] = ("A",),
    on: tuple[str, ...] = (),
    off: tuple[str, ...] = (),
    cover: tuple[str, ...] = (),
) -> Instance:
    """Build an instance text in the §2 format (LF endings) and parse it."""
    sections = {
        "HORIZON": (str(horizon),),
        "SHIFTS": shifts,
        "STAFF": staff,
        "DAYS_OFF": days_off,
        "SHIFT_ON_REQUESTS": on,
        "SHIFT_OFF_REQUESTS": off,
        "COVER": cover,
    }
    text = "\n\n".join(
        "\n".join([f"SECTION_{name}", "# a comment line", *rows]) for name, rows in sections.items()
    )
    return parse_text(text + "\n", "tiny.txt")


def row(pattern: str) -> list[str | None]:
    """'DD.D' -> ['D', 'D', None, 'D']: one character per day, '.' is a day off."""
    return [None if c == "." else c for c in pattern]


def rules(instance: Instance, *patterns: str) -> set[int]:
    """README §4 rule numbers broken by the roster given as one pattern per employee."""
    return evaluate(instance, [row(p) for p in patterns]).violated_rules


# ---------------------------------------------------------------------------
# Reference rosters (§5, §7)
# ---------------------------------------------------------------------------


def test_instance1_reference_roster_scores_608() -> None:
    """§5: the monolith roster for Instance1 scores 608 = 601 cover + 4 on + 3 off."""
    instance = load_instance(1)
    result = evaluate(instance, read_roster_tsv(INSTANCE1_REFERENCE, instance))
    assert (result.cover_penalty, result.on_request_penalty, result.off_request_penalty) == (
        601,
        4,
        3,
    )
    assert result.objective == 608
    assert result.feasible, result.violations


def test_instance10_reference_roster_scores_4650() -> None:
    """The published Instance10 roster is feasible with objective 4650 (its file name)."""
    instance = load_instance(10)
    result = evaluate(instance, read_roster_tsv(INSTANCE10_REFERENCE, instance))
    assert result.objective == 4650
    assert result.feasible, result.violations


@pytest.mark.parametrize(("number", "path"), [(1, INSTANCE1_REFERENCE), (10, INSTANCE10_REFERENCE)])
def test_reference_rosters_rely_on_boundary_exemption(number: int, path: Path) -> None:
    """§4 rule 8: the references hold short off-runs at the horizon edge (1 to 11 each).

    Without the boundary exemption they would be wrongly reported infeasible.
    """
    instance = load_instance(number)
    roster = read_roster_tsv(path, instance)
    short_edge_runs = 0
    for staff, days in zip(instance.staff, roster, strict=True):
        for edge_run in (_leading_off(days), _leading_off(days[::-1])):
            if 0 < edge_run < staff.min_consecutive_days_off:
                short_edge_runs += 1
    assert 1 <= short_edge_runs <= 11


def _leading_off(days: list[str | None]) -> int:
    """Length of the off-run starting at the first day of ``days``."""
    count = 0
    for cell in days:
        if cell is not None:
            break
        count += 1
    return count


def test_reference_objectives_respect_best_known_csv() -> None:
    """A feasible roster can never beat a lower bound; Instance1's optimum is 607 < 608."""
    with (DATA_DIR / "best_known.csv").open(newline="") as handle:
        table = {r["instance"]: r for r in csv.DictReader(handle)}
    assert table["Instance1"]["optimal"] == "yes"
    assert int(table["Instance1"]["best_known"]) == 607
    for number, path, objective in [
        (1, INSTANCE1_REFERENCE, 608),
        (10, INSTANCE10_REFERENCE, 4650),
    ]:
        entry = table[f"Instance{number}"]
        if entry["lower_bound"]:
            assert objective >= int(entry["lower_bound"])
        assert objective >= int(entry["best_known"]), path.name


# ---------------------------------------------------------------------------
# Roster files (§7)
# ---------------------------------------------------------------------------


def test_write_then_read_monolith_layout(tmp_path: Path) -> None:
    """Monolith layout: H cells per line, each followed by a tab; Instance1 has a shift and
    an employee both called 'D', so layout detection must not confuse them."""
    instance = load_instance(1)
    roster = read_roster_tsv(INSTANCE1_REFERENCE, instance)
    out = tmp_path / "Instance1.tsv"
    write_roster_tsv(roster, instance, out)
    lines = out.read_text().splitlines()
    assert len(lines) == 8
    assert all(line.endswith("\t") and line.count("\t") == 14 for line in lines)
    assert lines[0] == "\tD\tD\tD\t\t\t\tD\tD\tD\t\t\tD\tD\t"  # employee A, id dropped
    assert read_roster_tsv(out, instance) == roster
    assert read_roster_tsv(out, instance, layout="monolith") == roster


def test_reference_layout_is_detected_with_or_without_trailing_tab(tmp_path: Path) -> None:
    """Reference layout = employee id + H cells; a trailing tab is optional."""
    instance = tiny(horizon=7, staff=(GENEROUS_STAFF, GENEROUS_STAFF.replace("A,", "B,", 1)))
    path = tmp_path / "ref.tsv"
    path.write_text("B\tD\t\t\t\t\t\t\t\r\nA\t\t\t\t\t\t\tD\r\n")
    assert read_roster_tsv(path, instance) == [row("......D"), row("D......")]


def test_read_roster_rejects_unknown_shift_with_line(tmp_path: Path) -> None:
    """An unknown shift id is a format error naming file and line, not a violation."""
    instance = tiny(horizon=7)
    path = tmp_path / "bad.tsv"
    path.write_text("D\tX\t\t\t\t\t\t\n")
    with pytest.raises(ValueError, match=r"bad\.tsv:1: day 1: unknown shift type 'X'"):
        read_roster_tsv(path, instance)


# ---------------------------------------------------------------------------
# Hard rules (§4), one allowed/forbidden pair each
# ---------------------------------------------------------------------------


def test_rule2_forbidden_succession_only_inside_horizon() -> None:
    """Rule 2: E may not follow L. 'LE' breaks it; 'EL', 'L.E' and a wrap-around do not."""
    instance = tiny(shifts=("E,480,", "L,480,E"), staff=("A,E=7|L=7,100000,0,7,1,1,1",))
    assert rules(instance, "LE.....") == {2}
    assert rules(instance, "EL.....") == set()
    assert rules(instance, "L.E....") == set()
    assert rules(instance, "E.....L") == set()


def test_rule3_max_shifts_per_type() -> None:
    """Rule 3: D=2 allows two D shifts, not three; N=0 forbids N entirely."""
    instance = tiny(shifts=("D,480,", "N,480,"), staff=("A,D=2|N=0,100000,0,7,1,1,1",))
    assert rules(instance, "DD.....") == set()
    assert rules(instance, "DDD....") == {3}
    assert rules(instance, "N......") == {3}


def test_rule4_max_total_minutes() -> None:
    """Rule 4: 960 minutes allow two 480-minute shifts, not three."""
    instance = tiny(staff=("A,D=7,960,0,7,1,1,1",))
    assert rules(instance, "D.D....") == set()
    assert rules(instance, "D.D.D..") == {4}


def test_rule5_min_total_minutes_is_hard() -> None:
    """Rule 5: 960 minutes minimum; one shift (480) or none breaks it."""
    instance = tiny(staff=("A,D=7,100000,960,7,1,1,1",))
    assert rules(instance, "D.D....") == set()
    assert rules(instance, "D......") == {5}
    assert rules(instance, ".......") == {5}


def test_rule6_max_consecutive_shifts_checked_at_edges_too() -> None:
    """Rule 6: at most 3 in a row; the edge run 'DDDD...' is not exempt."""
    instance = tiny(staff=("A,D=7,100000,0,3,1,1,1",))
    assert rules(instance, "DDD.DDD") == set()
    assert rules(instance, ".DDDD..") == {6}
    assert rules(instance, "DDDD...") == {6}
    assert rules(instance, "...DDDD") == {6}


def test_rule7_min_consecutive_shifts_exempt_at_edges() -> None:
    """Rule 7: runs of at least 2; a single shift on day 0 or day H-1 is exempt."""
    instance = tiny(staff=("A,D=7,100000,0,7,2,1,1",))
    assert rules(instance, "D.....D") == set()
    assert rules(instance, "..DD...") == set()
    assert rules(instance, "...D...") == {7}


def test_rule8_min_consecutive_days_off_exempt_at_edges() -> None:
    """Rule 8: off-runs of at least 2; a single off day touching day 0 or H-1 is exempt,
    the same single off day inside the horizon is not."""
    instance = tiny(staff=("A,D=7,100000,0,7,1,2,1",))
    assert rules(instance, ".DDDDD.") == set()
    assert rules(instance, "DD..DDD") == set()
    assert rules(instance, "DDD.DDD") == {8}


def test_rule9_max_weekends() -> None:
    """Rule 9: weekend w is days 7w+5 (Sat) and 7w+6 (Sun). Working Sat and Sun of the
    same weekend counts once; Sat of week 0 plus Sun of week 1 counts twice."""
    instance = tiny(horizon=14, staff=("A,D=14,100000,0,14,1,1,1",))
    assert rules(instance, ".....DD" + ".......") == set()
    assert rules(instance, ".....D." + "......D") == {9}


def test_rule9_zero_weekends() -> None:
    """Rule 9 with MaxWeekends = 0 (as in Instance23/24): any weekend day breaks it."""
    instance = tiny(staff=("A,D=7,100000,0,7,1,1,0",))
    assert rules(instance, "DDDDD..") == set()
    assert rules(instance, "......D") == {9}


def test_rule10_days_off() -> None:
    """Rule 10: day 3 is a required day off; working day 2 is fine, day 3 is not."""
    instance = tiny(days_off=("A,3",))
    assert rules(instance, "..D....") == set()
    assert rules(instance, "...D...") == {10}


def test_violation_message_names_rule_employee_and_day() -> None:
    """Violations are readable: rule number and name, employee id and the days involved."""
    instance = tiny(days_off=("A,3",))
    result = evaluate(instance, [row("...D...")])
    assert not result.feasible
    assert result.violations == [
        "rule 10 (days off): employee A, day 3: works D on a required day off"
    ]


def test_roster_shape_is_checked() -> None:
    """A roster with the wrong number of days is an input error, not a rule breach."""
    with pytest.raises(ValueError, match="horizon is 7"):
        evaluate(tiny(), [row("D.")])


# ---------------------------------------------------------------------------
# Objective (§5)
# ---------------------------------------------------------------------------


def test_objective_components() -> None:
    """Cover day 0 wants 2 D (weights 100/1): one worker gives 100 undercover; day 1 wants
    0 and gets 1 (1 overcover). A's on-request for N on day 0 (weight 3) is unmet because
    A works D there; B's off-request for D on day 1 (weight 2) is violated. Total 106."""
    instance = tiny(
        horizon=7,
        shifts=("D,480,", "N,480,"),
        staff=("A,D=7|N=7,100000,0,7,1,1,1", "B,D=7|N=7,100000,0,7,1,1,1"),
        days_off=("A", "B"),
        on=("A,0,N,3",),
        off=("B,1,D,2",),
        cover=("0,D,2,100,1", "1,D,0,100,1"),
    )
    result = evaluate(instance, [row("D......"), row(".D.....")])
    assert isinstance(result, Evaluation)
    assert (result.cover_penalty, result.on_request_penalty, result.off_request_penalty) == (
        101,
        3,
        2,
    )
    assert result.objective == 106
    assert result.feasible


# ---------------------------------------------------------------------------
# Parser (§1, §2, §8)
# ---------------------------------------------------------------------------

SIZES = {
    # instance: (days, staff, shift types, days-off entries, on-requests, off-requests, cover)
    1: (14, 8, 1, 8, 21, 5, 14),
    2: (14, 14, 2, 14, 50, 12, 28),
    3: (14, 20, 3, 20, 39, 25, 42),
    4: (28, 10, 2, 20, 52, 19, 56),
    5: (28, 16, 2, 32, 79, 27, 56),
    6: (28, 18, 3, 36, 87, 48, 84),
    7: (28, 20, 3, 40, 104, 64, 84),
    8: (28, 30, 4, 60, 139, 86, 112),
    9: (28, 36, 4, 72, 144, 88, 112),
    10: (28, 40, 5, 80, 210, 74, 140),
    11: (28, 50, 6, 100, 197, 139, 168),
    12: (28, 60, 10, 120, 294, 128, 280),
    13: (28, 120, 18, 240, 589, 252, 504),
    14: (42, 32, 4, 128, 266, 93, 168),
    15: (42, 45, 6, 180, 350, 140, 252),
    16: (56, 20, 3, 120, 177, 103, 168),
    17: (56, 32, 4, 160, 351, 129, 224),
    18: (84, 22, 3, 176, 322, 92, 252),
    19: (84, 40, 5, 320, 587, 247, 420),
    20: (182, 50, 6, 900, 1665, 653, 1092),
    21: (182, 100, 8, 1800, 3210, 1492, 1456),
    22: (364, 50, 10, 1800, 3253, 1385, 3640),
    23: (364, 100, 16, 3600, 6549, 2861, 5824),
    24: (364, 150, 32, 5400, 9540, 4269, 11648),
}
"""README §8 table, copied by hand."""


@pytest.mark.parametrize("number", sorted(SIZES))
def test_instance_sizes_match_readme_table(number: int) -> None:
    """Parsing InstanceN.txt reproduces the README §8 row for N."""
    instance = load_instance(number)
    assert (
        instance.horizon,
        len(instance.staff),
        len(instance.shift_types),
        instance.days_off_entries,
        len(instance.on_requests),
        len(instance.off_requests),
        len(instance.cover),
    ) == SIZES[number]


def test_instance1_details() -> None:
    """§1/§2 on Instance1: shift 'D' (480 min, no forbidden successors) and employee 'D'
    live in separate namespaces; A's contract and day off 0 are read correctly."""
    instance = load_instance(1)
    assert instance.name == "Instance1"
    assert instance.shift("D").length == 480
    assert instance.shift("D").forbidden_next == ()
    a = instance.staff[0]
    assert (a.id, a.max_shifts, a.max_total_minutes, a.min_total_minutes) == (
        "A",
        (("D", 14),),
        4320,
        3360,
    )
    assert (a.max_consecutive_shifts, a.min_consecutive_shifts) == (5, 2)
    assert (a.min_consecutive_days_off, a.max_weekends, a.days_off) == (2, 1, frozenset({0}))
    assert "D" in instance.staff_ids


def test_crlf_and_lf_parse_identically(tmp_path: Path) -> None:
    """§1: the CRLF copy and an LF copy give the same instance."""
    lf = tmp_path / "Instance1.txt"
    lf.write_bytes((DATA_DIR / "Instance1.txt").read_bytes().replace(b"\r\n", b"\n"))
    assert parse_instance(lf) == load_instance(1)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("A,D=14,4320,3360,5,2,2,1", "A,D=14,4320,x,5,2,2,1", r":13: MinTotalMinutes must be"),
        ("0,D,5,100,1", "0,Q,5,100,1", r":67: unknown shift type 'Q'"),
        ("A,2,D,2", "Z,2,D,2", r":35: unknown employee 'Z'"),
        ("A,0\r", "A,14\r", r":24: day 14 outside horizon"),
        ("SECTION_STAFF", "SECTION_COVERS", r":11: unknown section header"),
        ("SECTION_DAYS_OFF", "SECTION_SHIFT_ON_REQUESTS", r":22: section .* out of order"),
    ],
)
def test_bad_input_names_file_and_line(tmp_path: Path, old: str, new: str, message: str) -> None:
    """Malformed rows raise ValueError with 'path:line: reason' (line numbers of Instance1)."""
    text = (DATA_DIR / "Instance1.txt").read_bytes().decode("ascii")  # keeps the CRLFs
    assert old in text
    bad = tmp_path / "broken.txt"
    bad.write_bytes(text.replace(old, new, 1).encode("ascii"))
    with pytest.raises(ValueError, match=r"broken\.txt" + message):
        parse_instance(bad)
