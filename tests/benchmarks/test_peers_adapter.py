"""The Timefold demo adapter: neutral JSON -> scenario -> roster -> assignment."""

from __future__ import annotations

from benchmarks.peers.adapter import slug, to_assignment, to_scenario
from benchmarks.peers.run import DATA
from benchmarks.peers.timefold_demo import load_instance, load_peer_result, score
from flexpool.checker import check
from flexpool.model import Assignment, Objective, Roster
from solver import SolverConfig, solve


def _roster(assignment: dict[str, str | None]) -> Roster:
    pairs = [Assignment(shift=s, worker=slug(n)) for s, n in assignment.items() if n]
    return Roster(scenario="x", status="feasible", assignments=pairs,
                  objective=Objective(filled_slots=len(pairs), total_slots=len(pairs)))


def test_timefold_rosters_round_trip_and_legality_agrees() -> None:
    for name, run in (("small", "30s"), ("large", "30s")):
        instance = load_instance(DATA / f"{name}.json")
        peer = load_peer_result(DATA / f"{name}.timefold-{run}.json")
        roster = _roster(peer.assignment)
        assert to_assignment(instance, roster) == {s.id: peer.assignment.get(s.id) for s in instance.shifts}
        legal = check(to_scenario(instance), roster).legal
        assert legal == (score(instance, peer.assignment).hard == 0)


def test_small_solved_with_zero_hard() -> None:
    instance = load_instance(DATA / "small.json")
    scenario = to_scenario(instance)
    roster = solve(scenario, SolverConfig(time_limit_s=10, workers=2, seed=0)).roster
    assert check(scenario, roster).legal
    s = score(instance, to_assignment(instance, roster))
    assert s.hard == 0
