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

from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import linear_solver_pb2, pywraplp

INTEGRAL_EPS = 1e-6
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
        self._heads, self._extra, self._fill_weight = heads, extra, fill_weight
        self._over_cost, self._priority, self._workers = over_cost, priority, workers
        self._no_pattern_cost = no_pattern_cost
        self._bounded = bounded
        self._patterns: dict[str, list[tuple[frozenset[str], int]]] = {w: [] for w in workers}  # every one added
        self._restricted: dict[str, frozenset[int]] = {}  # worker -> the pattern indices left in play
        self._open_caps: dict[int, int] = {}
        self._build()
        self.cap_open(open_caps)

    def _build(self) -> None:
        """A new LP: the rows, the open places, over-staffing and artificial columns,
        and the caps so far; no pattern yet."""
        self._lp = lp = pywraplp.Solver.CreateSolver("GLOP")
        lp.SetSolverSpecificParametersAsString(GLOP_PARAMETERS)
        heads = self._heads
        self._objective = objective = lp.Objective()
        objective.SetMinimization()
        self._cover = {sid: lp.Constraint(heads[sid], heads[sid], f"cover[{sid}]") for sid in heads}
        self._open: dict[int, list[pywraplp.Variable]] = {}  # level -> its shifts' open places
        self._breach_cost = 1 + sum(w * heads[sid] for sid, w in self._fill_weight.items())
        self._caps: dict[int, pywraplp.Constraint] = {}  # level -> the row capping its open places
        for sid, row in self._cover.items():
            if heads[sid]:
                open_var = lp.NumVar(0, heads[sid], f"open[{sid}]")
                row.SetCoefficient(open_var, 1)
                objective.SetCoefficient(open_var, self._fill_weight.get(sid, 0))
                self._open.setdefault(self._priority[sid], []).append(open_var)
            if self._extra[sid]:
                over = lp.NumVar(0, self._extra[sid], f"over[{sid}]")
                row.SetCoefficient(over, -1)
                objective.SetCoefficient(over, self._over_cost[sid])
        self._choice: dict[str, pywraplp.Constraint] = {}
        self._artificial: dict[str, pywraplp.Variable] = {}
        for worker in self._workers:
            self._choice[worker] = lp.Constraint(1, 1, f"one[{worker}]")
            artificial = lp.NumVar(0, 1 if self._bounded else lp.infinity(), f"none[{worker}]")
            self._choice[worker].SetCoefficient(artificial, 1)
            objective.SetCoefficient(artificial, self._no_pattern_cost)
            self._artificial[worker] = artificial
        self._columns: dict[str, dict[int, pywraplp.Variable]] = {w: {} for w in self._workers}  # in play
        self._column_keys: list[tuple[str, int]] = []  # every column's (worker, index), in the order added
        self._column_index: list[int] = []  # and its place in the LP (loaded afresh, the same)
        caps, self._open_caps = self._open_caps, {}
        self.cap_open(caps)

    def cap_open(self, open_caps: dict[int, int]) -> None:
        """Rows keeping each capped level's open places within its cap, breakable at
        a cost above leaving every place open, so the LP stays feasible before
        patterns that meet it are known (Lasdon's bound then bounds the open places
        plus that cost; a roster within the caps pays none). Patterns take no part in
        these rows. A level capped again keeps the lower cap."""
        lp = self._lp
        for level, cap in open_caps.items():
            self._open_caps[level] = min(cap, self._open_caps.get(level, cap))
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
        self._patterns[worker].append((shifts, penalty))
        self._column(worker, len(self._patterns[worker]) - 1)

    def in_play(self, worker: str, index: int) -> bool:
        """Whether the worker's pattern ``index`` is a column of the LP (not parked by :meth:`compact`)."""
        return index in self._columns[worker]

    def revive(self, worker: str, index: int) -> None:
        """A pattern :meth:`compact` parked, back as a column (its reduced cost turned negative)."""
        if not self.in_play(worker, index):
            self._column(worker, index)

    @property
    def column_count(self) -> int:
        """Patterns that are columns of the LP now."""
        return len(self._column_keys)

    def compact(self, keep: set[tuple[str, int]]) -> None:
        """Rebuild the LP with only the patterns ``keep`` (``(worker, index)``) as columns;
        the others are parked until :meth:`revive`. GLOP rebuilds its LP from the whole
        model at every solve, so a solve's time grows with the columns, not with its
        iterations: on Curtois Instance6's wishes' dives 5 ms a solve below 2,000
        columns, 36 ms at 7,000-8,000, at 45-70 iterations either way (``/tmp`` driver).
        The LP is solved afresh after this (no basis)."""
        self._build()
        for worker, index in sorted(keep):
            self._column(worker, index)

    def _column(self, worker: str, index: int) -> None:
        shifts, penalty = self._patterns[worker][index]
        in_play = worker not in self._restricted or index in self._restricted[worker]
        lam = self._lp.NumVar(0, self._upper() if in_play else 0, f"lam[{worker},{index}]")
        self._choice[worker].SetCoefficient(lam, 1)
        self._objective.SetCoefficient(lam, penalty)
        for sid in shifts:
            self._cover[sid].SetCoefficient(lam, 1)
        self._columns[worker][index] = lam
        self._column_keys.append((worker, index))
        self._column_index.append(lam.index())
        if self._bounded:
            self._artificial[worker].SetUb(0)

    def _upper(self) -> float:
        return 1 if self._bounded else self._lp.infinity()

    def restrict(self, allowed: dict[str, frozenset[int]]) -> None:
        """Keep only patterns ``allowed[worker]`` of each worker in ``allowed`` in play
        (a new pattern of such a worker is out of play until allowed); every other
        worker's patterns all."""
        for worker in [w for w in self._restricted if w not in allowed]:
            for lam in self._columns[worker].values():
                lam.SetUb(self._upper())
            del self._restricted[worker]
        for worker, keep in allowed.items():
            before = self._restricted.get(worker)
            if before == keep:
                continue
            columns = self._columns[worker]
            if before is None:  # every column in play until now
                for i in columns.keys() - keep:
                    columns[i].SetUb(0)
            else:  # only the columns whose place changed (a restricted worker's new ones are out of play)
                for i in (before - keep) & columns.keys():
                    columns[i].SetUb(0)
                for i in (keep - before) & columns.keys():
                    columns[i].SetUb(self._upper())
            self._restricted[worker] = keep

    def solve(self) -> MasterSolution | None:
        """The LP's optimum, from the last basis, or else from the LP loaded afresh
        (:meth:`_reload`); None when GLOP finds none either way (a dive gives up)."""
        if self._lp.Solve() != pywraplp.Solver.OPTIMAL and not self._solve_afresh():
            return None
        # read in one call: a call per column took a quarter of Curtois Instance6's dives
        solution = linear_solver_pb2.MPSolutionResponse()
        self._lp.FillSolutionResponseProto(solution)
        values = np.asarray(solution.variable_value)[self._column_index]
        duals = solution.dual_value
        return MasterSolution(prices={sid: duals[row.index()] for sid, row in self._cover.items()},
                              worker_duals={w: duals[row.index()] for w, row in self._choice.items()},
                              value=solution.objective_value,
                              shares={self._column_keys[k]: float(values[k])
                                      for k in np.flatnonzero(values > INTEGRAL_EPS)})

    def _solve_afresh(self) -> bool:
        """Whether the LP, loaded afresh, solves with any of ``FRESH_GLOP_PARAMETERS``."""
        for parameters in FRESH_GLOP_PARAMETERS:
            self._reload(parameters)
            if self._lp.Solve() == pywraplp.Solver.OPTIMAL:
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
        self._columns = {w: {i: column[x.index()] for i, x in xs.items()} for w, xs in self._columns.items()}
        self._lp, self._objective = lp, lp.Objective()
