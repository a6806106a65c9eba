"""The master LP of column generation (:mod:`solver.columns`), kept between rounds.

Each round of column generation adds a few patterns to a master that is otherwise
unchanged, and a dive only takes patterns out of play. Rebuilding the LP every
round made GLOP start from scratch: on Curtois Instance12 (60 workers, 3,300
patterns) the master took 0.26 s a round, more than all the workers' pricing
together once that was a labelling programme. Here the LP is built once; a new
pattern is a new column, the patterns a dive rules out (a fixed worker's others,
those without a shift forced on their worker) get an upper bound of 0, and GLOP
starts from the last basis (presolve off, which would hide it).

The LP (Dantzig-Wolfe master):

- a **cover row** per shift: the patterns' places, plus its open places (paid at
  ``fill_weight``), minus its places beyond the headcount (paid at ``over_cost``),
  equal the headcount;
- a **choice row** per worker: the worker's pattern shares sum to 1. An artificial
  column, dearer than any roster, keeps it feasible while the worker has no pattern
  (counting open places only, it stays: see ``bounded``);
- **cap rows** (optional) keep a level's open places within a cap, breakable at a
  cost above leaving every place open.

GLOP warm-started in place can end ABNORMAL and stay so on every later solve, while
the same LP loaded afresh solves at once: on Curtois Instance12's wishes' dive
(60 workers, 7,246 columns) it happened in 3 of 3 runs (``/tmp`` driver, seeds 0,
2, 3), each time a few steps into the dive, which then ended without a roster;
loaded afresh with the dual simplex the LP solved in each. So a failed solve loads
the LP afresh (:meth:`MasterLP.solve`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from ortools.linear_solver import linear_solver_pb2, pywraplp

INTEGRAL_EPS = 1e-6
BOUND_EPS = 1e-4  # a bound this close above an integer rounds down to it (GLOP's and CP-SAT's float tolerances)
GLOP_PARAMETERS = "use_preprocessing: false"  # presolve would rebuild the problem and drop the basis
FRESH_GLOP_PARAMETERS = ("use_preprocessing: false use_dual_simplex: true",  # an LP loaded afresh, in turn
                         "use_dual_simplex: true")


@dataclass(frozen=True)
class MasterSolution:
    """A solved master LP: prices of the places, each worker's dual, its value, and
    the share of every pattern in use (``(worker, index)``, the index in the order
    the worker's patterns were added)."""

    prices: dict[str, float]
    worker_duals: dict[str, float]
    value: float
    shares: dict[tuple[str, int], float]


class MasterLP:
    """The master LP, built once, its patterns added as columns.

    ``bounded``: a pattern's share is at most 1 and a worker's artificial column goes
    once the worker has a pattern (with the wishes). Counting open places only, shares
    are unbounded above and the artificial stays: a bound's dual would hide from the
    prices what a pattern at 1 is worth, and Lasdon's bound needs the prices whole;
    the artificial keeps the LP feasible when no known patterns fit together.
    """

    def __init__(self, *, heads: dict[str, int], extra: dict[str, int], fill_weight: dict[str, int],
                 over_cost: dict[str, int], priority: dict[str, int], workers: list[str],
                 open_caps: dict[int, int], no_pattern_cost: float, bounded: bool) -> None:
        self._lp = lp = pywraplp.Solver.CreateSolver("GLOP")
        lp.SetSolverSpecificParametersAsString(GLOP_PARAMETERS)
        self._bounded = bounded
        self._objective = objective = lp.Objective()
        objective.SetMinimization()
        self._cover = {sid: lp.Constraint(heads[sid], heads[sid], f"cover[{sid}]") for sid in heads}
        self._open: dict[int, list[pywraplp.Variable]] = {}  # level -> its shifts' open places
        self._breach_cost = 1 + sum(w * heads[sid] for sid, w in fill_weight.items())
        self._caps: dict[int, pywraplp.Constraint] = {}  # level -> the row capping its open places
        for sid, row in self._cover.items():
            if heads[sid]:
                open_var = lp.NumVar(0, heads[sid], f"open[{sid}]")
                row.SetCoefficient(open_var, 1)
                objective.SetCoefficient(open_var, fill_weight.get(sid, 0))
                self._open.setdefault(priority[sid], []).append(open_var)
            if extra[sid]:
                over = lp.NumVar(0, extra[sid], f"over[{sid}]")
                row.SetCoefficient(over, -1)
                objective.SetCoefficient(over, over_cost[sid])
        self._choice: dict[str, pywraplp.Constraint] = {}
        self._artificial: dict[str, pywraplp.Variable] = {}
        for worker in workers:
            self._choice[worker] = lp.Constraint(1, 1, f"one[{worker}]")
            artificial = lp.NumVar(0, 1 if bounded else lp.infinity(), f"none[{worker}]")
            self._choice[worker].SetCoefficient(artificial, 1)
            objective.SetCoefficient(artificial, no_pattern_cost)
            self._artificial[worker] = artificial
        self._columns: dict[str, list[pywraplp.Variable]] = {w: [] for w in workers}  # a worker's patterns in order
        self._restricted: dict[str, frozenset[int]] = {}  # worker -> the pattern indices left in play
        self.cap_open(open_caps)

    def cap_open(self, open_caps: dict[int, int]) -> None:
        """Rows keeping each capped level's open places within its cap, breakable at
        a cost above leaving every place open, so the LP stays feasible before
        patterns that meet it are known (Lasdon's bound then bounds the open places
        plus that cost; a roster within the caps pays none). Patterns take no part in
        these rows. A level capped again keeps the lower cap."""
        lp = self._lp
        for level, cap in open_caps.items():
            if level in self._caps:
                self._caps[level].SetUb(min(self._caps[level].ub(), cap))
                continue
            row = self._caps[level] = lp.Constraint(-lp.infinity(), cap, f"open_cap[{level}]")
            breach = lp.NumVar(0, lp.infinity(), f"open_cap_breach[{level}]")
            row.SetCoefficient(breach, -1)
            self._objective.SetCoefficient(breach, self._breach_cost)
            for open_var in self._open.get(level, []):
                row.SetCoefficient(open_var, 1)

    def add(self, worker: str, shifts: frozenset[str], penalty: int) -> None:
        """A worker's new pattern, as the next column of the worker."""
        columns = self._columns[worker]
        lam = self._lp.NumVar(0, self._upper(), f"lam[{worker},{len(columns)}]")
        self._choice[worker].SetCoefficient(lam, 1)
        self._objective.SetCoefficient(lam, penalty)
        for sid in shifts:
            self._cover[sid].SetCoefficient(lam, 1)
        columns.append(lam)
        if worker in self._restricted:
            lam.SetUb(0)
        if self._bounded:
            self._artificial[worker].SetUb(0)

    def _upper(self) -> float:
        return 1 if self._bounded else self._lp.infinity()

    def restrict(self, allowed: dict[str, frozenset[int]]) -> None:
        """Keep only patterns ``allowed[worker]`` of each worker in ``allowed`` in play
        (a new pattern of such a worker is out of play until allowed); every other
        worker's patterns all."""
        for worker in [w for w in self._restricted if w not in allowed]:
            for lam in self._columns[worker]:
                lam.SetUb(self._upper())
            del self._restricted[worker]
        for worker, keep in allowed.items():
            if self._restricted.get(worker) != keep:
                for i, lam in enumerate(self._columns[worker]):
                    lam.SetUb(self._upper() if i in keep else 0)
                self._restricted[worker] = keep

    def solve(self, deadline: float | None = None) -> MasterSolution | None:
        """The LP's optimum, from the last basis, or else from the LP loaded afresh
        (:meth:`_reload`); None when GLOP finds none either way (a dive gives up) or
        none by the ``deadline`` (``time.monotonic()``).

        GLOP takes no time limit of its own, and a warm-started solve can run long:
        on Curtois Instance12's wishes' dive one master took 15.8 s where the others
        took 0.2-2 s (``/tmp`` driver, seed 8), so the dive ran 33.6 s of its 22."""
        if not self._solve_by(deadline) and not self._solve_afresh(deadline):
            return None
        shares = {}
        for worker, columns in self._columns.items():
            for i, lam in enumerate(columns):
                share = lam.solution_value()
                if share > INTEGRAL_EPS:
                    shares[worker, i] = share
        return MasterSolution(prices={sid: row.dual_value() for sid, row in self._cover.items()},
                              worker_duals={w: row.dual_value() for w, row in self._choice.items()},
                              value=self._objective.Value(), shares=shares)

    def _solve_by(self, deadline: float | None) -> bool:
        """Whether GLOP solves the LP to its optimum by the ``deadline``."""
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self._lp.SetTimeLimit(max(1, int(1000 * left)))
        return self._lp.Solve() == pywraplp.Solver.OPTIMAL

    def _solve_afresh(self, deadline: float | None) -> bool:
        """Whether the LP, loaded afresh, solves with any of ``FRESH_GLOP_PARAMETERS``
        by the ``deadline``."""
        for parameters in FRESH_GLOP_PARAMETERS:
            if deadline is not None and time.monotonic() >= deadline:
                return False
            self._reload(parameters)
            if self._solve_by(deadline):
                return True
        return False

    def _reload(self, parameters: str) -> None:
        """Replace the solver by a new one holding the same LP (exported and loaded
        again: no basis, nothing of the old solver's state) and solving it with
        ``parameters`` from then on, its rows and columns found again by their index.
        Switching back to ``GLOP_PARAMETERS`` after the first solve made the next
        master take about 11 s on Curtois Instance12 (``/tmp`` driver), against 1 s
        for the solve afresh."""
        proto = linear_solver_pb2.MPModelProto()
        self._lp.ExportModelToProto(proto)
        lp = pywraplp.Solver.CreateSolver("GLOP")
        error = lp.LoadModelFromProto(proto)
        if error:
            raise RuntimeError(f"the master LP could not be loaded again: {error}")
        lp.SetSolverSpecificParametersAsString(parameters)
        column, row = lp.variables(), lp.constraints()
        self._cover = {sid: row[r.index()] for sid, r in self._cover.items()}
        self._choice = {w: row[r.index()] for w, r in self._choice.items()}
        self._caps = {level: row[r.index()] for level, r in self._caps.items()}
        self._open = {level: [column[x.index()] for x in xs] for level, xs in self._open.items()}
        self._artificial = {w: column[x.index()] for w, x in self._artificial.items()}
        self._columns = {w: [column[x.index()] for x in xs] for w, xs in self._columns.items()}
        self._lp, self._objective = lp, lp.Objective()


def whole_bound(value: float) -> int:
    """A lower bound on whole numbers (rosters' costs) from an LP's ``value``: rounded
    up, a value within ``BOUND_EPS`` above an integer counting as that integer."""
    return math.ceil(value - BOUND_EPS)
