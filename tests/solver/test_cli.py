"""The command line: solve writes roster and calendars; check and input errors use exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from icalendar import Calendar
from typer.testing import CliRunner

from solver.cli import app

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "example-scenario.json"
runner = CliRunner()


def test_solve_writes_roster_calendars_and_summary(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["solve", str(EXAMPLE), "--out", str(out), "--time-limit", "5", "--quiet"])
    assert result.exit_code == 0, result.output
    roster = json.loads((out / "roster.json").read_text())
    assert roster["format"] == "flexpool-roster/1"
    assert roster["objective"]["filled_slots"] == len(roster["assignments"]) > 0
    assert "slots filled" in result.output and "priority" in result.output
    worker_id = roster["assignments"][0]["worker"]
    calendar = Calendar.from_ical((out / "ical" / "workers" / f"{worker_id}.ics").read_bytes())
    assert calendar.walk("VEVENT")
    assert (out / "ical" / "organisations" / "zh-enschede.ics").exists()

    checked = runner.invoke(app, ["check", str(EXAMPLE), str(out / "roster.json")])
    assert checked.exit_code == 0, checked.output
    assert "legal" in checked.output


def test_check_reports_violations_with_exit_1(tmp_path: Path) -> None:
    """w0004 holds no BIG registration: putting her on the IC shift is illegal."""
    roster = {"format": "flexpool-roster/1", "scenario": "x", "status": "feasible",
              "assignments": [{"shift": "zh-enschede-ic-2026-11-30-vroeg", "worker": "w0004"}],
              "objective": {"filled_slots": 1, "total_slots": 27}}
    path = tmp_path / "roster.json"
    path.write_text(json.dumps(roster))
    result = runner.invoke(app, ["check", str(EXAMPLE), str(path)])
    assert result.exit_code == 1
    assert "w0004" in result.output


def test_bad_input_exits_2_listing_every_error_with_its_path(tmp_path: Path) -> None:
    data = json.loads(EXAMPLE.read_text())
    data["shifts"][0]["start"] = "2026-11-30T25:00"
    data["shifts"][1]["organisation"] = "nobody"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    result = runner.invoke(app, ["solve", str(path), "--out", str(tmp_path / "o"), "--quiet"])
    assert result.exit_code == 2
    assert "$.shifts[0].start" in result.output
    assert "$.shifts[1].organisation: unknown organisation 'nobody'" in result.output
    assert not (tmp_path / "o").exists()


def test_unreadable_roster_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "roster.json"
    path.write_text("{not json")
    assert runner.invoke(app, ["check", str(EXAMPLE), str(path)]).exit_code == 2
