"""Branch-and-price (solver/branch_and_price.py): a search that proves the roster it
returns the cheapest, or keeps the one it was given."""

from __future__ import annotations

import itertools
import math
import random
import time

import pytest

from flexpool.checker import check
from solver import branch_and_price as tree
from solver import solve
from solver.branch_and_price import _luby, _search, branch_and_price
from solver.columns import ColumnGeneration
from tests.solver.checked import CONFIG
from tests.solver.test_columns import as_roster, columns_for, two_workers

Searched = tuple[tuple[set[tuple[str, str]], int] | None, bool, int]  # what one search returns
WISHFUL = {"shifts": {"D3": 2}}  # w2 wishes for D3 (two_workers: w1 may work two shifts, w2 one)


def cheapest_by_enumeration(columns: ColumnGeneration) -> int:
    """The least master cost over every roster of every worker's legal shift sets."""
    shift_ids = sorted(columns.shifts)
    options = []
    for worker in sorted(columns.patterns):
        subsets = (frozenset(c) for k in range(len(shift_ids) + 1) for c in itertools.combinations(shift_ids, k))
        options.append([(worker, subset) for subset in subsets
                        if columns.cost({(worker, s) for s in subset}) is not None])
    costs = (columns.cost({(w, s) for w, subset in combo for s in subset}) for combo in itertools.product(*options))
    return min(c for c in costs if c is not None)


def started(roster: set[tuple[str, str]]) -> ColumnGeneration:
    columns = columns_for(two_workers(preferences=WISHFUL))
    columns.add_roster(roster)
    return columns


def test_from_a_dear_roster_the_search_proves_the_cheapest() -> None:
    dear = {("w1", "D3"), ("w2", "D0")}  # legal, two places open and the wish missed
    columns = started(dear)
    dear_cost = columns.cost(dear)
    assert dear_cost is not None
    result = branch_and_price(columns, dear, dear_cost, time.monotonic() + 30)
    assert result.optimal
    assert result.cost == cheapest_by_enumeration(columns) < dear_cost
    assert result.cost == columns.cost(result.roster)
    assert check(columns.scenario, as_roster(result.roster)).legal


def test_searches_cut_short_are_restarted_with_growing_limits_until_one_proves(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[float, bool]] = []
    real_search = tree._search

    def cut_short_three_times(columns: ColumnGeneration, target: int, deadline: float,
                              node_limit: float = math.inf, jitter: random.Random | None = None) -> Searched:
        calls.append((node_limit, jitter is not None))
        if len(calls) <= 3:  # as if each ran out of nodes: no roster, nothing refuted
            return None, False, int(node_limit)
        return real_search(columns, target, deadline, node_limit, jitter)

    monkeypatch.setattr(tree, "_search", cut_short_three_times)
    dear = {("w1", "D3"), ("w2", "D0")}
    columns = started(dear)
    dear_cost = columns.cost(dear)
    assert dear_cost is not None
    result = branch_and_price(columns, dear, dear_cost, time.monotonic() + 30)
    assert result.optimal
    assert result.cost == cheapest_by_enumeration(columns)
    limits = [limit for limit, _ in calls]
    assert limits[:4] == [tree.RESTART_NODES * n for n in (1, 1, 2, 1)]
    assert [jittered for _, jittered in calls[:2]] == [False, True]  # the first search follows the LP alone


def test_a_search_stops_at_its_node_limit_without_claiming_a_refutation() -> None:
    columns = started(set())
    assert columns.generate(time.monotonic() + 30) is not None and columns.lp_bound is not None
    assert _search(columns, math.ceil(columns.lp_bound) - 1, time.monotonic() + 30, node_limit=0) == (None, False, 0)


def test_restart_limits_follow_the_luby_sequence() -> None:
    assert [_luby(i) for i in range(1, 16)] == [1, 1, 2, 1, 1, 2, 4, 1, 1, 2, 1, 1, 2, 4, 8]


def test_a_target_below_the_lp_bound_is_refuted_at_the_root() -> None:
    columns = started(set())
    assert columns.generate(time.monotonic() + 30) is not None and columns.lp_bound is not None
    found, searched_whole, nodes = _search(columns, math.ceil(columns.lp_bound) - 1, time.monotonic() + 30)
    assert (found, searched_whole, nodes) == (None, True, 1)
    assert not columns.forced and not columns.forbidden  # the tree leaves nothing restricted


def test_past_its_deadline_the_search_keeps_the_roster_it_was_given() -> None:
    dear = {("w1", "D3"), ("w2", "D0")}
    columns = started(dear)
    dear_cost = columns.cost(dear)
    assert dear_cost is not None
    result = branch_and_price(columns, dear, dear_cost, time.monotonic() - 1)
    assert (result.roster, result.cost, result.optimal, result.nodes) == (dear, dear_cost, False, 0)


def test_every_pattern_priced_for_a_worker_avoids_the_shifts_forbidden_to_it() -> None:
    columns = started(set())
    master = columns._solve_master_lp(time.monotonic() + 60)
    assert master is not None
    dual = master.worker_duals["w2"]
    free, _, _ = columns._price_forced("w2", master.prices, dual, time.monotonic() + 10, 1.0)
    assert any("D3" in p.shifts for p in free)
    columns.forbidden = {"w2": frozenset({"D3"})}
    found, exact, _ = columns._price_forced("w2", master.prices, dual, time.monotonic() + 10, 1.0)
    assert found and exact
    assert all("D3" not in p.shifts for p in found)
    assert all("D3" not in columns.patterns["w2"][i].shifts for i in columns._allowed("w2"))


def test_a_roster_proven_cheapest_needs_no_wishes_stage() -> None:
    result = solve(two_workers(preferences=WISHFUL), CONFIG)
    wishes = next(st for st in result.stages if st["stage"] == "patterns: wishes")
    assert wishes["status"] == "OPTIMAL" and wishes["proof"] == "branch-and-price"
    assert not any(st["stage"] == "preferences" for st in result.stages)
    assert result.roster.status == "optimal"
    assert ("w2", "D3") in {(a.worker, a.shift) for a in result.roster.assignments}
