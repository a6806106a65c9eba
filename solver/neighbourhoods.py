"""Large-neighbourhood search over groups of workers, for regions too big to solve whole.

Every hard rule is per worker; workers meet only in a shift's headcount. So a
group of workers can be re-rostered exactly while everyone else stays put:
the group's model sees each shift's places minus those taken outside the
group. A neighbourhood is accepted only when it is better, so every roster
along the way is legal and filling never goes down.

Two phases:

- *fill*: maximise slots lexicographically by priority (weights ``W_p`` such
  that one slot of priority p outweighs every lower slot together), around
  open slots: workers eligible for a few open shifts of one day and workers who
  could relieve them of the work they hold then, those of the highest level
  with open slots first (lexicographic: a slot there is worth more than
  anything below). The group moves only shifts within ``FILL_WINDOW_DAYS`` of
  that day; what it holds elsewhere stays fixed in the model (Twente M, 60 s:
  2,204 slots against 2,166 with the whole horizon free, in one run each).
  Not under rules over the whole horizon (total minutes, weekends, shifts per
  label; ``docs/rules.md`` GEN-*), which trade work across it (Curtois 13 and 14
  filled less in windows: 6,906 and 1,565 against 4,779 and 1,483). A windowed
  fill group grows while its steps are proven optimal in their time and shrinks
  when they are not (``_adapt_fill_size``);
- *wishes*: keep each priority level's fill in the group and minimise the soft
  penalties. Groups form around a *target*, a worker's day that costs more than the
  cheapest the worker could hold then (a shift held against a wish, a wished-for
  shift held by another), with whoever holds what the worker wants and workers
  who could take its shift, and move only the shifts of that day and the days
  either side (``_target_group``): small models, mostly proven in their time.
  A day is no target after ``TARGET_TRIES`` fruitless steps; with none left,
  groups are random. Timefold LARGE, 30 s, seeds 0-4: 39,955, 40,316, 40,196,
  40,195 and 39,718 against 37,170, 37,425, 38,259, 39,584 and 34,655 with random
  groups only, the same hour (``/tmp`` driver). A group grows by a worker after a
  step proven optimal and shrinks by one after a step that found no roster in its
  time (``_adapt_wish_size``), so a slower machine gets smaller models.

With two CP-SAT workers and room for two groups, both phases search two disjoint
groups side by side, each on its own thread with one CP-SAT worker, and merge
the parts whose changes touch disjoint shifts (``lanes``): a step on one worker
finds nearly as much as on two, so twice the region is searched. Timefold LARGE,
30 s: 40,316, 39,955 and 40,196 (seeds 0-2) with the wishes in lanes, against
35,990-39,710 over five runs in one lane; Twente M, 60 s: 2,197 and 2,204 slots
(seeds 0, 1) against 2,186 and 2,197. Curtois shows no cost against its spread
(16: 4,012 against 4,288; 20: 20,487 against 19,417; one run each).

Each lane starts its next step as soon as its last one ends (``_in_lanes``):
lanes started together built their models together, each twice as slow under
Python's lock, and waited for the slower step of the round. Twente M, 60 s, seed
0: 87 fill steps against 58, their hard rules built in 281 ms against 616 ms on
average; fill 2,187 against 2,182 (seed 1: 2,179 against 2,169; M2W at 120 s:
2,222 against 2,208). Timefold LARGE, 30 s, seeds 0-3: 37,542, 37,665, 37,666,
28,410 against 33,812, 38,022, 37,306, 31,294, within its spread (``/tmp`` drivers,
one run each).
"""

from __future__ import annotations

import random
import time
from collections import defaultdict, deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

from ortools.sat.python import cp_model

from flexpool.checker import CheckContext
from flexpool.model import Shift
from solver.construct import legal_part
from solver.objective import fill_by_priority, filled_by_level, pair_coefficients, soft_terms
from solver.rules import add_hard_rules
from solver.space import Pair, RosterSpace
from solver.variables import Variables, solve_fixed

T = TypeVar("T")

GROUP_WORKERS, MIN_GROUP_WORKERS = 24, 6
STEP_SECONDS = 1.0
WISH_SEARCH_PER_BUILD = 2.0  # a wishes step searches at least this many times as long as its model took to build
STEP_PAIRS = 12_000  # candidate pairs a group brings, at most (long horizons: fewer workers)
REPAIR_STEP_SECONDS = 0.2  # a one-worker repair: any legal part will do, filling is a bonus
REPAIR_ATTEMPTS = 5  # per worker, each twice as long (pinned work may make a worker unrepairable)
FEASIBILITY_PORTFOLIO = 8  # CP-SAT subsolvers (threads) when any legal part will do
CONSTRUCT_SHARE = 0.8  # of the time left: repairs projected past it go to construction
PACE_WORKERS, PACE_SHARE = 3, 0.1  # the models' pace is judged after this many workers, or this share of the time
REPAIR_FILL_PATIENCE = 3  # workers in a row not repaired with filling: the rest go straight to any legal part
CANDIDATE_SHARE = 0.33  # of a fill group: workers eligible for the open slots; the rest relieve them
FILL_WINDOW_DAYS = 1  # a fill step moves the group's shifts within this many days of the open slot
LEVEL_PATIENCE = 3  # fruitless steps per lane on a level before the next level down gets its turn
FILL_GAIN_PATIENCE = 4  # fill steps per lane without a gain before filling past its share of the time stops
TARGET_TRIES = 2  # fruitless steps around a worker's day before it is no longer a target
TARGET_WINDOW_DAYS = 1  # a targeted step moves only shifts within this many days of its day
TARGET_GROUP_FACTOR = 2.0  # a targeted group holds this many times the wishes group's workers
COST_BATCH_PAIRS = 25_000  # pairs whose own soft cost is read per launch, at most (one worker at least)
FILL_GROWTH = 1.25  # fill groups grow by this after a round (a step per lane) all proven optimal, else shrink


@dataclass
class _Launch:
    """A step under way in a lane: its group, window and day (fill steps), what its
    caller tags it with, the roster it began on, and the merges before it began."""

    group: set[str]
    window: tuple[date, date] | None = None
    day: date | None = None
    tag: int = 0
    base: set[Pair] = field(default_factory=set)
    merged_before: int = 0
    threads: int = 1
    target: tuple[str, date] | None = None  # a wishes step around this worker's day


def _taken(outcomes: list[T]) -> list[T]:
    """The outcomes a list holds now, removed from it; one that a lane's thread appends
    meanwhile stays for the next reading (a ``clear()`` after reading would lose it)."""
    count = len(outcomes)
    taken = outcomes[:count]
    del outcomes[:count]
    return taken


def lexicographic_weights(caps: dict[int, int]) -> dict[int, int]:
    """Weights where one slot of a priority outweighs all lower-priority slots.

    >>> lexicographic_weights({5: 2, 3: 10, 1: 4})
    {1: 1, 3: 5, 5: 55}
    """
    weights, w = {}, 1
    for p in sorted(caps):
        weights[p] = w
        w *= caps[p] + 1
    return weights


@dataclass
class NeighbourhoodSearch(RosterSpace):
    """Improves a legal roster group by group until a deadline."""

    weights: dict[int, int]
    seed: int = 0
    workers: int = 2
    on_improvement: Callable[[dict[Pair, int]], None] | None = None
    level_bounds: dict[int, int] = field(default_factory=dict)  # proven most fillable slots per level

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.shifts = {s.id: s for s in self.scenario.shifts}
        self.shifts_by_day: dict[object, list[str]] = defaultdict(list)
        for s in self.scenario.shifts:
            self.shifts_by_day[self.timeline.shifts[s.id].start_date].append(s.id)
        self.worker_ids = [w.id for w in self.scenario.workers]
        self.workers_by_id = {w.id: w for w in self.scenario.workers}
        self.shifts_of_worker = self.shifts_by_worker()
        # a group is a fraction of the region, and of a step's pairs, so a step stays a small model
        active = len(self.shifts_of_worker)
        pairs_per_worker = sum(map(len, self.shifts_of_worker.values())) / max(1, active)
        # rules over the whole horizon trade work across it: their steps keep it all free
        self.windowed = not any(r.min_total_minutes or r.max_total_minutes or r.max_weekends is not None
                                or r.max_shifts_by_label for r in (w.work_rules for w in self.scenario.workers))
        self.group_size = max(2, min(max(MIN_GROUP_WORKERS, min(GROUP_WORKERS, active // 4)),
                                     int(STEP_PAIRS // max(1.0, pairs_per_worker))))
        # groups searched side by side, one CP-SAT worker each, when the region holds them
        self.lanes = max(1, min(self.workers, active // self.group_size))
        # windowed fill groups adapt to what a step proves in its time (_adapt_fill_size);
        # such a step brings only its window's pairs, so its group may hold more workers
        days = len(self.scenario.horizon.dates)
        window_pairs = pairs_per_worker * min(1.0, (2 * FILL_WINDOW_DAYS + 1) / days)
        self.max_fill_size = self.group_size if not self.windowed else max(
            self.group_size, min(active // self.lanes, int(STEP_PAIRS // max(1.0, window_pairs))))
        self.fill_size = self.group_size
        self._fill_proofs: list[bool] = []  # per fill step of the current round (a step per lane): proven optimal
        # wishes groups adapt to whether a step is proven, or finds nothing, in its time (_adapt_wish_size)
        self.wish_size = self.group_size
        self.max_wish_size = max(self.group_size, min(active // self.lanes, 2 * self.group_size))
        self._wish_outcomes: list[str] = []  # CP-SAT status of each wishes step searched its full time

    # ---------------------------------------------------------------- phases

    def improve_fill(self, roster: set[Pair], deadline: float, extend_until: float | None = None) -> set[Pair]:
        """Neighbourhoods around open slots, the highest level first: a level is
        left for the next one down after ``LEVEL_PATIENCE`` steps in a row that
        found nothing there; it is tried once more after each improvement below it
        (the changed roster may open a move), and fully again once every level has
        had its turn. Levels filled up to their proven bound (``level_bounds``) are
        done; the search ends when every level is.

        Past ``deadline`` it goes on up to ``extend_until`` while the fill still
        grows: a gain within the last ``FILL_GAIN_PATIENCE`` steps per lane keeps it
        going (filling comes before every wish; spec, Weights). Patience counts
        steps per lane, since lanes step on their own (:meth:`_in_lanes`); fill groups
        adapt after each ``lanes`` steps (:meth:`_adapt_fill_size`)."""
        misses: dict[int, int] = defaultdict(int)
        since_gain = 0
        last = max(deadline, extend_until or deadline)
        level_patience, gain_patience = LEVEL_PATIENCE * self.lanes, FILL_GAIN_PATIENCE * self.lanes

        def keep_going() -> bool:
            now = time.monotonic()
            return now < deadline - 0.2 or (now < last - 0.2 and since_gain < gain_patience)

        def launch(roster: set[Pair], busy: set[str], days: list[date]) -> _Launch | None:
            closed = self._full_levels(roster)
            open_places = {s: n for s, n in self._open_places(roster).items()
                           if self.shifts[s].priority not in closed}
            levels = sorted({self.shifts[s].priority for s in open_places}, reverse=True)
            if not levels:
                return None
            level = next((p for p in levels if misses[p] < level_patience), None)
            if level is None:
                misses.clear()
                level = levels[0]
            picked = self._fill_group({s: n for s, n in open_places.items() if self.shifts[s].priority == level},
                                      roster, busy, days)
            if picked is None:
                return None
            group, day = picked
            window = None
            if self.windowed:
                window = (day - timedelta(days=FILL_WINDOW_DAYS), day + timedelta(days=FILL_WINDOW_DAYS))
            return _Launch(group, window, day, level)

        def finish(launched: _Launch, gained: bool) -> None:
            nonlocal since_gain
            level = launched.tag
            if len(self._fill_proofs) >= self.lanes:
                self._adapt_fill_size()
            if not gained:
                misses[level] += 1
                since_gain += 1
                return
            misses[level], since_gain = 0, 0
            for higher in (p for p in misses if p > level):  # a changed roster may open a move there
                misses[higher] = min(misses[higher], level_patience - 1)

        self._fill_proofs.clear()
        return self._in_lanes(roster, launch, finish, keep_going, last, soft=False)

    def _adapt_fill_size(self) -> None:
        """Grow windowed fill groups by ``FILL_GROWTH`` after a round whose steps were
        all proven optimal, shrink them after one that was not: a step proven within
        its time had room for a larger neighbourhood (the adaptive neighbourhood size
        of CP-SAT's own LNS; Perron, Shaw and Furnon, CP 2004). Twente M, 60 s: a fill
        step of 24 workers in a 3-day window took 0.14 s and was proven optimal in
        456 of 467 solves; fixed groups of 96 filled more priority-3 slots (1,036 and
        1,032 against 1,023 and 1,024, seeds 0 and 1), adaptive ones 1,036 and 1,026,
        and on M2W at 120 s 1,074 against 1,054 and 1,055.

        Whole-horizon steps keep their size: they are rarely proven, so their groups
        shrank to six, and Curtois 9 came out at 569, 559 and 442 (seeds 0-2; its
        priority-3 stage unproven in the first two) against 447 and 479 (proven) at
        a fixed size."""
        proofs = _taken(self._fill_proofs)
        if not proofs or not self.windowed:
            return
        factor = FILL_GROWTH if all(proofs) else 1 / FILL_GROWTH
        self.fill_size = min(self.max_fill_size, max(MIN_GROUP_WORKERS, round(self.fill_size * factor)))

    def make_legal(self, roster: set[Pair], workers: list[str], deadline: float,
                   check_ctx: CheckContext) -> set[Pair]:
        """Re-roster each given worker alone, accepting any legal result.

        Workers meet only in headcounts, so a worker whose part breaks a rule
        (a minimum no shift-by-shift start can meet, e.g. ``min_total_minutes``)
        is repaired by a one-worker model around what the others hold, filling
        what it can. A worker not repaired in time is tried again at once, with
        twice the time and without the filling objective (any legal part), up to
        ``REPAIR_ATTEMPTS`` times; one never repaired keeps their part. Once
        ``REPAIR_FILL_PATIENCE`` workers in a row found nothing with filling (long
        horizons, tight minimums), the next workers skip that attempt and start with
        the time the last repaired worker needed.

        Without the objective CP-SAT runs a portfolio of ``FEASIBILITY_PORTFOLIO``
        subsolvers, without presolve or hint: over a 364-day horizon its two-worker
        default search can take tens of seconds for a legal part this finds in under one.

        When the models would not get through every worker in ``CONSTRUCT_SHARE`` of
        the time left, even at the pace of the time so far over the workers done plus
        the one under way (a lower bound on their pace), the workers still waiting get
        their parts
        by construction (:func:`solver.construct.legal_part`: a fraction of a second
        each over 364 days, though it fills less where forward rotation and label caps
        bind); the models take only those it cannot build. The pace is judged once
        ``PACE_WORKERS`` workers are done (one slow worker says little: Curtois
        Instance20's models repair 50 workers in 17 s, and its construction fills far
        less), or sooner once the repair has used ``PACE_SHARE`` of its time (on
        Instance24 three workers took 24.6 s of 43.8).
        """
        queue = deque((worker, 0) for worker in workers)
        fill_misses, needed = 0, 1  # attempts of filling found nothing; attempt that last sufficed
        began, done, constructed = time.monotonic(), 0, False
        while queue and time.monotonic() < deadline - 0.1:
            now = time.monotonic()
            if not constructed and (done >= PACE_WORKERS or now - began >= PACE_SHARE * (deadline - began)):
                waiting = list(dict.fromkeys(w for w, _ in queue))
                if (now - began) / (done + 1) * len(waiting) >= CONSTRUCT_SHARE * (deadline - now):
                    constructed = True
                    roster, left = self._construct_parts(roster, waiting, deadline, check_ctx)
                    queue = deque((w, needed) for w in left)
                    continue
            worker, attempt = queue.popleft()
            if attempt == 0 and fill_misses >= REPAIR_FILL_PATIENCE:
                attempt = needed
            repaired = self._step(roster, {worker}, deadline, soft=False, accept_any=True,
                                  seconds=REPAIR_STEP_SECONDS * 2 ** attempt, fill_objective=attempt == 0)
            if attempt == 0:
                fill_misses = fill_misses + 1 if repaired is roster else 0
            elif repaired is not roster:
                needed = attempt
            if repaired is roster and attempt + 1 < REPAIR_ATTEMPTS:
                queue.appendleft((worker, attempt + 1))  # nothing found in time: at once, twice as long
            else:
                done += 1
            roster = repaired
        return roster

    def _construct_parts(self, roster: set[Pair], workers: list[str], deadline: float,
                         check_ctx: CheckContext) -> tuple[set[Pair], list[str]]:
        """Each worker's part rebuilt by :func:`~solver.construct.legal_part` around the
        others, in turn (open places by priority first); returns the roster and the
        workers it could not rebuild."""
        taken: dict[str, int] = defaultdict(int)
        parts: dict[str, set[str]] = defaultdict(set)
        for w, s in roster:
            taken[s] += 1
            parts[w].add(s)
        pinned = defaultdict(set)
        for w, s in self.pinned:
            pinned[w].add(s)
        left: list[str] = []
        for worker_id in workers:
            if time.monotonic() >= deadline:
                left.append(worker_id)
                continue
            held = parts[worker_id]
            for s in held:
                taken[s] -= 1

            def value(sid: str) -> int:
                shift = self.shifts[sid]
                if taken[sid] < shift.headcount:
                    return 1 + shift.priority
                return -1 if shift.over_cost else 0

            room = [s for s in self.shifts_of_worker.get(worker_id, ())
                    if taken[s] < (self.shifts[s].max_headcount or self.shifts[s].headcount)]
            part = legal_part(check_ctx, self.timeline, self.workers_by_id[worker_id], room, value,
                              pinned[worker_id])
            if part is None:
                left.append(worker_id)
            else:
                parts[worker_id] = held = set(part)
            for s in held:
                taken[s] += 1
        return {(w, s) for w, held in parts.items() for s in held}, left

    def _fill_group(self, open_places: dict[str, int], roster: set[Pair], busy: set[str],
                    days: list[date]) -> tuple[set[str], date] | None:
        """A group around open slots (:meth:`_group_around_open_slots`) for a lane, and
        the open shift's date: around an open shift more than two windows from the
        ``days`` other lanes work on, with none of their ``busy`` workers. None when
        there is no such shift or worker."""
        apart = {s: n for s, n in open_places.items()
                 if all(abs((self.timeline.shifts[s].start_date - d).days) > 2 * FILL_WINDOW_DAYS for d in days)}
        if not apart:
            return None
        group, day = self._group_around_open_slots(apart, roster, busy)
        return (group, day) if group else None

    def _in_lanes(self, roster: set[Pair], launch: Callable[[set[Pair], set[str], list[date]], _Launch | None],
                  finish: Callable[[_Launch, bool], None], keep_going: Callable[[], bool], deadline: float, *,
                  soft: bool) -> set[Pair]:
        """Steps in ``lanes`` lanes, each on its own thread with one CP-SAT worker
        (CP-SAT releases the GIL while it searches), a lane starting its next step as
        soon as its last one ends; each result is merged into the roster as it comes
        (:meth:`_merge_step`). ``launch`` picks a step around the roster (its group
        clear of the ``busy`` workers of running steps, its day apart from theirs),
        ``finish`` hears whether it gained, ``keep_going`` whether to start more.

        Lanes that start together also build their models together, each then
        twice as slow (Python's lock); started apart, one builds while the other
        searches, and none waits for the slower step of a round. A step alone (no
        second group to be found) searches with every CP-SAT worker."""
        running: dict[Future[set[Pair]], _Launch] = {}
        merged_shifts: list[set[str]] = []  # the shifts each merged step changed, in order
        with ThreadPoolExecutor(self.lanes) as pool:
            while True:
                while sum(t.threads for t in running.values()) < self.lanes and keep_going():
                    busy = set().union(*(t.group for t in running.values()))
                    launched = launch(roster, busy, [t.day for t in running.values() if t.day is not None])
                    if launched is None:
                        break
                    alone = self.lanes == 1 or (not running and launch(
                        roster, busy | launched.group, [launched.day] if launched.day else []) is None)
                    launched.base, launched.merged_before = roster, len(merged_shifts)
                    launched.threads = self.lanes if alone else 1
                    running[pool.submit(self._step, roster, launched.group, deadline, soft=soft,
                                        window=launched.window, workers=None if alone else 1,
                                        seed=self.rng.randrange(1 << 30), notify=False)] = launched
                if not running:
                    return roster
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    launched = running.pop(future)
                    updated = self._merge_step(roster, launched, future.result(), merged_shifts)
                    finish(launched, updated is not roster)
                    if updated is not roster and self.on_improvement:
                        self.on_improvement({pair: 1 for pair in updated})
                    roster = updated

    @staticmethod
    def _merge_step(roster: set[Pair], launched: _Launch, result: set[Pair],
                    merged_shifts: list[set[str]]) -> set[Pair]:
        """``roster`` with the group's new part from a step begun on ``launched.base``,
        unless a step merged since then changed one of its shifts. The group's workers
        were no other step's meanwhile, so their part is as the step saw it; the
        shifts it changed hold what they held then, so every rule (per worker) holds,
        no place is over-filled, and the step's gain adds up (soft terms are per
        worker, or per shift for over-staffing)."""
        if result is launched.base:
            return roster
        before = {pair for pair in launched.base if pair[0] in launched.group}
        after = {pair for pair in result if pair[0] in launched.group}
        changed = {sid for _, sid in before ^ after}
        if any(changed & shifts for shifts in merged_shifts[launched.merged_before:]):
            return roster
        merged_shifts.append(changed)
        return (roster - before) | after

    def improve_wishes(self, roster: set[Pair], deadline: float) -> set[Pair]:
        """Re-roster groups of workers for fewer soft penalties, each level's fill kept.

        With ``workers`` CP-SAT threads and room for that many disjoint groups, the
        groups are solved side by side on one thread each (CP-SAT releases the GIL
        while it searches) and their changes merged: one thread finds nearly as much
        per step as two (Timefold LARGE, 20 s of wishes from one start, six seeds:
        39,252 on average against 39,452), so the region is searched twice as fast.

        A step searches ``STEP_SECONDS``, or twice as long as its model took to
        build if that is longer: on Timefold LARGE two lanes build a 12-worker step
        in about 0.8 s each (they share Python's lock), and at 1 s of search a step
        rarely got far from its start (30 s, seeds 0-2: 33,449, 38,143, 37,658; with
        this rule 38,754, 38,270, 39,108; 2 s flat: 39,826, 38,632, 38,748; `/tmp`).

        Groups form around a worker's day that costs more than the cheapest the
        worker could hold then, while there is one (:meth:`_target_group`), else
        at random."""
        active = [w for w in self.worker_ids if self.shifts_of_worker.get(w)]
        costs: dict[Pair, float] = {}
        uncosted = list(active)
        self.rng.shuffle(uncosted)
        fruitless: dict[tuple[str, date], int] = defaultdict(int)

        def launch(current: set[Pair], busy: set[str], _days: list[date]) -> _Launch | None:
            free = [w for w in active if w not in busy]
            if not free:
                return None
            if uncosted:  # a batch at a time: on a large region they are read as the search goes
                costs.update(self._pair_costs(self._cost_batch(uncosted)))
            targeted = self._target_group(current, busy, costs, fruitless) if costs else None
            if targeted is not None:
                return targeted
            return _Launch(set(self.rng.sample(free, min(self.wish_size, len(free)))))

        def finish(launched: _Launch, gained: bool) -> None:
            self._adapt_wish_size()
            if launched.target is not None and not gained:
                fruitless[launched.target] += 1

        return self._in_lanes(roster, launch, finish,
                              lambda: time.monotonic() < deadline - 0.2, deadline, soft=True)

    def _cost_batch(self, uncosted: list[str]) -> list[str]:
        """Workers taken off the end of ``uncosted`` whose eligible pairs number at most
        ``COST_BATCH_PAIRS`` together (one worker at least)."""
        batch = [uncosted.pop()]
        pairs = len(self.shifts_of_worker[batch[0]])
        while uncosted and pairs + len(self.shifts_of_worker[uncosted[-1]]) <= COST_BATCH_PAIRS:
            pairs += len(self.shifts_of_worker[uncosted[-1]])
            batch.append(uncosted.pop())
        return batch

    def _pair_costs(self, workers: list[str]) -> dict[Pair, float]:
        """The workers' eligible pairs' own soft costs: the soft terms' coefficient on
        each pair's literal, read off one objective over those pairs. Terms that are
        not linear in single pairs (the load balance, weekly targets, over-staffing)
        add nothing here."""
        eligible: dict[str, list[str]] = defaultdict(list)
        for w in workers:
            for sid in self.shifts_of_worker[w]:
                eligible[sid].append(w)
        v = Variables.build(cp_model.CpModel(), self.scenario, self.timeline, self.eligibility, eligible)
        return pair_coefficients(v, [t.expr for t in soft_terms(v)])[1]

    def _target_group(self, roster: set[Pair], busy: set[str], costs: dict[Pair, float],
                      fruitless: dict[tuple[str, date], int]) -> _Launch | None:
        """A group around one worker's day whose held pairs cost more than the
        cheapest the worker could hold that day (a day off costing nothing), drawn
        with that regret as its weight: the worker, those holding the shifts the
        worker would rather have, then workers eligible for the worker's shifts of
        that day, up to ``TARGET_GROUP_FACTOR`` wishes groups (no more than leaves
        room for the other lanes). The step moves only shifts within
        ``TARGET_WINDOW_DAYS`` of that day, so its model is small and mostly proven
        in its time.

        A day is no target once ``TARGET_TRIES`` steps around it gained nothing, nor
        while the shifts it wants are all held by workers of running steps."""
        day_of = self.timeline.shifts
        held: dict[tuple[str, date], float] = defaultdict(float)
        holders: dict[str, list[str]] = defaultdict(list)
        for w, s in roster:
            held[w, day_of[s].start_date] += costs.get((w, s), 0.0)
            holders[s].append(w)
        options: dict[tuple[str, date], list[tuple[str, float]]] = defaultdict(list)
        for (w, s), c in costs.items():
            key = (w, day_of[s].start_date)
            if w not in busy and fruitless.get(key, 0) < TARGET_TRIES:
                options[key].append((s, c))
        targets: list[tuple[tuple[str, date], float, list[str]]] = []
        for key, choices in options.items():
            now = held.get(key, 0.0)
            regret = now - min(0.0, *(c for _, c in choices))
            wanted = [s for s, c in choices if c < now]
            if regret > 0 and (not wanted or any(
                    not holders[s] or any(h not in busy for h in holders[s]) for s in wanted)):
                targets.append((key, regret, wanted))
        if not targets:
            return None
        (worker, day), _, wanted = self.rng.choices(targets, [regret for _, regret, _ in targets])[0]
        group = {worker}
        for s in wanted:
            group.update(w for w in holders[s] if w not in busy)
        day_shifts = [s for s in self.shifts_of_worker[worker] if day_of[s].start_date == day]
        others = sorted({w for s in day_shifts for w in self.eligible.get(s, ())} - group - busy)
        self.rng.shuffle(others)
        size = min(self.max_wish_size, int(self.wish_size * TARGET_GROUP_FACTOR))
        group.update(others[:max(0, size - len(group))])
        reach = timedelta(days=TARGET_WINDOW_DAYS)
        return _Launch(group, window=(day - reach, day + reach), target=(worker, day))

    def _adapt_wish_size(self) -> None:
        """One worker more in a wishes group after a step proven optimal, one fewer after
        a step that found no roster at all in its full time (not even its start, which
        it was given as a hint): the group's model was too large to search then.

        Timefold LARGE, 30 s, on an hour the machine ran slow (`/tmp` driver, seeds
        0-4): groups of 12 found no roster in 7 of 28 steps of seed 0 and none was
        proven, and scored 31,053, 38,744, 39,222, 38,616 and 35,735; groups of 8
        (12 of 41 steps proven) 37,314, 40,196, 38,633, 39,836 and 39,590; groups of 5
        (26 of 55 proven) 33,341 and 32,982 on seeds 0-1: a group too small holds no
        trade worth making. Unlike fill steps, an unproven wishes step still gains,
        so only a step that found nothing shrinks the group."""
        for status in _taken(self._wish_outcomes):
            if status == "OPTIMAL":
                self.wish_size = min(self.max_wish_size, self.wish_size + 1)
            elif status == "UNKNOWN":
                self.wish_size = max(MIN_GROUP_WORKERS, self.wish_size - 1)

    # ------------------------------------------------------------ neighbourhoods

    def _full_levels(self, roster: set[Pair]) -> set[int]:
        """Levels the roster fills up to their proven bound (``level_bounds``)."""
        filled = filled_by_level(self.shifts, roster)
        return {p for p, bound in self.level_bounds.items() if filled.get(p, 0) >= bound}

    def _open_places(self, roster: set[Pair]) -> dict[str, int]:
        taken: dict[str, int] = defaultdict(int)
        for _, s in roster:
            taken[s] += 1
        return {sid: sh.headcount - taken[sid] for sid, sh in self.shifts.items()
                if sh.headcount > taken[sid] and self.eligible.get(sid)}

    def _group_around_open_slots(self, open_places: dict[str, int], roster: set[Pair],
                                 taken: set[str]) -> tuple[set[str], date]:
        """Candidates for a random open shift and the other open shifts of its day
        (``CANDIDATE_SHARE`` of the group), then *relief*: workers who could take over a
        shift a candidate holds within a day of it, so the candidate is free to move
        (the rest of the group; more candidates if too few relieve), none of them
        ``taken`` by another lane's group. Returns the group and the open shift's date.

        A chain "B takes A's shift, A takes the open slot" needs both in one group;
        candidates alone are often all tied up by the work they already hold.
        """
        seed_shift = self.rng.choice(sorted(open_places))
        day = self.timeline.shifts[seed_shift].start_date
        nearby = [s for s in self.shifts_by_day[day] if s in open_places]
        self.rng.shuffle(nearby)
        open_here = [seed_shift, *nearby]
        group: set[str] = set()
        self._add_candidates(group, open_here, max(1, int(self.fill_size * CANDIDATE_SHARE)), taken)
        held: dict[str, list[str]] = defaultdict(list)
        for w, s in roster:
            if w in group:
                held[w].append(s)
        relief = [other for w in sorted(group) for s in held[w]
                  if abs((self.timeline.shifts[s].start_date - day).days) <= 1
                  for other in self.eligible[s] if other not in group and other not in taken]
        self.rng.shuffle(relief)
        for w in relief:
            if len(group) >= self.fill_size:
                break
            group.add(w)
        self._add_candidates(group, open_here, self.fill_size, taken)
        return group, day

    def _add_candidates(self, group: set[str], shift_ids: list[str], size: int, taken: set[str]) -> None:
        """Workers eligible for ``shift_ids`` and not ``taken``, in random order, until the
        group has ``size``."""
        for sid in shift_ids:
            candidates = [w for w in self.eligible[sid] if w not in taken]
            self.rng.shuffle(candidates)
            for w in candidates:
                if len(group) >= size:
                    return
                group.add(w)

    # ------------------------------------------------------------------ step

    def _step(self, roster: set[Pair], group: set[str], deadline: float, *, soft: bool,
              accept_any: bool = False, seconds: float = STEP_SECONDS,
              fill_objective: bool = True, window: tuple[date, date] | None = None,
              workers: int | None = None, seed: int | None = None, notify: bool = True) -> set[Pair]:
        """Re-roster ``group`` exactly around the rest of the roster; the better roster
        (or, with ``accept_any``, any legal one found) or ``roster`` itself unchanged.
        Without ``fill_objective`` a fill step looks for any legal part, far sooner.
        ``workers`` and ``seed`` override the search's for this step's CP-SAT, and
        without ``notify`` a better roster is not reported (its caller merges it first).

        With a ``window`` (first and last start date), the group may move only
        shifts starting inside it: what they hold outside stays, fixed in the model
        so every rule still sees it. The model is a fraction of the size on long
        horizons, and any roster it finds is as legal."""
        began = time.monotonic()
        outside = defaultdict(int)
        for w, s in roster:
            if w not in group:
                outside[s] += 1
        sub_eligible: dict[str, list[str]] = defaultdict(list)
        frozen: set[Pair] = set()
        for w in sorted(group):
            for sid in self.shifts_of_worker.get(w, ()):
                inside = window is None or window[0] <= self.timeline.shifts[sid].start_date <= window[1]
                if inside or (w, sid) in roster:
                    sub_eligible[sid].append(w)
                    if not inside:
                        frozen.add((w, sid))
        capacity = {sid: self.shifts[sid].headcount - outside[sid] for sid in sub_eligible}
        model = cp_model.CpModel()
        v = Variables.build(model, self.scenario, self.timeline, self.eligibility, sub_eligible, capacity)
        add_hard_rules(v)
        for pair in self.pinned | frozen:
            if pair in v.x:
                model.add(v.x[pair] == 1)
        current = {k for k in v.x if k in roster}
        any_legal = not (soft or fill_objective)  # no objective: the first legal part found
        if not any_legal:  # (for any legal part, a hint of the broken part only misleads)
            for key, lit in v.x.items():
                model.add_hint(lit, int(key in current))
        fill = {} if any_legal else fill_by_priority(v)
        terms = soft_terms(v) if soft else []
        solver = cp_model.CpSolver()
        baseline: float | None = None
        if soft:
            reached = filled_by_level(self._open_shifts(capacity), current)
            for p, expr in fill.items():
                model.add(expr >= reached.get(p, 0))
            if not terms:
                return roster
            model.minimize(sum(t.expr for t in terms))
            baseline = self._penalty_of(model, v, current)
            if baseline is None:
                return roster
        elif fill_objective:
            model.maximize(sum(self.weights[p] * expr for p, expr in fill.items()))
        if soft:  # search at least a multiple of what building the step took
            seconds = max(seconds, WISH_SEARCH_PER_BUILD * (time.monotonic() - began))
        solver.parameters.max_time_in_seconds = max(0.1, min(seconds, deadline - time.monotonic()))
        full_time = solver.parameters.max_time_in_seconds >= seconds
        solver.parameters.num_workers = workers or self.workers
        if any_legal:  # a wider portfolio without presolve finds one far sooner
            solver.parameters.num_workers = FEASIBILITY_PORTFOLIO
            solver.parameters.cp_model_presolve = False
        solver.parameters.random_seed = self.rng.randrange(1 << 30) if seed is None else seed
        status = solver.solve(model)
        if fill_objective and not (soft or accept_any):
            self._fill_proofs.append(status == cp_model.OPTIMAL)
        if soft and full_time:
            self._wish_outcomes.append(solver.status_name(status))
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return roster
        chosen = {k for k, lit in v.x.items() if solver.boolean_value(lit)}
        updated = {pair for pair in roster if pair[0] not in group} | chosen
        if soft:
            assert baseline is not None
            if solver.objective_value >= baseline:
                return roster
        elif not accept_any and self._fill_score(updated) <= self._fill_score(roster):
            return roster
        if notify and self.on_improvement:
            self.on_improvement({pair: 1 for pair in updated})
        return updated

    def _fill_score(self, pairs: set[Pair]) -> int:
        """Weighted filled slots of a whole roster (over-staffed places fill nothing)."""
        return sum(self.weights[p] * n for p, n in filled_by_level(self.shifts, pairs).items())

    def _open_shifts(self, capacity: dict[str, int]) -> dict[str, Shift]:
        """Shifts with the headcount a group sees: what the rest of the roster leaves open."""
        return {sid: sh.model_copy(update={"headcount": max(0, capacity.get(sid, sh.headcount))})
                for sid, sh in self.shifts.items()}

    def score(self, solution: dict[Pair, int]) -> int:
        """Lexicographic filling score of a roster (higher is better)."""
        return self._fill_score({k for k, val in solution.items() if val})

    def _penalty_of(self, model: cp_model.CpModel, v: Variables, current: set[Pair]) -> float | None:
        """The soft penalty of the group's current roster (a solve with every pair fixed)."""
        solver = solve_fixed(model, v.x, current, seconds=2.0)
        return None if solver is None else solver.objective_value


    def soft_values(self, roster: set[Pair], chunk: int = 150) -> list[tuple[str, str, int]]:
        """(worker, term name, points) of every soft term, evaluated group by group.

        Every term is a sum over the pairs a worker holds (a pair not held adds
        nothing), so each group's model has only the roster's pairs, plus one pair
        (held by no one) for a worker who holds none: such a worker's terms, e.g. the
        hours short of a weekly target, still count."""
        active = [w for w in self.worker_ids if self.shifts_of_worker.get(w)]
        held: dict[str, list[str]] = defaultdict(list)
        for w, s in roster:
            held[w].append(s)
        out: list[tuple[str, str, int]] = []
        for i in range(0, len(active), chunk):
            sub_eligible: dict[str, list[str]] = defaultdict(list)
            for w in active[i:i + chunk]:
                for s in held[w] or self.shifts_of_worker[w][:1]:
                    sub_eligible[s].append(w)
            model = cp_model.CpModel()
            v = Variables.build(model, self.scenario, self.timeline, self.eligibility, dict(sub_eligible))
            terms = soft_terms(v)
            for key, lit in v.x.items():
                model.add(lit == int(key in roster))
            model.minimize(sum(t.expr for t in terms))
            solver = cp_model.CpSolver()
            solver.parameters.max_time_in_seconds = 10.0
            solver.parameters.num_workers = self.workers
            if solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                out.extend((t.worker, t.name, int(solver.value(t.expr))) for t in terms)
        return out
