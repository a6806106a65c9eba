"""The legality checker, one allow/forbid pair per rule on hand-sized scenarios.

Default scenario (tests/builders.py): one organisation ``org`` with location
``loc``, worker ``w1`` living next door, horizon Mon 2026-11-30 .. Sun
2026-12-06 in Europe/Amsterdam, default (Arbeidstijdenwet) rules.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flexpool.checker import (
    CheckContext,
    CheckResult,
    RosterError,
    _check_worker,
    check,
    check_worker,
    fixed_work_warnings,
    load_roster,
)
from flexpool.timeline import Timeline
from tests import builders as b

W = "w1"
HORIZON = ("2026-11-30", "2026-12-06")
MONDAY = date(2026, 11, 30)


def sh(shift_id: str, start: str, end: str, **fields: Any) -> dict[str, Any]:
    return b.shift(start, end, shift_id, **fields)


def judge(shifts: list[dict[str, Any]], *, assign: list[tuple[str, str]] | None = None,
          fixed: list[dict[str, Any]] | None = None, rules: dict[str, Any] | None = None,
          organisations: list[dict[str, Any]] | None = None,
          workers: list[dict[str, Any]] | None = None,
          horizon: tuple[str, str] = HORIZON, **worker_fields: Any) -> CheckResult:
    """Check a roster giving every shift to ``w1`` (or the pairs in ``assign``)."""
    if workers is None:
        workers = [b.worker(W, fixed_work=fixed or [], **worker_fields)]
    scenario = b.scenario(workers=workers, shifts=shifts, organisations=organisations,
                          horizon=horizon, rules=rules or {})
    pairs = assign if assign is not None else [(s["id"], W) for s in shifts]
    return check(scenario, b.roster(pairs))


def assert_only(result: CheckResult, rule: str) -> None:
    assert result.rules == {rule}, str(result)
    for v in result.violations:
        assert v.message.endswith(f"({rule})"), v.message


def assert_legal(result: CheckResult) -> None:
    assert result.legal, str(result)


def at(day: date, clock: str) -> str:
    return f"{day.isoformat()}T{clock}"


def week_of_fixed(monday: date, plan: dict[int, tuple[str, str]]) -> list[dict[str, Any]]:
    """Fixed work in the week of ``monday``: weekday index -> (start, end) clock;
    an end not after the start is on the next day."""
    out = []
    for weekday, (start, end) in sorted(plan.items()):
        day = monday + timedelta(days=weekday)
        end_day = day + timedelta(days=1) if end <= start else day
        out.append(b.fixed(at(day, start), at(end_day, end)))
    return out


# ------------------------------------------------------------------ roster level


def test_duplicate_assignment_forbidden() -> None:
    """w1 twice on A is one person in one slot twice: DUPLICATE."""
    shifts = [sh("A", "2026-11-30T07:00", "2026-11-30T15:00", headcount=2)]
    result = judge(shifts, assign=[("A", W), ("A", W)])
    assert_only(result, "DUPLICATE")
    assert result.violations[0].shifts == ("A",)
    assert_legal(judge(shifts, assign=[("A", W)]))


def test_headcount_exceeded_forbidden() -> None:
    """Two workers on a headcount-1 shift is one too many; headcount 2 allows them."""
    workers = [b.worker("w1"), b.worker("w2")]
    pairs = [("A", "w1"), ("A", "w2")]
    one = [sh("A", "2026-11-30T07:00", "2026-11-30T15:00")]
    result = judge(one, assign=pairs, workers=workers)
    assert_only(result, "HEADCOUNT")
    assert result.violations[0].worker is None
    two = [sh("A", "2026-11-30T07:00", "2026-11-30T15:00", headcount=2)]
    assert_legal(judge(two, assign=pairs, workers=workers))


def test_unknown_ids_are_input_errors_with_json_paths() -> None:
    """Unknown shift or worker ids are input errors, not violations."""
    scenario = b.scenario(shifts=[sh("A", "2026-11-30T07:00", "2026-11-30T15:00")])
    with pytest.raises(RosterError) as err:
        check(scenario, b.roster([("A", "w9"), ("Z", W)]))
    paths = {e.path for e in err.value.errors}
    assert paths == {"$.assignments[0].worker", "$.assignments[1].shift"}
    assert "unknown worker 'w9'" in str(err.value)


def test_load_roster_reports_shape_errors_with_paths() -> None:
    data = b.roster([("A", W)])
    del data["status"]
    data["assignments"][0]["worker"] = "not valid!"
    with pytest.raises(RosterError) as err:
        load_roster(data)
    paths = {e.path for e in err.value.errors}
    assert {"$.status", "$.assignments[0].worker"} <= paths


def test_load_roster_reads_json_text() -> None:
    import json

    roster = load_roster(json.dumps(b.roster([("A", W)])))
    assert roster.assignments[0].shift == "A"


# ------------------------------------------------------------------ eligibility


def test_role_forbidden() -> None:
    """w1 is a verpleegkundige; a shift for helpende only is not hers; no roles = any."""
    result = judge([sh("A", "2026-11-30T07:00", "2026-11-30T15:00", roles=["helpende"])])
    assert_only(result, "ELIG-ROLE")
    assert_legal(judge([sh("A", "2026-11-30T07:00", "2026-11-30T15:00", roles=[])]))


BIG_UNTIL_DEC_2 = [
    {"code": "induction:loc", "kind": "induction"},
    {"code": "big:verpleegkundige", "kind": "bevoegd", "valid_until": "2026-12-02"},
]


def test_credential_expiring_during_a_night_forbidden() -> None:
    """BIG valid until 2026-12-02; a 23:00-07:00 night from Dec 2 touches Dec 3."""
    night = sh("N", "2026-12-02T23:00", "2026-12-03T07:00", requires=["big:verpleegkundige"])
    result = judge([night], credentials=BIG_UNTIL_DEC_2)
    assert_only(result, "ELIG-CREDENTIAL")
    assert ("w1: big:verpleegkundige not valid on 2026-12-03 (valid until 2026-12-02)"
            in result.violations[0].message)


def test_credential_shift_ending_at_midnight_does_not_touch_next_date() -> None:
    """16:00-00:00 on Dec 2 is half-open: it touches only Dec 2, where BIG is valid."""
    late = sh("L", "2026-12-02T16:00", "2026-12-03T00:00", requires=["big:verpleegkundige"])
    assert_legal(judge([late], credentials=BIG_UNTIL_DEC_2))


def test_credential_missing_or_not_yet_valid_forbidden() -> None:
    shift = sh("A", "2026-11-30T07:00", "2026-11-30T15:00", requires=["handeling:injecteren"])
    result = judge([shift])
    assert_only(result, "ELIG-CREDENTIAL")
    assert "does not hold handeling:injecteren" in result.violations[0].message
    future = [{"code": "handeling:injecteren", "kind": "bekwaam", "valid_from": "2026-12-01"}]
    result = judge([shift], credentials=future)
    assert_only(result, "ELIG-CREDENTIAL")
    assert "valid from 2026-12-01" in result.violations[0].message
    held = [{"code": "handeling:injecteren", "kind": "bekwaam", "valid_from": "2026-11-30"}]
    assert_legal(judge([shift], credentials=held))


def test_induction_required_forbidden_without_it() -> None:
    """induction_required asks for induction:loc; w1 without it may not go."""
    shift = sh("A", "2026-11-30T07:00", "2026-11-30T15:00", induction_required=True)
    result = judge([shift], credentials=[])
    assert_only(result, "ELIG-INDUCTION")
    assert "induction:loc" in result.violations[0].message
    assert_legal(judge([shift]))


def test_travel_distance_forbidden() -> None:
    """Home in Amsterdam is ~140 km from Enschede: above 30 km, within 200 km."""
    amsterdam = {"municipality": "Amsterdam", "lat": 52.3676, "lon": 4.9041}
    shift = [sh("A", "2026-11-30T07:00", "2026-11-30T15:00")]
    result = judge(shift, home=amsterdam, max_travel_km=30)
    assert_only(result, "ELIG-TRAVEL")
    assert "> max_travel_km 30" in result.violations[0].message
    assert_legal(judge(shift, home=amsterdam, max_travel_km=200))


def test_unavailable_overlap_forbidden_touching_allowed() -> None:
    """Unavailable from 15:00: a shift to 15:00 touches (allowed), to 15:01 overlaps."""
    unavailable = [{"start": "2026-11-30T15:00", "end": "2026-11-30T23:00"}]
    result = judge([sh("A", "2026-11-30T07:00", "2026-11-30T15:01")], unavailable=unavailable)
    assert_only(result, "ELIG-UNAVAILABLE")
    assert_legal(judge([sh("A", "2026-11-30T07:00", "2026-11-30T15:00")], unavailable=unavailable))


# ------------------------------------------------------------------ overlap and length


def test_overlapping_assigned_shifts_forbidden() -> None:
    """A 07:00-15:00 and B 14:00-22:00 overlap by an hour; B from 15:00 only touches."""
    a = sh("A", "2026-11-30T07:00", "2026-11-30T15:00")
    result = judge([a, sh("B", "2026-11-30T14:00", "2026-11-30T22:00")])
    assert_only(result, "OVERLAP")
    assert result.violations[0].shifts == ("A", "B")
    assert_legal(judge([a, sh("B", "2026-11-30T15:00", "2026-11-30T19:00")]))


def test_overlap_with_fixed_work_forbidden() -> None:
    """Own roster 12:00-14:00; a shift 07:00-12:01 overlaps it, 07:00-12:00 joins it (7 h)."""
    fixed = [b.fixed("2026-11-30T12:00", "2026-11-30T14:00", "eigen rooster ZGT")]
    result = judge([sh("A", "2026-11-30T07:00", "2026-11-30T12:01")], fixed=fixed)
    assert_only(result, "OVERLAP")
    assert "fixed work 'eigen rooster ZGT'" in result.violations[0].message
    assert_legal(judge([sh("A", "2026-11-30T07:00", "2026-11-30T12:00")], fixed=fixed))


def test_shift_length_forbidden() -> None:
    """07:00-19:01 is 721 min of work > 720; with a 30 min unpaid break 07:00-19:30 is 720."""
    assert_only(judge([sh("A", "2026-11-30T07:00", "2026-11-30T19:01")]), "ATW-1")
    assert_legal(judge([sh("A", "2026-11-30T07:00", "2026-11-30T19:30",
                           unpaid_break_minutes=30)]))


def test_touching_shifts_join_into_one_work_period() -> None:
    """07:00-13:00 + 13:00-19:30 touch: one period of 750 min > 720; to 19:00 it is 720."""
    a = sh("A", "2026-11-30T07:00", "2026-11-30T13:00")
    result = judge([a, sh("B", "2026-11-30T13:00", "2026-11-30T19:30")])
    assert_only(result, "ATW-1")
    assert "750 min in A + B > 720" in result.violations[0].message
    assert_legal(judge([a, sh("B", "2026-11-30T13:00", "2026-11-30T19:00")]))


def test_organisation_shift_length_overlay() -> None:
    """The CAO of org caps shifts at 600 min: 07:00-17:30 (630) is too long, 07:00-17:00 not."""
    orgs = [b.organisation(rules={"max_shift_minutes": 600})]
    result = judge([sh("A", "2026-11-30T07:00", "2026-11-30T17:30")], organisations=orgs)
    assert_only(result, "ATW-1")
    assert "> 600 (limit of org)" in result.violations[0].message
    assert_legal(judge([sh("A", "2026-11-30T07:00", "2026-11-30T17:00")], organisations=orgs))


def test_night_shift_length_forbidden() -> None:
    """A night 22:00-08:30 is 630 min > 600; 22:00-08:00 is 600."""
    assert_only(judge([sh("N", "2026-11-30T22:00", "2026-12-01T08:30")]), "ATW-N1")
    assert_legal(judge([sh("N", "2026-11-30T22:00", "2026-12-01T08:00")]))


def test_night_length_on_joined_period() -> None:
    """Own roster 20:00-00:00 (no night on its own) + shift 00:00-06:30 join into a
    night period of 630 min > 600; with the shift to 06:00 it is 600."""
    fixed = [b.fixed("2026-11-30T20:00", "2026-12-01T00:00")]
    result = judge([sh("N", "2026-12-01T00:00", "2026-12-01T06:30")], fixed=fixed)
    assert_only(result, "ATW-N1")
    assert_legal(judge([sh("N", "2026-12-01T00:00", "2026-12-01T06:00")], fixed=fixed))


def test_organisation_night_length_overlay() -> None:
    """The CAO caps nights at 540 min: 22:00-07:30 (570) is too long, 22:00-07:00 not."""
    orgs = [b.organisation(rules={"max_night_shift_minutes": 540})]
    assert_only(judge([sh("N", "2026-11-30T22:00", "2026-12-01T07:30")], organisations=orgs),
                "ATW-N1")
    assert_legal(judge([sh("N", "2026-11-30T22:00", "2026-12-01T07:00")], organisations=orgs))


# ------------------------------------------------------------------ DST weeks


def test_dst_autumn_night_lasts_nine_hours() -> None:
    """23:00-07:00 into Sun 2026-10-25 lasts 540 min (clocks go back), > 480; the same
    wall-clock night a week earlier lasts 480 min, allowed."""
    rules = {"max_night_shift_minutes": 480}
    result = judge([sh("N", "2026-10-24T23:00", "2026-10-25T07:00")], rules=rules,
                   horizon=("2026-10-19", "2026-10-25"))
    assert_only(result, "ATW-N1")
    assert "540 min" in result.violations[0].message
    assert_legal(judge([sh("N", "2026-10-17T23:00", "2026-10-18T07:00")], rules=rules,
                       horizon=("2026-10-12", "2026-10-18")))


def test_dst_spring_night_lasts_seven_hours() -> None:
    """23:00-07:00 into Sun 2026-03-29 lasts 420 min (clocks go forward), within 420;
    the same wall-clock night two weeks earlier lasts 480 min, > 420."""
    rules = {"max_night_shift_minutes": 420}
    assert_legal(judge([sh("N", "2026-03-28T23:00", "2026-03-29T07:00")], rules=rules,
                       horizon=("2026-03-23", "2026-03-29")))
    assert_only(judge([sh("N", "2026-03-14T23:00", "2026-03-15T07:00")], rules=rules,
                      horizon=("2026-03-09", "2026-03-15")), "ATW-N1")


def test_dst_autumn_daily_rest_gains_an_hour() -> None:
    """No reduced rest allowed. Sat 14:00-22:00 then Sun 08:00: 10 h on the clock, but
    660 min elapsed across the October change (allowed); a normal week gives 600 < 660."""
    rules = {"reduced_daily_rest_per_week": 0}
    assert_legal(judge([sh("A", "2026-10-24T14:00", "2026-10-24T22:00"),
                        sh("B", "2026-10-25T08:00", "2026-10-25T12:00")],
                       rules=rules, horizon=("2026-10-19", "2026-10-25")))
    assert_only(judge([sh("A", "2026-10-17T14:00", "2026-10-17T22:00"),
                       sh("B", "2026-10-18T08:00", "2026-10-18T12:00")],
                      rules=rules, horizon=("2026-10-12", "2026-10-18")), "ATW-6")


def _week_of_early_shifts(monday: date, saturday_end: str) -> list[dict[str, Any]]:
    shifts = [sh(f"D{i}", at(monday + timedelta(days=i), "07:00"),
                 at(monday + timedelta(days=i), "15:00")) for i in range(5)]
    saturday = monday + timedelta(days=5)
    return [*shifts, sh("SAT", at(saturday, "07:00"), at(saturday, saturday_end))]


def test_dst_autumn_weekly_rest_gains_an_hour() -> None:
    """Mon-Fri 07:00-15:00 and Sat 07:00-13:00: Sat 13:00 to Mon 00:00 is 35 h on the
    clock; the October week has an extra hour, so 2160 min (allowed), a normal week 2100."""
    assert_legal(judge(_week_of_early_shifts(date(2026, 10, 19), "13:00"),
                       horizon=("2026-10-19", "2026-10-25")))
    result = judge(_week_of_early_shifts(date(2026, 10, 12), "13:00"),
                   horizon=("2026-10-12", "2026-10-18"))
    assert_only(result, "ATW-7")
    assert "2100 min < 2160" in result.violations[0].message


# ------------------------------------------------------------------ daily rest


def test_daily_rest_below_reduced_minimum_forbidden() -> None:
    """Mon 15:00-23:00 then Tue 06:00: rest 420 min < 480, even the reduced rest."""
    a = sh("A", "2026-11-30T15:00", "2026-11-30T23:00")
    result = judge([a, sh("B", "2026-12-01T06:00", "2026-12-01T14:00")])
    assert_only(result, "ATW-6")
    assert result.violations[0].message == (
        "w1: rest 420 min between A and B < 480 (even reduced) (ATW-6)")
    assert_legal(judge([a, sh("B", "2026-12-01T08:00", "2026-12-01T16:00")]))


def test_second_reduced_daily_rest_in_a_week_forbidden() -> None:
    """Rest 540 min Mon-Tue and again Thu-Fri: 540 < 660 twice in one week, only one
    reduced rest allowed; with Fri from 10:00 the second rest is 660."""
    base = [sh("A", "2026-11-30T15:00", "2026-11-30T23:00"),
            sh("B", "2026-12-01T08:00", "2026-12-01T16:00"),
            sh("C", "2026-12-03T15:00", "2026-12-03T23:00")]
    result = judge([*base, sh("D", "2026-12-04T08:00", "2026-12-04T16:00")])
    assert_only(result, "ATW-6")
    message = result.violations[0].message
    assert "rest 540 min between A and B; rest 540 min between C and D" in message
    assert "at most 1 allowed" in message
    assert result.violations[0].shifts == ("A", "B", "C", "D")
    assert_legal(judge([*base, sh("D", "2026-12-04T10:00", "2026-12-04T16:00")]))


def test_reduced_rest_belongs_to_the_week_it_starts_in() -> None:
    """A reduced rest Mon-Tue, then one from Sun 23:00 (starts in the same week: two,
    forbidden) or from Mon 00:00 (starts in the next week: one each, allowed)."""
    horizon = ("2026-11-30", "2026-12-13")
    base = [sh("A", "2026-11-30T15:00", "2026-11-30T23:00"),
            sh("B", "2026-12-01T08:00", "2026-12-01T16:00")]
    result = judge([*base, sh("C", "2026-12-06T15:00", "2026-12-06T23:00"),
                    sh("D", "2026-12-07T08:00", "2026-12-07T16:00")], horizon=horizon)
    assert_only(result, "ATW-6")
    assert "in the week of 2026-11-30" in result.violations[0].message
    assert_legal(judge([*base, sh("C", "2026-12-06T16:00", "2026-12-07T00:00"),
                        sh("D", "2026-12-07T09:00", "2026-12-07T16:00")], horizon=horizon))


def test_reduced_rests_in_fixed_work_count_toward_the_week() -> None:
    """The own roster already takes the week's reduced rest (540 min Mon-Tue), so an
    assigned 540-min rest Thu-Fri is the second: forbidden."""
    fixed = [b.fixed("2026-11-30T15:00", "2026-11-30T23:00"),
             b.fixed("2026-12-01T08:00", "2026-12-01T16:00")]
    c = sh("C", "2026-12-03T15:00", "2026-12-03T23:00")
    assert_only(judge([c, sh("D", "2026-12-04T08:00", "2026-12-04T16:00")], fixed=fixed),
                "ATW-6")
    assert_legal(judge([c, sh("D", "2026-12-04T10:00", "2026-12-04T16:00")], fixed=fixed))


def test_organisation_daily_rest_forbidden() -> None:
    """The CAO of org asks 720 min around its shifts: 700 min (Mon 22:00 to Tue 09:40)
    keeps the law's 660 but not the CAO; 720 is fine."""
    orgs = [b.organisation(rules={"min_daily_rest_minutes": 720})]
    a = sh("A", "2026-11-30T14:00", "2026-11-30T22:00")
    result = judge([a, sh("B", "2026-12-01T09:40", "2026-12-01T17:40")], organisations=orgs)
    assert_only(result, "CAO-REST")
    assert "rest 700 min between A and B < 720 required by org" in result.violations[0].message
    assert_legal(judge([a, sh("B", "2026-12-01T10:00", "2026-12-01T18:00")], organisations=orgs))


def test_organisation_daily_rest_applies_after_other_work_and_is_not_reduced() -> None:
    """CAO rest 660 before its shift: own roster to 23:00 then the shift at 08:00 is a
    540-min rest; the law would allow it once (reduced), the CAO never."""
    orgs = [b.organisation(rules={"min_daily_rest_minutes": 660}),
            b.organisation("zgt")]
    fixed = [b.fixed("2026-11-30T15:00", "2026-11-30T23:00")]
    result = judge([sh("B", "2026-12-01T08:00", "2026-12-01T16:00")], fixed=fixed,
                   organisations=orgs)
    assert_only(result, "CAO-REST")
    other = sh("B", "2026-12-01T08:00", "2026-12-01T16:00", organisation="zgt",
               location="zgt-loc")
    assert_legal(judge([other], fixed=fixed, organisations=orgs))


def test_rest_after_late_night_forbidden() -> None:
    """A night to Tue 07:00 ends after 02:00: 14 h rest. Tue 20:00 leaves 780 < 840;
    Tue 21:00 leaves 840."""
    night = sh("N", "2026-11-30T23:00", "2026-12-01T07:00")
    result = judge([night, sh("L", "2026-12-01T20:00", "2026-12-01T23:00")])
    assert_only(result, "ATW-N3")
    assert "rest 780 min between N and L < 840 after a night ending at 07:00" in (
        result.violations[0].message)
    assert_legal(judge([night, sh("L", "2026-12-01T21:00", "2026-12-01T23:30")]))


def test_night_ending_at_two_is_not_late() -> None:
    """20:00-02:00 is a night (120 min in 00:00-06:00) ending at 02:00, not later: the
    next rest of 540 min is the week's one reduced daily rest, allowed."""
    assert_legal(judge([sh("N", "2026-11-30T20:00", "2026-12-01T02:00"),
                        sh("B", "2026-12-01T11:00", "2026-12-01T15:00")]))


def test_rest_after_night_series_forbidden() -> None:
    """Three nights Mon-Wed end Thu 07:00: 46 h rest. Fri 07:00 comes after 1440 < 2760;
    Sat 07:00 after 2880. Two nights need no 46 h."""
    nights = [sh(f"N{i}", at(MONDAY + timedelta(days=i), "23:00"),
                 at(MONDAY + timedelta(days=i + 1), "07:00")) for i in range(3)]
    friday = sh("F", "2026-12-04T07:00", "2026-12-04T15:00")
    result = judge([*nights, friday])
    assert_only(result, "ATW-N5")
    assert "rest 1440 min after a series of 3 nights (N0, N1, N2) before F < 2760" in (
        result.violations[0].message)
    assert_legal(judge([*nights, sh("F", "2026-12-05T07:00", "2026-12-05T15:00")]))
    assert_legal(judge([*nights[:2], friday]))


def test_night_series_started_before_the_horizon() -> None:
    """Own nights Sat and Sun before the horizon + an assigned night Mon make a series of
    3: the 46 h rest applies after it, so Wed 15:00 (1920 min) is too early, Thu 07:00
    (2880) is fine; without the history the same roster is legal."""
    history = [b.fixed("2026-11-28T23:00", "2026-11-29T07:00"),
               b.fixed("2026-11-29T23:00", "2026-11-30T07:00")]
    night = sh("N", "2026-11-30T23:00", "2026-12-01T07:00")
    wednesday = sh("L", "2026-12-02T15:00", "2026-12-02T23:00")
    result = judge([night, wednesday], fixed=history)
    assert_only(result, "ATW-N5")
    assert "rest 1920 min after a series of 3 nights" in result.violations[0].message
    assert result.violations[0].shifts == ("N", "L")
    assert_legal(judge([night, sh("E", "2026-12-03T07:00", "2026-12-03T15:00")], fixed=history))
    assert_legal(judge([night, wednesday]))


# ------------------------------------------------------------------ weekly rules


def test_weekly_rest_forbidden() -> None:
    """Mon-Fri 07:00-15:00 and Sat 07:00-12:00: Sat 12:00 to Mon 00:00 is 2160 min, the
    longest rest inside the week (nothing assumed after the horizon); to 12:01 it is 2159."""
    assert_legal(judge(_week_of_early_shifts(MONDAY, "12:00")))
    result = judge(_week_of_early_shifts(MONDAY, "12:01"))
    assert_only(result, "ATW-7")
    assert "longest rest in the week of 2026-11-30 is 2159 min < 2160" in (
        result.violations[0].message)


def test_weekly_rest_counts_fixed_work_in_the_week() -> None:
    """Mon-Fri early shifts, own roster Sat 07:00-12:01: the assigned shifts' week has no
    36 h rest; with the own roster to 12:00 it has exactly 2160 min."""
    shifts = _week_of_early_shifts(MONDAY, "12:00")[:5]
    result = judge(shifts, fixed=[b.fixed("2026-12-05T07:00", "2026-12-05T12:01")])
    assert_only(result, "ATW-7")
    assert_legal(judge(shifts, fixed=[b.fixed("2026-12-05T07:00", "2026-12-05T12:00")]))


def test_week_minutes_forbidden() -> None:
    """Five 12-h shifts are 3600 min, the week's maximum; 30 more minutes of own roster
    on Saturday make 3630 > 3600."""
    shifts = [sh(f"D{i}", at(MONDAY + timedelta(days=i), "07:00"),
                 at(MONDAY + timedelta(days=i), "19:00")) for i in range(5)]
    assert_legal(judge(shifts))
    result = judge(shifts, fixed=[b.fixed("2026-12-05T07:00", "2026-12-05T07:30")])
    assert_only(result, "ATW-2")
    assert "working time 3630 min in the week of 2026-11-30 > 3600" in result.violations[0].message


def test_week_minutes_of_fixed_work_alone_are_not_a_violation() -> None:
    """A 65-h history week breaks ATW-2 on its own: an input warning, not a violation."""
    history = week_of_fixed(date(2026, 11, 16), {i: ("07:00", "20:00") for i in range(5)})
    shift = [sh("A", "2026-11-30T07:00", "2026-11-30T15:00")]
    assert_legal(judge(shift, fixed=history))
    scenario = b.scenario(workers=[b.worker(W, fixed_work=history)], shifts=shift)
    warnings = fixed_work_warnings(scenario)
    assert any("(ATW-2)" in w for w in warnings), warnings


def _history_weeks(weeks: range, plan: dict[int, tuple[str, str]]) -> list[dict[str, Any]]:
    return [item for k in weeks for item in week_of_fixed(MONDAY - timedelta(weeks=k), plan)]


def test_average_over_four_weeks_forbidden() -> None:
    """Three history weeks of 60 h (10800 min) + 2400 assigned is 13200 = 4 x 3300;
    one more hour makes 13260 > 13200."""
    history = _history_weeks(range(1, 4), {i: ("07:00", "19:00") for i in range(5)})
    shifts = [sh(f"D{i}", at(MONDAY + timedelta(days=i), "07:00"),
                 at(MONDAY + timedelta(days=i), "17:00")) for i in range(4)]
    assert_legal(judge(shifts, fixed=history))
    result = judge([*shifts, sh("F", "2026-12-04T07:00", "2026-12-04T08:00")], fixed=history)
    assert_only(result, "ATW-3")
    assert len(result.violations) == 1
    assert "13260 min in the 4 weeks from 2026-11-09 > 13200" in result.violations[0].message


NIGHT_WEEK = {0: ("23:00", "07:00"), 1: ("23:00", "07:00"), 2: ("23:00", "07:00"),
              5: ("07:00", "16:00"), 6: ("07:00", "16:00")}
DAY_WEEK = {0: ("07:00", "15:00"), 1: ("07:00", "15:00"), 2: ("07:00", "15:00"),
            5: ("07:00", "16:00"), 6: ("07:00", "16:00")}


def test_sixteen_week_average_lowered_by_night_history() -> None:
    """15 history weeks of 2520 min (3 nights + 2 days each: 45 nights >= 16) cap the
    16 weeks at 16 x 2400 = 38400: a 600-min shift makes 38400 (allowed), 601 too much.
    The same hours without nights are under 16 x 2880 = 46080."""
    nights = _history_weeks(range(1, 16), NIGHT_WEEK)
    assert_legal(judge([sh("A", "2026-11-30T07:00", "2026-11-30T17:00")], fixed=nights))
    longer = [sh("A", "2026-11-30T07:00", "2026-11-30T17:01")]
    result = judge(longer, fixed=nights)
    assert_only(result, "ATW-4")
    assert "38401 min in the 16 weeks from 2026-08-17 > 38400" in result.violations[0].message
    assert "45 nights" in result.violations[0].message
    days = _history_weeks(range(1, 16), DAY_WEEK)
    assert_legal(judge(longer, fixed=days))


def test_sixteen_week_average_forbidden() -> None:
    """max_avg_week_minutes_16w 300 caps 16 weeks at 4800 min: six 480-min history
    shifts (2880) + four assigned (1920) is 4800, allowed; one minute more is not."""
    rules = {"max_avg_week_minutes_16w": 300}
    history = [b.fixed(at(MONDAY - timedelta(weeks=k), "07:00"),
                       at(MONDAY - timedelta(weeks=k), "15:00")) for k in range(5, 11)]
    shifts = [sh(f"D{i}", at(MONDAY + timedelta(days=i), "07:00"),
                 at(MONDAY + timedelta(days=i), "15:00")) for i in range(3)]
    assert_legal(judge([*shifts, sh("F", "2026-12-04T07:00", "2026-12-04T15:00")],
                       fixed=history, rules=rules))
    result = judge([*shifts, sh("F", "2026-12-04T07:00", "2026-12-04T15:01")],
                   fixed=history, rules=rules)
    assert_only(result, "ATW-4")
    assert len(result.violations) == 1
    assert "4801 min in the 16 weeks" in result.violations[0].message


def test_late_nights_per_sixteen_weeks_forbidden() -> None:
    """36 late nights in the 12 history weeks + an assigned one is 37 > 36; with one
    history night fewer it is 36, allowed. Reported once, not per window."""
    plan = {0: ("23:00", "07:00"), 1: ("23:00", "07:00"), 2: ("23:00", "07:00")}
    history = _history_weeks(range(1, 13), plan)
    assert len(history) == 36
    night = [sh("N", "2026-12-03T23:00", "2026-12-04T07:00")]
    result = judge(night, fixed=history)
    assert_only(result, "ATW-N6")
    assert len(result.violations) == 1
    assert "37 late nights in the 16 weeks" in result.violations[0].message
    assert_legal(judge(night, fixed=history[1:]))


def test_late_nights_in_history_alone_are_not_a_violation() -> None:
    """45 history late nights, but the assigned shift is a day shift: not reported."""
    history = _history_weeks(range(1, 16), NIGHT_WEEK)
    assert_legal(judge([sh("A", "2026-11-30T07:00", "2026-11-30T15:00")], fixed=history))


# ------------------------------------------------------------------ runs and series


def _run_history() -> list[dict[str, Any]]:
    """Own roster Tue 11-24 .. Sun 11-29, six days in a row with a night on Tue."""
    return [b.fixed("2026-11-24T23:00", "2026-11-25T07:00"),
            b.fixed("2026-11-25T21:00", "2026-11-25T23:30"),
            *(b.fixed(f"2026-11-{d}T15:00", f"2026-11-{d}T23:00") for d in (26, 27, 28, 29))]


def test_consecutive_shifts_with_night_run_reaching_back() -> None:
    """Six history days with a night (Tue-Sun) + assigned Mon and Tue is 8 days > 7;
    with Mon only it is 7."""
    mon = sh("M", "2026-11-30T15:00", "2026-11-30T23:00")
    tue = sh("T", "2026-12-01T15:00", "2026-12-01T23:00")
    result = judge([mon, tue], fixed=_run_history())
    assert_only(result, "ATW-N8")
    assert "8 consecutive days with work from 2026-11-24 to 2026-12-01" in (
        result.violations[0].message)
    assert_legal(judge([mon], fixed=_run_history()))


def test_consecutive_shifts_without_night_allowed() -> None:
    """Eight days in a row without a night are not limited by ATW-N8."""
    history = [b.fixed(f"2026-11-{d}T15:00", f"2026-11-{d}T23:00") for d in range(24, 30)]
    mon = sh("M", "2026-11-30T15:00", "2026-11-30T23:00")
    tue = sh("T", "2026-12-01T15:00", "2026-12-01T23:00")
    assert_legal(judge([mon, tue], fixed=history))


def _three_nights(orgs: tuple[str, str, str] = ("org", "org", "org")) -> list[dict[str, Any]]:
    return [sh(f"N{i}", at(MONDAY + timedelta(days=i), "23:00"),
               at(MONDAY + timedelta(days=i + 1), "07:00"),
               organisation=org, location="loc" if org == "org" else f"{org}-loc")
            for i, org in enumerate(orgs)]


def test_max_consecutive_nights_forbidden() -> None:
    """rules.max_consecutive_nights 2: three nights Mon-Wed is one too many; two are fine."""
    rules = {"max_consecutive_nights": 2}
    result = judge(_three_nights(), rules=rules)
    assert_only(result, "MAX-NIGHTS")
    assert "3 nights in a row from 2026-11-30 > 2" in result.violations[0].message
    assert_legal(judge(_three_nights()[:2], rules=rules))


def test_organisation_consecutive_nights_forbidden() -> None:
    """zh allows 2 nights in a row: a series of 3 holding one zh night is too long; the
    same series at org (no limit) is fine."""
    orgs = [b.organisation(), b.organisation("zh", rules={"max_consecutive_nights": 2})]
    result = judge(_three_nights(("org", "org", "zh")), organisations=orgs)
    assert_only(result, "CAO-NIGHTS")
    assert "> 2 allowed by zh" in result.violations[0].message
    assert_legal(judge(_three_nights(), organisations=orgs))


# ------------------------------------------------------------------ contract


def test_contract_shifts_per_week_forbidden() -> None:
    """max_shifts_per_week 2: three assigned shifts in one week break the contract; own
    roster does not count, so two assigned + one fixed is fine."""
    shifts = [sh(f"D{i}", at(MONDAY + timedelta(days=i), "07:00"),
                 at(MONDAY + timedelta(days=i), "15:00")) for i in range(3)]
    contract = {"max_shifts_per_week": 2}
    result = judge(shifts, contract=contract)
    assert_only(result, "CONTRACT")
    assert "3 shifts assigned in the week of 2026-11-30 > contract max_shifts_per_week 2" in (
        result.violations[0].message)
    fixed = [b.fixed("2026-12-03T07:00", "2026-12-03T15:00")]
    assert_legal(judge(shifts[:2], contract=contract, fixed=fixed))


def test_contract_minutes_per_week_forbidden() -> None:
    """max_minutes_per_week 960: two 480-min shifts fit, 480 + 481 do not."""
    contract = {"max_minutes_per_week": 960}
    a = sh("A", "2026-11-30T07:00", "2026-11-30T15:00")
    assert_legal(judge([a, sh("B", "2026-12-01T07:00", "2026-12-01T15:00")], contract=contract))
    result = judge([a, sh("B", "2026-12-01T07:00", "2026-12-01T15:01")], contract=contract)
    assert_only(result, "CONTRACT")
    assert "961 min assigned" in result.violations[0].message


# ------------------------------------------------------------------ API


def test_check_worker_forms_agree_with_check() -> None:
    """check_worker(ctx, ...) and check_worker(scenario, timeline, ...) give what check gives."""
    shifts = [sh("A", "2026-11-30T15:00", "2026-11-30T23:00"),
              sh("B", "2026-12-01T06:00", "2026-12-01T14:00"),
              sh("C", "2026-12-01T13:00", "2026-12-01T15:00", roles=["helpende"])]
    scenario = b.scenario(shifts=shifts)
    ctx = CheckContext.of(scenario)
    by_ctx = check_worker(ctx, W, ["A", "B", "C"])
    by_timeline = check_worker(scenario, Timeline.of(scenario), W, ["A", "B", "C"])
    whole = check(scenario, b.roster([("A", W), ("B", W), ("C", W)]), ctx)
    assert by_ctx == by_timeline == whole.violations
    assert {v.rule for v in by_ctx} == {"ELIG-ROLE", "OVERLAP", "ATW-6"}
    assert check_worker(ctx, W, ["A"]) == []
    assert check_worker(ctx, W, []) == []


def test_fixed_work_breaking_rules_alone_is_a_warning_not_a_violation() -> None:
    """Two overlapping own-roster items: a warning; a roster without shifts stays legal."""
    fixed = [b.fixed("2026-11-30T07:00", "2026-11-30T15:00"),
             b.fixed("2026-11-30T14:00", "2026-11-30T18:00")]
    scenario = b.scenario(workers=[b.worker(W, fixed_work=fixed)],
                          shifts=[sh("A", "2026-12-03T07:00", "2026-12-03T15:00")])
    assert check(scenario, b.roster([("A", W)])).legal
    warnings = fixed_work_warnings(scenario)
    assert any("(OVERLAP)" in w and w.startswith("warning: w1:") for w in warnings), warnings


def test_violation_names_worker_shifts_numbers_and_rule() -> None:
    result = judge([sh("A", "2026-11-30T15:00", "2026-11-30T23:00"),
                    sh("B", "2026-12-01T06:00", "2026-12-01T14:00")])
    (v,) = result.violations
    assert (v.rule, v.worker, v.shifts) == ("ATW-6", W, ("A", "B"))
    assert str(v) == v.message
    assert not result.legal and "1 violation(s)" in str(result)


# ------------------------------------------------------------------ pruning is exact


START_HOURS = (0, 6, 7, 14, 15, 22, 23)
LENGTHS = (3, 5, 8, 9, 10, 12)
slot = st.tuples(st.integers(0, len(START_HOURS) - 1), st.sampled_from(LENGTHS))


def _interval(anchor: date, day: int, spec: tuple[int, int]) -> tuple[str, str]:
    start = datetime.combine(anchor + timedelta(days=day), time(START_HOURS[spec[0]]))
    end = start + timedelta(hours=spec[1])
    if end.hour == 2:  # keep clear of the spring-forward gap
        end += timedelta(hours=1)
    return start.isoformat(timespec="minutes"), end.isoformat(timespec="minutes")


@settings(max_examples=60, deadline=None)
@given(
    anchor=st.sampled_from([MONDAY, date(2026, 10, 19), date(2026, 3, 23)]),
    history=st.lists(st.tuples(st.integers(-130, 20), slot), max_size=60),
    assigned=st.lists(st.tuples(st.integers(0, 13), slot), min_size=1, max_size=10),
)
def test_pruned_view_equals_whole_view(anchor: date, history: list[Any],
                                       assigned: list[Any]) -> None:
    """Only fixed work near the assigned shifts becomes periods; the result must be
    exactly what judging all fixed work gives (history up to 18 weeks back, DST weeks)."""
    fixed = [b.fixed(*_interval(anchor, day, spec)) for day, spec in history]
    shifts = [sh(f"S{i}", *_interval(anchor, day, spec)) for i, (day, spec) in enumerate(assigned)]
    horizon = (anchor.isoformat(), (anchor + timedelta(days=13)).isoformat())
    scenario = b.scenario(workers=[b.worker(W, fixed_work=fixed)], shifts=shifts,
                          horizon=horizon, rules={"max_consecutive_nights": 3})
    ctx = CheckContext.of(scenario)
    ids = [s["id"] for s in shifts]
    assert _check_worker(ctx, W, ids) == _check_worker(ctx, W, ids, whole=True)
