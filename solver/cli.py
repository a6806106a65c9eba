"""The ``flexpool`` command line: solve a scenario, check a roster, print the schema.

Exit codes: 0 success (``check``: legal), 1 ``check`` found violations,
2 unreadable or invalid input (every error listed with its JSON path).
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from flexpool.checker import check, load_roster
from flexpool.ical import organisation_calendar, worker_calendar
from flexpool.model import Roster, Scenario
from flexpool.scenario import ScenarioError, load_scenario, scenario_json_schema
from flexpool.summary import roster_summary
from solver.solve import Progress, SolverConfig, solve

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="flexpool: regional flexpool rostering with CP-SAT.")

INPUT_ERROR = 2


def _load(path: Path) -> Scenario:
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        typer.echo(f"{path}: {exc}", err=True)
        raise typer.Exit(INPUT_ERROR) from None


def _progress_line(p: Progress) -> None:
    sys.stderr.write(f"\r[{p.elapsed_s:6.1f} s] {p.stage:<11} filled {p.filled}/{p.total}"
                     f"  bound {p.bound}   ")
    sys.stderr.flush()


def write_outputs(scenario: Scenario, roster: Roster, out: Path, stamp: datetime) -> None:
    """``roster.json`` and the iCal files of every worker and organisation with shifts."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "roster.json").write_text(json.dumps(roster.to_json_dict(), indent=2, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
    workers_dir, orgs_dir = out / "ical" / "workers", out / "ical" / "organisations"
    workers_dir.mkdir(parents=True, exist_ok=True)
    orgs_dir.mkdir(parents=True, exist_ok=True)
    for worker_id in sorted({a.worker for a in roster.assignments}):
        (workers_dir / f"{worker_id}.ics").write_bytes(worker_calendar(scenario, roster, worker_id, stamp=stamp))
    for org in scenario.organisations:
        (orgs_dir / f"{org.id}.ics").write_bytes(organisation_calendar(scenario, roster, org.id, stamp=stamp))


@app.command("solve")
def solve_command(
    scenario_path: Annotated[Path, typer.Argument(metavar="SCENARIO.json")],
    out: Annotated[Path, typer.Option("--out", help="output directory")] = Path("out"),
    time_limit: Annotated[float, typer.Option("--time-limit", help="seconds")] = 30.0,
    workers: Annotated[int, typer.Option("--workers", help="CP-SAT search workers")] = 2,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", help="no progress line")] = False,
) -> None:
    """Solve SCENARIO.json; write roster.json, iCal files and print a summary."""
    scenario = _load(scenario_path)
    config = SolverConfig(time_limit_s=time_limit, workers=workers, seed=seed,
                          progress=None if quiet else _progress_line)
    result = solve(scenario, config)
    if not quiet:
        sys.stderr.write("\n")
    write_outputs(scenario, result.roster, out, datetime.now(UTC).replace(microsecond=0))
    penalties = [(p.worker, p.name, p.points) for p in result.penalties]
    typer.echo(roster_summary(scenario, result.roster, penalties))
    typer.echo(f"\nwrote {out / 'roster.json'} and calendars in {out / 'ical'}")


@app.command("check")
def check_command(
    scenario_path: Annotated[Path, typer.Argument(metavar="SCENARIO.json")],
    roster_path: Annotated[Path, typer.Argument(metavar="ROSTER.json")],
) -> None:
    """Check a (hand-edited) roster against every rule; exit 1 when illegal."""
    scenario = _load(scenario_path)
    try:
        roster = load_roster(roster_path, scenario)
    except ValueError as exc:
        typer.echo(f"{roster_path}: {exc}", err=True)
        raise typer.Exit(INPUT_ERROR) from None
    result = check(scenario, roster)
    if result.legal:
        typer.echo(f"legal: {len(roster.assignments)} assignments, no violations")
        return
    for violation in result.violations:
        typer.echo(violation.message)
    typer.echo(f"illegal: {len(result.violations)} violation(s)")
    raise typer.Exit(1)


@app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of the scenario format."""
    typer.echo(json.dumps(scenario_json_schema(), indent=2))


def main() -> None:
    app()
