"""Hard rules of the spec as CP-SAT constraints, one function per rule.

Each ``add_*`` function takes the :class:`~solver.variables.Variables` and adds
the constraints of one rule for every worker. Work outside the horizon is known
only through ``fixed_work``, which enters as constants. A rule breaks only where
the window, gap or run judged holds an assigned shift; when fixed work alone
already breaks a window, the window simply takes no assigned shift (every rule
here is monotone: more work never repairs it).

One deliberate reading is stricter than the law: touching work periods (gap
0) are joined only for two day shifts without an organisation rest; a shift
never touches fixed work or a night. The checker accepts every touching pair
within the joined-length limits.

``HARD_RULES`` lists them in order; :func:`add_hard_rules` applies them all.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta

from ortools.sat.python import cp_model

from flexpool.eligibility import hard_rest_floor
from flexpool.timeline import WorkItem, night_window_minutes
from solver.generic_rules import GENERIC_RULES
from solver.variables import Placed, Variables, weighted

Lit = cp_model.IntVar
MAX_LATE_NIGHTS_PER_WEEK = 7


def is_one(value: object) -> bool:
    """True for the constant 1 (fixed work), never for a literal."""
    return isinstance(value, int) and value == 1


def is_zero(value: object) -> bool:
    """True for the constant 0 (nothing can happen), never for a literal."""
    return isinstance(value, int) and value == 0


def cap_linear(model: cp_model.CpModel, terms: Sequence[tuple[int, Lit]], const: int, cap: int) -> None:
    """``const + sum(coef * lit) <= cap``; when fixed work alone exceeds it, no lit may be set."""
    if const > cap:
        for _, lit in terms:
            model.add(lit == 0)
    elif const + sum(c for c, _ in terms) > cap:
        model.add(weighted(terms) <= cap - const)


def _weeks_window(first: int, length: int) -> range:
    return range(first, first + length)


def _by_week(placed: Iterable[Placed]) -> dict[int, list[Placed]]:
    """Items by calendar week, each week's in the order given."""
    out: dict[int, list[Placed]] = defaultdict(list)
    for p in placed:
        out[p.item.week].append(p)
    return out


# ------------------------------------------------------------- per shift


def add_headcount(v: Variables) -> None:
    """Hard. At most ``headcount`` workers per shift; a worker at most once.

    Source: spec, Shift (each of the ``headcount`` places is a slot).
    """
    for shift in v.scenario.shifts:
        workers = v.workers_of(shift.id)
        if not workers:
            continue
        # over-staffing (``max_headcount``) adds places beyond the open ones
        places = v.places(shift.id, shift.headcount) + shift.places - shift.headcount
        if len(workers) > places:
            v.model.add(cp_model.LinearExpr.sum([v.x[w, shift.id] for w in workers]) <= places)


# --------------------------------------------------------- rest between work


def _rest_after(v: Variables, item: WorkItem) -> int:
    """The non-reducible rest after ``item`` (ATW-6 reduced floor, ATW-N3, CAO rest)."""
    return hard_rest_floor(item, item, v.eligibility)


def add_no_overlap_and_minimum_rest(v: Variables) -> None:
    """Hard. No two work periods overlap, and every gap keeps its floor.

    The floor after a shift is the reduced daily rest (480 min), 840 min after a
    late night, or the organisation's own daily rest. Conflicts form an interval
    graph on ``[start, end + floor)``, encoded as one at-most-one per maximal
    clique. Two day shifts that touch (a split day, 09-13 and 13-21) may join
    into one work period when the joined length is allowed: a ``joined`` literal
    then lets the pair count once. Fixed work is handled by eligibility (pairs
    too close to it have no variable). An organisation's rest *before* its
    shifts adds pairwise exclusions.

    Source: ATW art. 5:3 (ATW-6), ATW-N3, ATW art. 5:7 (ATW-1, joined periods), CAO overlays.
    """
    for worker in v.active_workers():
        shifts = [p for p in v.placed(worker.id) if not p.fixed]
        extended = [(p.item.start, p.item.end + _rest_after(v, p.item), p.lit) for p in shifts]
        joined = _joinable_pairs(v, shifts)
        partners: dict[int, list[tuple[int, Lit]]] = defaultdict(list)
        for (a, b), flag in joined.items():
            partners[id(a)].append((id(b), flag))
        for clique in _maximal_cliques(extended):
            members = {id(lit) for lit in clique}
            relief = [flag for a in members for b, flag in partners.get(a, ()) if b in members]
            if relief:
                v.model.add(sum(clique) - sum(relief) <= 1)
            else:
                v.model.add_at_most_one(clique)
        _add_rest_before_organisation_shifts(v, shifts)


def _joinable_pairs(v: Variables, shifts: list[Placed]) -> dict[tuple[Lit, Lit], Lit]:
    """Touching day shifts whose joined period stays within the shift-length limits.

    Nights and shifts with an organisation rest never join (their rest rules
    would then apply to the joined period); a shift joins at most one neighbour.
    """
    by_start: dict[int, list[Placed]] = defaultdict(list)
    for p in shifts:
        by_start[p.item.start].append(p)
    joined: dict[tuple[Lit, Lit], Lit] = {}
    per_shift: dict[int, list[Lit]] = defaultdict(list)
    for a in shifts:
        partners = _join_partners(v, a.item)
        if not partners:
            continue
        for b in by_start.get(a.item.end, ()):
            if b.item.key not in partners:
                continue
            flag = v.model.new_bool_var(f"joined[{a.item.key},{b.item.key}]")
            v.model.add_implication(flag, a.lit)  # type: ignore[arg-type]
            v.model.add_implication(flag, b.lit)  # type: ignore[arg-type]
            joined[a.lit, b.lit] = flag  # type: ignore[index]
            per_shift[id(a.lit)].append(flag)
            per_shift[id(b.lit)].append(flag)
    for flags in per_shift.values():
        if len(flags) > 1:
            v.model.add_at_most_one(flags)
    return joined


def _join_partners(v: Variables, a: WorkItem) -> frozenset[str]:
    """The shifts that start as ``a`` ends and may join it: a fact of the scenario,
    computed once per shift (every neighbourhood model asks again)."""
    memo = v.eligibility.model_facts
    key = ("join partners", a.key)
    if key not in memo:
        if ("shifts by start",) not in memo:
            by_start: dict[int, list[WorkItem]] = defaultdict(list)
            for item in v.timeline.shifts.values():
                by_start[item.start].append(item)
            memo["shifts by start",] = by_start
        memo[key] = frozenset(b.key for b in memo["shifts by start",].get(a.end, ()) if _joinable(v, a, b))
    return memo[key]  # type: ignore[no-any-return]


def _joinable(v: Variables, a: WorkItem, b: WorkItem) -> bool:
    if a.night or b.night or _has_own_rest(v, a) or _has_own_rest(v, b):
        return False
    per_day = v.scenario.rules.max_shifts_per_day
    if per_day is not None and per_day < 2 and a.start_date == b.start_date:
        return False  # never both worked (GEN-PER-DAY): a flag would only cost the model
    if night_window_minutes(v.timeline.timebase.moment(a.start), v.timeline.timebase.moment(b.end),
                            v.timeline.timebase.zone) > 60:
        return False
    limit = min(v.eligibility.shift_length_limits(v.eligibility.shifts[s.key])[0] for s in (a, b))
    return a.work_minutes + b.work_minutes <= limit


def _maximal_cliques(intervals: list[tuple[int, int, Lit]]) -> Iterable[list[Lit]]:
    """Maximal sets of pairwise-overlapping half-open intervals (sweep line)."""
    events = sorted(
        [(s, 1, i) for i, (s, _, _) in enumerate(intervals)]
        + [(e, 0, i) for i, (_, e, _) in enumerate(intervals)]
    )
    active: set[int] = set()
    grown = False
    for _, is_start, i in events:
        if is_start:
            active.add(i)
            grown = True
        else:
            if grown and len(active) > 1:
                yield [intervals[j][2] for j in sorted(active)]
            grown = False
            active.discard(i)


def _add_rest_before_organisation_shifts(v: Variables, shifts: list[Placed]) -> None:
    """Pairs ``a`` then ``b`` whose gap keeps ``a``'s floor but not ``b``'s organisation's rest."""
    starts = [p.item.start for p in shifts]
    longest = max((p.item.end - p.item.start for p in shifts), default=0)
    for b in shifts:
        org = b.item.organisation
        own = v.eligibility.organisations[org].rules.min_daily_rest_minutes if org else None
        if own is None:
            continue
        # gap < own means a ends after b.start - own, so a starts after b.start - own - longest
        for a in shifts[bisect_right(starts, b.item.start - own - longest):bisect_left(starts, b.item.start)]:
            gap = b.item.start - a.item.end
            if a is not b and _rest_after(v, a.item) <= gap < own:
                v.model.add_bool_or([a.lit.Not(), b.lit.Not()])  # type: ignore[union-attr]


def add_reduced_daily_rest(v: Variables) -> None:
    """Hard. A gap of 480-659 min is allowed at most once per calendar week.

    The gap belongs to the week in which it starts. Not available after a late
    night or next to an organisation with its own daily rest (those floors are
    already enforced). Gaps between two pieces of fixed work count too.

    Source: ATW art. 5:3 (ATW-6), spec rules ``reduced_daily_rest_*``.
    """
    rules = v.scenario.rules
    low, high = rules.reduced_daily_rest_minutes, rules.min_daily_rest_minutes
    if low >= high:  # no gap is "reduced": the daily rest is never shortened
        return
    tb = v.timeline.timebase
    week_of: dict[int, int] = {}
    for worker in v.active_workers():
        placed = v.placed(worker.id)
        # a gap that may hold a shift ends after the first shift's start - high; earlier
        # weeks hold fixed work only, and their counts are never asked for
        first_start = min(p.item.start for p in placed if not p.fixed)
        judged_from = tb.week_start(tb.week_of(tb.moment(first_start - high).date()))
        by_end: dict[int, list[Placed]] = defaultdict(list)
        for p in placed:
            if p.item.end >= judged_from and not p.item.late_night and not _has_own_rest(v, p.item):
                by_end[p.item.end].append(p)
        fixed_count: dict[int, int] = defaultdict(int)
        reduced: dict[int, list[Lit]] = defaultdict(list)
        for end, preds in by_end.items():
            succs = [p for p in v.placed_starting(worker.id, end + low, end + high) if not _has_own_rest(v, p.item)]
            if not succs:
                continue
            if end not in week_of:
                week_of[end] = tb.week_of(tb.moment(end).date())
            week = week_of[end]
            pred = _sum_or_one(preds)
            succ = _sum_or_one(succs)
            if is_one(pred) and is_one(succ):
                fixed_count[week] += 1
                continue
            flag = v.model.new_bool_var(f"reduced[{worker.id},{end}]")
            v.model.add(flag >= pred + succ - 1)
            reduced[week].append(flag)
        for week, flags in reduced.items():
            cap_linear(v.model, [(1, f) for f in flags], fixed_count[week],
                       max(rules.reduced_daily_rest_per_week, fixed_count[week]))
            if fixed_count[week] >= rules.reduced_daily_rest_per_week:
                for f in flags:
                    v.model.add(f == 0)


def _has_own_rest(v: Variables, item: WorkItem) -> bool:
    org = item.organisation
    return bool(org and v.eligibility.organisations[org].rules.min_daily_rest_minutes is not None)


def _sum_or_one(placed: list[Placed]) -> cp_model.LinearExprT:
    """1 when any of them is fixed work, else the sum of their literals (at most one is set)."""
    if any(p.fixed for p in placed):
        return 1
    return sum(p.lit for p in placed)  # type: ignore[misc]


def add_weekly_rest(v: Variables) -> None:
    """Hard. Each calendar week holds a work-free stretch of ``weekly_rest_minutes``.

    A stretch starts at the week's Monday 00:00 or at the end of a work item;
    ``y_t`` says "the stretch from t is free", and one of them must hold.

    Source: ATW art. 5:5 (ATW-7), spec ``weekly_rest_minutes``.
    """
    need = v.scenario.rules.weekly_rest_minutes
    if need <= 0:
        return
    tb = v.timeline.timebase
    for worker in v.active_workers():
        placed = v.placed(worker.id)
        shifts = [p.item for p in placed if not p.fixed]
        last_week = tb.week_of(tb.moment(max(i.end for i in shifts) - 1).date())
        for week in range(min(i.week for i in shifts), last_week + 1):
            lo, hi = tb.week_start(week), tb.week_start(week + 1)
            inside = v.placed_between(worker.id, lo, hi)
            if not any(not p.fixed for p in inside):
                continue
            starts = {lo} | {p.item.end for p in inside if lo <= p.item.end}
            options: list[frozenset[int]] = []
            lit_of = {id(p.lit): p.lit for p in inside if p.lit is not None}
            for t in sorted(starts):
                if t + need > hi:
                    continue
                blocking = [p for p in inside if p.item.start < t + need and p.item.end > t]
                if any(p.fixed for p in blocking):
                    continue
                options.append(frozenset(id(p.lit) for p in blocking))
            if not options:
                for p in inside:
                    if p.lit is not None:
                        v.model.add(p.lit == 0)
                continue
            if frozenset() in options:
                continue
            minimal = [o for o in set(options) if not any(other < o for other in options)]
            flags = []
            for option in minimal:
                flag = v.model.new_bool_var(f"weekrest[{worker.id},{week}]")
                v.model.add_bool_and([lit_of[k].Not() for k in option]).only_enforce_if(flag)
                flags.append(flag)
            v.model.add_bool_or(flags)


# ------------------------------------------------------------ working hours


def add_max_week_minutes(v: Variables) -> None:
    """Hard. At most ``max_week_minutes`` (60 h) of work per calendar week, all employers.

    Source: ATW art. 5:7 (ATW-2).
    """
    cap = v.scenario.rules.max_week_minutes
    for worker in v.active_workers():
        fixed, terms = v.week_minutes(worker.id)
        for week, week_terms in terms.items():
            v.cap((worker.id, "minutes", (week,)), week_terms, fixed.get(week, 0), cap)


def _windowed_minutes(v: Variables, length: int, floor: int, cap_for: Callable[..., None]) -> None:
    """Call ``cap_for`` on every window of ``length`` weeks that holds a shift, unless fixed
    work and all its shifts together stay within ``floor``, the lowest cap the rule sets."""
    for worker in v.active_workers():
        fixed, terms = v.week_minutes(worker.id)
        if not terms:
            continue
        most = {week: sum(c for c, _ in week_terms) for week, week_terms in terms.items()}
        first, last = min(terms), max(terms)
        for start in range(first - length + 1, last + 1):
            weeks = _weeks_window(start, length)
            const = sum(fixed.get(w, 0) for w in weeks)
            if const + sum(most.get(w, 0) for w in weeks) <= floor:
                continue
            term_weeks = tuple(w for w in weeks if w in terms)
            if term_weeks:
                window_terms = [t for w in term_weeks for t in terms[w]]
                cap_for(worker.id, weeks, (worker.id, "minutes", term_weeks), window_terms, const)


def add_max_avg_week_minutes_4w(v: Variables) -> None:
    """Hard. At most ``4 * max_avg_week_minutes_4w`` (4 x 55 h) in any 4 calendar weeks.

    Source: ATW art. 5:7 (ATW-3).
    """
    cap = 4 * v.scenario.rules.max_avg_week_minutes_4w

    def cap_for(_worker: str, _weeks: range, key: tuple[object, ...],
                terms: list[tuple[int, Lit]], const: int) -> None:
        v.cap(key, terms, const, cap)

    _windowed_minutes(v, 4, cap, cap_for)


def add_max_avg_week_minutes_16w(v: Variables) -> None:
    """Hard. At most 16 x 48 h in any 16 weeks; 16 x 40 h when 16+ nights fall in them.

    Night shifts from fixed work count, so history can lower the cap.

    Source: ATW art. 5:8 (ATW-4), szw.rijksopenheid.nl/152.
    """
    rules = v.scenario.rules
    high, low = 16 * rules.max_avg_week_minutes_16w, 16 * rules.max_avg_week_minutes_16w_night_workers
    nights_needed = 16
    nights_by_week: dict[str, dict[int, list[Placed]]] = {}

    def cap_for(worker: str, weeks: range, key: tuple[object, ...],
                terms: list[tuple[int, Lit]], const: int) -> None:
        # only windows where even the night workers' cap can bind come here
        if worker not in nights_by_week:
            nights_by_week[worker] = _by_week(p for p in v.placed(worker) if p.item.night)
        placed = [p for week in weeks for p in nights_by_week[worker].get(week, ())]
        fixed_nights = sum(1 for p in placed if p.fixed)
        night_lits = [p.lit for p in placed if p.lit is not None]
        possible_nights = fixed_nights + len({p.item.start_date for p in placed if not p.fixed})
        if possible_nights < nights_needed:
            v.cap(key, terms, const, high)
        elif fixed_nights >= nights_needed:
            v.cap(key, terms, const, low)
        else:
            many = v.model.new_bool_var(f"nightworker[{worker},{weeks.start}]")
            v.model.add(sum(night_lits) + fixed_nights <= nights_needed - 1).only_enforce_if(many.Not())
            cap_linear(v.model, terms, const, high)
            if const <= low:
                v.model.add(weighted(terms) <= low - const).only_enforce_if(many)
            else:
                v.model.add(many == 0)

    _windowed_minutes(v, 16, low, cap_for)


def add_max_late_nights_16w(v: Variables) -> None:
    """Hard. At most ``max_late_nights_16w`` (36) nights ending after 02:00 in any 16 weeks.

    Source: ATW art. 5:8 (ATW-N6), rijksoverheid.nl (hoe vaak nachtdienst).
    """
    cap = v.scenario.rules.max_late_nights_16w
    for worker in v.active_workers():
        late = _by_week(p for p in v.placed(worker.id) if p.item.late_night)
        weeks = {week for week, items in late.items() if not all(p.fixed for p in items)}
        if not weeks:
            continue
        for start in range(min(weeks) - 15, max(weeks) + 1):
            inside = [p for week in _weeks_window(start, 16) for p in late.get(week, ())]
            const = sum(1 for p in inside if p.fixed)
            terms = [(1, p.lit) for p in inside if p.lit is not None]
            dates = len({p.item.start_date for p in inside if not p.fixed})
            if terms and const + dates > cap:
                cap_linear(v.model, terms, const, cap)


# ------------------------------------------------------- runs and night series


def _dates_around(v: Variables, placed: list[Placed], margin: int) -> list[date]:
    """Dates within ``margin`` days of a candidate shift, clipped to the dates the worker's
    items start on: a window holding a date without work is never judged, and a limit of a
    year (a rule switched off) must not cost a year of dates."""
    candidates = [p.item.start_date for p in placed if not p.fixed]
    first = max(min(candidates) - timedelta(days=margin), placed[0].item.start_date)
    last = min(max(candidates) + timedelta(days=margin), placed[-1].item.start_date)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def add_max_consecutive_shifts_with_night(v: Variables) -> None:
    """Hard. No run of more than 7 shifts on consecutive dates that contains a night.

    Every night in a too-long run lies in some window of ``limit + 1`` worked
    dates, so forbidding "all dates worked and a night" per window is exact.

    Source: ATW art. 5:9 (ATW-N8).
    """
    limit = v.scenario.rules.max_consecutive_shifts_with_night
    for worker in v.active_workers():
        placed = v.placed(worker.id)
        dates = _dates_around(v, placed, limit)
        if len(dates) <= limit:
            continue  # no run of limit + 1 dates fits
        worked = {d: v.day_flag(worker.id, d, nights_only=False) for d in dates}
        night = {d: v.day_flag(worker.id, d, nights_only=True) for d in dates}
        for i in range(len(dates) - limit):
            window = dates[i : i + limit + 1]
            if any(is_zero(worked[d]) for d in window):
                continue
            nights = [night[d] for d in window if not is_zero(night[d])]
            if not nights:
                continue
            variable_days = [worked[d] for d in window if not is_one(worked[d])]
            if not variable_days and any(is_one(n) for n in nights):
                _forbid_shifts_on(v, placed, window)
                continue
            days_sum = sum(worked[d] for d in window)
            for n in nights:
                v.model.add(days_sum + n <= limit + 1)


def _forbid_shifts_on(v: Variables, placed: list[Placed], window: Iterable[date]) -> None:
    days = set(window)
    for p in placed:
        if p.lit is not None and p.item.start_date in days:
            v.model.add(p.lit == 0)


def add_rest_after_night_series(v: Variables) -> None:
    """Hard. After a series of 3+ nights on consecutive dates, 46 h rest.

    For a night n on date d after nights on d-1 and d-2: either another night
    starts on d+1 (the series goes on), or no work starts within 46 h after n.
    Nights worked before the horizon (fixed work) start a series too.

    Source: ATW art. 5:9 (ATW-N5), szw.rijksopenheid.nl/152.
    """
    rest = v.scenario.rules.rest_after_night_series_minutes
    if rest <= 0:
        return
    for worker in v.active_workers():
        placed = v.placed(worker.id)
        starts = [p.item.start for p in placed]
        for n in (p for p in placed if p.item.night):
            d = n.item.start_date
            prev1 = v.day_flag(worker.id, d - timedelta(days=1), nights_only=True)
            prev2 = v.day_flag(worker.id, d - timedelta(days=2), nights_only=True)
            if is_zero(prev1) or is_zero(prev2):
                continue
            nxt = v.day_flag(worker.id, d + timedelta(days=1), nights_only=True)
            if is_one(nxt):
                continue
            first = bisect_left(starts, n.item.end)
            for c in placed[first:bisect_left(starts, n.item.end + rest)]:
                if c is n:
                    continue
                if c.item.night and c.item.start_date == d + timedelta(days=1):
                    continue
                clause_parts = [n.lit, prev1, prev2, c.lit]
                if all(part is None or is_one(part) for part in clause_parts):
                    continue  # fixed work alone: an input warning, not ours to repair
                clause = [part.Not() for part in clause_parts if part is not None and not is_one(part)]
                if not is_zero(nxt):
                    clause.append(nxt)  # type: ignore[arg-type]
                v.model.add_bool_or(clause)


def add_max_consecutive_nights(v: Variables) -> None:
    """Hard. Night series no longer than ``max_consecutive_nights`` (scenario or CAO).

    A scenario-wide limit holds for every series; an organisation's limit for
    any series that holds one of its shifts.

    Source: CAO Ziekenhuizen art. 6.11 (5 nights in a row), spec Organisation.
    """
    scenario_limit = v.scenario.rules.max_consecutive_nights
    org_limits = {o.id: o.rules.max_consecutive_nights for o in v.scenario.organisations
                  if o.rules.max_consecutive_nights is not None}
    if scenario_limit is None and not org_limits:
        return
    for worker in v.active_workers():
        placed = v.placed(worker.id)
        night_shifts = [p for p in placed if p.item.night and not p.fixed]
        if not night_shifts:
            continue
        for limit, members in _night_limits(scenario_limit, org_limits, night_shifts):
            dates = _dates_around(v, placed, limit)
            if len(dates) <= limit:
                continue  # no series of limit + 1 nights fits
            night = {d: v.day_flag(worker.id, d, nights_only=True) for d in dates}
            for i in range(len(dates) - limit):
                window = dates[i : i + limit + 1]
                if any(is_zero(night[d]) for d in window):
                    continue
                total = sum(night[d] for d in window)
                inside = [p.lit for p in members if p.item.start_date in window]
                if members is night_shifts:
                    v.model.add(total <= limit)
                for lit in inside if members is not night_shifts else ():
                    v.model.add(total + lit <= limit + 1)


def _night_limits(scenario_limit: int | None, org_limits: dict[str, int],
                  nights: list[Placed]) -> Iterable[tuple[int, list[Placed]]]:
    if scenario_limit is not None:
        yield scenario_limit, nights
    for org, limit in org_limits.items():
        members = [p for p in nights if p.item.organisation == org]
        if members and (scenario_limit is None or limit < scenario_limit):
            yield limit, members


# ------------------------------------------------------------------ contract


def add_contract_limits(v: Variables) -> None:
    """Hard. The contract's weekly maximum minutes and shifts (flexpool shifts only).

    Source: spec, Worker ``contract`` (``max_*`` are hard).
    """
    for worker in v.active_workers():
        contract = worker.contract
        if contract.max_minutes_per_week is None and contract.max_shifts_per_week is None:
            continue
        _, terms = v.week_minutes(worker.id)
        for week, week_terms in terms.items():
            if contract.max_minutes_per_week is not None:
                v.cap((worker.id, "minutes", (week,)), week_terms, 0, contract.max_minutes_per_week)
            if contract.max_shifts_per_week is not None:
                v.cap((worker.id, "shifts", (week,)), [(1, lit) for _, lit in week_terms], 0,
                      contract.max_shifts_per_week)


HARD_RULES: tuple[Callable[[Variables], None], ...] = (
    add_headcount,
    add_no_overlap_and_minimum_rest,
    add_reduced_daily_rest,
    add_weekly_rest,
    add_max_week_minutes,
    add_max_avg_week_minutes_4w,
    add_max_avg_week_minutes_16w,
    add_max_late_nights_16w,
    add_max_consecutive_shifts_with_night,
    add_rest_after_night_series,
    add_max_consecutive_nights,
    add_contract_limits,
    *GENERIC_RULES,
)


def add_hard_rules(v: Variables) -> None:
    """Apply every hard rule, in registry order; sums with equal terms are merged."""
    for rule in HARD_RULES:
        rule(v)
    v.emit_caps()
