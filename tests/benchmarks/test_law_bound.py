"""The bound on what any legal roster fills (``benchmarks.law_bound``): it sees the
law where the plain model (``benchmarks.plain_fill``) does not."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from benchmarks.law_bound import law_fill_bound, main, parse_at_least, write_row
from benchmarks.plain_fill import plain_fill
from tests.builders import scenario, shift, worker


def test_the_law_bound_keeps_the_daily_rest_the_plain_model_ignores() -> None:
    """A late shift and an early one 6 h apart: the daily rest (11 h, once a week 8 h;
    ATW art. 5:3) lets one worker take only one of them; the plain model takes both."""
    s = scenario(workers=[worker("w1")], shifts=[
        shift("2026-11-30T15:00", "2026-11-30T23:00", "late"),
        shift("2026-12-01T05:00", "2026-12-01T13:00", "early"),
    ])
    bound, converged, _ = law_fill_bound(s, seconds=10, workers=1)
    assert (bound, converged) == (1, True)
    assert plain_fill(s, time_limit_s=5, workers=1).filled == 2


def test_without_time_the_bound_is_every_slot() -> None:
    s = scenario(workers=[worker("w1")], shifts=[shift("2026-11-30T08:00", "2026-11-30T16:00", "day")])
    assert law_fill_bound(s, seconds=-1, workers=1)[:2] == (1, False)


def test_filling_the_top_level_first_can_cost_slots_in_all() -> None:
    """One worker with an 8-hour week: a priority-5 shift of 8 hours, or two
    priority-1 shifts of 4. The spec ranks the priority-5 slot above both
    (docs/format.md, Weights), so the roster it owes fills one slot where a roster
    ignoring priorities fills two."""
    s = scenario(workers=[worker("w1", contract={"max_minutes_per_week": 480})], shifts=[
        shift("2026-11-30T08:00", "2026-11-30T16:00", "long", priority=5),
        shift("2026-12-01T08:00", "2026-12-01T12:00", "short-1", priority=1),
        shift("2026-12-02T08:00", "2026-12-02T12:00", "short-2", priority=1),
    ])
    assert law_fill_bound(s, seconds=10, workers=1)[:2] == (2, True)
    assert law_fill_bound(s, seconds=10, workers=1, at_least={5: 1})[:2] == (1, True)


def test_at_least_reads_priority_equals_slots_and_names_a_bad_item() -> None:
    assert parse_at_least(["5=165", "4=645"]) == {5: 165, 4: 645}
    with pytest.raises(argparse.ArgumentTypeError, match=r"'5:165'.*priority=slots"):
        parse_at_least(["5:165"])


def test_at_least_on_a_priority_no_shift_has_is_refused() -> None:
    s = scenario(workers=[worker("w1")], shifts=[shift("2026-11-30T08:00", "2026-11-30T16:00", "day")])
    with pytest.raises(ValueError, match="priority 5"):
        law_fill_bound(s, seconds=1, workers=1, at_least={5: 1})


def test_a_run_replaces_its_own_row_and_keeps_the_others(tmp_path: Path) -> None:
    out = tmp_path / "LAW_BOUND.md"
    write_row(out, "cmd a", "| `cmd a` | 1 |")
    write_row(out, "cmd b", "| `cmd b` | 2 |")
    write_row(out, "cmd a", "| `cmd a` | 3 |")
    rows = [line for line in out.read_text().splitlines() if line.startswith("| `")]
    assert rows == ["| `cmd b` | 2 |", "| `cmd a` | 3 |"]


def test_the_command_names_a_priority_the_scenario_lacks(capsys: pytest.CaptureFixture[str],
                                                         tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--size", "S", "--seconds", "0", "--at-least", "0=1", "--out", str(tmp_path / "out.md")])
    assert exit_info.value.code == 2
    assert "priority 0, which no shift of" in capsys.readouterr().err
    assert not (tmp_path / "out.md").exists()
