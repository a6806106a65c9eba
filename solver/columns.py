"""Column generation: rosters as a choice of one whole *work pattern* per worker.

Every hard rule is per worker; workers meet only in a shift's headcount. So a
roster is one legal pattern (a set of shifts) per worker, and the region's
problem is which pattern each worker gets (Dantzig-Wolfe decomposition, the
branch-and-price method of the nurse-rostering literature, e.g. Curtois & Qu,
*Computational results on new staff scheduling benchmark instances*, 2014):

- the **master** (an LP, GLOP) picks a mix of known patterns per worker and pays
  ``fill_weight`` per open slot, ``over_cost`` per place beyond the headcount and
  each pattern's soft penalty;
- the **pricing** model of a worker (a one-worker CP-SAT model with every hard
  rule) finds the pattern of least reduced cost under the master's prices for the
  places; every pattern it meets on the way with a negative reduced cost joins;
- a **dive** turns the LP into a roster: fix the patterns the LP holds whole and
  force onto their workers the shifts it is surest of (every pattern of the
  worker must then hold them), price again, repeat until every worker has one.

Without ``soft`` terms the same decomposition counts open places only: its LP
value, once nothing prices out, bounds every legal roster's open places from
below (:meth:`ColumnGeneration.least_open`), and is usually tight for rostering
covers (Curtois Instance8: 470 filled proven in 4 s, where the whole model
needed 9-36 s of search).

Filling comes first (spec, Weights): an open place of the lowest level costs
more than every soft penalty together can differ, and each level outweighs all
below it. The LP's value is the literature's column-generation lower bound
(with Curtois's own 100 per open place: 1140.6 on Instance5, against the
published bound of 1141).
Each pricing model is built once; only its objective changes between rounds.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from flexpool.checker import CheckContext, check_worker
from solver.branch_and_price import branch_and_price
from solver.labelling import WorkerLabelling, kernel_ready, start_compiling
from solver.master_lp import INTEGRAL_EPS, MasterLP, MasterSolution, whole_bound
from solver.objective import pair_coefficients, soft_terms
from solver.rules import add_hard_rules
from solver.space import Pair, RosterSpace
from solver.variables import Variables, solve_fixed

PRICING_SECONDS = 0.5  # per worker and round; the least reduced cost is usually found in milliseconds
PRICING_RETRY_FACTOR, PRICING_RETRY_SECONDS = 4, 8.0  # a worker left unproven: priced again, longer
REDUCED_COST_EPS = 1e-6
FINISH_SHARE = 0.15  # of a dive's time, kept for an integer master when the dive runs short
DIVE_ROUNDS = 3  # pricing rounds after each fix (not to convergence: a dive is a heuristic)
DIVE_FORCE_SHARE = 0.5  # of the workers: shifts forced at once (one each), at first and at most
DIVE_FIX_SHARE = 0.1  # of the workers not fixed: patterns fixed at once by share, in a dive by patterns
DIVE_SETTLE_ROUNDS = 10  # more pricing rounds, at most, before a step that cost half a place is undone
DIVE_REFUSALS = 20  # single shifts a dive may refuse to force, then it forces on
DIVE_ROOT_GAP = 1e-3  # with the wishes, a dive's root LP is close enough once Lasdon's bound is this near
SHARED_TERM = "over-staffing"  # paid by a shift, so the master prices it, not a worker's pattern
LABELLED_PATTERNS = 3  # cheapest patterns a labelling pricing offers per worker and round
TREE_SHARE = 1.0  # with the wishes, of the dives' time after the first: branch-and-price (see dive())

PatternKey = tuple[str, frozenset[str]]  # a pattern's worker and shifts
Decision = tuple[str, frozenset[str]]  # a dive's decision: a worker and the shift forced on it, or its pattern


@dataclass(frozen=True)
class Pattern:
    """One worker's part of a roster: the shifts worked and their soft penalty."""

    worker: str
    shifts: frozenset[str]
    penalty: int


@dataclass
class _Pricing:
    """A worker's one-worker model, kept between rounds, and its labelling programme
    (:mod:`solver.labelling`) while that prices it."""

    model: cp_model.CpModel
    v: Variables
    terms: list[cp_model.LinearExprT]
    labelling: WorkerLabelling | None = None
    best: frozenset[str] | None = None  # the last cheapest pattern the labelling found


@dataclass
class ColumnGeneration(RosterSpace):
    """Patterns per worker, priced against a master LP (see the module docstring).

    ``level_weights`` rank the priority levels (one slot of a level outweighs every
    lower slot, :func:`solver.neighbourhoods.lexicographic_weights`); each is
    multiplied by more than the soft penalties' range, so filling comes first.
    Without ``soft`` a pattern costs nothing and over-staffing is free: only the
    open places count, each at its level's weight.
    """

    level_weights: dict[int, int]
    soft: bool = True
    seed: int = 0
    workers: int = 2  # pricing models solved at once (one CP-SAT thread each)
    patterns: dict[str, list[Pattern]] = field(default_factory=dict)
    lp_bound: float | None = None  # the master LP's value when no pattern priced out
    open_floor: float = 0.0  # least_open: the best lower bound on the weighted open places so far
    open_caps: dict[int, int] = field(default_factory=dict)  # level -> most open places at first (master LP only)
    rounds: int = 0
    dives: int = 0  # made by the last dive()
    tree_nodes: int = 0  # searched by the last dive()'s branch-and-price
    proven: bool = False  # whether the last dive()'s roster is proven the cheapest of all
    fixed: dict[str, Pattern] = field(default_factory=dict)  # while diving
    forced: dict[str, frozenset[str]] = field(default_factory=dict)  # while diving: shifts each pattern must hold
    forbidden: dict[str, frozenset[str]] = field(default_factory=dict)  # in a search tree: shifts no pattern may hold

    def __post_init__(self) -> None:
        self.shifts = {s.id: s for s in self.scenario.shifts}
        self._check_ctx = CheckContext.of(self.scenario, self.timeline)  # judges labelled patterns
        self._pricing = {w: self._pricing_model(w, sids) for w, sids in self.shifts_by_worker().items()}
        if any(p.labelling is not None for p in self._pricing.values()):
            start_compiling()
        self._known: set[PatternKey] = set()
        self._incumbent: dict[str, frozenset[str]] = {}  # the last roster added, by worker
        # per shift: its headcount, and the most places beyond it
        self._heads = heads = {sid: sh.headcount for sid, sh in self.shifts.items()}
        self._extra = extra = {sid: max(0, sh.places - sh.headcount) for sid, sh in self.shifts.items()}
        self._over_cost = {sid: sh.over_cost if self.soft else 0 for sid, sh in self.shifts.items()}
        self._soft_range = {w: _magnitude(p.model, p.terms) for w, p in self._pricing.items()}
        soft_range = sum(self._soft_range.values()) + sum(self._over_cost[sid] * extra[sid] for sid in self.shifts)
        self.fill_weight = {sid: self.level_weights.get(sh.priority, 0) * (soft_range + 1)
                            for sid, sh in self.shifts.items() if heads[sid]}
        self._master = MasterLP(
            heads=heads, extra=extra, fill_weight=self.fill_weight, over_cost=self._over_cost,
            priority={sid: sh.priority for sid, sh in self.shifts.items()}, workers=list(self._pricing),
            open_caps=self.open_caps, bounded=self.soft,
            no_pattern_cost=2 * (soft_range + 1 + sum(w * heads[sid] for sid, w in self.fill_weight.items())))

    def cap_open_places(self, caps: dict[int, int]) -> None:
        """Keep each level's open places in the master LP within ``caps[level]``
        (breakable at a cost above leaving every place open, :meth:`MasterLP.cap_open`)."""
        self._master.cap_open(caps)

    @property
    def largest_weight(self) -> int:
        """The master's largest cost coefficient (an LP needs it moderate)."""
        return max(self.fill_weight.values(), default=0)

    def _pricing_model(self, worker: str, shift_ids: list[str]) -> _Pricing:
        model = cp_model.CpModel()
        v = Variables.build(model, self.scenario, self.timeline, self.eligibility,
                            {sid: [worker] for sid in shift_ids})
        add_hard_rules(v)
        for w, sid in self.pinned:
            if w == worker and (w, sid) in v.x:
                model.add(v.x[w, sid] == 1)
        terms = [t.expr for t in soft_terms(v) if t.name != SHARED_TERM] if self.soft else []
        pricing = _Pricing(model, v, terms)
        linear = _linear_costs(v, terms)
        if linear is not None and not any(w == worker for w, _ in self.pinned):
            pricing.labelling = WorkerLabelling.of(v, self._check_ctx.workers[worker], *linear)
        return pricing

    # ---------------------------------------------------------------- columns

    def _parts(self, roster: set[Pair]) -> dict[str, set[str]]:
        """Each priced worker's shifts in ``roster`` (empty when they work none)."""
        parts: dict[str, set[str]] = {w: set() for w in self._pricing}
        for w, sid in roster:
            if w in parts:
                parts[w].add(sid)
        return parts

    def add_roster(self, roster: set[Pair]) -> None:
        """A roster's patterns (each worker's part, even when empty) as columns; the
        integer master starts from it when the dive fixed nothing."""
        self._incumbent = {}
        for w, shifts in self._parts(roster).items():
            penalty = self._penalty_of(w, shifts)
            if penalty is not None:
                self._add(Pattern(w, frozenset(shifts), penalty))
                self._incumbent[w] = frozenset(shifts)

    def _add(self, pattern: Pattern) -> bool:
        key = (pattern.worker, pattern.shifts)
        if key in self._known:
            return False
        self._known.add(key)
        self.patterns.setdefault(pattern.worker, []).append(pattern)
        self._master.add(pattern.worker, pattern.shifts, pattern.penalty)
        return True

    def _penalty_of(self, worker: str, shifts: set[str]) -> int | None:
        """The soft penalty of a pattern, or None when it breaks a rule."""
        p = self._pricing[worker]
        solver = solve_fixed(p.model, p.v.x, {(worker, sid) for sid in shifts}, seconds=1.0,
                             objective=sum(p.terms))
        return None if solver is None else round(solver.objective_value)

    # ---------------------------------------------------------------- rounds

    def generate(self, deadline: float, max_rounds: int | None = None,
                 close_enough: float = 0.0, below: float | None = None,
                 cutoff: float | None = None) -> MasterSolution | None:
        """Price patterns in until none has a negative reduced cost, ``max_rounds``
        rounds, the deadline, (``close_enough`` > 0) until Lasdon's bound (see
        :meth:`least_open`) is within that share of the LP's value, or (``below``)
        until the LP's value is below that, or Lasdon's bound proves it never will
        be; the last master LP solved (None when it could not be solved, and with a
        ``cutoff`` when Lasdon's bound proves no roster here costs less). A round
        prices every worker not fixed, ``workers`` at a time."""
        order = [w for w in self._pricing if w not in self.fixed]
        rounds = 0
        with ThreadPoolExecutor(max(1, self.workers)) as pool:
            while True:
                master = self._solve_master_lp(deadline)
                if (master is None or not order or time.monotonic() >= deadline or rounds == max_rounds
                        or (below is not None and master.value < below)):
                    return master
                rounds += 1
                self.rounds += 1
                added, least = self._price_round(pool, order, master, deadline)
                if time.monotonic() >= deadline:
                    return master
                if added == 0:
                    if all(exact or low >= -REDUCED_COST_EPS for exact, low in least) and not self.diving:
                        self.lp_bound = master.value
                    return master
                lower = master.value + sum(min(0.0, low) for _, low in least)
                if cutoff is not None and lower >= cutoff:
                    return None
                if master.value - lower <= close_enough * abs(master.value) or (below is not None and lower >= below):
                    return self._solve_master_lp(deadline) or master  # with the patterns just found, if in time

    def dive(self, deadline: float, again_until: float | None = None) -> set[Pair] | None:
        """A roster by *diving* (:meth:`_dive_once`); None when no roster was found.

        With ``again_until``, dives again until then and keeps the cheapest roster
        (*limited discrepancy diving*, Sadykov, Vanderbeck, Pessoa, Tahiri and
        Uchoa, *Primal heuristics for branch and price: the assets of diving
        methods*, INFORMS J. Computing 31(2), 2019): each dive may not take first
        the decisions the dives before it took first, so it leaves their path at the
        root and follows the LP from there. A dive starts from the LP and the
        patterns the dives before it left, so it costs a fraction of the first. The
        first dive forces shifts; the dives again alternate between fixing patterns
        by share and forcing shifts (``by_patterns``), since each method finds
        rosters the other misses: wishes' dives by forced shifts only left Curtois
        Instance5 at 8,978 where patterns reached 8,977 (1,143, its best known), and
        dives by patterns only left Instance7 at 18,734 where forced shifts reached
        17,010 (LP 17,006.1); alternating, 8,977 and 17,009 (``/tmp`` driver, seed 0,
        18 s of dives).

        With the wishes, branch-and-price (:func:`branch_and_price`) takes
        ``TREE_SHARE`` of the time after the first dive; the dives again get what it
        leaves. Its searches restart, so more time finds more: Curtois Instance7
        (``/tmp``, 60 s, seeds 0-5) reached its best known 1,056 in 5 of 6 runs with
        all the time (2 of them proven optimal), in 0 of 5 with 0.3 (1,057-1,065,
        the dives again after the tree) and 1 of 4 with 0.6; Instance8 ended at
        1,356-1,383 with all of it and 1,359-1,384 with 0.3 (seeds 0-2).
        """
        best, first = self._dive_once(deadline, frozenset())
        self.dives, self.tree_nodes, self.proven = 1, 0, False
        if again_until is None or best is None:
            return best
        best_cost = self.cost(best)
        if self.soft and best_cost is not None:
            now = time.monotonic()
            tree = branch_and_price(self, best, best_cost, now + TREE_SHARE * max(0.0, again_until - now))
            best, best_cost, self.tree_nodes, self.proven = tree.roster, tree.cost, tree.nodes, tree.optimal
            if tree.optimal:
                return best
        tabu: set[Decision] = set()
        while first is not None and time.monotonic() < again_until:
            if best_cost is not None and self.lp_bound is not None and best_cost <= whole_bound(self.lp_bound):
                break  # no roster is cheaper than the converged LP
            tabu.add(first)
            roster, first = self._dive_once(again_until, frozenset(tabu), by_patterns=self.dives % 2 == 1)
            self.dives += 1
            cost = None if roster is None else self.cost(roster)
            if cost is not None and (best_cost is None or cost < best_cost):
                best, best_cost = roster, cost
        return best

    def _dive_once(self, deadline: float, tabu: frozenset[Decision],
                   by_patterns: bool = False) -> tuple[set[Pair] | None, Decision | None]:
        """One dive: solve the master LP by column generation, fix every pattern the
        LP holds whole, else force the shifts it is surest of onto their workers
        (:meth:`_force_surest_shifts`), price ``DIVE_ROUNDS`` rounds and repeat until
        each worker has one pattern. Forcing starts at ``DIVE_FORCE_SHARE`` of the
        workers' shifts at once; a step that costs the LP half an open place or more is
        undone and tried again with half as many, and a step that costs less lets the
        next force twice as many, up to the first step's. With the wishes, the root LP stops once
        Lasdon's bound is within ``DIVE_ROOT_GAP`` of its value: its last rounds move
        it little (Curtois Instance8: 0.1% at round 18 of 34, 24.5 s to converge).

        With ``by_patterns`` (dives again, :meth:`dive`) it fixes, when no pattern is
        whole, the patterns of largest share of ``DIVE_FIX_SHARE`` of the workers left
        (:meth:`_surest_fitting`) instead, as every dive did before. That decides
        every day of a worker at once, while the LP (degenerate when it counts open
        places) spreads a worker over patterns that differ in a few days.
        Branch-and-price for rostering branches on a worker's shift, as forcing does.
        Curtois, fill LP alone, seed 0 (``/tmp`` driver): the dive's open places
        against the LP's bound, patterns fixed by share: Instance8 16-18 (bound 12),
        Instance9 9 (4), Instance12 52 (40); shifts forced: 12, 4 and 40 (seeds 0-2:
        12, 12, 12; 4, 4, 4; 40, 40, 41), in 5-8 s on 8 and 9 and 18-23 s on 12.
        Undoing every step that raised the LP at all left the wishes' dive on 8 one
        shift a step (its LP rises a little with nearly every step), unfinished in
        26 s; hence a step is undone only when it costs half an open place or more.

        Such a step is priced on first (up to ``DIVE_SETTLE_ROUNDS`` rounds, until the
        LP is back below or Lasdon's bound proves it never will be): after three rounds
        the LP may lack the patterns that keep the place. A single shift whose forcing
        still costs half a place is refused for the rest of the dive and the next
        surest is forced instead, up to ``DIVE_REFUSALS`` refusals; then the dive
        forces on. With the wishes, the LP's open places are capped at the fill bound
        (:meth:`cap_open_places`), so a lost place shows at once. Curtois Instance8
        (fill bound 12, LP 39,770.6; ``/tmp`` driver, the best of the wishes' dives in
        18 s, seeds 1-16): 8 of 16 runs near the LP (39,778-39,792), the rest two or
        more places above it (43,109-49,766); without the three, 3 of 10 (seeds 1-5
        and 7-11); with them in the wishes' dives only, 4 of 16.

        Short of time (``FINISH_SHARE`` of what is left when the dive began), the
        workers not yet fixed get their patterns from an integer master (CP-SAT over
        the known patterns that hold their forced shifts, hinted with the LP's largest
        shares). An LP that pricing left unfinished forces nothing: on Curtois
        Instance14, whose root LP did not converge in 24 s, two patterns fixed by it
        left the integer master no roster within 4 s. Nor is a ``tabu`` decision taken
        again, though the LP may still hold it. A master LP GLOP cannot solve, even
        loaded afresh (:meth:`MasterLP.solve`), ends the dive there too, hinted by the
        last LP solved: on Curtois Instance12 such a failure had ended its wishes'
        dives without a roster.

        Returns the roster (None when none was found) and the dive's first decision
        (the shift forced, or the pattern fixed by its share, not whole), a
        discrepancy for the next dive (None when there was none).
        """
        self.fixed.clear()
        self.forced.clear()
        first: Decision | None = None
        step = first_step = max(1, math.ceil(DIVE_FORCE_SHARE * len(self._pricing)))
        place = min(self.fill_weight.values(), default=1)  # the least an open place costs (half: the LP lost it)
        undo: tuple[float, dict[str, Pattern], dict[str, frozenset[str]]] | None = None  # before the last step
        refused: set[Decision] = set()  # single shifts whose forcing cost the LP half a place
        last: list[Decision] = []  # the shifts forced by the last step
        finish = FINISH_SHARE * max(0.0, deadline - time.monotonic())
        master: MasterSolution | None = None
        try:
            while time.monotonic() < deadline - finish:
                solved = (self.generate(deadline - finish, DIVE_ROUNDS) if self.diving
                          else self.generate(deadline - finish, close_enough=DIVE_ROOT_GAP if self.soft else 0.0))
                if solved is None:
                    break  # GLOP found no optimum, even afresh: the integer master settles the rest
                master = solved
                if time.monotonic() >= deadline - finish:
                    break  # an LP cut short is no guide: forcing by it can leave no roster in the pool
                if undo is not None:
                    value, fixed, forced = undo
                    undo = None
                    lost = value + place / 2  # the LP's value once the step cost it half an open place
                    if master.value >= lost:  # the rise may be the few rounds' patterns: price on
                        solved = self.generate(deadline - finish, DIVE_SETTLE_ROUNDS, below=lost)
                        if solved is None:
                            break
                        master = solved
                    if master.value >= lost:
                        if step > 1:
                            self.fixed, self.forced, step = fixed, forced, step // 2
                            continue
                        if len(refused) < DIVE_REFUSALS:
                            self.fixed, self.forced = fixed, forced
                            refused.update(last)
                            continue
                    step = min(2 * step, first_step)
                whole = {worker: i for (worker, i), share in master.shares.items()
                         if worker not in self.fixed and share > 1 - INTEGRAL_EPS}
                if whole:
                    self.fixed.update((worker, self.patterns[worker][i]) for worker, i in whole.items())
                    continue
                if len(self.fixed) == len(self._pricing):
                    return {(w, s) for w, pattern in self.fixed.items() for s in pattern.shifts}, first
                if by_patterns:
                    chosen = self._surest_fitting(master, tabu)
                    if not chosen:
                        break  # the LP holds only tabu patterns of the workers left: the integer master settles them
                    self.fixed.update(chosen)
                    first = first or next((w, p.shifts) for w, p in chosen.items())
                    continue
                undo = (master.value, dict(self.fixed), dict(self.forced))
                forced = last = self._force_surest_shifts(master, step, tabu | refused)
                if not forced:
                    break  # nothing left to force but tabu shifts: the integer master settles the rest
                first = first or forced[0]
            floor = None if self.lp_bound is None else whole_bound(self.lp_bound)
            return self._integer_master(deadline - time.monotonic(), master, floor=floor), first
        finally:
            self.fixed.clear()
            self.forced.clear()

    @property
    def diving(self) -> bool:
        """Whether a dive or a search tree has fixed patterns, forced or forbidden
        shifts (the LP is restricted)."""
        return bool(self.fixed or self.forced or self.forbidden)

    def _force_surest_shifts(self, master: MasterSolution, want: int,
                             tabu: frozenset[Decision]) -> list[Decision]:
        """Force ``want`` shifts the LP is surest of onto their workers, one per worker:
        the (worker, shift) pairs of largest total share below 1, skipping those
        ``tabu`` and any that would overfill a shift with the patterns fixed and the
        shifts forced already (the surest one is forced even so when nothing else is
        left). Every pattern of the worker in play then holds the shift
        (:meth:`_allowed`, :meth:`_price_forced`). Returns the decisions taken."""
        held = self.held(master)
        taken = self._places_taken()
        candidates = sorted(((share, worker, sid) for (worker, sid), share in held.items()
                             if share < 1 - INTEGRAL_EPS and sid not in self.forced.get(worker, ())
                             and (worker, frozenset({sid})) not in tabu), reverse=True)
        chosen: dict[str, str] = {}
        for _, worker, sid in candidates:
            if worker not in chosen and self._has_room(sid, taken):
                chosen[worker] = sid
                taken[sid] += 1
                if len(chosen) == want:
                    break
        if not chosen and candidates:
            _, worker, sid = candidates[0]
            chosen[worker] = sid
        for worker, sid in chosen.items():
            self.forced[worker] = self.forced.get(worker, frozenset()) | {sid}
        return [(worker, frozenset({sid})) for worker, sid in chosen.items()]

    def held(self, master: MasterSolution) -> dict[Pair, float]:
        """Each (worker, shift) pair's share in ``master``'s patterns, for the workers not fixed."""
        held: dict[Pair, float] = defaultdict(float)
        for (worker, i), share in master.shares.items():
            if worker not in self.fixed:
                for sid in self.patterns[worker][i].shifts:
                    held[worker, sid] += share
        return held

    def _surest_fitting(self, master: MasterSolution, tabu: frozenset[Decision]) -> dict[str, Pattern]:
        """The patterns of largest share in ``master`` not ``tabu``, for ``DIVE_FIX_SHARE``
        of the workers not fixed (at least one), one per worker, skipping any that would
        overfill a shift with those fixed or chosen already (the surest is chosen even
        so when nothing else is left)."""
        surest = sorted(((share, worker, i) for (worker, i), share in master.shares.items()
                         if worker not in self.fixed and (worker, self.patterns[worker][i].shifts) not in tabu),
                        reverse=True)
        taken = self._places_taken()
        want = max(1, math.ceil(DIVE_FIX_SHARE * (len(self._pricing) - len(self.fixed))))
        chosen: dict[str, Pattern] = {}
        for _, worker, i in surest:
            pattern = self.patterns[worker][i]
            if worker not in chosen and all(self._has_room(sid, taken) for sid in pattern.shifts):
                chosen[worker] = pattern
                for sid in pattern.shifts:
                    taken[sid] += 1
                if len(chosen) == want:
                    break
        if not chosen and surest:
            _, worker, i = surest[0]
            chosen[worker] = self.patterns[worker][i]
        return chosen

    def _places_taken(self) -> dict[str, int]:
        """Places of each shift the dive has taken so far: by fixed patterns and forced shifts."""
        taken: dict[str, int] = defaultdict(int)
        for shifts in [p.shifts for p in self.fixed.values()] + list(self.forced.values()):
            for sid in shifts:
                taken[sid] += 1
        return taken

    def _has_room(self, sid: str, taken: dict[str, int]) -> bool:
        """Whether a shift has a place left beyond those ``taken`` (over-staffing included)."""
        return taken[sid] < self._heads[sid] + self._extra[sid]

    def _allowed(self, worker: str) -> list[int]:
        """Indices of the worker's patterns that hold every shift forced on it and none
        forbidden to it."""
        forced = self.forced.get(worker, frozenset())
        forbidden = self.forbidden.get(worker, frozenset())
        return [i for i, p in enumerate(self.patterns.get(worker, []))
                if forced <= p.shifts and not forbidden & p.shifts]

    def least_open(self, deadline: float) -> int | None:
        """The least weighted open places of any legal roster (without ``soft``
        terms: the open places of the weighted levels), proven by column
        generation; None when not proven by the deadline.

        With each worker's least reduced cost bounded by its pricing model, the
        master LP's value plus those bounds is a lower bound on the LP over every
        pattern (Lasdon's bound; it equals the LP's value once nothing prices out).
        Rosters' costs are whole numbers, so pricing stops once that bound's
        ceiling meets the LP's. Short of that, the best such bound seen is kept in
        ``open_floor``: it holds at every round.
        """
        if self.soft:
            raise ValueError("least_open counts open places only: build it with soft=False")
        order = [w for w in self._pricing if w not in self.fixed]
        with ThreadPoolExecutor(max(1, self.workers)) as pool:
            while time.monotonic() < deadline:
                master = self._solve_master_lp(deadline)
                if master is None:
                    return None
                ceiling = whole_bound(master.value)
                added, least = self._price_round(pool, order, master, deadline)
                lower = master.value + sum(min(0.0, low) for _, low in least)
                if math.isinf(lower):  # the deadline cut the round short
                    return None
                self.open_floor = max(self.open_floor, lower)
                if whole_bound(lower) >= ceiling:
                    return ceiling
                self.rounds += 1
                if not added:
                    return None  # pricing ran out of time before it found or excluded a better pattern
        return None

    def _integer_master(self, seconds: float, master: MasterSolution | None,
                        floor: int | None = None) -> set[Pair] | None:
        """One known pattern per worker (fixed workers keep theirs), the cheapest mix
        CP-SAT finds in ``seconds``; hinted with the patterns the LP used most or, when
        nothing is fixed, with the roster added last (a legal roster CP-SAT can start
        from: on Curtois Instance14 the LP's hint left it without any roster in 4 s),
        and with the open places and over-staffing they leave, so the hint is a whole
        roster (picks alone: CP-SAT called the hint incomplete and, on the 4,600
        patterns of Curtois Instance7's wishes' dive, held no roster after 5 s)."""
        model = cp_model.CpModel()
        heads, extra = self._heads, self._extra
        count: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        hinted: dict[str, int] = defaultdict(int)  # places the hint fills, per shift
        cost: list[cp_model.LinearExprT] = []
        options: dict[str, list[tuple[cp_model.IntVar, Pattern]]] = {}
        shares = master.shares if master else {}
        for worker in self._pricing:
            patterns = ([self.fixed[worker]] if worker in self.fixed else
                        [self.patterns[worker][i] for i in self._allowed(worker)])
            if not patterns:
                return None
            lits = [model.new_bool_var(f"pick[{worker},{i}]") for i in range(len(patterns))]
            model.add_exactly_one(lits)
            options[worker] = list(zip(lits, patterns, strict=True))
            best = max(range(len(patterns)), key=lambda i: shares.get((worker, i), 0.0))
            if not self.diving and worker in self._incumbent:
                best = next((i for i, p in enumerate(patterns) if p.shifts == self._incumbent[worker]), best)
            for i, (lit, pattern) in enumerate(options[worker]):
                model.add_hint(lit, int(i == best))
                cost.append(pattern.penalty * lit)
                for sid in pattern.shifts:
                    count[sid].append(lit)
                    hinted[sid] += int(i == best)
        for sid, lits in count.items():
            assigned = sum(lits)
            model.add(assigned <= heads[sid] + extra[sid])
            if heads[sid]:
                open_places = model.new_int_var(0, heads[sid], f"open[{sid}]")
                model.add(open_places >= heads[sid] - assigned)
                model.add_hint(open_places, max(0, heads[sid] - hinted[sid]))
                cost.append(self.fill_weight.get(sid, 0) * open_places)
            if extra[sid] and self._over_cost[sid]:
                over = model.new_int_var(0, extra[sid], f"over[{sid}]")
                model.add(over >= assigned - heads[sid])
                model.add_hint(over, min(extra[sid], max(0, hinted[sid] - heads[sid])))
                cost.append(self._over_cost[sid] * over)
        open_elsewhere = sum(self.fill_weight.get(sid, 0) * heads[sid] for sid in self.shifts if sid not in count)
        model.minimize(sum(cost) + open_elsewhere)
        if floor is not None:  # a proven bound: the search stops once it meets it
            model.add(sum(cost) + open_elsewhere >= floor)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.1, seconds)
        solver.parameters.num_workers = self.workers
        solver.parameters.random_seed = self.seed
        # Each pattern sits in a cover row of each of its shifts (Curtois Instance7: 213,047
        # terms over 4,600 patterns); probing and the search for overlapping rows then took
        # all of 5 s in presolve, where without them the hinted roster improved in 2.7 s.
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.find_big_linear_overlap = False
        if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        return {(worker, sid) for worker, picks in options.items() for lit, pattern in picks
                if solver.boolean_value(lit) for sid in pattern.shifts}

    def _price_round(self, pool: ThreadPoolExecutor, order: list[str], master: MasterSolution,
                     deadline: float) -> tuple[int, list[tuple[bool, float]]]:
        """Price every worker of ``order`` against ``master``, ``workers`` at a time; the
        patterns added and, per worker, whether its least reduced cost was proven and a
        lower bound on it.

        A worker whose pricing ran out of its time with neither a pattern nor a proof is
        priced again, each time ``PRICING_RETRY_FACTOR`` times longer, while that stays
        within ``PRICING_RETRY_SECONDS``: a round that finds nothing proves the LP only if
        every worker is proven (Curtois Instance9: two runs in three stopped after 19-20
        rounds with one or two workers unproven at 0.5 s, so the LP's value bounded
        nothing and the fill bound by patterns was not tried). Workers whose turn comes
        after the deadline are not priced (no pattern, no bound): a labelling programme
        takes no time limit, and Curtois Instance13's first round took 42 s."""
        def price(worker: str, seconds: float) -> tuple[list[Pattern], bool, float]:
            if time.monotonic() >= deadline:  # past it, the round is cut short: nothing known
                return [], False, -math.inf
            return self._price_forced(worker, master.prices, master.worker_duals.get(worker, 0.0), deadline, seconds)

        priced = dict(zip(order, pool.map(lambda w: price(w, PRICING_SECONDS), order), strict=True))
        added = sum(self._add(p) for found, _, _ in priced.values() for p in found)
        seconds = PRICING_SECONDS * PRICING_RETRY_FACTOR
        while not added and seconds <= PRICING_RETRY_SECONDS and time.monotonic() < deadline:
            unproven = [w for w, (_, exact, least) in priced.items() if not exact and least < -REDUCED_COST_EPS]
            if not unproven:
                break
            priced.update(zip(unproven, pool.map(lambda w, t=seconds: price(w, t), unproven), strict=True))
            added = sum(self._add(p) for w in unproven for p in priced[w][0])
            seconds *= PRICING_RETRY_FACTOR
        return added, [(exact, least) for _, exact, least in priced.values()]

    def _price_forced(self, worker: str, prices: dict[str, float], dual: float,
                      deadline: float, seconds: float) -> tuple[list[Pattern], bool, float]:
        """:meth:`_price` among the patterns that hold the shifts forced on ``worker``
        and none forbidden to it: each forced shift is priced up by more than any
        pattern's reduced cost can vary, and the worker's dual down by as much per
        forced shift; each forbidden shift is priced down by as much. A pattern holding
        every forced shift and no forbidden one keeps its reduced cost; any other prices
        out at a positive one, so neither pricer needs to know what is forced."""
        forced = self.forced.get(worker, frozenset())
        forbidden = self.forbidden.get(worker, frozenset())
        if not forced and not forbidden:
            return self._price(worker, prices, dual, deadline, seconds)
        lift = 1.0 + self._soft_range[worker] + abs(dual) + sum(
            abs(prices.get(sid, 0.0)) for _, sid in self._pricing[worker].v.x)
        lifted = dict(prices)
        for sid in forced:
            lifted[sid] = prices.get(sid, 0.0) + lift
        for sid in forbidden:
            lifted[sid] = prices.get(sid, 0.0) - lift
        return self._price(worker, lifted, dual - lift * len(forced), deadline, seconds)

    def _price(self, worker: str, prices: dict[str, float], dual: float,
               deadline: float, seconds: float = PRICING_SECONDS) -> tuple[list[Pattern], bool, float]:
        """Patterns of negative reduced cost for ``worker``, whether the least reduced
        cost was proven, and a lower bound on it (thread-safe: only the worker's own
        model changes)."""
        p = self._pricing[worker]
        if p.labelling is not None and kernel_ready():
            labelled = self._price_by_labelling(p, prices, dual)
            if labelled is not None:
                return labelled
            p.labelling = None  # a rule the programme leaves out, or too many states: CP-SAT from now on
        p.model.clear_objective()
        priced = [(sid, prices.get(sid, 0.0)) for (_, sid) in p.v.x]
        p.model.minimize(sum(p.terms) - sum(price * p.v.x[worker, sid] for sid, price in priced if price))
        found: list[Pattern] = []

        class Collect(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                if self.objective_value - dual < -REDUCED_COST_EPS:
                    shifts = frozenset(sid for (_, sid), lit in p.v.x.items() if self.boolean_value(lit))
                    penalty = sum(self.value(t) for t in p.terms)
                    found.append(Pattern(worker, shifts, penalty))

        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.05, min(seconds, deadline - time.monotonic()))
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = self.seed
        solver.parameters.linearization_level = 2  # 23 ms a pricing on Curtois Instance8, against 34
        status = solver.solve(p.model, Collect())
        if status == cp_model.INFEASIBLE:  # no legal pattern at all: none prices in
            return found, True, math.inf
        return found, status == cp_model.OPTIMAL, solver.best_objective_bound - dual

    def _price_by_labelling(self, p: _Pricing, prices: dict[str, float],
                            dual: float) -> tuple[list[Pattern], bool, float] | None:
        """:meth:`_price` by the worker's labelling programme: its cheapest patterns
        of negative reduced cost, proven least when the cheapest is legal (flexpool's
        checker judges every rule, those the programme leaves out too; the
        programme's cost is a lower bound, see :mod:`solver.labelling`); None when
        it is not (then CP-SAT prices)."""
        labelling = p.labelling
        assert labelling is not None
        at_most = dual - labelling.offset  # a reduced cost of 0 at most
        if p.best is not None:  # no dearer than the last cheapest, which is still legal
            at_most = min(at_most, labelling.cost(p.best, prices))
        cheapest = labelling.cheapest(prices, LABELLED_PATTERNS, at_most)
        if cheapest is None:
            return None
        if not cheapest:  # every pattern's reduced cost is above 0
            return [], True, 0.0
        found: list[Pattern] = []
        for rank, (value, shifts) in enumerate(cheapest):
            reduced = labelling.offset + value - dual
            if rank and reduced >= -REDUCED_COST_EPS:
                break
            legal = not check_worker(self._check_ctx, labelling.worker, shifts)
            if rank == 0 and not legal:
                return None
            if rank == 0:
                p.best = shifts
            if legal and reduced < -REDUCED_COST_EPS:
                found.append(Pattern(labelling.worker, shifts, labelling.penalty(shifts)))
        return found, True, labelling.offset + cheapest[0][0] - dual

    def _solve_master_lp(self, deadline: float) -> MasterSolution | None:
        """The master LP over the known patterns (a fixed worker's own only; a worker's
        with shifts forced on it, those that hold them), solved by the ``deadline``
        (None when it is not)."""
        allowed = {w: frozenset(i for i, p in enumerate(self.patterns[w]) if p is pattern)
                   for w, pattern in self.fixed.items()}
        allowed.update((w, frozenset(self._allowed(w))) for w in {*self.forced, *self.forbidden} if w not in self.fixed)
        self._master.restrict(allowed)
        return self._master.solve(deadline)

    # ---------------------------------------------------------------- cost

    def cost(self, roster: set[Pair]) -> int | None:
        """The master's cost of a roster: weighted open places, over-staffing and each
        worker's soft penalty (None when a worker's part breaks a rule)."""
        count: dict[str, int] = defaultdict(int)
        for _, sid in roster:
            count[sid] += 1
        total = 0
        for w, shifts in self._parts(roster).items():
            penalty = self._penalty_of(w, shifts)
            if penalty is None:
                return None
            total += penalty
        for sid, weight in self.fill_weight.items():
            total += weight * max(0, self.shifts[sid].headcount - count[sid])
        for sid, n in count.items():
            total += self._over_cost[sid] * max(0, n - self.shifts[sid].headcount)
        return total


def _linear_costs(v: Variables, terms: list[cp_model.LinearExprT]) -> tuple[float, dict[str, float]] | None:
    """The soft terms as a constant and a cost per shift of the worker, read off the
    model's objective; None when they are not linear in the worker's shifts alone."""
    offset, coefficients, linear = pair_coefficients(v, terms)
    return (offset, {sid: c for (_, sid), c in coefficients.items()}) if linear else None


def _magnitude(model: cp_model.CpModel, terms: list[cp_model.LinearExprT]) -> int:
    """An upper bound on ``|sum(terms)|`` over the variables' domains."""
    if not terms:
        return 0
    probe = model.clone()
    probe.minimize(sum(terms))
    objective, variables = probe.proto.objective, probe.proto.variables
    bound = abs(objective.offset)
    for var, coef in zip(objective.vars, objective.coeffs, strict=True):
        domain = list(variables[var if var >= 0 else -var - 1].domain)  # (the proto's [-1] reads [0])
        bound += abs(coef) * max(abs(domain[0]), abs(domain[-1]))
    return int(bound)
