"""Branch-and-price: a dive that backtracks, so it can prove a roster optimal.

A dive (:meth:`ColumnGeneration.dive`) forces shifts onto workers and never takes a
decision back: once its LP has forced itself into a corner it ends there. This search
takes each decision both ways (Barnhart, Johnson, Nemhauser, Savelsbergh and Vance,
*Branch-and-price: column generation for solving huge integer programs*, Operations
Research 46(3), 1998; for rostering, Burke & Curtois, *New approaches to nurse
rostering benchmark instances*, EJOR 237(1), 2014):

- a **node** is a set of shifts forced onto workers and a set forbidden to them; its
  master LP is priced until no pattern holding the forced shifts and none of the
  forbidden prices out (:meth:`ColumnGeneration.generate`), and is *pruned* as soon as
  Lasdon's bound proves every roster under it costs more than the target;
- a node whose LP gives each worker one whole pattern is a roster;
- otherwise it **branches** on the (worker, shift) pair whose share in the LP is
  nearest one half: the shift forced, and the shift forbidden, the side the LP leans
  to first (depth first).

A roster's master cost is a whole number, so each tree looks for one of cost
``target`` or less: first one above the LP's bound rounded up, then, once it holds a
roster there, at the bound itself. A tree searched whole without a roster raises the
bound past its target, so a roster at the bound is proven the cheapest. A tight
target prunes far more nodes than the roster in hand would (Curtois Instance6,
``/tmp`` drivers, 60 s: trees pruned at one below the roster in hand found no roster
of 1,950 in 410 and 359 nodes, seeds 1 and 2; with targets from the bound up, seed 1
was proven optimal at 1,950 in 14 nodes and 2.2 s; starting one above the bound, the
engine proved it in 16 and 47 nodes, seeds 0 and 2, where from the bound up seed 0
had not in 82).

Depth first, a tree's time to a roster is heavy-tailed: one path the LP leads down
finds it in a few nodes, another wanders for hundreds (Curtois Instance7, ``/tmp``
driver, 25 s: 1,056 in 17 nodes with one pool of patterns, none in 257 with
another). So each search **restarts** after ``RESTART_NODES`` times the next Luby
number of nodes (Gomes, Selman and Kautz, *Boosting combinatorial search through
randomization*, AAAI 1998), from the patterns it priced so far and, after the first,
with the branching pair chosen with a little noise (``BRANCH_NOISE``). A refutation
only counts when a search ends whole, and Luby's limits grow without bound, so a
small tree is still searched whole. Whole solves (``/tmp``, 60 s, seeds 0-5):
Instance6 reached its optimum, 1,950, in 6 of 6 runs, 5 of them proven (whole
solves of 4.2-8.4 s), where without restarts 2 of 7 runs reached it; Instance7 gave
1,057-1,065, as before (1,057-1,062), with the tree at 0.3 of the dives' time (all
of it since: :meth:`ColumnGeneration.dive`).
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from solver.master_lp import INTEGRAL_EPS, whole_bound
from solver.space import Pair

if TYPE_CHECKING:
    from solver.columns import ColumnGeneration

COST_EPS = 1e-6  # a node's LP this close above the target still holds a roster at it (GLOP's tolerance)
TARGET_ABOVE_BOUND = 1  # the first target: this far above the LP's bound (rounded up), then down to it
RESTART_NODES = 32  # a search's first node limit; each restart's is this times the next Luby number
BRANCH_NOISE = 0.2  # after the first search, added at random to how far a pair's share is from one half


@dataclass(frozen=True)
class _Node:
    forced: dict[str, frozenset[str]]
    forbidden: dict[str, frozenset[str]]

    def with_shift(self, worker: str, shift: str, forced: bool) -> _Node:
        side = self.forced if forced else self.forbidden
        grown = {**side, worker: side.get(worker, frozenset()) | {shift}}
        return _Node(grown, self.forbidden) if forced else _Node(self.forced, grown)


@dataclass(frozen=True)
class TreeResult:
    """The cheapest roster the search knows (the one it was given, unless it found a
    cheaper), its master cost, whether that cost is proven least, and the nodes
    searched."""

    roster: set[Pair]
    cost: int
    optimal: bool
    nodes: int


def branch_and_price(columns: ColumnGeneration, roster: set[Pair], cost: int, deadline: float) -> TreeResult:
    """Search for a roster cheaper than ``roster`` (of master cost ``cost``) by
    branch-and-price with a rising target, until one is proven optimal or the
    ``deadline``. ``columns`` must not be diving; its patterns grow on the way."""
    root = columns.generate(deadline)
    if root is None or columns.lp_bound is None or time.monotonic() >= deadline:
        return TreeResult(roster, cost, False, 0)  # a root LP not converged proves nothing
    least = whole_bound(columns.lp_bound)  # no roster costs less
    nodes = searches = 0
    jitter = random.Random(columns.seed)
    while cost > least and time.monotonic() < deadline:
        target = min(least + TARGET_ABOVE_BOUND, cost - 1)
        searches += 1
        found, searched_whole, searched = _search(columns, target, deadline, RESTART_NODES * _luby(searches),
                                                  jitter if searches > 1 else None)
        nodes += searched
        if found is not None:
            roster, cost = found
        elif searched_whole:
            least = target + 1
    return TreeResult(roster, cost, cost <= least, nodes)


def _noise(jitter: random.Random | None) -> float:
    """Up to ``BRANCH_NOISE`` at random with a ``jitter``, else nothing."""
    return 0.0 if jitter is None else BRANCH_NOISE * jitter.random()


def _luby(i: int) -> int:
    """The ``i``-th number (from 1) of Luby, Sinclair and Zuckerman's restart sequence
    1, 1, 2, 1, 1, 2, 4, 1, 1, 2, ... (*Optimal speedup of Las Vegas algorithms*,
    Information Processing Letters 47(4), 1993): a run of ``2^k - 1`` ends in
    ``2^(k-1)`` and repeats the run before it twice ahead of that."""
    k = i.bit_length()  # 2^(k-1) <= i < 2^k
    if i == (1 << k) - 1:
        return 1 << (k - 1)
    return _luby(i - (1 << (k - 1)) + 1)


def _search(columns: ColumnGeneration, target: int, deadline: float, node_limit: float = math.inf,
            jitter: random.Random | None = None) -> tuple[tuple[set[Pair], int] | None, bool, int]:
    """Depth first, the nodes whose LP can hold a roster of master cost ``target`` or
    less, until ``node_limit`` nodes: the first such roster found (with its cost),
    whether the tree was searched whole without finding one, and the nodes searched.
    With ``jitter``, each pair's distance from one half is raised by up to
    ``BRANCH_NOISE`` at random when the branching pair is chosen."""
    cutoff = target + COST_EPS  # a node whose bound is above the target holds no roster at it
    stack = [_Node({}, {})]
    nodes = 0
    try:
        while stack:
            if time.monotonic() >= deadline or nodes >= node_limit:
                return None, False, nodes
            node = stack.pop()
            columns.forced, columns.forbidden = dict(node.forced), dict(node.forbidden)
            nodes += 1
            master = columns.generate(deadline, cutoff=cutoff)
            if time.monotonic() >= deadline:
                return None, False, nodes
            if master is None or master.value >= cutoff:
                continue  # pruned (or GLOP found no optimum here: nothing to learn below it)
            held = columns.held(master)
            branch = min((pair for pair, share in held.items() if INTEGRAL_EPS < share < 1 - INTEGRAL_EPS),
                         key=lambda pair: (abs(held[pair] - 0.5) + _noise(jitter), pair), default=None)
            if branch is None:
                found = {pair for pair, share in held.items() if share > 0.5}
                found_cost = columns.cost(found)
                if found_cost is not None and found_cost <= target:
                    return (found, found_cost), False, nodes
                continue
            worker, shift = branch
            leaning = held[branch] >= 0.5
            stack.append(node.with_shift(worker, shift, forced=not leaning))
            stack.append(node.with_shift(worker, shift, forced=leaning))
        return None, True, nodes
    finally:
        columns.forced, columns.forbidden = {}, {}

