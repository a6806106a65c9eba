"""Column generation (:mod:`solver.columns`): one legal work pattern per worker,
priced against a master LP whose value bounds every roster from below."""

from __future__ import annotations

import importlib
import math
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from ortools.sat.python import cp_model

from flexpool.checker import check
from flexpool.eligibility import EligibilityContext, eligible_workers
from flexpool.model import Assignment, Objective, Roster, Scenario
from flexpool.timeline import Timeline
from solver import SolverConfig, solve
from solver import columns as solver_columns
from solver.columns import ColumnGeneration
from solver.master_lp import MasterSolution
from tests.builders import scenario as scenario_of
from tests.builders import worker
from tests.generic_builders import HORIZON, LOOSE_RULES, day_shift, generic_scenario
from tests.solver.checked import CONFIG


def columns_for(s: Scenario, pinned: set[tuple[str, str]] | None = None, soft: bool = True) -> ColumnGeneration:
    timeline = Timeline.of(s)
    ctx = EligibilityContext(s, timeline)
    return ColumnGeneration(s, timeline, ctx, eligible_workers(ctx), pinned or set(),
                            {p: 1 for p in range(1, 6)}, soft=soft)


def as_roster(pairs: set[tuple[str, str]]) -> Roster:
    return Roster(scenario="t", status="feasible",
                  assignments=[Assignment(shift=s, worker=w) for w, s in sorted(pairs)],
                  objective=Objective(filled_slots=len(pairs), total_slots=0))


def dived(s: Scenario, pinned: set[tuple[str, str]] | None = None) -> tuple[ColumnGeneration, set]:
    columns = columns_for(s, pinned)
    columns.add_roster(set())
    pairs = columns.dive(time.monotonic() + 10)
    assert pairs is not None
    assert check(s, as_roster(pairs)).legal
    return columns, pairs


def two_workers(**w2_fields: object) -> Scenario:
    """Four day shifts; w1 may work two of them, w2 one."""
    return generic_scenario(
        [0, 1, 2, 3],
        workers=[worker("w1", work_rules={"max_total_minutes": 960}),
                 worker("w2", work_rules={"max_total_minutes": 480}, **w2_fields)])


def test_the_dive_fills_what_the_rules_allow() -> None:
    _, pairs = dived(two_workers())
    assert len(pairs) == 3


def test_wishes_break_ties_between_equally_full_rosters() -> None:
    _, pairs = dived(two_workers(preferences={"shifts": {"D3": 2}}))
    assert ("w2", "D3") in pairs


def test_filling_comes_before_a_wish() -> None:
    s = generic_scenario([0], workers=[worker("w1", preferences={"shifts": {"D0": -50}})])
    _, pairs = dived(s)
    assert pairs == {("w1", "D0")}


def test_the_lp_value_bounds_the_rosters_cost() -> None:
    columns, pairs = dived(two_workers(preferences={"shifts": {"D3": 2}}))
    assert columns.lp_bound is not None
    cost = columns.cost(pairs)
    assert cost is not None
    assert columns.lp_bound <= cost + 1e-6
    one_open = columns.fill_weight["D0"]
    assert cost == one_open - 2  # one place open, the wish met


def test_a_pin_is_in_every_pattern_of_its_worker() -> None:
    columns, pairs = dived(two_workers(), pinned={("w2", "D0")})
    assert ("w2", "D0") in pairs
    assert all("D0" in p.shifts for p in columns.patterns["w2"])


def test_a_worker_with_a_minimum_gets_a_legal_pattern() -> None:
    s = scenario_of(horizon=HORIZON, rules=LOOSE_RULES,
                    workers=[worker("w1", work_rules={"min_total_minutes": 960})],
                    shifts=[day_shift(d, headcount=0, max_headcount=1, over_cost=1) for d in range(3)])
    columns, pairs = dived(s)
    assert len(pairs) == 2  # the minimum needs two shifts, over-staffing costs: no third
    assert columns.cost(set()) is None  # working nothing breaks the minimum


def test_solve_starts_small_one_level_models_from_patterns() -> None:
    result = solve(two_workers(), CONFIG)
    patterns = [st for st in result.stages if st["stage"] == "patterns: fill"]
    assert patterns and patterns[0]["status"] == "FEASIBLE"
    assert result.roster.objective.filled_slots == 3


# ---------------------------------------------------------------- fill bounds


def least_open(s: Scenario, level: int, seconds: float = 10) -> int | None:
    timeline = Timeline.of(s)
    ctx = EligibilityContext(s, timeline)
    columns = ColumnGeneration(s, timeline, ctx, eligible_workers(ctx), set(), {level: 1}, soft=False)
    return columns.least_open(time.monotonic() + seconds)


def test_the_least_open_places_are_what_the_best_roster_leaves() -> None:
    """w1 may work two of the four shifts and w2 one: one place stays open."""
    assert least_open(two_workers(), 3) == 1


def test_each_level_is_bounded_on_its_own() -> None:
    """One worker, one shift at most, a priority-5 and a priority-3 shift: either level
    alone can be filled, so neither need leave a place open (a level's bound ignores the
    levels above it)."""
    s = scenario_of(horizon=HORIZON, rules=LOOSE_RULES,
                    workers=[worker("w1", work_rules={"max_total_minutes": 480})],
                    shifts=[day_shift(0, priority=5), day_shift(1, priority=3), day_shift(2, priority=3)])
    assert (least_open(s, 5), least_open(s, 3)) == (0, 1)


def test_no_bound_is_claimed_after_the_deadline() -> None:
    assert least_open(two_workers(), 3, seconds=-1) is None


def test_open_places_are_counted_without_the_wishes() -> None:
    s = two_workers()
    timeline = Timeline.of(s)
    ctx = EligibilityContext(s, timeline)
    with pytest.raises(ValueError, match="soft=False"):
        ColumnGeneration(s, timeline, ctx, eligible_workers(ctx), set(), {3: 1}).least_open(time.monotonic() + 1)


def test_a_bound_proven_by_patterns_closes_the_level_without_a_stage() -> None:
    result = solve(two_workers(), CONFIG)
    bounds = next(st for st in result.stages if st["stage"] == "fill bounds (patterns)")
    assert bounds["bounds"] == {"3": 3}
    level = next(st for st in result.stages if st["stage"] == "priority 3")
    assert (level["status"], level.get("proof")) == ("OPTIMAL", "patterns")
    assert result.roster.objective.bound_by_priority["3"] == result.roster.objective.filled_by_priority["3"] == 3


def test_with_nothing_fixed_the_integer_master_starts_from_the_roster_added(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The LP prefers w1 on two shifts; still, a dive cut short hands CP-SAT the legal
    roster it was given as its start, so CP-SAT begins from a roster it can keep."""
    columns = columns_for(two_workers())
    start = {("w1", "D0"), ("w2", "D1")}
    columns.add_roster(set())
    columns.add_roster(start)
    master = columns.generate(time.monotonic() + 10)
    assert master is not None and columns.lp_bound is not None
    hints: dict[str, int] = {}
    real_solve = cp_model.CpSolver.solve

    def spy(solver: cp_model.CpSolver, model: cp_model.CpModel, *args: object) -> object:
        hint = model.proto.solution_hint
        hints.update({model.proto.variables[i].name: value for i, value in zip(hint.vars, hint.values, strict=True)})
        return real_solve(solver, model, *args)

    monkeypatch.setattr(cp_model.CpSolver, "solve", spy)
    assert columns._integer_master(5.0, master) is not None
    picked = {(w, s) for w, patterns in columns.patterns.items() for i, p in enumerate(patterns)
              if hints.get(f"pick[{w},{i}]") for s in p.shifts}
    assert picked == start


def test_the_integer_masters_hint_is_a_whole_roster(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every variable of the integer master is hinted, the open places and the
    over-staffing too, and the hint is the roster it starts from, at that roster's
    cost: CP-SAT reports an incomplete hint otherwise, and on the pool of Curtois
    Instance7's wishes' dive (4,600 patterns) it then held no roster after 5 s."""
    columns = columns_for(two_workers())
    start = {("w1", "D0"), ("w2", "D1")}
    columns.add_roster(set())
    columns.add_roster(start)
    master = columns.generate(time.monotonic() + 10)
    assert master is not None
    models: list[cp_model.CpModel] = []
    real_solve = cp_model.CpSolver.solve

    def spy(solver: cp_model.CpSolver, model: cp_model.CpModel, *args: object) -> object:
        models.append(model.clone())
        return real_solve(solver, model, *args)

    monkeypatch.setattr(cp_model.CpSolver, "solve", spy)
    assert columns._integer_master(5.0, None) is not None
    (model,) = models
    assert sorted(model.proto.solution_hint.vars) == list(range(len(model.proto.variables)))
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    assert real_solve(solver, model) == cp_model.OPTIMAL
    assert solver.objective_value == columns.cost(start)


def slow_to_prove(columns: ColumnGeneration, proof_seconds: float) -> list[float]:
    """Pricing that proves nothing within ``proof_seconds`` (as a hard pricing model
    would): shorter, it returns neither a pattern nor a proof. The times asked for."""
    asked: list[float] = []
    price = columns._price

    def slow(worker: str, prices: dict[str, float], dual: float, deadline: float,
             seconds: float = solver_columns.PRICING_SECONDS) -> tuple[list, bool, float]:
        asked.append(seconds)
        if seconds < proof_seconds:
            return [], False, -1.0
        return price(worker, prices, dual, deadline, seconds)

    columns._price = slow  # type: ignore[method-assign]
    return asked


def test_a_worker_left_unproven_is_priced_again_for_longer() -> None:
    columns = columns_for(two_workers())
    columns.add_roster(set())
    asked = slow_to_prove(columns, proof_seconds=1.0)
    columns.generate(time.monotonic() + 30)
    assert columns.lp_bound is not None
    assert max(asked) == solver_columns.PRICING_SECONDS * solver_columns.PRICING_RETRY_FACTOR


def test_no_lp_bound_while_a_worker_stays_unproven() -> None:
    columns = columns_for(two_workers())
    columns.add_roster(set())
    asked = slow_to_prove(columns, proof_seconds=solver_columns.PRICING_RETRY_SECONDS * 2)
    columns.generate(time.monotonic() + 30)
    assert columns.lp_bound is None
    assert max(asked) <= solver_columns.PRICING_RETRY_SECONDS


def test_a_quick_fill_dive_is_followed_by_the_wishes_dive() -> None:
    """Filling first (its LP prices open places only, so it converges soonest), then,
    with time to spare, the dive that weighs the wishes too."""
    stages = [st["stage"] for st in solve(two_workers(), CONFIG).stages]
    assert stages.index("patterns: fill") < stages.index("patterns: wishes")


def master_holding(columns: ColumnGeneration, shares: dict[tuple[str, frozenset[str]], float]) -> MasterSolution:
    """A master solution holding each (worker, shifts) pattern at its share."""
    for w, shifts in shares:
        columns.add_roster({(w, sid) for sid in shifts})
    index = {(w, p.shifts): (w, i) for w, patterns in columns.patterns.items() for i, p in enumerate(patterns)}
    return MasterSolution(prices={}, worker_duals={}, value=0.0,
                          shares={index[key]: share for key, share in shares.items()})


def test_shifts_forced_together_never_overfill_a_shift() -> None:
    """Several workers get a shift forced at once, but two that would both take a
    shift's only place are never forced together."""
    s = generic_scenario([0, 1], workers=[worker(f"w{i}") for i in range(1, 4)])
    columns = columns_for(s)
    master = master_holding(columns, {("w1", frozenset({"D0"})): 0.6, ("w2", frozenset({"D0"})): 0.5,
                                      ("w3", frozenset({"D1"})): 0.4})
    forced = columns._force_surest_shifts(master, 3, frozenset())
    assert forced == [("w1", frozenset({"D0"})), ("w3", frozenset({"D1"}))]
    assert columns.forced == {"w1": {"D0"}, "w3": {"D1"}}


def test_the_surest_shift_of_a_worker_is_forced_first_and_one_a_step() -> None:
    """A shift a worker holds in every pattern the LP uses is forced already in
    effect; of the others, the surest is forced, one per worker a step."""
    s = generic_scenario([0, 1, 2], workers=[worker("w1"), worker("w2")])
    columns = columns_for(s)
    master = master_holding(columns, {("w1", frozenset({"D0", "D1"})): 0.7, ("w1", frozenset({"D0", "D2"})): 0.3,
                                      ("w2", frozenset({"D2"})): 0.2})
    forced = columns._force_surest_shifts(master, 2, frozenset())
    assert forced == [("w1", frozenset({"D1"})), ("w2", frozenset({"D2"}))]
    columns.forced.clear()
    assert columns._force_surest_shifts(master, 1, frozenset({("w1", frozenset({"D1"}))})) == [
        ("w1", frozenset({"D2"}))]  # the surest is tabu: the next one


def test_every_pattern_priced_for_a_worker_holds_the_shifts_forced_on_it() -> None:
    """Pricing under a forced shift offers only patterns holding it, at their true
    reduced cost."""
    columns = columns_for(two_workers(preferences={"shifts": {"D3": 2}}))
    columns.add_roster(set())
    master = columns._solve_master_lp(time.monotonic() + 60)
    assert master is not None
    dual = master.worker_duals["w1"]
    free, _, _ = columns._price_forced("w1", master.prices, dual, time.monotonic() + 10, 1.0)
    assert any("D1" not in p.shifts for p in free)
    columns.forced = {"w1": frozenset({"D1"})}
    found, exact, least = columns._price_forced("w1", master.prices, dual, time.monotonic() + 10, 1.0)
    assert found and exact
    for pattern in found:
        assert "D1" in pattern.shifts
        reduced = pattern.penalty - sum(master.prices[sid] for sid in pattern.shifts) - dual
        assert least - 1e-6 <= reduced < 0


def test_a_fill_dive_fills_every_place_its_lp_proves_fillable() -> None:
    """Three workers of two shifts each over six days, two places a day: the fill
    LP proves 6 places open and the dive, forcing shifts, leaves no more."""
    s = generic_scenario(shifts=[day_shift(d, headcount=2) for d in range(6)],
                         workers=[worker(f"w{i}", work_rules={"max_total_minutes": 960}) for i in range(1, 4)])
    columns = columns_for(s, soft=False)
    columns.add_roster(set())
    pairs = columns.dive(time.monotonic() + 10)
    assert pairs is not None and check(s, as_roster(pairs)).legal
    assert columns.lp_bound == pytest.approx(6)
    assert len(pairs) == 6


def test_a_dive_root_close_enough_to_lasdons_bound_proves_nothing() -> None:
    """Diving with the wishes, the root LP may stop once Lasdon's bound is within a
    share of its value: good enough to dive from, but not a bound."""
    columns = columns_for(two_workers(preferences={"shifts": {"D3": 2}}))
    columns.add_roster(set())
    master = columns.generate(time.monotonic() + 30, close_enough=math.inf)
    assert master is not None
    assert columns.rounds == 1
    assert columns.lp_bound is None


def test_the_wishes_stage_reports_its_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every improving roster is reported, the wishes' too, at the filling kept."""
    monkeypatch.setattr(solver_columns, "TREE_SHARE", 0.0)  # a roster proven cheapest needs no wishes stage
    reports = []
    config = SolverConfig(time_limit_s=10, workers=2, seed=1, progress=reports.append)
    solve(two_workers(preferences={"shifts": {"D3": 2}}), config)
    wishes = [p for p in reports if p.stage == "preferences"]
    assert wishes
    assert {p.filled for p in wishes} == {3}


@pytest.mark.parametrize(("round_share", "dives"), [(1.0, True), (0.0, False)])
def test_a_model_above_the_dive_size_dives_only_when_a_pricing_round_is_quick(
        monkeypatch: pytest.MonkeyPatch, round_share: float, dives: bool) -> None:
    """Above ``PATTERN_MODEL_VARIABLES`` pairs one pricing round is timed first: a
    dive whose rounds are slow would only take time from the level stages."""
    staging = importlib.import_module("solver.solve")
    monkeypatch.setattr(staging, "PATTERN_MODEL_VARIABLES", 0)
    monkeypatch.setattr(staging, "PROBE_ROUND_SHARE", round_share)
    stages = {st["stage"]: st for st in solve(two_workers(), CONFIG).stages}
    assert stages["patterns: probe"]["status"] == ("QUICK" if dives else "SLOW")
    assert ("patterns: fill" in stages) == dives


def test_a_round_past_its_deadline_prices_no_one() -> None:
    """A labelling programme takes no time limit, so workers whose turn comes after
    the deadline are not priced: the round ends, with no bound claimed."""
    columns = columns_for(two_workers())
    columns.add_roster(set())
    master = columns._solve_master_lp(time.monotonic() + 60)
    assert master is not None
    with ThreadPoolExecutor(1) as pool:
        added, least = columns._price_round(pool, list(columns._pricing), master, time.monotonic() - 1)
    assert added == 0
    assert least == [(False, -math.inf)] * len(columns._pricing)


def test_a_model_above_the_dive_size_takes_no_dive_once_every_place_is_filled(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Neighbourhoods and the greedy start fill first there; a dive could fill no more
    and would only take time from the wishes (Timefold LARGE)."""
    staging = importlib.import_module("solver.solve")
    monkeypatch.setattr(staging, "PATTERN_MODEL_VARIABLES", 0)
    monkeypatch.setattr(staging, "PROBE_ROUND_SHARE", 1.0)
    result = solve(generic_scenario([0, 1], workers=[worker("w1"), worker("w2")]), CONFIG)
    assert result.roster.objective.filled_slots == result.roster.objective.total_slots
    assert not any(str(st["stage"]).startswith("patterns") for st in result.stages)


def test_diving_again_leaves_the_earlier_dives_first_choices_and_keeps_the_cheapest(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Limited discrepancy diving: each dive may not decide first what a dive before it
    decided first, forcing shifts and fixing patterns in turn; the cheapest roster of
    all is kept, and the dives stop once one made no choice by share (its LP was whole
    all the way down)."""
    monkeypatch.setattr(solver_columns, "TREE_SHARE", 0.0)  # the dives alone (the costs below are made up)
    columns = columns_for(two_workers())
    firsts = [("w1", frozenset({"D0"})), ("w2", frozenset({"D1"})), None]
    rosters = [{("w1", "D0")}, {("w1", "D1"), ("w2", "D2")}, {("w2", "D3")}]
    costs = {frozenset(r): c for r, c in zip(rosters, (30, 10, 20), strict=True)}
    tabus, methods = [], []

    def dive_once(deadline: float, tabu: frozenset, by_patterns: bool = False) -> tuple[set, object]:
        tabus.append(tabu)
        methods.append(by_patterns)
        return rosters[len(tabus) - 1], firsts[len(tabus) - 1]

    columns._dive_once = dive_once  # type: ignore[method-assign]
    columns.cost = lambda roster: costs[frozenset(roster)]  # type: ignore[method-assign]
    best = columns.dive(time.monotonic() + 30, again_until=time.monotonic() + 30)
    assert best == rosters[1]
    assert tabus == [frozenset(), {firsts[0]}, {firsts[0], firsts[1]}]
    assert methods == [False, True, False]  # shifts forced, then patterns fixed by share, in turn
    assert columns.dives == 3


def test_a_dive_that_may_force_nothing_still_gives_a_legal_roster() -> None:
    """Shifts a dive may not force stay in the LP; once nothing else is left to
    force, the integer master settles the workers left."""
    s = two_workers(preferences={"shifts": {"D3": 2}})
    columns = columns_for(s)
    columns.add_roster(set())
    columns.generate(time.monotonic() + 30)
    every_shift = frozenset((w, frozenset({sid})) for w, patterns in columns.patterns.items()
                            for p in patterns for sid in p.shifts)
    pairs, first = columns._dive_once(time.monotonic() + 10, every_shift)
    assert pairs is not None
    assert check(s, as_roster(pairs)).legal
    assert first is None
    assert len(pairs) == 3


def test_diving_stops_once_a_roster_meets_the_converged_lp() -> None:
    """No roster costs less than the converged root LP, so a roster at its (rounded
    up) value ends the dives."""
    columns = columns_for(two_workers())
    tabus = []

    def dive_once(deadline: float, tabu: frozenset, by_patterns: bool = False) -> tuple[set, object]:
        tabus.append(tabu)
        return {("w1", "D0")}, ("w1", frozenset({"D0"}))

    columns._dive_once = dive_once  # type: ignore[method-assign]
    columns.cost = lambda roster: 10  # type: ignore[method-assign]
    columns.lp_bound = 9.5
    columns.dive(time.monotonic() + 30, again_until=time.monotonic() + 30)
    assert tabus == [frozenset()]


def test_a_dive_by_patterns_fixes_the_surest_patterns_that_fit_together() -> None:
    """Dives again alternate with fixing whole patterns by share: the surest that fit
    together, one per worker, a tabu pattern never."""
    s = generic_scenario([0, 1], workers=[worker(f"w{i}") for i in range(1, 4)])
    columns = columns_for(s)
    master = master_holding(columns, {("w1", frozenset({"D0"})): 0.6, ("w2", frozenset({"D0"})): 0.5,
                                      ("w3", frozenset({"D1"})): 0.4})
    chosen = columns._surest_fitting(master, frozenset({("w1", frozenset({"D0"}))}))
    assert {w: p.shifts for w, p in chosen.items()} == {"w2": {"D0"}}


def test_pricing_towards_a_value_stops_once_there_or_once_out_of_reach() -> None:
    """``below``: no round once the LP is below the value; one round when Lasdon's
    bound already proves the LP never gets there."""
    s = two_workers(preferences={"shifts": {"D3": 2}})
    there, out_of_reach = columns_for(s), columns_for(s)
    for columns in (there, out_of_reach):
        columns.add_roster(set())
    assert there.generate(time.monotonic() + 30, below=math.inf) is not None
    assert there.rounds == 0
    assert out_of_reach.generate(time.monotonic() + 30, below=-math.inf) is not None
    assert out_of_reach.rounds == 1
    converged = columns_for(s)
    converged.add_roster(set())
    converged.generate(time.monotonic() + 30)
    assert converged.rounds > 1  # so the two stops above came early


def test_a_shift_whose_forcing_costs_the_lp_half_a_place_is_refused_for_the_dive(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """One forced shift that costs the LP half an open place, even after more
    pricing, is undone and not forced again in that dive; the next surest is
    forced instead."""
    columns = columns_for(two_workers(preferences={"shifts": {"D3": 2}}))
    place = min(columns.fill_weight.values())
    values = iter([0.0, place, place, 0.0])  # root; after forcing D0 on w1; after pricing on; after undoing
    settled_below = []
    offered = []

    def generate(deadline: float, max_rounds: int | None = None, close_enough: float = 0.0,
                 below: float | None = None) -> MasterSolution:
        if below is not None:
            settled_below.append(below)
        return MasterSolution(prices={}, worker_duals={}, value=next(values), shares={})

    def force(master: MasterSolution, want: int, tabu: frozenset) -> list:
        offered.append(set(tabu))
        if len(offered) > 1:
            return []  # nothing else to force: the integer master settles the rest
        columns.forced["w1"] = frozenset({"D0"})
        return [("w1", frozenset({"D0"}))]

    monkeypatch.setattr(solver_columns, "DIVE_FORCE_SHARE", 0.1)  # one shift a step
    monkeypatch.setattr(columns, "generate", generate)
    monkeypatch.setattr(columns, "_force_surest_shifts", force)
    monkeypatch.setattr(columns, "_integer_master", lambda seconds, master, floor=None: None)
    columns._dive_once(time.monotonic() + 10, frozenset())
    assert settled_below == [pytest.approx(place / 2)]
    assert offered == [set(), {("w1", frozenset({"D0"}))}]
