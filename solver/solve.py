"""``solve(scenario, config) -> SolveResult``: the CP-SAT roster solver.

1. **A legal roster first**: eligibility, then a greedy fill (priority order,
   scarcest shift first, least-loaded worker the checker accepts), before any
   model is built. Adding shift by shift cannot meet minimum rules (e.g.
   ``min_total_minutes``); workers whose part breaks one are then repaired by
   one-worker models (:meth:`NeighbourhoodSearch.make_legal`).
2. **Pins**: forced on the whole model; pins that became illegal are dropped
   and reported with the rule in the way.
2a. **Patterns** (:mod:`solver.columns`; models up to ``PATTERN_MODEL_VARIABLES``
   pairs, and up to ``PROBED_PATTERN_VARIABLES`` when a pricing round is quick):
   one legal work pattern per worker by column generation and a dive, first on
   filling alone (quick), then, when that was quick, with the wishes, diving again
   from the LP while time allows (first by branch-and-price,
   :mod:`solver.branch_and_price`: a roster it proves the cheapest of all needs no
   stage below); each kept when it beats the roster so far
   (:func:`_dive_patterns`). The stages below start from it.
   A dive is skipped when an open place would cost more than ``PATTERN_MAX_WEIGHT``
   in its master LP (many priority levels and soft terms). When the fill dive's
   root LP converged, the top level's fill is bounded by patterns (with a single
   level, by that LP itself); a level filled up to its bound needs no stage below,
   and a level stage stops as soon as it meets it, so the time goes to the wishes.
2b. **Filling first** (large models, windowed rules): neighbourhoods fill the
   start while they gain (:func:`_fill_first`), so the wishes the greedy start
   honoured survive; the level stages then prove, and keep the roster they were
   given unless they fill more.
3. **Levels 5 down to 1 on the whole model**: each stage maximises its level
   alone (so CP-SAT can prove it) while higher levels keep what they reached;
   no lower-priority slot or soft term can ever buy an open higher-priority
   slot (spec, Weights). The roster kept is the lexicographically best seen.
   A large model whose stages could not get past presolve in their time is not
   built at all; with monotone rules each level is then proven on the shifts
   of that level and above (:mod:`solver.levels`), the better roster merged in.
4. **Neighbourhoods** (:mod:`solver.neighbourhoods`) while a level is
   unproven: groups of workers re-rostered exactly, accepted when better.
5. **Wishes**: on the whole model when filling was proven there, else by
   neighbourhoods at equal filling.

Every roster handed out (``on_roster``, the result) is legal; the result is
checked by the independent checker last. ``optimal`` means every stage was
proven; infeasibility and time-outs are statuses, never exceptions.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from flexpool.checker import CheckContext, check, check_worker
from flexpool.eligibility import EligibilityContext, eligible_workers, exclusion
from flexpool.model import (
    Assignment,
    DroppedPin,
    Objective,
    Penalty,
    Reason,
    Roster,
    RosterStatus,
    Scenario,
)
from flexpool.timeline import Timeline
from solver.columns import ColumnGeneration
from solver.explain import explain_unfilled
from solver.greedy import greedy_assignments
from solver.levels import level_bound, merge_top, pairs_from_level, rules_are_monotone
from solver.master_lp import whole_bound
from solver.neighbourhoods import NeighbourhoodSearch, lexicographic_weights
from solver.objective import PenaltyTerm, fill_by_priority, filled_by_level, soft_terms
from solver.rules import add_hard_rules
from solver.variables import Variables, solve_fixed

PRIORITIES = (5, 4, 3, 2, 1)
GREEDY_SHARE, GREEDY_MAX_S = 0.1, 30.0
EXACT_MODEL_VARIABLES = 15_000  # up to this, the soft terms are solved on the whole model
WHOLE_MODEL_VARIABLES = 150_000  # above this, no whole model at all: neighbourhoods only
PROOF_SHARE_SMALL, PROOF_SHARE_LARGE = 0.5, 0.3  # of the time, for the level-by-level proofs
PROOF_SHARE_WHOLE_HORIZON = 0.8  # the same, where neighbourhoods must free the whole horizon (_prove_levels)
FILL_SHARE_SMALL, FILL_SHARE = 0.6, 0.7  # of what is left then, for neighbourhood filling
FILL_SHARE_MAX = 0.9  # large models: up to this while the fill still grows; the wishes get the rest
SOFT_EVALUATION_RESERVE = 0.1  # of the time at most, kept for scoring the wishes and explaining open slots
RESERVE_SECONDS_PER_PAIR, MIN_RESERVE_SECONDS = 1e-5, 2.0  # what those take (Curtois 23: 61 s with 6 s kept)
MIN_STAGE_SECONDS, MIN_LARGE_STAGE_SECONDS = 0.1, 5.0
HINT_COMPLETION_SECONDS = 5.0  # a whole large model needs seconds to presolve
PATTERN_MODEL_VARIABLES = EXACT_MODEL_VARIABLES  # up to this, a column-generation dive first
PROBED_PATTERN_VARIABLES = 2 * EXACT_MODEL_VARIABLES  # up to this, a dive when its first pricing round is quick
PROBE_ROUND_SHARE = 0.1  # of a dive's time, at most, for that round (_pricing_is_quick)
PATTERN_SHARE = 0.5  # of the time left, at most, for a dive
SOFT_DIVE_WITHIN = 0.25  # of the time limit: a fill dive quicker than this is followed by the wishes' dive
FILL_BOUND_SHARE = 0.25  # of the time left then, at most, for proving the levels' fill by patterns
PATTERN_MAX_WEIGHT = 10 ** 9  # above this an open place's cost would swamp the master LP's precision
EXPLAIN_MIN_SECONDS = 1.0  # checking open slots' eligible workers one by one, even past the limit
STAGE_SECONDS_PER_PAIR = 1 / 4000  # a whole model's presolve and first solution (Twente M: 16 s)
WHOLE_WISHES_PACE = 2  # a larger whole model takes the wishes with this many times that time left
TOP_LEVEL_SHARE = 0.25  # of the time left, at most, for proofs on the top levels' shifts
TOP_LEVEL_MAX_PAIRS = 50_000  # above this a top-levels model costs gigabytes (Twente L's p4: 131,158 pairs, 2.5 GiB)
EARLY_FILL_SHARE = 0.15  # of the time left, at most, for neighbourhood filling before a large model's level stages
FIRST_LEGAL_SHARE = 0.9  # of the time left, at most, to repair an illegal greedy start (without it: no roster)


@dataclass(frozen=True)
class Progress:
    """A progress report. In a ``priority p`` stage: that level's filled slots,
    proven bound and slots (``total``); otherwise the whole roster's."""

    stage: str
    filled: int
    bound: int
    total: int
    elapsed_s: float


@dataclass(frozen=True)
class SolverConfig:
    """How long and how hard to search.

    ``relative_gap`` stops a stage once it is proven within that fraction of
    its bound; ``progress`` is called on every improving roster, and
    ``on_roster`` receives each better legal roster as (shift, worker) pairs, so a
    caller can stop the solve and still keep the best so far.
    """

    time_limit_s: float = 30.0
    workers: int = 2
    seed: int = 0
    relative_gap: float = 0.0
    progress: Callable[[Progress], None] | None = None
    on_roster: Callable[[list[tuple[str, str]]], None] | None = None  # each better legal roster
    log_search: bool = False


@dataclass(frozen=True)
class PenaltyRecord:
    """A non-zero soft penalty paid in the roster (negative: a reward earned)."""

    worker: str
    name: str
    points: int


@dataclass(frozen=True)
class SolveResult:
    roster: Roster
    penalties: list[PenaltyRecord] = field(default_factory=list)
    stages: list[dict[str, object]] = field(default_factory=list)

    @property
    def status(self) -> RosterStatus:
        return self.roster.status


class _ProgressCallback(cp_model.CpSolverSolutionCallback):
    def __init__(self, report: Callable[[float, float], None]) -> None:
        super().__init__()
        self._report = report

    def on_solution_callback(self) -> None:
        self._report(self.objective_value, self.best_objective_bound)


@dataclass
class _Run:
    scenario: Scenario
    config: SolverConfig
    started: float
    model: cp_model.CpModel
    v: Variables
    total_slots: int
    solution: dict[tuple[str, str], int] = field(default_factory=dict)
    stages: list[dict[str, object]] = field(default_factory=list)
    all_optimal: bool = True
    proven_cheapest: bool = False  # the roster's cost is proven least by branch-and-price: no wishes stage needed
    evaluated: list[int] | None = None
    full_solution: list[int] | None = None

    def remaining(self) -> float:
        return self.config.time_limit_s - (time.monotonic() - self.started)

    def hint(self) -> None:
        """Hint the last roster; with every variable's value when a stage produced it."""
        self.model.clear_hints()
        hint = self.model.proto.solution_hint
        if self.full_solution is not None:
            hint.vars.extend(range(len(self.full_solution)))
            hint.values.extend(self.full_solution)
            return
        for key, lit in self.v.x.items():
            self.model.add_hint(lit, self.solution.get(key, 0))

    def run_stage(self, name: str, budget: float, level_total: int | None = None,
                  is_fill: bool = True,
                  evaluate: list[cp_model.LinearExprT] | None = None) -> tuple[int, int | None, int | None]:
        """Solve the current objective; returns (cp status, value, bound).

        A fill stage's progress reports the level's own fill, bound and slots.

        ``evaluate`` expressions are valued on the roster found, into ``self.evaluated``.
        """
        self.hint()
        solver = cp_model.CpSolver()
        params = solver.parameters
        params.max_time_in_seconds = max(0.05, budget)
        params.num_workers = self.config.workers
        params.random_seed = self.config.seed
        params.relative_gap_limit = self.config.relative_gap
        params.log_search_progress = self.config.log_search
        callback = None
        progress = self.config.progress
        if progress and is_fill:
            def report(value: float, bound: float) -> None:
                progress(Progress(name, round(value), int(bound + 1e-6),
                                  level_total if level_total is not None else self.total_slots,
                                  time.monotonic() - self.started))
            callback = _ProgressCallback(report)
        elif progress:  # the wishes, at the filling the stage keeps (its levels may not fall)
            filled = sum(self.solution.values())

            def report_wishes(value: float, bound: float) -> None:
                progress(Progress(name, filled, self.total_slots, self.total_slots,
                                  time.monotonic() - self.started))
            callback = _ProgressCallback(report_wishes)
        status = solver.solve(self.model, callback)
        record: dict[str, object] = {"stage": name, "status": solver.status_name(status),
                                     "seconds": round(solver.wall_time, 2)}
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            self.solution = {k: int(solver.boolean_value(lit)) for k, lit in self.v.x.items()}
            self.full_solution = list(solver.response_proto.solution)
            if evaluate is not None:
                self.evaluated = [int(solver.value(e)) for e in evaluate]
            value = round(solver.objective_value)
            bound = int(solver.best_objective_bound + 1e-6) if is_fill else round(solver.best_objective_bound)
            record.update(value=value, bound=bound)
            if status != cp_model.OPTIMAL:
                self.all_optimal = False
            self.stages.append(record)
            return status, value, bound
        self.all_optimal = False
        self.stages.append(record)
        return status, None, None


def solve(scenario: Scenario, config: SolverConfig | None = None) -> SolveResult:
    """Assign workers to shifts; every returned roster is legal under the spec."""
    config = config or SolverConfig()
    started = time.monotonic()
    timeline = Timeline.of(scenario)
    ctx = EligibilityContext(scenario, timeline)
    eligible = eligible_workers(ctx)
    check_ctx = CheckContext.of(scenario, timeline)
    total_slots = sum(s.headcount for s in scenario.shifts)

    # A legal roster first, before any model: the greedy fill around the pins.
    pins = [(p.worker, p.shift) for p in scenario.pinned if p.worker in eligible.get(p.shift, ())]
    greedy_deadline = time.monotonic() + min(GREEDY_SHARE * config.time_limit_s, GREEDY_MAX_S)
    start = greedy_assignments(scenario, check_ctx, eligible, {k: 1 for k in pins}, deadline=greedy_deadline)
    # conflicting pins, or minimum rules no shift-by-shift fill can meet: not a roster to show
    start_illegal = _illegal_workers(scenario, check_ctx, start)
    if not start_illegal:
        _hand_out(config, started, "greedy", start, total_slots, total_slots)

    levels = [p for p in PRIORITIES if any(s.priority == p and eligible.get(s.id) for s in scenario.shifts)]
    model = cp_model.CpModel()
    pair_count = sum(len(ws) for ws in eligible.values())
    whole = pair_count <= WHOLE_MODEL_VARIABLES and (
        pair_count <= EXACT_MODEL_VARIABLES or bool(scenario.pinned)
        or _whole_stages_fit(pair_count, config.time_limit_s - (time.monotonic() - started), len(levels)))
    v = Variables.build(model, scenario, timeline, ctx, eligible if whole else {})
    if whole:
        add_hard_rules(v)
    build_seconds = time.monotonic() - started
    run = _Run(scenario, config, started, model, v, total_slots)
    dropped = _apply_pins(run, ctx, check_ctx) if whole else []
    dropped_pairs = {(d.worker, d.shift) for d in dropped}
    run.solution = {k: 1 for k in start if k not in dropped_pairs}
    run.full_solution = None  # hint the greedy roster, not the pins stage's

    fill = fill_by_priority(v)
    caps = {p: _upper_bound(eligible, scenario, p) for p in levels}
    kept = set(pins) - dropped_pairs
    search = NeighbourhoodSearch(scenario, timeline, ctx, eligible, kept, lexicographic_weights(caps),
                                 seed=config.seed, workers=config.workers)
    illegal = _illegal_workers(scenario, check_ctx, run.solution) if dropped_pairs else start_illegal
    # the greedy start cannot meet minimum rules: repair worker by worker
    unrepaired = _make_legal(run, search, check_ctx, illegal) if illegal else []
    proven: dict[int, int] = {}
    if whole and not unrepaired and len(v.x) <= PATTERN_MODEL_VARIABLES:
        proven = _dive_patterns(run, search, levels, caps)
    if fill and len(v.x) > EXACT_MODEL_VARIABLES and search.windowed and not unrepaired:
        _fill_first(run, search, caps)
    if (whole and not unrepaired and PATTERN_MODEL_VARIABLES < len(v.x) <= PROBED_PATTERN_VARIABLES
            and any(_level_fill(run.solution, search, p) < caps[p] for p in levels)):
        proven = _dive_patterns(run, search, levels, caps, probe=True)  # after neighbourhoods filled
    if fill or not rules_are_monotone(scenario):
        bounds = _prove_levels(run, search, fill, levels, caps, proven)
    else:  # no whole model: each level proven on its shifts and those above
        bounds = _prove_top_levels(run, search, check_ctx, levels, caps)
    penalties: list[PenaltyRecord] | None = None  # of run.solution, once read
    if unrepaired and _illegal_workers(scenario, check_ctx, run.solution):
        run.all_optimal = False  # no legal roster to improve: the final check falls back
    else:
        penalties = _improve(run, search, fill, levels, bounds)
    for candidate in (run.solution, {k: 1 for k in start}, {k: 1 for k in kept}, {}):
        if candidate is not run.solution:
            run.solution, penalties = candidate, None  # a fallback's penalties are not read
        by_level = filled_by_level(search.shifts, (k for k, val in candidate.items() if val))
        filled = {p: by_level.get(p, 0) for p in levels}
        roster = _roster(run, ctx, check_ctx, filled, bounds, dropped, build_seconds, penalties)
        violations = check(scenario, roster, check_ctx).violations
        if not violations:
            return SolveResult(_explained(roster, run, ctx, check_ctx, eligible), penalties or [], run.stages)
        # Never hand out an illegal roster: fall back to a simpler one, and say why.
        run.stages.append({"stage": "final check", "status": "REJECTED", "seconds": 0.0,
                           "violations": [v.message for v in violations[:5]]})
        run.all_optimal = False
    unknown = _explained(roster, run, ctx, check_ctx, eligible).model_copy(
        update={"status": "unknown", "assignments": []})
    return SolveResult(unknown, [], run.stages)


def _pairs(solution: dict[tuple[str, str], int]) -> list[tuple[str, str]]:
    """(shift, worker) pairs of a roster, sorted."""
    return sorted((s, w) for (w, s), val in solution.items() if val)


def _hand_out(config: SolverConfig, started: float, stage: str, solution: dict[tuple[str, str], int],
              bound: int, total: int) -> None:
    """Report a better legal roster: to ``on_roster`` and as a whole-roster progress report."""
    if config.on_roster:
        config.on_roster(_pairs(solution))
    if config.progress:
        config.progress(Progress(stage, sum(1 for val in solution.values() if val), bound, total,
                                 time.monotonic() - started))


def _illegal_workers(scenario: Scenario, check_ctx: CheckContext,
                     solution: dict[tuple[str, str], int]) -> list[str]:
    """Workers whose part of the roster the checker rejects (minimum rules too)."""
    by_worker: dict[str, list[str]] = defaultdict(list)
    for (w, s), val in solution.items():
        if val:
            by_worker[w].append(s)
    return [w.id for w in scenario.workers if check_worker(check_ctx, w.id, by_worker[w.id])]


def _make_legal(run: _Run, search: NeighbourhoodSearch, check_ctx: CheckContext,
                workers: list[str]) -> list[str]:
    """A legal roster from an illegal start, one worker at a time (see
    :meth:`NeighbourhoodSearch.make_legal`); the whole model is hinted with it.
    Returns the workers still illegal: the stage says ``INCOMPLETE`` (and how many)
    when time ran out first."""
    began = time.monotonic()
    pairs = {k for k, val in run.solution.items() if val}
    pairs = search.make_legal(pairs, workers, began + run.remaining() * FIRST_LEGAL_SHARE, check_ctx)
    run.solution, run.full_solution = {k: 1 for k in pairs}, None
    still = _illegal_workers(run.scenario, check_ctx, run.solution)
    record: dict[str, object] = {"stage": "first legal roster", "status": "INCOMPLETE" if still else "FEASIBLE",
                                 "seconds": round(time.monotonic() - began, 2), "value": len(pairs)}
    if still:
        record["unrepaired_workers"] = len(still)
    run.stages.append(record)
    if not still:
        _hand_out(run.config, run.started, "first legal roster", run.solution, run.total_slots, run.total_slots)
    return still


def _dive_patterns(run: _Run, search: NeighbourhoodSearch, levels: list[int],
                   caps: dict[int, int], probe: bool = False) -> dict[int, int]:
    """Rosters of one work pattern per worker by column generation (:mod:`solver.columns`),
    in two dives, each kept when it beats the roster so far; returns the top level's
    fill proven on the way (empty when the fill LP did not converge).

    1. **Filling only** (``soft=False``): its LP prices open places alone, so it
       converges in a fraction of the time, and its converged root LP is the fill
       bound :func:`_fill_bounds_by_patterns` would prove (with one level it is that
       bound; with more, that function proves the top level's). Kept when it fills
       more, lexicographically. Like the second, skipped when the wishes' master
       would weigh an open place above ``PATTERN_MAX_WEIGHT`` (Twente S, five levels:
       a fill dive of 3-4 s first brought the full roster at 3.8-4.5 s, not 1.6 s).
    2. **With the wishes**, from that roster, when the first dive took less than
       ``SOFT_DIVE_WITHIN`` of the time limit. Kept when its master cost (open places
       by weight, then penalties) is lower. Its master LP keeps each level's open
       places within the fill proven (:meth:`ColumnGeneration.cap_open_places`):
       no roster leaves fewer, and the dive sees a lost place at once. With dives
       again (:func:`_dive`) the wishes' dive pays on Instance8 too: at 0.25 its
       fill dive (7.8-9.3 s) was followed by it and three runs ended at 1,321-1,368
       (a fourth, whose fill dive took 16 s, at 1,390); at 0.15 two runs whose fill
       dive took over 9 s ended at 1,370 and 1,516, and two with one wishes' dive
       (the engine before) at 1,416 and 1,499.

    Curtois, 60 s, seed 0 (``/tmp`` driver, one run each): with the wishes' dive
    alone its root LP took 24-26 s on Instance8, leaving no time to dive (1,611 in
    the table); the fill dive took 13-16 s and the preferences stage on the whole
    model, from its roster, did the wishes: 8 came out at 1,365-1,377 (seeds 0-2),
    9 at 491-591 (table 684), 14 at 1,381-1,560 (table 1,835). Where the fill dive is
    quick (2-5: 0.7-2.3 s, 6 and 7: 4.4 and 5.4 s) the wishes' dive follows and keeps
    their figures (1,146, 1,952, 1,061 on 5-7; the fill dive alone 1,156, 1,973, 1,077,
    since the whole model finds fewer wishes than the LP's patterns).

    Where the fill LP did not converge, a fill bound by patterns did not pay for its
    time in the runs measured: on Curtois Instance14 (no convergence in the dive's
    29 s) six runs with the bound ended at 1,441-1,870, nine without at 1,307-1,753
    (thin evidence against that spread).

    With ``probe`` (models above ``PATTERN_MODEL_VARIABLES`` pairs) the dives come
    only when one pricing round of the fill LP is quick (:func:`_pricing_is_quick`),
    and :func:`solve` asks for them only after neighbourhoods filled what they could
    (where steps are windowed, :func:`_fill_first`), and places are still open: on
    Timefold LARGE (20,170 pairs) the fill dive and building its models took 13 s of
    the 30 and found 904 filled, where neighbourhoods filled all 935 in 1.2 s; the
    wishes lost what that time would have brought (34,539 against 37,423)."""
    began = time.monotonic()
    wishes = _columns(run, search, soft=True)
    if wishes.largest_weight > PATTERN_MAX_WEIGHT:
        return {}
    filling = _columns(run, search, soft=False)
    if probe and not _pricing_is_quick(run, filling):
        return {}
    _dive(run, search, filling, again=False)
    proven: dict[int, int] = {}
    if filling.lp_bound is not None and levels:
        if len(levels) == 1:  # the fill LP is the level's own: its value is the least open places
            proven = {levels[0]: max(0, _level_slots(search, levels[0]) - whole_bound(filling.lp_bound))}
            run.stages.append({"stage": "fill bounds (patterns)", "status": "OPTIMAL", "seconds": 0.0,
                               "bounds": {str(p): b for p, b in proven.items()}, "proof": "the fill dive's LP"})
        else:
            proven = _fill_bounds_by_patterns(run, search, levels[:1], caps)
    if time.monotonic() - began < SOFT_DIVE_WITHIN * run.config.time_limit_s:
        wishes.cap_open_places({level: _level_slots(search, level) - most for level, most in proven.items()})
        _dive(run, search, wishes, again=True)
    return proven


def _pricing_is_quick(run: _Run, columns: ColumnGeneration) -> bool:
    """Whether one pricing round of ``columns`` ends within ``PROBE_ROUND_SHARE`` of a
    dive's time (``PATTERN_SHARE`` of the time left). A root LP takes 40-70 rounds
    and the first round is the slowest (about twice the later ones), so a slower
    round leaves a dive no time to get anywhere. The round's patterns stay in
    ``columns``; the probe is a stage of its own.

    Curtois, fill LP, first five rounds (``/tmp`` driver): Instance12 (15,600 pairs,
    28 days) 0.5, then 0.6-0.8 s; in 60 s runs its dives then brought 40-41 open
    places (the fill bound is 40) and 4,512-4,633, where the neighbourhoods alone
    left 57 and 6,239 in the table. Instance19 (15,200 pairs, 84 days) 10.7, then
    4.0-5.5 s; its fill dive found no roster in 24 s and that run ended at 8,075,
    against 6,881 in the table. Instance13 (56,160 pairs, above the probe) 42 s."""
    began = time.monotonic()
    budget = run.remaining() * PATTERN_SHARE * PROBE_ROUND_SHARE
    columns.generate(began + budget, max_rounds=1)
    seconds = time.monotonic() - began
    quick = seconds <= budget
    run.stages.append({"stage": "patterns: probe", "status": "QUICK" if quick else "SLOW",
                       "seconds": round(seconds, 2), "budget": round(budget, 2)})
    return quick


def _columns(run: _Run, search: NeighbourhoodSearch, *, soft: bool,
             weights: dict[int, int] | None = None) -> ColumnGeneration:
    """Column generation over the search's space, its levels weighted as the search
    weighs them unless ``weights`` says otherwise."""
    return ColumnGeneration(search.scenario, search.timeline, search.eligibility, search.eligible,
                            search.pinned, search.weights if weights is None else weights, soft=soft,
                            seed=run.config.seed, workers=run.config.workers)


def _dive(run: _Run, search: NeighbourhoodSearch, columns: ColumnGeneration, again: bool) -> None:
    """One dive (:meth:`ColumnGeneration.dive`) from the roster so far, in
    ``PATTERN_SHARE`` of the time left, its roster kept when better: with the wishes
    (``columns.soft``), a lower master cost; on filling alone, more filling. With
    ``again`` it dives again, each dive leaving the paths of those before, until
    that share is used: the whole model's preferences stage rarely improves a dive's
    roster (Curtois Instance5: 1,146 from the dive, 49 s of that stage left it there),
    and a later dive is cheap. Curtois, 60 s, seeds 0 and 1 (``/tmp`` driver), dives
    again until the share is used (28-29 s) against until 30% of the time limit
    (18 s): Instance6 1,950 and 1,951 against 1,952 and 1,952; Instance7 1,060 and
    1,059 against 1,058 and 1,064; Instance8 1,308 and 1,308 against 1,369 and 1,371.
    :func:`_dive_patterns` asks it of the wishes' dive only: filling dives again,
    Instance8 never reached its fill bound in 18 s (three runs, two or three dives
    each), where the level stage reached it from the first dive's roster in 2-7 s;
    Instance12 reached it in one run of two."""
    began = time.monotonic()
    soft = columns.soft
    start = {k for k, val in run.solution.items() if val}
    columns.add_roster(start)
    deadline = began + run.remaining() * PATTERN_SHARE
    dived = columns.dive(deadline, deadline if again else None)
    name = "patterns: wishes" if soft else "patterns: fill"
    record: dict[str, object] = {"stage": name, "status": "NOT FOUND", "rounds": columns.rounds,
                                 "dives": columns.dives, "patterns": sum(len(p) for p in columns.patterns.values())}
    if columns.tree_nodes:
        record["tree nodes"] = columns.tree_nodes
    if columns.lp_bound is not None:
        record["lp_bound"] = round(columns.lp_bound, 2)
    if dived is not None:
        record["status"] = "FEASIBLE"
        record["value"] = len(dived)
        if soft:
            dived_cost, start_cost = columns.cost(dived), columns.cost(start)
            better = dived_cost is not None and (start_cost is None or dived_cost < start_cost)
        else:
            better = search.score({k: 1 for k in dived}) > search.score({k: 1 for k in start})
        if better:
            run.solution, run.full_solution = {k: 1 for k in dived}, None
            _hand_out(run.config, run.started, name, run.solution, run.total_slots, run.total_slots)
        if soft and columns.proven:  # the roster kept costs no more than the one proven cheapest
            record["status"] = "OPTIMAL"
            record["proof"] = "branch-and-price"
            run.proven_cheapest = True
    record["seconds"] = round(time.monotonic() - began, 2)
    run.stages.append(record)


def _fill_bounds_by_patterns(run: _Run, search: NeighbourhoodSearch, levels: list[int],
                             caps: dict[int, int]) -> dict[int, int]:
    """Each level's most fillable slots, proven by column generation on that level's
    open places alone (:meth:`ColumnGeneration.least_open`), highest level first,
    while ``FILL_BOUND_SHARE`` of the time left lasts. Levels the roster already
    fills up to ``caps`` (every slot with a candidate) need no proof.

    A level's bound ignores the levels above it: it holds for every legal roster,
    but below the top level it is looser than the level stage's, which keeps the
    levels above at what they reached. So :func:`solve` asks for the top level's
    only (Twente S, five levels: within 1% of the bound at 10.6 s with all five
    bounded first, 1.5 s with the top one only)."""
    began = time.monotonic()
    deadline = began + run.remaining() * FILL_BOUND_SHARE
    start = {k for k, val in run.solution.items() if val}
    reached = filled_by_level(search.shifts, start)
    proven: dict[int, int] = {}
    for level in levels:
        if reached.get(level, 0) >= caps[level]:
            proven[level] = caps[level]
            continue
        columns = _columns(run, search, soft=False, weights={level: 1})
        columns.add_roster(start)  # a legal pattern per worker to begin with
        least_open = columns.least_open(deadline)
        if least_open is None:
            break
        proven[level] = max(0, _level_slots(search, level) - least_open)
    if levels:
        run.stages.append({"stage": "fill bounds (patterns)", "status": "OPTIMAL" if len(proven) == len(levels)
                           else "FEASIBLE" if proven else "UNKNOWN", "seconds": round(time.monotonic() - began, 2),
                           "bounds": {str(p): b for p, b in proven.items()}})
    return proven


def _level_slots(search: NeighbourhoodSearch, level: int) -> int:
    """Slots of a level, eligible workers or not."""
    return sum(s.headcount for s in search.scenario.shifts if s.priority == level)


Fill = dict[int, cp_model.LinearExprT]


def _level_fill(solution: dict[tuple[str, str], int], search: NeighbourhoodSearch, level: int) -> int:
    """Filled slots of a level (over-staffed places fill nothing)."""
    return filled_by_level(search.shifts, (k for k, val in solution.items() if val)).get(level, 0)


def _fill_first(run: _Run, search: NeighbourhoodSearch, caps: dict[int, int]) -> None:
    """Neighbourhood filling of the start before a large model's level stages, while
    it gains, for at most ``EARLY_FILL_SHARE`` of the time left.

    Windowed fill steps move a group's work within a few days of an open slot, so
    what the start honours elsewhere (the greedy start gives each shift to a worker
    who wished for it, :mod:`solver.greedy`) survives; a level stage's own roster
    keeps none of it, its objective being the filling alone. Timefold LARGE (20,170
    pairs, 30 s, seeds 0-2, `/tmp` driver): the start's 904 of 935 shifts filled in
    1.9-3.2 s, the level stage then needing no search; soft 33,449, 38,143 and 37,658
    against 30,704, 31,286 and 34,058 when the level stage filled them.
    """
    began = time.monotonic()
    search.level_bounds = dict(caps)  # every slot with a candidate filled: nothing more to do
    search.on_improvement = lambda solution: _hand_out(run.config, run.started, "neighbourhoods", solution,
                                                       sum(caps.values()), run.total_slots)
    pairs = search.improve_fill({k for k, val in run.solution.items() if val}, began,
                                began + EARLY_FILL_SHARE * run.remaining())
    run.stages.append({"stage": "neighbourhoods: fill first", "status": "FEASIBLE",
                       "seconds": round(time.monotonic() - began, 2), "value": len(pairs)})
    run.solution, run.full_solution = {k: 1 for k in pairs}, None


def _prove_levels(run: _Run, search: NeighbourhoodSearch, fill: Fill, levels: list[int],
                  caps: dict[int, int], proven: dict[int, int] | None = None) -> dict[int, int]:
    """Maximise each level on the whole model, 5 down to 1, within a share of the time.

    Each stage's objective is its level alone, so CP-SAT can prove it; the
    roster kept is the lexicographically best seen, and each level keeps what
    it reached while lower levels are solved. A level already filled up to a
    bound ``proven`` by patterns needs no stage. Returns the bound per level.

    On a large model the stages share ``PROOF_SHARE_LARGE`` of the time and
    neighbourhoods fill on from their roster; but where rules over the whole
    horizon keep neighbourhood steps from working in windows
    (:attr:`NeighbourhoodSearch.windowed`), those steps found little and CP-SAT
    on the whole model went on filling, so the stages get
    ``PROOF_SHARE_WHOLE_HORIZON``. Curtois, 60 s, seeds 1-3 (``/tmp`` driver, one
    run each): Instance12 5,927, 6,617, 6,218 at 0.3 against 5,629, 5,824, 5,919 at
    0.8; Instance13 8,339, 8,037, 9,165 against 6,000, 5,811, 6,586.
    """
    proven = proven or {}
    bounds = {p: min(cap, proven.get(p, cap)) for p, cap in caps.items()}
    if not fill:
        run.all_optimal = False
        return bounds
    small = len(run.v.x) <= EXACT_MODEL_VARIABLES
    share = PROOF_SHARE_SMALL if small else PROOF_SHARE_LARGE if search.windowed else PROOF_SHARE_WHOLE_HORIZON
    deadline = time.monotonic() + run.remaining() * share
    for i, level in enumerate(levels):
        reached = _level_fill(run.solution, search, level)
        if reached >= bounds[level]:  # proven full: the model keeps it, no search needed
            run.stages.append({"stage": f"priority {level}", "status": "OPTIMAL", "seconds": 0.0,
                               "value": reached, "bound": reached,
                               "proof": "patterns" if level in proven else "every eligible slot"})
            bounds[level] = reached
            run.model.add(fill[level] >= reached)
            continue
        if level in proven:  # the stage ends as soon as it meets the bound patterns proved
            # (only then: the redundant cap alone cost Timefold LARGE its proof of full cover in 30 s).
            # Neighbourhoods no longer try first: where a dive fell short of the bound they spent
            # 5.7-10.7 s without reaching it, and this stage then met it in 0.35 s on Timefold SMALL
            # and 0.57 s on Curtois Instance11 (seed 0); on Instance8 it took 0.6-19.6 s in six runs.
            run.model.add(fill[level] <= bounds[level])
        budget = (deadline - time.monotonic()) / (len(levels) - i)
        if budget < (MIN_STAGE_SECONDS if small else MIN_LARGE_STAGE_SECONDS):
            run.all_optimal = False
            break
        best = dict(run.solution)
        run.model.maximize(fill[level])
        if run.full_solution is None:  # a start CP-SAT can take as it is, auxiliaries too
            run.full_solution = _complete_hint(run)
        best_hint = run.full_solution
        _, _, bound = run.run_stage(f"priority {level}", budget, level_total=caps[level])
        if bound is not None:
            bounds[level] = min(bounds[level], bound)
        if search.score(run.solution) <= search.score(best):  # at equal filling the start's wishes stay
            run.solution, run.full_solution = best, best_hint
        elif run.config.on_roster:
            run.config.on_roster(_pairs(run.solution))
        reached = _level_fill(run.solution, search, level)
        # a start roster the checker accepts may lie outside the model's stricter
        # reading (touching periods); what a legal roster reached is never above the bound
        bounds[level] = max(bounds[level], reached)
        run.model.add(fill[level] >= reached)
    return bounds


def _whole_stages_fit(pair_count: int, seconds_left: float, level_count: int) -> bool:
    """Whether a level stage on the whole model would get past presolve to a roster.

    Building a model of ``pair_count`` pairs takes seconds, and CP-SAT needs about
    ``STAGE_SECONDS_PER_PAIR`` per pair before its first solution, hint or not
    (Twente M, 62,000 pairs: built in 5.5 s, first solution 16 s later). Stages
    shorter than that return nothing: the time goes to neighbourhoods instead.
    """
    per_stage = PROOF_SHARE_LARGE * seconds_left / max(1, level_count)
    return per_stage >= max(MIN_LARGE_STAGE_SECONDS, pair_count * STAGE_SECONDS_PER_PAIR)


def _prove_top_levels(run: _Run, search: NeighbourhoodSearch, check_ctx: CheckContext, levels: list[int],
                      caps: dict[int, int]) -> dict[int, int]:
    """Without a whole model: prove levels 5 downwards, each on the shifts of that
    level and above (:func:`solver.levels.level_bound`), while such a model can reach a
    roster (at :func:`_whole_stages_fit`'s pace) within ``TOP_LEVEL_SHARE`` of the time,
    a level at most half of what is left of it, and of at most ``TOP_LEVEL_MAX_PAIRS``.
    Stops at the first level not proven exactly, since the levels below are bounded
    only given those above. A better roster found on the way is merged in
    (:func:`solver.levels.merge_top`). Returns the bound per level; levels filled up
    to a proven bound are closed to the search by those bounds (``level_bounds``)."""
    bounds = dict(caps)
    run.all_optimal = False
    roster = {k for k, val in run.solution.items() if val}
    reached = filled_by_level(search.shifts, roster)
    deadline = time.monotonic() + run.remaining() * TOP_LEVEL_SHARE
    for level in levels:
        if reached.get(level, 0) >= caps[level]:  # every slot with a candidate filled
            continue
        size = sum(map(len, pairs_from_level(search, level).values()))
        needed = max(MIN_STAGE_SECONDS, 2 * size * STAGE_SECONDS_PER_PAIR)  # a first roster, then the proof
        budget = max(needed, (deadline - time.monotonic()) / 2)
        if size > TOP_LEVEL_MAX_PAIRS or time.monotonic() + needed > deadline:
            break
        began = time.monotonic()
        proof = level_bound(search, level, reached, roster, budget, run.config.workers, run.config.seed)
        record: dict[str, object] = {"stage": f"priority {level} (top levels)", "pairs": size,
                                     "status": "UNKNOWN" if proof.bound is None else
                                     "OPTIMAL" if proof.exact else "FEASIBLE"}
        better = merge_top(check_ctx, search, roster, proof.roster, level) if proof.roster else None
        if better is not None and search.score({k: 1 for k in better}) > search.score({k: 1 for k in roster}):
            roster = better
            reached = filled_by_level(search.shifts, roster)
            run.solution, run.full_solution = {k: 1 for k in roster}, None
            _hand_out(run.config, run.started, record["stage"], run.solution, run.total_slots, run.total_slots)
        if proof.bound is not None:
            bounds[level] = max(reached.get(level, 0), min(caps[level], proof.bound))
            record.update(bound=bounds[level], value=reached.get(level, 0))
        record["seconds"] = round(time.monotonic() - began, 2)
        run.stages.append(record)
        if bounds[level] > reached.get(level, 0):
            break  # open slots the search may still fill: the levels below are not closed
    return bounds


def _improve(run: _Run, search: NeighbourhoodSearch, fill: Fill, levels: list[int],
             bounds: dict[int, int]) -> list[PenaltyRecord] | None:
    """Fill more by neighbourhoods while any level is unproven, then the wishes; the
    roster's penalties (``None`` when the scenario has no soft terms)."""
    config = run.config

    def report(solution: dict[tuple[str, str], int]) -> None:
        _hand_out(config, run.started, "neighbourhoods", solution, sum(bounds.values()), run.total_slots)

    search.on_improvement = report
    search.level_bounds = dict(bounds)
    pairs = {k for k, val in run.solution.items() if val}
    if run.proven_cheapest:  # every level filled as far as it can be, and no roster pays less
        return _roster_penalties(search, pairs)
    unproven = any(_level_fill(run.solution, search, p) < bounds[p] for p in levels)
    small = bool(fill) and len(run.v.x) <= EXACT_MODEL_VARIABLES
    if unproven:
        began = time.monotonic()
        share = FILL_SHARE_SMALL if small else FILL_SHARE
        reserve = 0.0 if small else _final_reserve(search, config)
        left = max(0.0, run.remaining() - reserve)
        extend = share if small else FILL_SHARE_MAX  # (small models: their wishes are solved exactly)
        pairs = search.improve_fill(pairs, began + left * share, began + left * extend)
        run.stages.append({"stage": "neighbourhoods: fill", "status": "FEASIBLE",
                           "seconds": round(time.monotonic() - began, 2), "value": len(pairs)})
        run.solution, run.full_solution = {k: 1 for k in pairs}, None
        run.all_optimal = False
    if small or (fill and _large_wishes_on_whole_model(run, search)):  # the soft terms by CP-SAT, at this filling
        terms = soft_terms(run.v)
        for level in levels:
            run.model.add(fill[level] >= _level_fill(run.solution, search, level))
        if terms and run.remaining() > MIN_STAGE_SECONDS:
            if run.full_solution is None:
                run.full_solution = _complete_hint(run)
            run.model.minimize(sum(t.expr for t in terms))
            reserve = 0.0 if small else _final_reserve(search, config)
            status, _, _ = run.run_stage("preferences", run.remaining() - reserve, is_fill=False,
                                         evaluate=[t.expr for t in terms])
            if status == cp_model.OPTIMAL:
                return _penalties(terms, run.evaluated)
            # short of optimal, an auxiliary may sit above what its roster pays (Curtois
            # Instance17: 6,516 reported, 6,515 by the evaluator and by the roster's own terms):
            # the roster's penalties are read off it, worker group by worker group
        elif terms:
            run.all_optimal = False
        if not terms:
            return None
        pairs = {k for k, val in run.solution.items() if val}
        return _roster_penalties(search, pairs)
    run.all_optimal = False
    began = time.monotonic()
    reserve = _final_reserve(search, config)
    pairs = search.improve_wishes(pairs, began + max(0.0, run.remaining() - reserve))
    run.stages.append({"stage": "neighbourhoods: wishes", "status": "FEASIBLE",
                       "seconds": round(time.monotonic() - began, 2), "value": len(pairs)})
    run.solution = {k: 1 for k in pairs}
    return _roster_penalties(search, pairs)


def _large_wishes_on_whole_model(run: _Run, search: NeighbourhoodSearch) -> bool:
    """Whether CP-SAT takes the wishes on a built whole model above
    ``EXACT_MODEL_VARIABLES`` pairs (below, it always does) rather than neighbourhoods:
    where neighbourhood steps cannot work in windows (rules over the whole horizon,
    :attr:`NeighbourhoodSearch.windowed`) and the time left is ``WHOLE_WISHES_PACE``
    times what a stage of that size needs to reach a roster (``STAGE_SECONDS_PER_PAIR``).

    A wishes' step moves a day and the days either side
    (:meth:`NeighbourhoodSearch.improve_wishes`), but rules over the horizon (total
    minutes, weekends, shifts per label) hold a worker's work in place there. Curtois
    Instance12 (15,600 pairs, not windowed), 60 s (``/tmp`` driver): the whole model
    4,135, 4,131 and 4,130 (seeds 0-2, 39 s of it), against 4,181 and 4,168 by
    neighbourhoods (seed 0, the same hour). Where steps work in windows neighbourhoods
    stay far ahead: Timefold LARGE (20,170 pairs), the whole model 35,849 and 35,247
    at 30 s (seeds 0, 1) and 40,187 at 120 s, against 40,317 in each by
    neighbourhoods."""
    return not search.windowed and run.remaining() >= WHOLE_WISHES_PACE * len(run.v.x) * STAGE_SECONDS_PER_PAIR


def _final_reserve(search: NeighbourhoodSearch, config: SolverConfig) -> float:
    """Seconds kept after the search for scoring the wishes and explaining open slots:
    they grow with the candidate pairs, and never take more than a tenth of the time."""
    pairs = sum(map(len, search.eligible.values()))
    return min(SOFT_EVALUATION_RESERVE * config.time_limit_s,
               max(MIN_RESERVE_SECONDS, pairs * RESERVE_SECONDS_PER_PAIR))


def _complete_hint(run: _Run) -> list[int] | None:
    """Every variable's value for the current roster, so CP-SAT starts from it.

    A roster from neighbourhoods fixes only the assignment literals; solving a
    copy of the model with them fixed fills in the auxiliaries in a moment.
    """
    # with the stage's objective: auxiliaries bounded one way only take their best
    solver = solve_fixed(run.model, run.v.x, {k for k, val in run.solution.items() if val},
                         max(0.1, min(HINT_COMPLETION_SECONDS, run.remaining() / 4)), run.config.workers)
    return None if solver is None else list(solver.response_proto.solution)


def _roster_penalties(search: NeighbourhoodSearch, pairs: set[tuple[str, str]]) -> list[PenaltyRecord]:
    """The soft penalties a roster pays, read off it worker group by worker group."""
    return _merge([PenaltyRecord(w, n, pts) for w, n, pts in search.soft_values(pairs) if pts])


def _merge(records: list[PenaltyRecord]) -> list[PenaltyRecord]:
    total: dict[tuple[str, str], int] = defaultdict(int)
    for r in records:
        total[r.worker, r.name] += r.points
    return [PenaltyRecord(w, n, p) for (w, n), p in sorted(total.items()) if p]


def _upper_bound(eligible: dict[str, list[str]], scenario: Scenario, level: int) -> int:
    """Slots of a level that have any eligible worker (capped by headcount)."""
    return sum(min(s.headcount, len(eligible.get(s.id, ()))) for s in scenario.shifts if s.priority == level)


def _apply_pins(run: _Run, ctx: EligibilityContext, check_ctx: CheckContext) -> list[DroppedPin]:
    """Force pinned assignments; drop (and report) those that became illegal."""
    dropped: list[DroppedPin] = []
    kept: list[tuple[str, str]] = []
    for pin in run.scenario.pinned:
        worker, shift = ctx.workers[pin.worker], ctx.shifts[pin.shift]
        why = exclusion(ctx, worker, shift)
        if why is not None or run.v.works(pin.worker, pin.shift) is None:
            reason = Reason(code=why.code if why else "ineligible",
                            message=why.message if why else "no longer eligible")
            dropped.append(DroppedPin(shift=pin.shift, worker=pin.worker, reasons=[reason]))
        else:
            kept.append((pin.worker, pin.shift))
    if not kept:
        return dropped
    lits = [run.v.x[k] for k in kept]
    run.model.maximize(sum(lits))
    _, value, _ = run.run_stage("pins", max(1.0, run.remaining() / 10), is_fill=False)
    by_worker: dict[str, list[str]] = defaultdict(list)
    for w, s in kept:
        by_worker[w].append(s)
    for key, lit in zip(kept, lits, strict=True):
        if value is not None and run.solution.get(key):
            run.model.add(lit == 1)
            continue
        run.model.add(lit == 0)
        violations = [vi for vi in check_worker(check_ctx, key[0], by_worker[key[0]]) if key[1] in vi.shifts]
        reasons = [Reason(code=vi.rule, message=vi.message) for vi in violations] or [
            Reason(code="conflicts-with-pins", message="conflicts with other pinned work under the rules")
        ]
        dropped.append(DroppedPin(shift=key[1], worker=key[0], reasons=reasons))
    return dropped


def _roster(run: _Run, ctx: EligibilityContext, check_ctx: CheckContext, filled: dict[int, int],
            bounds: dict[int, int], dropped: list[DroppedPin], build_seconds: float,
            penalties: list[PenaltyRecord] | None) -> Roster:
    """The roster of ``run.solution``, its open slots not yet explained (:func:`_explained`);
    its soft penalty is the sum of ``penalties`` (read off this roster, or ``None``)."""
    scenario = run.scenario
    assigned = [(s, w) for (w, s), val in run.solution.items() if val]
    order = {s.id: i for i, s in enumerate(scenario.shifts)}
    assigned.sort(key=lambda sw: (order[sw[0]], sw[1]))
    totals: dict[int, int] = defaultdict(int)
    for s in scenario.shifts:
        totals[s.priority] += s.headcount
    for p in totals:
        filled.setdefault(p, 0)
        bounds.setdefault(p, 0)
    status: RosterStatus = "optimal" if run.all_optimal else "feasible"
    return Roster(
        scenario=scenario.name,
        status=status,
        assignments=[Assignment(shift=s, worker=w) for s, w in assigned],
        dropped_pins=dropped or None,
        penalties=[Penalty(worker=p.worker, rule=p.name, points=p.points) for p in penalties or ()] or None,
        objective=Objective(
            filled_slots=sum(filled.values()),
            total_slots=run.total_slots,
            bound_filled_slots=sum(bounds.values()),
            filled_by_priority={str(p): filled[p] for p in sorted(totals, reverse=True)},
            total_by_priority={str(p): totals[p] for p in sorted(totals, reverse=True)},
            bound_by_priority={str(p): bounds[p] for p in sorted(totals, reverse=True)},
            soft_penalty=None if penalties is None else sum(p.points for p in penalties),
        ),
        stats={
            "solve_seconds": round(time.monotonic() - run.started, 2),
            "build_seconds": round(build_seconds, 2),
            "workers": run.config.workers,
            "seed": run.config.seed,
            "variables": len(run.v.x),
            "stages": run.stages,
        },
    )


def _explained(roster: Roster, run: _Run, ctx: EligibilityContext, check_ctx: CheckContext,
               eligible: dict[str, list[str]]) -> Roster:
    """``roster`` with the reason each open slot stayed open: only for the roster handed
    out, since explaining takes seconds on large regions. Checking eligible workers one
    by one stops at the time limit (after at least ``EXPLAIN_MIN_SECONDS``)."""
    assigned = [(a.shift, a.worker) for a in roster.assignments]
    count: dict[str, int] = defaultdict(int)
    for s, _ in assigned:
        count[s] += 1
    deadline = max(run.started + run.config.time_limit_s, time.monotonic() + EXPLAIN_MIN_SECONDS)
    return roster.model_copy(update={"unfilled": explain_unfilled(run.scenario, ctx, check_ctx, eligible,
                                                                  assigned, count, deadline)})


def _penalties(terms: list[PenaltyTerm], values: list[int] | None) -> list[PenaltyRecord]:
    """Non-zero soft terms of the final roster, per worker and rule (a score analysis)."""
    if not terms or values is None:
        return []
    out: dict[tuple[str, str], int] = defaultdict(int)
    for term, points in zip(terms, values, strict=True):
        out[term.worker, term.name] += points
    return [PenaltyRecord(worker=w, name=n, points=p) for (w, n), p in sorted(out.items()) if p]
