"""Neighbourhood groups stay small models: a fraction of the region, and of a step's pairs."""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import timedelta

import pytest
from ortools.sat.python import cp_model

from flexpool.eligibility import EligibilityContext, eligible_workers
from flexpool.model import Scenario
from flexpool.timeline import Timeline
from solver import neighbourhoods
from solver.neighbourhoods import FILL_WINDOW_DAYS as FILL_WINDOW
from solver.neighbourhoods import NeighbourhoodSearch, _Launch
from solver.objective import pair_coefficients, soft_terms
from solver.variables import Variables
from tests.builders import worker
from tests.generic_builders import day_shift, generic_scenario


def search_over(s: Scenario) -> NeighbourhoodSearch:
    timeline = Timeline.of(s)
    ctx = EligibilityContext(s, timeline)
    return NeighbourhoodSearch(s, timeline, ctx, eligible_workers(ctx), set(), {3: 1})


def region(workers: int) -> Scenario:
    return generic_scenario(workers=[worker(f"w{i}") for i in range(workers)])


def test_a_group_is_a_quarter_of_the_region_between_six_and_twenty_four() -> None:
    assert search_over(region(8)).group_size == 6
    assert search_over(region(40)).group_size == 10
    assert search_over(region(120)).group_size == 24


def test_long_horizons_make_smaller_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each worker brings 14 candidate pairs; with room for 42 a group has 3 workers,
    and never fewer than 2."""
    monkeypatch.setattr(neighbourhoods, "STEP_PAIRS", 42)
    assert search_over(region(40)).group_size == 3
    monkeypatch.setattr(neighbourhoods, "STEP_PAIRS", 1)
    assert search_over(region(40)).group_size == 2


def test_a_windowed_step_moves_only_shifts_near_its_day() -> None:
    """``w1`` may work one shift a week and holds D2 (priority 3); D0 (priority 5) is open.
    Free to move anything, the step takes D0 for a better fill; in a window of day 0
    +-1, D2 stays fixed in the model, so nothing better exists and the roster stands."""
    s = generic_scenario(shifts=[day_shift(0, priority=5), day_shift(2, priority=3)],
                         workers=[worker("w1", contract={"max_shifts_per_week": 1})])
    timeline = Timeline.of(s)
    ctx = EligibilityContext(s, timeline)
    search = NeighbourhoodSearch(s, timeline, ctx, eligible_workers(ctx), set(),
                                 neighbourhoods.lexicographic_weights({5: 1, 3: 1}), workers=1)
    held = {("w1", "D2")}
    assert timeline.shifts["D0"].week == timeline.shifts["D2"].week
    day0 = timeline.shifts["D0"].start_date
    deadline = time.monotonic() + 10
    window = (day0 - timedelta(days=1), day0 + timedelta(days=1))
    assert search._step(held, {"w1"}, deadline, soft=False, window=window) == held
    assert search._step(held, {"w1"}, deadline, soft=False) == {("w1", "D0")}


@pytest.mark.parametrize(("work_rules", "windowed"), [
    ({}, True),
    ({"max_consecutive_days": 5}, True),  # a run is local: a window sees it
    ({"max_total_minutes": 4800}, False),  # totals over the horizon trade work across it
    ({"max_weekends": 1}, False),
    ({"max_shifts_by_label": {"D": 3}}, False),
])
def test_fill_steps_are_windowed_unless_a_rule_spans_the_horizon(work_rules: dict[str, object],
                                                                 windowed: bool) -> None:
    assert search_over(generic_scenario(work_rules=work_rules)).windowed is windowed


def test_filling_stops_at_a_level_filled_to_its_proven_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two open shifts no roster can fill (the bound says so): no step is tried."""
    search = search_over(generic_scenario([0, 1, 2], workers=[worker("w1", work_rules={"max_total_minutes": 480})]))
    steps: list[object] = []
    monkeypatch.setattr(search, "_step", lambda roster, *args, **kwargs: steps.append(args) or roster)
    search.level_bounds = {3: 1}
    roster = {("w1", "D0")}
    assert search.improve_fill(roster, time.monotonic() + 5) == roster
    assert steps == []
    search.level_bounds = {3: 2}  # room left: the search does try
    search.improve_fill(roster, time.monotonic() + 0.5)
    assert steps


def test_filling_goes_on_past_its_share_of_the_time_while_it_still_gains(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the deadline, three steps that each fill more, then none: the search stops
    ``FILL_GAIN_PATIENCE`` rounds (one step each here) after the last gain, long before
    ``extend_until``."""
    search = search_over(generic_scenario([0, 1, 2], workers=[worker("w1", work_rules={"max_total_minutes": 480})]))
    steps: list[object] = []

    def step(roster: set, *args: object, **kwargs: object) -> set:
        steps.append(args)
        return set(roster) if len(steps) <= 3 else roster  # a new roster: a better one

    monkeypatch.setattr(search, "_step", step)
    now = time.monotonic()
    search.improve_fill({("w1", "D0")}, now - 1, extend_until=now + 30)
    assert len(steps) == 3 + neighbourhoods.FILL_GAIN_PATIENCE
    assert time.monotonic() < now + 5


def test_filling_stops_at_its_deadline_without_room_to_go_on(monkeypatch: pytest.MonkeyPatch) -> None:
    search = search_over(generic_scenario([0, 1, 2], workers=[worker("w1", work_rules={"max_total_minutes": 480})]))
    steps: list[object] = []
    monkeypatch.setattr(search, "_step", lambda roster, *args, **kwargs: steps.append(args) or set(roster))
    search.improve_fill({("w1", "D0")}, time.monotonic() - 1)
    assert steps == []


def test_a_step_is_merged_unless_a_step_merged_since_it_began_changed_its_shifts() -> None:
    """Steps on ``a`` and on ``b`` both begin on the same roster; ``a``'s ends first and
    moves to D2. ``b``'s move to D3 is merged too; had it taken D2 as well, it would
    have been dropped, D2's place having changed since it began."""
    search = search_over(generic_scenario([0, 1, 2, 3], workers=[worker("a"), worker("b")]))
    roster = {("a", "D0"), ("b", "D1")}
    merged: list[set[str]] = []
    on_a, on_b = _Launch({"a"}, base=roster), _Launch({"b"}, base=roster)
    after_a = search._merge_step(roster, on_a, {("a", "D2"), ("b", "D1")}, merged)
    assert after_a == {("a", "D2"), ("b", "D1")}
    assert search._merge_step(after_a, on_b, {("a", "D0"), ("b", "D3")}, list(merged)) == {("a", "D2"), ("b", "D3")}
    assert search._merge_step(after_a, on_b, {("a", "D0"), ("b", "D2")}, merged) is after_a
    assert search._merge_step(after_a, on_b, roster, merged) is after_a  # the step found nothing


def test_a_lane_starts_its_next_step_as_soon_as_its_last_one_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two lanes: while one step searches for 0.6 s, the other lane goes on with
    quick steps, each on one CP-SAT worker, instead of waiting for the slow one."""
    search = search_over(region(48))
    assert search.lanes == 2
    log: list[tuple[str, float, float, int | None]] = []
    first = True

    def step(roster: set, group: set, deadline: float, **kwargs: object) -> set:
        nonlocal first
        slow, first = first, False
        began = time.monotonic()
        time.sleep(0.6 if slow else 0.05)
        log.append(("slow" if slow else "quick", began, time.monotonic(), kwargs.get("workers")))
        return roster

    monkeypatch.setattr(search, "_step", step)
    search.improve_wishes(set(), time.monotonic() + 0.8)
    slow = next(entry for entry in log if entry[0] == "slow")
    during = [entry for entry in log if entry[0] == "quick" and slow[1] <= entry[1] and entry[2] <= slow[2]]
    assert len(during) >= 3
    assert {entry[3] for entry in log} == {1}


def test_wishes_are_searched_in_two_groups_side_by_side(monkeypatch: pytest.MonkeyPatch) -> None:
    """Twelve workers hold one shift each and each wants their neighbour's: with two
    CP-SAT threads, two disjoint groups of six are re-rostered at once, one thread
    each, until every pair has swapped."""
    wants = {i: i + 1 if i % 2 == 0 else i - 1 for i in range(12)}
    s = generic_scenario(list(range(12)), workers=[worker(f"w{i}", preferences={"shifts": {f"D{wants[i]}": 10}})
                                                   for i in range(12)])
    timeline = Timeline.of(s)
    ctx = EligibilityContext(s, timeline)
    search = NeighbourhoodSearch(s, timeline, ctx, eligible_workers(ctx), set(), {3: 1}, workers=2)
    threads: list[int | None] = []
    step = search._step
    monkeypatch.setattr(search, "_step", lambda *args, **kwargs: threads.append(kwargs.get("workers"))
                        or step(*args, **kwargs))
    held = {(f"w{i}", f"D{i}") for i in range(12)}
    swapped = {(f"w{i}", f"D{wants[i]}") for i in range(12)}
    deadline = time.monotonic() + 20
    roster = held
    while roster != swapped and time.monotonic() < deadline:
        roster = search.improve_wishes(roster, min(deadline, time.monotonic() + 1))
    assert roster == swapped
    assert threads and set(threads) == {1}


@pytest.mark.parametrize(("open_days", "second"), [((0, 7), True), ((0, 2), False)])
def test_a_second_lanes_fill_group_is_disjoint_around_an_open_shift_apart(open_days: tuple[int, int],
                                                                          second: bool) -> None:
    """Twelve workers make groups of six, two lanes: while one lane works around an
    open shift, the other's group is around an open shift more than two windows away,
    with none of the first group's workers."""
    search = search_over(generic_scenario(list(open_days), workers=[worker(f"w{i}") for i in range(12)]))
    assert search.lanes == 2
    open_places = {f"D{d}": 1 for d in open_days}
    first = search._fill_group({"D0": 1}, set(), set(), [])
    assert first is not None
    group, day = first
    assert len(group) == 6 and day == search.timeline.shifts["D0"].start_date
    other = search._fill_group(open_places, set(), group, [day])
    if not second:
        assert other is None
        return
    assert other is not None
    assert not other[0] & group and len(other[0]) == 6
    assert (other[1] - day).days > 2 * FILL_WINDOW


def test_fill_groups_grow_while_steps_are_proven_and_shrink_when_not() -> None:
    """A round of steps all proven optimal makes the next fill group a quarter larger;
    a round with one step cut off by its time makes it smaller; never below six
    workers nor above what the region holds per lane."""
    search = search_over(region(120))
    assert search.fill_size == search.group_size == 24

    def round_of(*proven: bool) -> int:
        search._fill_proofs[:] = proven
        search._adapt_fill_size()
        return search.fill_size

    assert round_of(True, True) == 30
    assert round_of(True, False) == 24
    assert round_of() == 24  # no fill step in the round: nothing learnt
    for _ in range(20):
        round_of(False)
    assert search.fill_size == neighbourhoods.MIN_GROUP_WORKERS
    for _ in range(40):
        round_of(True)
    assert search.fill_size == search.max_fill_size == 120 // search.lanes


def test_a_windowed_fill_group_may_hold_more_workers_than_the_pairs_of_a_whole_horizon_allow(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each worker brings 14 candidate pairs over the horizon, 3 of them in a fill
    step's window: room for 42 pairs is 3 workers over the horizon, 14 in a window."""
    monkeypatch.setattr(neighbourhoods, "STEP_PAIRS", 42)
    windowed = search_over(region(40))
    assert windowed.windowed and windowed.group_size == 3
    assert windowed.max_fill_size == 14
    whole = search_over(generic_scenario(workers=[worker(f"w{i}", work_rules={"max_total_minutes": 4800})
                                                  for i in range(40)]))
    assert not whole.windowed and whole.max_fill_size == whole.group_size == 3


def test_whole_horizon_fill_groups_keep_their_size() -> None:
    search = search_over(generic_scenario(workers=[worker(f"w{i}", work_rules={"max_total_minutes": 4800})
                                                   for i in range(120)]))
    for proven in (True, False, False):
        search._fill_proofs[:] = [proven]
        search._adapt_fill_size()
        assert search.fill_size == search.group_size


def test_a_fill_step_records_whether_it_was_proven() -> None:
    search = search_over(generic_scenario([0]))
    search.weights = {3: 1}
    assert search._step(set(), {"w1"}, time.monotonic() + 10, soft=False) == {("w1", "D0")}
    assert search._fill_proofs == [True]


def test_wishes_groups_grow_after_a_proven_step_and_shrink_after_one_that_found_nothing() -> None:
    """A step proven optimal adds a worker to the next wishes group, a step that found
    no roster in its full time takes one away, an unproven step that found one keeps
    the size; never below six workers nor above twice the group or the region per lane."""
    search = search_over(region(120))
    assert search.wish_size == search.group_size == 24
    assert search.max_wish_size == 2 * search.group_size == 48  # 120 workers, 60 per lane

    def after(*statuses: str) -> int:
        search._wish_outcomes[:] = statuses
        search._adapt_wish_size()
        return search.wish_size

    assert after("OPTIMAL", "OPTIMAL") == 26
    assert after("UNKNOWN") == 25
    assert after("FEASIBLE", "FEASIBLE") == 25
    assert after("OPTIMAL", "UNKNOWN") == 25
    assert not search._wish_outcomes
    for _ in range(40):
        after("UNKNOWN")
    assert search.wish_size == neighbourhoods.MIN_GROUP_WORKERS
    for _ in range(200):
        after("OPTIMAL")
    assert search.wish_size == search.max_wish_size


def test_a_wishes_step_records_its_outcome_only_when_it_had_its_full_time() -> None:
    """The group is judged by what its model allowed, not by a deadline that cut it short."""
    search = search_over(generic_scenario([0], workers=[worker("w1", preferences={"shifts": {"D0": 10}})]))
    search._step({("w1", "D0")}, {"w1"}, time.monotonic() + 10, soft=True)
    assert search._wish_outcomes == ["OPTIMAL"]
    search._wish_outcomes.clear()
    search._step({("w1", "D0")}, {"w1"}, time.monotonic() + 0.5, soft=True)
    assert search._wish_outcomes == []


def test_outcomes_are_taken_without_losing_one_appended_later() -> None:
    """A lane's thread appends a step's outcome while the main thread reads them: what
    was read is removed, and what comes after stays for the next reading."""
    outcomes = ["OPTIMAL", "UNKNOWN"]
    assert neighbourhoods._taken(outcomes) == ["OPTIMAL", "UNKNOWN"]
    assert outcomes == []
    outcomes.append("FEASIBLE")
    assert neighbourhoods._taken(outcomes) == ["FEASIBLE"]
    assert neighbourhoods._taken(outcomes) == []


def wishing_region(wishes: dict[str, dict[str, int]], workers: int = 12, days: int = 7) -> NeighbourhoodSearch:
    """``workers`` workers w0, w1, ... over daily shifts D0..D<days-1>; ``wishes`` are
    their ``preferences.shifts`` (positive: wanted, negative: not wanted)."""
    return search_over(generic_scenario(
        list(range(days)), weights={"shift_wish": 10, "load_balance": 1},
        workers=[worker(f"w{i}", preferences={"shifts": wishes.get(f"w{i}", {})}) for i in range(workers)]))


def test_a_pairs_own_cost_is_its_wish_and_nothing_of_the_load_balance() -> None:
    """w0 wants D1 (3 points) and not D2 (2 points), at 10 a point; the load balance (the
    square of a worker's count) belongs to no single pair, so D0 costs w0 nothing."""
    search = wishing_region({"w0": {"D1": 3, "D2": -2}}, workers=1, days=3)
    assert search._pair_costs(["w0"]) == {("w0", "D1"): -30, ("w0", "D2"): 20}


def test_pair_coefficients_say_whether_they_are_the_whole_objective() -> None:
    """Wishes alone are linear in the pairs; the load balance (a square) is not, so
    its part is left out of the coefficients and the reading says so."""
    for load_balance, linear in ((0, True), (1, False)):
        s = generic_scenario([0, 1], weights={"shift_wish": 10, "load_balance": load_balance},
                             workers=[worker("w0", preferences={"shifts": {"D1": 3}})])
        search = search_over(s)
        v = Variables.build(cp_model.CpModel(), s, search.timeline, search.eligibility, search.eligible)
        offset, coefficients, whole = pair_coefficients(v, [t.expr for t in soft_terms(v)])
        assert (offset, coefficients, whole) == (0.0, {("w0", "D1"): -30}, linear)


def test_pair_costs_read_in_batches_are_those_read_over_the_whole_region(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each worker brings 7 pairs; with room for 14 a batch holds two workers, and the
    batches together read the same costs as one model over every pair."""
    monkeypatch.setattr(neighbourhoods, "COST_BATCH_PAIRS", 14)
    search = wishing_region({f"w{i}": {f"D{i % 7}": i + 1, f"D{(i + 3) % 7}": -i} for i in range(6)}, workers=6)
    uncosted = list(search.worker_ids)
    batches = []
    costs: dict[tuple[str, str], float] = {}
    while uncosted:
        batches.append(search._cost_batch(uncosted))
        costs.update(search._pair_costs(batches[-1]))
    assert [len(b) for b in batches] == [2, 2, 2]
    assert costs == search._pair_costs(search.worker_ids) and len(costs) == 11  # (w0 wishes D3 by 0)


def roster_of_one_shift_each() -> set[tuple[str, str]]:
    """w0..w6 hold D0..D6, one each; w7..w11 hold nothing."""
    return {(f"w{i}", f"D{i}") for i in range(7)}


def test_a_targeted_group_holds_the_worker_and_whoever_holds_the_shift_it_wants() -> None:
    """w0 wants D3, which w3 holds: the only day that costs more than it could, so the
    group forms around w0's day 3, holds w3, and moves only shifts of days 2-4."""
    search = wishing_region({"w0": {"D3": 5}})
    launched = search._target_group(roster_of_one_shift_each(), set(), search._pair_costs(search.worker_ids),
                                    defaultdict(int))
    assert launched is not None
    day3 = search.timeline.shifts["D3"].start_date
    assert launched.target == ("w0", day3)
    assert {"w0", "w3"} <= launched.group
    assert launched.window == (day3 - timedelta(days=1), day3 + timedelta(days=1))


def test_a_shift_held_against_a_wish_is_a_target_and_a_wish_met_is_not() -> None:
    """w2 holds D2 and wishes not to work it: a target. w5 holds D5, which it wants: none."""
    search = wishing_region({"w2": {"D2": -4}, "w5": {"D5": 4}})
    launched = search._target_group(roster_of_one_shift_each(), set(), search._pair_costs(search.worker_ids),
                                    defaultdict(int))
    assert launched is not None and launched.target == ("w2", search.timeline.shifts["D2"].start_date)


def test_a_day_is_no_target_after_fruitless_steps_nor_while_its_shift_is_busy_elsewhere() -> None:
    """w0's day 3 stops being a target after ``TARGET_TRIES`` steps around it gained
    nothing, and waits while w3, who holds D3, is in a running step."""
    search = wishing_region({"w0": {"D3": 5}})
    roster, costs = roster_of_one_shift_each(), search._pair_costs(search.worker_ids)
    day3 = search.timeline.shifts["D3"].start_date
    fruitless: defaultdict[tuple[str, object], int] = defaultdict(int)
    fruitless["w0", day3] = neighbourhoods.TARGET_TRIES - 1
    assert search._target_group(roster, set(), costs, fruitless) is not None
    assert search._target_group(roster, {"w3"}, costs, fruitless) is None
    fruitless["w0", day3] += 1
    assert search._target_group(roster, set(), costs, fruitless) is None


def test_targeted_steps_give_each_worker_the_shift_it_wants() -> None:
    """Seven workers hold a shift each and each wants the next one's (w6 wants D0): the
    wishes search, its groups formed around those days, ends with every wish met."""
    search = wishing_region({f"w{i}": {f"D{(i + 1) % 7}": 5} for i in range(7)}, workers=7)
    wanted = {(f"w{i}", f"D{(i + 1) % 7}") for i in range(7)}
    roster = roster_of_one_shift_each()
    deadline = time.monotonic() + 20
    while roster != wanted and time.monotonic() < deadline:
        roster = search.improve_wishes(roster, min(deadline, time.monotonic() + 1))
    assert roster == wanted
