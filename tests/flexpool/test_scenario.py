"""Loading: every input error at once, each with its JSON path; times made aware."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from flexpool.scenario import ScenarioError, load_scenario, scenario_json_schema
from tests.builders import organisation, scenario_dict, shift

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "example-scenario.json"


def errors_of(data: dict) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(data)
    return [str(e) for e in info.value.errors]


def test_example_loads_with_aware_times() -> None:
    s = load_scenario(EXAMPLE)
    assert all(sh.start.tzinfo is not None for sh in s.shifts)
    assert s.shifts[0].start.utcoffset().total_seconds() == 3600


def test_all_errors_reported_at_once_with_paths() -> None:
    data = json.loads(EXAMPLE.read_text())
    bad = copy.deepcopy(data)
    bad["shifts"][0]["start"] = "2026-03-29T02:30"   # nonexistent (spring gap)
    bad["shifts"][1]["organisation"] = "nope"
    bad["shifts"][2]["end"] = "2026-11-30T01:00"       # before start
    bad["workers"][0]["id"] = "bad id"
    bad["pinned"] = [{"shift": "missing", "worker": "w0002"}]
    found = errors_of(bad)
    assert any(e.startswith("$.shifts[0].start: local time 2026-03-29T02:30 does not exist") for e in found)
    assert "$.shifts[1].organisation: unknown organisation 'nope'" in found
    assert any(e.startswith("$.shifts[2].end: end") for e in found)
    assert any(e.startswith("$.workers[0].id") for e in found)
    assert "$.pinned[0].shift: unknown shift 'missing'" in found


def test_looser_overlay_is_an_error() -> None:
    data = scenario_dict(organisations=[organisation(rules={"max_night_shift_minutes": 700})])
    assert errors_of(data) == [
        "$.organisations[0].rules.max_night_shift_minutes: 700 is looser than the scenario's rule "
        "(600); an overlay may only be stricter"
    ]


def test_shift_outside_horizon_and_duplicate_ids() -> None:
    data = scenario_dict(shifts=[shift("2026-12-10T07:00", "2026-12-10T15:00", "a"),
                                 shift("2026-12-01T07:00", "2026-12-01T15:00", "a")])
    found = errors_of(data)
    assert "$.shifts[0].id: duplicate id 'a'" in found and "$.shifts[1].id: duplicate id 'a'" in found
    assert any(e.startswith("$.shifts[0].start: shift starts on 2026-12-10, outside the horizon") for e in found)


def test_ambiguous_autumn_time_means_first_occurrence() -> None:
    data = scenario_dict(horizon=("2026-10-25", "2026-10-25"),
                         shifts=[shift("2026-10-25T02:30", "2026-10-25T08:00")])
    s = load_scenario(data)
    assert s.shifts[0].start.utcoffset().total_seconds() == 7200


def test_unreadable_json_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("{oops")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert "not valid JSON" in str(info.value)


def test_json_schema_names_every_top_level_field() -> None:
    schema = scenario_json_schema()
    assert {"horizon", "organisations", "workers", "shifts", "pinned", "weights"} <= set(schema["properties"])


def test_overlay_and_shape_errors_come_together() -> None:
    """A looser overlay is reported in the same run as a malformed shift elsewhere."""
    data = scenario_dict(organisations=[organisation(rules={"min_daily_rest_minutes": 600})],
                         shifts=[shift("2026-12-01T07:00", "2026-12-01T06:00", "bad")])
    found = errors_of(data)
    assert any(e.startswith("$.organisations[0].rules.min_daily_rest_minutes: 600 is looser") for e in found)
    assert any(e.startswith("$.shifts[0].end") for e in found)
