"""Every hard rule in the solver, as allow/forbid pairs on hand-sized scenarios.

Each test offers one worker more shifts than a rule allows (forbid) and a
variant just inside the rule (allow), and asserts how many slots the solver
fills. Every roster also goes through the independent checker.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from ortools.sat.python import cp_model

from flexpool.eligibility import EligibilityContext, eligible_workers
from flexpool.model import Scenario
from flexpool.timeline import Timeline
from solver.rules import add_hard_rules
from solver.variables import Variables
from tests.builders import fixed, organisation, scenario, shift, worker
from tests.solver.checked import solved


def filled(s: Scenario) -> int:
    return solved(s).objective.filled_slots


def day(d: int) -> str:
    """Date of the horizon week: day(0) is Monday 2026-11-30."""
    return (date(2026, 11, 30) + timedelta(days=d)).isoformat()


def hard_rule_variables(s: Scenario) -> list[str]:
    """Names of every variable of the hard-rule model of ``s``."""
    timeline = Timeline.of(s)
    ctx = EligibilityContext(s, timeline)
    model = cp_model.CpModel()
    add_hard_rules(Variables.build(model, s, timeline, ctx, eligible_workers(ctx)))
    return [model.get_bool_var_from_proto_index(i).name for i in range(len(model.proto.variables))]


def week_of_shifts(*specs: tuple[int, str, int, str]) -> list[dict]:
    """Shifts from (start day, HH:MM, end day, HH:MM) tuples."""
    return [shift(f"{day(a)}T{t1}", f"{day(b)}T{t2}") for a, t1, b, t2 in specs]


def history_weeks(weeks: int, shifts_per_week: int, start: str = "07:00", end: str = "17:00",
                  nights: bool = False) -> list[dict]:
    """Fixed work in the ``weeks`` calendar weeks before the horizon, Mon-..."""
    items = []
    for w in range(1, weeks + 1):
        monday = date(2026, 11, 30) - timedelta(weeks=w)
        for d in range(shifts_per_week):
            first = monday + timedelta(days=d)
            if nights:
                items.append(fixed(f"{first}T23:00", f"{first + timedelta(days=1)}T07:00"))
            else:
                items.append(fixed(f"{first}T{start}", f"{first}T{end}"))
    return items


def test_headcount_caps_workers_per_shift() -> None:
    """Three eligible workers, headcount 2: two are placed, never three."""
    s = scenario(workers=[worker("w1"), worker("w2"), worker("w3")],
                 shifts=[shift(f"{day(0)}T07:00", f"{day(0)}T15:00", headcount=2)])
    assert filled(s) == 2


@pytest.mark.parametrize(("second_start", "expected"), [("14:00", 1), ("23:00", 2)])
def test_no_overlap_and_minimum_rest(second_start: str, expected: int) -> None:
    """07:00-15:00 then 14:00 overlaps (1 filled); 23:00 leaves 480 min, the reduced rest (2)."""
    s = scenario(shifts=week_of_shifts((0, "07:00", 0, "15:00"), (0, second_start, 1, "06:00")))
    assert filled(s) == expected


@pytest.mark.parametrize(("next_start", "expected"), [("06:00", 1), ("07:00", 2)])
def test_daily_rest_floor(next_start: str, expected: int) -> None:
    """Late ends 23:00: an early at 06:00 leaves 420 < 480 min (forbidden), 07:00 leaves 480."""
    s = scenario(shifts=week_of_shifts((0, "15:00", 0, "23:00"), (1, next_start, 1, "15:00")))
    assert filled(s) == expected


@pytest.mark.parametrize(("thursday_start", "expected"), [("07:00", 3), ("10:00", 4)])
def test_reduced_daily_rest_once_per_week(thursday_start: str, expected: int) -> None:
    """Late-early twice in a week gives two 480-min gaps; only one may be reduced (ATW-6).

    Starting Thursday at 10:00 leaves 660 min, a full daily rest, so all four fit.
    """
    s = scenario(shifts=week_of_shifts((0, "15:00", 0, "23:00"), (1, "07:00", 1, "15:00"),
                                       (2, "15:00", 2, "23:00"), (3, thursday_start, 3, "15:00")))
    assert filled(s) == expected


@pytest.mark.parametrize(("evening_start", "expected"), [("20:00", 1), ("21:00", 2)])
def test_rest_after_late_night(evening_start: str, expected: int) -> None:
    """A night ending 07:00 needs 840 min rest: 20:00 gives 780 (forbidden), 21:00 gives 840."""
    s = scenario(shifts=week_of_shifts((0, "23:00", 1, "07:00"), (1, evening_start, 1, "23:30")))
    assert filled(s) == expected


@pytest.mark.parametrize(("next_day", "expected"), [(4, 3), (5, 4)])
def test_rest_after_night_series(next_day: int, expected: int) -> None:
    """Three nights end Thursday 07:00; 46 h rest runs to Saturday 05:00 (ATW-N5).

    A Friday 07:00 shift (24 h later) is forbidden; Saturday 07:00 (48 h) is allowed.
    """
    nights = [(d, "23:00", d + 1, "07:00") for d in range(3)]
    s = scenario(shifts=week_of_shifts(*nights, (next_day, "07:00", next_day, "15:00")))
    assert filled(s) == expected


@pytest.mark.parametrize(("later_day", "later_start", "later_end", "expected"),
                         [(1, "21:00", "23:30", 1), (3, "07:00", "15:00", 2)])
def test_night_series_reaching_back_into_fixed_work(later_day: int, later_start: str, later_end: str,
                                                    expected: int) -> None:
    """Two fixed nights (Sat, Sun) and an assigned Monday night form a series of 3 ending
    Tuesday 07:00. A Tuesday 21:00 shift (14 h later) breaks the 46 h rest (ATW-N5), so one
    of the two stays open; a Thursday 07:00 shift (48 h later) is allowed."""
    history = [fixed("2026-11-28T23:00", "2026-11-29T07:00"), fixed("2026-11-29T23:00", "2026-11-30T07:00")]
    s = scenario(workers=[worker(fixed_work=history)],
                 shifts=week_of_shifts((0, "23:00", 1, "07:00"),
                                       (later_day, later_start, later_day, later_end)))
    assert filled(s) == expected


ELIGIBILITY_CASES = {
    "role": ({}, {"roles": ["agoog"]}),
    "credential expired on the shift's date": (
        {"credentials": [{"code": "induction:loc", "kind": "induction"},
                         {"code": "big:verpleegkundige", "kind": "bevoegd", "valid_until": "2026-11-29"}]},
        {"requires": ["big:verpleegkundige"]}),
    "induction": ({"credentials": []}, {"induction_required": True}),
    "travel": ({"max_travel_km": 0.5}, {}),
    "unavailable": ({"unavailable": [{"start": "2026-11-30T14:00", "end": "2026-11-30T18:00"}]}, {}),
    "fixed work overlaps": ({"fixed_work": [fixed("2026-11-30T12:00", "2026-11-30T16:00")]}, {}),
    "too little rest after fixed work": ({"fixed_work": [fixed("2026-11-30T00:00", "2026-11-30T03:00")]}, {}),
}


@pytest.mark.parametrize("case", sorted(ELIGIBILITY_CASES))
def test_eligibility_filters_pairs(case: str) -> None:
    """Each exclusion alone leaves a 07:00-15:00 Monday shift open; without it, it is filled.

    (Travel: the location is 1 km from home; 'rest': 3 h fixed work ending 03:00 leaves 240 min.)
    """
    worker_fields, shift_fields = ELIGIBILITY_CASES[case]
    blocked = scenario(workers=[worker(**worker_fields)],
                       shifts=[shift(f"{day(0)}T07:00", f"{day(0)}T15:00", **shift_fields)])
    assert filled(blocked) == 0
    assert filled(scenario(shifts=[shift(f"{day(0)}T07:00", f"{day(0)}T15:00")])) == 1


@pytest.mark.parametrize(("end", "expected"), [("20:00", 0), ("19:00", 1)])
def test_max_shift_minutes(end: str, expected: int) -> None:
    """07:00-20:00 is 780 min of work > 720 (ATW-1); 07:00-19:00 is exactly 720."""
    s = scenario(shifts=[shift(f"{day(0)}T07:00", f"{day(0)}T{end}")])
    assert filled(s) == expected


@pytest.mark.parametrize(("second", "expected"), [(("13:00", "21:00"), 2), (("13:00", "23:00"), 1)])
def test_touching_shifts_join_within_the_shift_limit(second: tuple[str, str], expected: int) -> None:
    """09-13 and 13-21 join into one 12 h work period (allowed); 13-23 would make 14 h."""
    s = scenario(shifts=[shift(f"{day(0)}T09:00", f"{day(0)}T13:00", "a"),
                         shift(f"{day(0)}T{second[0]}", f"{day(0)}T{second[1]}", "b")])
    assert filled(s) == expected


@pytest.mark.parametrize(("per_day", "join_literals"), [(None, 1), (1, 0)])
def test_touching_shifts_get_a_join_literal_only_when_both_may_be_worked(per_day: int | None,
                                                                        join_literals: int) -> None:
    """A join literal costs the model; under one shift per day (GEN-PER-DAY) the two
    touching shifts of one date are never both worked, so none is made."""
    s = scenario(shifts=[shift(f"{day(0)}T09:00", f"{day(0)}T13:00", "a"),
                         shift(f"{day(0)}T13:00", f"{day(0)}T21:00", "b")],
                 rules={"max_shifts_per_day": per_day} if per_day else {})
    names = hard_rule_variables(s)
    assert sum(name.startswith("joined[") for name in names) == join_literals
    assert filled(s) == (2 if per_day is None else 1)


@pytest.mark.parametrize(("days", "expected"), [(7, 6), (5, 5)])
def test_weekly_rest(days: int, expected: int) -> None:
    """Seven 07:00-15:00 shifts leave at most 16 h free at a time; one must go for 36 h (ATW-7)."""
    s = scenario(shifts=week_of_shifts(*[(d, "07:00", d, "15:00") for d in range(days)]))
    assert filled(s) == expected


@pytest.mark.parametrize(("saturday_fixed", "expected"), [(True, 4), (False, 5)])
def test_max_week_minutes(saturday_fixed: bool, expected: int) -> None:
    """Five 12 h shifts are 60 h: allowed; 2 h of own work on Saturday makes 62 h > 60 (ATW-2)."""
    work = [fixed(f"{day(5)}T07:00", f"{day(5)}T09:00")] if saturday_fixed else []
    s = scenario(workers=[worker(fixed_work=work)],
                 shifts=week_of_shifts(*[(d, "07:00", d, "19:00") for d in range(5)]))
    assert filled(s) == expected


@pytest.mark.parametrize(("history_per_week", "expected"), [(6, 4), (5, 5)])
def test_max_avg_week_minutes_4w(history_per_week: int, expected: int) -> None:
    """History of 3 weeks x 6 x 10 h = 180 h leaves 40 h of the 4 x 55 h: four 9 h shifts.

    With 3 x 5 x 10 h = 150 h, five 9 h shifts (45 h) fit within 220 h (ATW-3).
    """
    s = scenario(workers=[worker(fixed_work=history_weeks(3, history_per_week))],
                 shifts=week_of_shifts(*[(d, "07:00", d, "16:00") for d in range(5)]))
    assert filled(s) == expected


@pytest.mark.parametrize(("night_weeks", "expected"), [(16, 3), (15, 5)])
def test_max_avg_week_minutes_16w_lower_for_night_workers(night_weeks: int, expected: int) -> None:
    """15 history weeks of 4 x 9.5 h (570 h) plus 15 short nights of 2.5 h (37.5 h).

    Below 16 nights the cap is 16 x 48 = 768 h: five 9 h shifts fit. A 16th night
    (1.5 h) brings the history to 609 h and the cap to 16 x 40 = 640 h, leaving
    31 h: three 9 h shifts (ATW-4)."""
    history = history_weeks(15, 4, end="16:30")
    nights = [fixed(f"{date(2026, 11, 30) - timedelta(weeks=w + 1) + timedelta(days=5)}T23:00",
                    f"{date(2026, 11, 30) - timedelta(weeks=w + 1) + timedelta(days=6)}T01:30")
              for w in range(15)]
    if night_weeks == 16:
        nights.append(fixed(f"{day(-2)}T01:00", f"{day(-2)}T02:30"))
    s = scenario(workers=[worker(fixed_work=history + nights)],
                 shifts=week_of_shifts(*[(d, "07:00", d, "16:00") for d in range(5)]))
    assert filled(s) == expected


@pytest.mark.parametrize(("history_nights", "expected"), [(36, 0), (35, 1)])
def test_max_late_nights_16w(history_nights: int, expected: int) -> None:
    """36 late nights already worked in the 16 weeks: no more (ATW-N6); with 35, one more."""
    history = history_weeks(12, 3, nights=True)[:history_nights]
    s = scenario(workers=[worker(fixed_work=history)],
                 shifts=week_of_shifts((2, "23:00", 3, "07:00")))
    assert filled(s) == expected


@pytest.mark.parametrize(("monday_start", "monday_end", "expected"),
                         [("23:00", "07:00", 0), ("07:00", "15:00", 1)])
def test_max_consecutive_shifts_with_night(monday_start: str, monday_end: str, expected: int) -> None:
    """Seven fixed day shifts Mon-Sun before the horizon; a Monday night makes a run of
    8 with a night (ATW-N8, forbidden), a Monday day shift a run of 8 without one (allowed)."""
    history = [fixed(f"{day(d)}T07:00", f"{day(d)}T15:00") for d in range(-7, 0)]
    end_day = 1 if monday_end < monday_start else 0
    s = scenario(workers=[worker(fixed_work=history)],
                 shifts=week_of_shifts((0, monday_start, end_day, monday_end)))
    assert filled(s) == expected


@pytest.mark.parametrize(("limit", "expected"), [(4, 4), (None, 5)])
def test_organisation_max_consecutive_nights(limit: int | None, expected: int) -> None:
    """Five nights Mon-Fri: a hospital CAO of at most 4 in a row leaves one open."""
    rules = {"max_consecutive_nights": limit} if limit else {}
    s = scenario(organisations=[organisation(rules=rules)],
                 shifts=week_of_shifts(*[(d, "23:00", d + 1, "07:00") for d in range(5)]))
    assert filled(s) == expected


@pytest.mark.parametrize(("early_start", "expected"), [("10:00", 1), ("11:00", 2)])
def test_organisation_daily_rest(early_start: str, expected: int) -> None:
    """GHZ overlay of 720 min: 11 h after a late (enough by law) is too short; 12 h is fine."""
    s = scenario(organisations=[organisation(rules={"min_daily_rest_minutes": 720}, sector="ghz")],
                 shifts=week_of_shifts((0, "15:00", 0, "23:00"), (1, early_start, 1, "18:00")))
    assert filled(s) == expected


@pytest.mark.parametrize(("contract", "expected"), [
    ({"max_shifts_per_week": 2}, 2), ({"max_minutes_per_week": 1440}, 3), ({}, 4)])
def test_contract_limits(contract: dict, expected: int) -> None:
    """Four 8 h shifts; the contract caps shifts or minutes per week."""
    s = scenario(workers=[worker(contract=contract)],
                 shifts=week_of_shifts(*[(d, "07:00", d, "15:00") for d in range(4)]))
    assert filled(s) == expected


def test_priority_is_lexicographic() -> None:
    """A priority-5 shift overlapping two priority-4 shifts: one worker takes the 5,
    even though the two 4s together are more slots."""
    s = scenario(shifts=[
        shift(f"{day(0)}T07:00", f"{day(0)}T19:00", "urgent", priority=5),
        shift(f"{day(0)}T07:00", f"{day(0)}T11:00", "a", priority=4),
        shift(f"{day(0)}T12:00", f"{day(0)}T19:00", "b", priority=4),
    ])
    roster = solved(s)
    assert [a.shift for a in roster.assignments] == ["urgent"]


@pytest.mark.parametrize(("night_start", "night_end", "expected"), [
    ("2026-10-24T23:00", "2026-10-25T07:00", 0),  # 9 h elapsed: 540 > 480
    ("2026-10-17T23:00", "2026-10-18T07:00", 1),  # 8 h elapsed
    ("2026-03-28T23:00", "2026-03-29T07:00", 1),  # 7 h elapsed
])
def test_dst_night_length(night_start: str, night_end: str, expected: int) -> None:
    """A CAO night limit of 480 min is kept on elapsed time: the October DST night lasts 9 h."""
    s = scenario(organisations=[organisation(rules={"max_night_shift_minutes": 480})],
                 horizon=(night_start[:10], night_end[:10]),
                 shifts=[shift(night_start, night_end)])
    assert filled(s) == expected


def test_pins_kept_and_illegal_pins_dropped() -> None:
    """Two pins on overlapping shifts: one is kept, the other reported with its reason."""
    s = scenario(shifts=[shift(f"{day(0)}T07:00", f"{day(0)}T15:00", "a"),
                         shift(f"{day(0)}T14:00", f"{day(0)}T22:00", "b"),
                         shift(f"{day(1)}T07:00", f"{day(1)}T15:00", "c",
                               requires=["big:verpleegkundige"])],
                 pinned=[{"shift": "a", "worker": "w1"}, {"shift": "b", "worker": "w1"},
                         {"shift": "c", "worker": "w1"}])
    roster = solved(s)
    assert len(roster.assignments) == 1
    dropped = {d.shift: d for d in roster.dropped_pins or []}
    assert set(dropped) == {"b", "c"} or set(dropped) == {"a", "c"}
    assert "big:verpleegkundige" in dropped["c"].reasons[0].message


@pytest.mark.parametrize(("limit", "expected"), [(3, 3), (4, 4)])
def test_scenario_max_consecutive_nights(limit: int, expected: int) -> None:
    """A scenario-wide limit of 3 nights in a row leaves one of four nights open."""
    s = scenario(rules={"max_consecutive_nights": limit},
                 shifts=week_of_shifts(*[(d, "23:00", d + 1, "07:00") for d in range(4)]))
    assert filled(s) == expected


@pytest.mark.parametrize(("limit", "day_flags"), [(366, 0), (2, 3)])
def test_day_flags_only_where_a_run_over_the_limit_fits(limit: int, day_flags: int) -> None:
    """Two shifts a day on three dates: a run of more than ``limit`` dates needs a
    "works that day" flag per date, but a limit of a year (the rule switched off, as
    the peers' adapter does) must not cost the model a flag for every date."""
    s = scenario(rules={"max_consecutive_shifts_with_night": limit},
                 shifts=week_of_shifts(*[(d, t1, d, t2) for d in range(3)
                                         for t1, t2 in (("07:00", "12:00"), ("17:00", "22:00"))]))
    names = hard_rule_variables(s)
    assert sum(name.startswith("D[") for name in names) == day_flags
