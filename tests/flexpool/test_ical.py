"""Calendar feeds (flexpool.ical): golden bytes, round trips, privacy, DST.

Golden files live in ``tests/flexpool/golden``; rewrite them after an intended
change with ``REGENERATE_GOLDEN=1 .venv/bin/python -m pytest tests/flexpool/test_ical.py``
and review the diff before committing.
"""

from __future__ import annotations

import os
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from flexpool.ical import KIND_NL, PRODID, assignment_uid, organisation_calendar, worker_calendar
from flexpool.model import Roster, Scenario
from flexpool.scenario import load_scenario
from tests import builders as b

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"
AMS = ZoneInfo("Europe/Amsterdam")
STAMP = datetime(2026, 11, 20, 9, 15, tzinfo=UTC)

EXAMPLE_ASSIGNMENTS = [
    ("zh-enschede-ic-2026-11-30-vroeg", "w0001"),
    ("zh-enschede-ic-2026-11-30-nacht", "w0002"),
    ("zh-enschede-ic-2026-12-01-vroeg", "w0006"),
    ("zh-enschede-ic-2026-12-02-nacht", "w0001"),
    ("vvt-hengelo-1-2026-12-04-vroeg", "w0001"),
    ("vvt-borne-1-2026-11-30-laat", "w0004"),
    ("ghz-almelo-1-2026-12-04-slaap", "w0003"),
]


def make_roster(assignments: list[tuple[str, str]], scenario_name: str) -> Roster:
    return Roster.model_validate(b.roster(assignments, scenario_name))


@pytest.fixture(scope="module")
def example() -> Scenario:
    return load_scenario(ROOT / "examples" / "example-scenario.json")


@pytest.fixture(scope="module")
def roster(example: Scenario) -> Roster:
    return make_roster(EXAMPLE_ASSIGNMENTS, example.name)


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def unfolded(data: bytes) -> str:
    """The feed as text with folded lines joined (RFC 5545 §3.1)."""
    return data.replace(b"\r\n ", b"").decode("utf-8")


def check_golden(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("REGENERATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"missing golden file {path}; run with REGENERATE_GOLDEN=1"
    assert data == path.read_bytes(), f"{name} differs from its golden file"


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def one_shift_scenario(start: str, end: str, horizon: tuple[str, str], **fields: Any) -> Scenario:
    return b.scenario(
        shifts=[b.shift(start, end, "s1", unpaid_break_minutes=30, label="test", **fields)],
        horizon=horizon,
    )


# ---------------------------------------------------------------- golden files


def test_worker_calendar_matches_golden(example: Scenario, roster: Roster) -> None:
    uid = assignment_uid("zh-enschede-ic-2026-12-02-nacht", "w0001")
    data = worker_calendar(example, roster, "w0001", stamp=STAMP, sequences={uid: 2})
    check_golden("worker-w0001.ics", data)


def test_organisation_calendar_matches_golden(example: Scenario, roster: Roster) -> None:
    data = organisation_calendar(example, roster, "zh-enschede", stamp=STAMP)
    check_golden("organisation-zh-enschede.ics", data)


def test_output_is_crlf_and_folded(example: Scenario, roster: Roster) -> None:
    data = organisation_calendar(example, roster, "zh-enschede", stamp=STAMP)
    lines = data.split(b"\r\n")
    assert lines[-1] == b""
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75


# ---------------------------------------------------------------- calendar shape


def test_calendar_properties(example: Scenario, roster: Roster) -> None:
    cal = parse(worker_calendar(example, roster, "w0001", stamp=STAMP))
    assert str(cal["PRODID"]) == PRODID
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "Rooster Anouk Jansen"
    assert str(cal["X-WR-TIMEZONE"]) == "Europe/Amsterdam"
    org = parse(organisation_calendar(example, roster, "vvt-hengelo", stamp=STAMP))
    assert str(org["X-WR-CALNAME"]) == "Flexpool-diensten Zorgcentrum Hengelo (voorbeeld)"


def test_vtimezone_present_and_events_use_tzid(example: Scenario, roster: Roster) -> None:
    data = worker_calendar(example, roster, "w0001", stamp=STAMP)
    cal = parse(data)
    assert [str(tz["TZID"]) for tz in cal.timezones] == ["Europe/Amsterdam"]
    text = unfolded(data)
    starts = [line for line in text.split("\r\n") if line.startswith(("DTSTART", "DTEND"))]
    event_lines = [line for line in starts if "TZID=" in line]
    assert len(event_lines) == 2 * len(cal.events) == 6
    assert all(line.split(":")[1][-1] != "Z" for line in event_lines)  # not UTC
    for event in cal.events:
        assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"  # not floating
        assert event["DTEND"].params["TZID"] == "Europe/Amsterdam"


def test_vtimezone_onsets_follow_rfc_5545(example: Scenario, roster: Roster) -> None:
    """Each onset is DTSTART read in TZOFFSETFROM (§3.6.5) and matches zoneinfo."""
    cal = parse(worker_calendar(example, roster, "w0001", stamp=STAMP))
    (vtz,) = cal.timezones
    onsets = []
    for sub in vtz.subcomponents:
        before, after = sub["TZOFFSETFROM"].td, sub["TZOFFSETTO"].td
        onset = (sub.decoded("DTSTART") - before).replace(tzinfo=UTC)
        assert onset.astimezone(AMS).utcoffset() == after
        if before != after:
            assert (onset - timedelta(seconds=1)).astimezone(AMS).utcoffset() == before
        onsets.append(onset)
    assert onsets == [
        datetime(2025, 12, 31, 23, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
    ]
    # a reader that uses the VTIMEZONE itself (not the tz database) agrees hourly
    own = vtz.to_tz(lookup_tzid=False)
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    while moment.year == 2026:
        assert moment.astimezone(own).utcoffset() == moment.astimezone(AMS).utcoffset()
        moment += timedelta(hours=1)


def test_events_round_trip_shift_times(example: Scenario, roster: Roster) -> None:
    shifts = {s.id: s for s in example.shifts}
    for data, pairs in (
        (
            worker_calendar(example, roster, "w0001", stamp=STAMP),
            [a for a in EXAMPLE_ASSIGNMENTS if a[1] == "w0001"],
        ),
        (
            organisation_calendar(example, roster, "zh-enschede", stamp=STAMP),
            [a for a in EXAMPLE_ASSIGNMENTS if shifts[a[0]].organisation == "zh-enschede"],
        ),
    ):
        events = {str(e["UID"]): e for e in parse(data).events}
        assert set(events) == {assignment_uid(s, w) for s, w in pairs}
        for shift_id, worker_id in pairs:
            event = events[assignment_uid(shift_id, worker_id)]
            shift = shifts[shift_id]
            assert utc(event.decoded("DTSTART")) == utc(shift.start)
            assert utc(event.decoded("DTEND")) == utc(shift.end)
            assert event.decoded("DTSTART").tzinfo == AMS


def test_dtstamp_and_last_modified_are_utc_stamp(example: Scenario, roster: Roster) -> None:
    local_stamp = STAMP.astimezone(AMS)  # given in another zone, written in UTC
    data = worker_calendar(example, roster, "w0001", stamp=local_stamp)
    for event in parse(data).events:
        for prop in ("DTSTAMP", "LAST-MODIFIED"):
            value = event.decoded(prop)
            assert value.utcoffset() == timedelta(0)
            assert value == STAMP
    text = unfolded(data)
    assert text.count("DTSTAMP:20261120T091500Z\r\n") == 3
    assert text.count("LAST-MODIFIED:20261120T091500Z\r\n") == 3


def test_sequence_defaults_to_zero_and_follows_mapping(example: Scenario, roster: Roster) -> None:
    raised = assignment_uid("vvt-hengelo-1-2026-12-04-vroeg", "w0001")
    data = worker_calendar(example, roster, "w0001", stamp=STAMP, sequences={raised: 5})
    sequences = {str(e["UID"]): int(e["SEQUENCE"]) for e in parse(data).events}
    assert sequences.pop(raised) == 5
    assert set(sequences.values()) == {0}


def test_uid_is_stable_and_distinct(example: Scenario, roster: Roster) -> None:
    def uids(stamp: datetime) -> list[str]:
        data = worker_calendar(example, roster, "w0001", stamp=stamp)
        return [str(e["UID"]) for e in parse(data).events]

    first, second = uids(STAMP), uids(datetime(2026, 12, 1, tzinfo=UTC))
    assert first == second
    assert assignment_uid("a", "b") == assignment_uid("a", "b")
    assert assignment_uid("a", "b").endswith("@flexpool")
    assert assignment_uid("a", "b", domain="example.org").endswith("@example.org")
    variants = {assignment_uid("a:b", "c"), assignment_uid("a", "b:c"), assignment_uid("b", "a")}
    assert len(variants) == 3
    # the same assignment has the same UID in the worker's and the organisation's feed
    org = parse(organisation_calendar(example, roster, "zh-enschede", stamp=STAMP))
    assert set(first) & {str(e["UID"]) for e in org.events} == {
        assignment_uid("zh-enschede-ic-2026-11-30-vroeg", "w0001"),
        assignment_uid("zh-enschede-ic-2026-12-02-nacht", "w0001"),
    }


def test_output_is_deterministic_and_sorted(example: Scenario) -> None:
    shuffled = list(EXAMPLE_ASSIGNMENTS)
    random.Random(7).shuffle(shuffled)
    a = make_roster(EXAMPLE_ASSIGNMENTS, example.name)
    c = make_roster(shuffled + shuffled[:2], example.name)  # order and duplicates do not matter
    for org in ("zh-enschede", "vvt-hengelo", "ghz-almelo"):
        one = organisation_calendar(example, a, org, stamp=STAMP)
        assert one == organisation_calendar(example, a, org, stamp=STAMP)
        assert one == organisation_calendar(example, c, org, stamp=STAMP)
    data = worker_calendar(example, c, "w0001", stamp=STAMP)
    assert data == worker_calendar(example, a, "w0001", stamp=STAMP)
    events = parse(organisation_calendar(example, a, "zh-enschede", stamp=STAMP)).events
    keys = [(utc(e.decoded("DTSTART")), str(e["UID"])) for e in events]
    assert keys == sorted(keys)


# ---------------------------------------------------------------- texts


def test_worker_event_texts_in_dutch(example: Scenario, roster: Roster) -> None:
    events = parse(worker_calendar(example, roster, "w0001", stamp=STAMP)).events
    first = events[0]
    assert str(first["SUMMARY"]) == (
        "Vroege dienst — Ziekenhuis Enschede (voorbeeld), Intensive care"
    )
    assert str(first["LOCATION"]) == "Intensive care, Enschede"
    assert str(first["DESCRIPTION"]) == (
        "Dienst: vroeg\nFunctie: verpleegkundige\n8 uur werk, 30 min pauze"
    )
    assert str(events[1]["SUMMARY"]).startswith("Nachtdienst — ")
    assert str(events[2]["LOCATION"]) == "Locatie De Es, Hengelo"


def test_organisation_event_texts_in_dutch(example: Scenario, roster: Roster) -> None:
    events = parse(organisation_calendar(example, roster, "ghz-almelo", stamp=STAMP)).events
    (event,) = events
    assert str(event["SUMMARY"]) == "Nachtdienst — Fatima El Amrani (slaap)"
    assert str(event["LOCATION"]) == "Woonvorm De Werf, Almelo"
    assert str(event["DESCRIPTION"]) == "Dienst: slaap\nFunctie: begeleider\n9 uur werk, geen pauze"


@pytest.mark.parametrize(
    ("start", "end", "kind"),
    [
        ("2026-12-01T07:00", "2026-12-01T15:00", "early"),
        ("2026-12-01T10:30", "2026-12-01T18:00", "day"),
        ("2026-12-01T15:00", "2026-12-01T23:00", "late"),
        ("2026-12-01T23:00", "2026-12-02T07:00", "night"),
    ],
)
def test_summary_names_the_shift_kind(start: str, end: str, kind: str) -> None:
    scenario = one_shift_scenario(start, end, ("2026-11-30", "2026-12-06"))
    ros = make_roster([("s1", "w1")], scenario.name)
    (event,) = parse(worker_calendar(scenario, ros, "w1", stamp=STAMP)).events
    assert str(event["SUMMARY"]) == f"{KIND_NL[kind]} — Organisatie org, Locatie loc"  # type: ignore[index]
    (event,) = parse(organisation_calendar(scenario, ros, "org", stamp=STAMP)).events
    assert str(event["SUMMARY"]) == f"{KIND_NL[kind]} — Werker w1 (test)"  # type: ignore[index]


# ---------------------------------------------------------------- DST


@pytest.mark.parametrize(
    ("start", "end", "horizon", "hours", "work"),
    [
        ("2026-10-24T23:00", "2026-10-25T07:00", ("2026-10-19", "2026-10-25"), 9, "8 uur 30 min"),
        ("2026-03-28T23:00", "2026-03-29T07:00", ("2026-03-23", "2026-03-29"), 7, "6 uur 30 min"),
    ],
)
def test_dst_week_night_round_trips_elapsed_time(
    start: str, end: str, horizon: tuple[str, str], hours: int, work: str
) -> None:
    scenario = one_shift_scenario(start, end, horizon)
    ros = make_roster([("s1", "w1")], scenario.name)
    data = worker_calendar(scenario, ros, "w1", stamp=STAMP)
    (event,) = parse(data).events
    dtstart, dtend = event.decoded("DTSTART"), event.decoded("DTEND")
    assert dtstart.replace(tzinfo=None) == datetime.fromisoformat(start)
    assert dtend.replace(tzinfo=None) == datetime.fromisoformat(end)
    assert utc(dtend) - utc(dtstart) == timedelta(hours=hours)
    assert str(event["SUMMARY"]).startswith("Nachtdienst")
    assert str(event["DESCRIPTION"]).endswith(f"{work} werk, 30 min pauze")
    text = unfolded(data)
    assert f"DTSTART;TZID=Europe/Amsterdam:{start.replace('-', '').replace(':', '')}00" in text


def test_second_occurrence_of_repeated_hour_is_written_in_utc() -> None:
    """02:30 CET on 25 Oct 2026 cannot be named with TZID (§3.3.5 means the first)."""
    scenario = one_shift_scenario(
        "2026-10-24T18:00", "2026-10-25T02:30:00+01:00", ("2026-10-19", "2026-10-25")
    )
    shift = scenario.shifts[0]
    assert shift.end.fold == 1
    ros = make_roster([("s1", "w1")], scenario.name)
    data = worker_calendar(scenario, ros, "w1", stamp=STAMP)
    assert "DTEND:20261025T013000Z\r\n" in unfolded(data)
    (event,) = parse(data).events
    assert utc(event.decoded("DTEND")) == utc(shift.end)
    elapsed = utc(event.decoded("DTEND")) - utc(event.decoded("DTSTART"))
    assert elapsed == timedelta(hours=9, minutes=30)


_YEAR_MINUTES = 365 * 24 * 60


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    start_minute=st.integers(0, _YEAR_MINUTES - 1),
    fold=st.sampled_from([0, 1]),
    duration=st.integers(1, 16 * 60),
)
def test_random_shift_round_trips_exactly(start_minute: int, fold: int, duration: int) -> None:
    wall = datetime(2026, 1, 1) + timedelta(minutes=start_minute)  # noqa: DTZ001 (wall time)
    start = wall.replace(tzinfo=AMS, fold=fold)
    assume(utc(start).astimezone(AMS).replace(tzinfo=None) == wall)  # skip nonexistent times
    end = utc(start) + timedelta(minutes=duration)
    scenario = b.scenario(
        shifts=[b.shift(utc(start).isoformat(), end.isoformat(), "s1")],
        horizon=("2026-01-01", "2026-12-31"),
    )
    ros = make_roster([("s1", "w1")], scenario.name)
    (event,) = parse(worker_calendar(scenario, ros, "w1", stamp=STAMP)).events
    assert utc(event.decoded("DTSTART")) == utc(start)
    assert utc(event.decoded("DTEND")) == end


# ---------------------------------------------------------------- privacy


def test_worker_calendar_holds_only_own_shifts(example: Scenario, roster: Roster) -> None:
    workers = {w.id: w for w in example.workers}
    for worker_id in {w for _, w in EXAMPLE_ASSIGNMENTS}:
        data = worker_calendar(example, roster, worker_id, stamp=STAMP)
        uids = {str(e["UID"]) for e in parse(data).events}
        assert uids == {assignment_uid(s, w) for s, w in EXAMPLE_ASSIGNMENTS if w == worker_id}
        text = unfolded(data)
        for other in workers.values():
            if other.id != worker_id:
                assert other.name not in text
    empty = parse(worker_calendar(example, roster, "w0005", stamp=STAMP))
    assert empty.events == []
    assert len(empty.timezones) == 1


def test_organisation_calendar_hides_personal_data(example: Scenario, roster: Roster) -> None:
    workers = {w.id: w for w in example.workers}
    text = unfolded(organisation_calendar(example, roster, "zh-enschede", stamp=STAMP))
    for worker_id in ("w0001", "w0002", "w0006"):
        worker = workers[worker_id]
        assert worker.name in text
        for credential in worker.credentials:
            assert credential.code not in text
        assert worker.id not in text
    assert "Hengelo" not in text  # Anouk Jansen's home
    for name in ("Fatima El Amrani", "Sanne Oude Egbrink"):  # shifts elsewhere
        assert name not in text


def test_no_personal_data_beyond_the_name() -> None:
    secret_worker = b.worker(
        "w1",
        name="Noor Geheim",
        home={"municipality": "Geheimstad", "lat": 52.123456, "lon": 6.654321},
        credentials=[
            {"code": "induction:loc", "kind": "induction"},
            {"code": "big:19999999901", "kind": "bevoegd"},
        ],
        contract={"max_minutes_per_week": 1234},
        preferences={"shift_kinds": {"night": -7}, "organisations": {"org": 9}},
        fixed_work=[b.fixed("2026-12-03T08:00", "2026-12-03T12:00", label="eigen afdeling X")],
    )
    scenario = b.scenario(
        workers=[secret_worker],
        shifts=[b.shift("2026-12-01T07:00", "2026-12-01T15:00", "s1", label="vroeg")],
    )
    ros = make_roster([("s1", "w1")], scenario.name)
    for data in (
        organisation_calendar(scenario, ros, "org", stamp=STAMP),
        worker_calendar(scenario, ros, "w1", stamp=STAMP),
    ):
        text = unfolded(data)
        for secret in (
            "Geheimstad", "52.123456", "6.654321", "19999999901", "induction", "1234",
            "eigen afdeling X", "w1",
        ):
            assert secret not in text
    assert "Noor Geheim" in unfolded(organisation_calendar(scenario, ros, "org", stamp=STAMP))


def test_location_calendar_holds_only_that_location(example: Scenario, roster: Roster) -> None:
    data = organisation_calendar(
        example, roster, "vvt-hengelo", location_id="vvt-borne-1", stamp=STAMP
    )
    cal = parse(data)
    assert str(cal["X-WR-CALNAME"]) == (
        "Flexpool-diensten Zorgcentrum Hengelo (voorbeeld) — Locatie Het Hofland"
    )
    assert [str(e["UID"]) for e in cal.events] == [
        assignment_uid("vvt-borne-1-2026-11-30-laat", "w0004")
    ]
    assert str(cal.events[0]["SUMMARY"]) == "Late dienst — Sanne Oude Egbrink (laat)"
    assert "Anouk Jansen" not in unfolded(data)


# ---------------------------------------------------------------- errors


def test_errors(example: Scenario, roster: Roster) -> None:
    with pytest.raises(KeyError):
        worker_calendar(example, roster, "nobody", stamp=STAMP)
    with pytest.raises(KeyError):
        organisation_calendar(example, roster, "nobody", stamp=STAMP)
    with pytest.raises(KeyError):
        organisation_calendar(
            example, roster, "zh-enschede", location_id="vvt-borne-1", stamp=STAMP
        )
    with pytest.raises(ValueError, match="aware"):
        worker_calendar(example, roster, "w0001", stamp=datetime(2026, 11, 20))  # noqa: DTZ001
    bad = make_roster([("no-such-shift", "w0001")], example.name)
    with pytest.raises(ValueError, match="no-such-shift"):
        worker_calendar(example, bad, "w0001", stamp=STAMP)
    with pytest.raises(ValueError):
        assignment_uid("s", "w", domain="bad domain")
