"""Eligibility: may this worker take this shift at all, and if not, why not.

A pair is ruled out before any optimisation when the worker lacks the role,
a required credential valid on every date the shift touches (*onbekwaam maakt
onbevoegd*), the induction at the location, or is too far away, unavailable,
busy with fixed work (or too close to it for the daily rest), may work no shift
of its kind at all (``max_shifts_by_label`` of 0), or when the shift itself is
longer than the law or its organisation's CAO allows. Every
exclusion carries a machine-readable code and a sentence a planner can act on.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from flexpool.model import Credential, Location, Organisation, Scenario, Shift, Worker
from flexpool.timeline import Timeline, WorkItem

EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class Exclusion:
    """Why a worker may not take a shift; ``rule`` names the law or CAO rule when one applies."""

    code: str
    message: str
    rule: str | None = None
    detail: str | None = None  # the credential code, for credential exclusions
    day: date | None = None  # the first date a credential is not valid on
    until: date | None = None  # when that credential expired


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km.

    >>> round(haversine_km(52.2215, 6.8937, 52.2658, 6.7931), 1)  # Enschede - Hengelo
    8.4
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def hard_rest_floor(before: WorkItem, after: WorkItem, ctx: EligibilityContext) -> int:
    """Shortest gap the law and CAOs ever allow from ``before`` to ``after``.

    The reduced daily rest (ATW-6, once a week), 14 h after a late night
    (ATW-N3, no reduction) and an organisation's own daily rest (before and
    after each of its shifts, no reduction).
    """
    rules = ctx.scenario.rules
    floor = rules.reduced_daily_rest_minutes
    if before.late_night:
        floor = max(floor, rules.rest_after_late_night_minutes)
    for item in (before, after):
        if item.organisation is not None:
            own = ctx.organisations[item.organisation].rules.min_daily_rest_minutes
            if own is not None:
                floor = max(floor, own)
    return floor


@dataclass
class EligibilityContext:
    """Lookups shared by all pair checks of one scenario."""

    scenario: Scenario
    timeline: Timeline
    _distance: dict[tuple[str, str], float] = field(default_factory=dict)
    model_facts: dict[tuple[str, ...], Any] = field(default_factory=dict)
    """Facts every model of the scenario derives again (which touching shifts may join,
    each worker's fixed work as the rules see it), memoised once per scenario."""

    @cached_property
    def organisations(self) -> dict[str, Organisation]:
        return {o.id: o for o in self.scenario.organisations}

    @cached_property
    def locations(self) -> dict[str, Location]:
        return {loc.id: loc for o in self.scenario.organisations for loc in o.locations}

    @cached_property
    def shifts(self) -> dict[str, Shift]:
        return {s.id: s for s in self.scenario.shifts}

    @cached_property
    def workers(self) -> dict[str, Worker]:
        return {w.id: w for w in self.scenario.workers}

    @cached_property
    def credentials(self) -> dict[str, dict[str, list[Credential]]]:
        table: dict[str, dict[str, list[Credential]]] = {}
        for w in self.scenario.workers:
            held: dict[str, list[Credential]] = defaultdict(list)
            for c in w.credentials:
                held[c.code].append(c)
            table[w.id] = dict(held)
        return table

    @cached_property
    def dates(self) -> dict[str, list[date]]:
        tb = self.timeline.timebase
        return {sid: item.dates_touched(tb) for sid, item in self.timeline.shifts.items()}

    @cached_property
    def held_codes(self) -> dict[str, frozenset[str]]:
        return {w: frozenset(codes) for w, codes in self.credentials.items()}

    @cached_property
    def valid_throughout(self) -> dict[str, frozenset[str]]:
        """Codes each worker holds valid on every date a horizon shift can touch."""
        first = self.scenario.horizon.start
        last = self.scenario.horizon.end + timedelta(days=1)
        return {
            w.id: frozenset(c.code for c in w.credentials if c.valid_on(first) and c.valid_on(last))
            for w in self.scenario.workers
        }

    @cached_property
    def unavailable_minutes(self) -> dict[str, list[tuple[int, int]]]:
        tb = self.timeline.timebase
        return {w.id: [(tb.minute(u.start), tb.minute(u.end)) for u in w.unavailable]
                for w in self.scenario.workers}

    @cached_property
    def unavailable_by_start(self) -> dict[str, tuple[list[int], list[tuple[int, int, int]]]]:
        """Per worker, the unavailable windows as (start, end, index in the worker's
        list) sorted by start, and their starts (for bisecting)."""
        out = {}
        for w, windows in self.unavailable_minutes.items():
            ordered = sorted((lo, hi, i) for i, (lo, hi) in enumerate(windows))
            out[w] = ([lo for lo, _, _ in ordered], ordered)
        return out

    @cached_property
    def longest_unavailable(self) -> int:
        return max((hi - lo for windows in self.unavailable_minutes.values() for lo, hi in windows), default=0)

    @cached_property
    def fixed_starts(self) -> dict[str, list[int]]:
        return {w: [f.start for f in items] for w, items in self.timeline.fixed.items()}

    @cached_property
    def longest_rest_floor(self) -> int:
        """The largest gap any pair rule can demand (bounds the fixed work to look at)."""
        rules = self.scenario.rules
        own = [o.rules.min_daily_rest_minutes or 0 for o in self.scenario.organisations]
        return max([rules.reduced_daily_rest_minutes, rules.rest_after_late_night_minutes, *own])

    @cached_property
    def longest_fixed_item(self) -> int:
        return max((f.elapsed for items in self.timeline.fixed.values() for f in items), default=0)

    def distance_km(self, worker: Worker, location_id: str) -> float | None:
        if worker.home is None:
            return None
        key = (worker.id, location_id)
        if key not in self._distance:
            loc = self.locations[location_id]
            self._distance[key] = haversine_km(worker.home.lat, worker.home.lon, loc.lat, loc.lon)
        return self._distance[key]

    def shift_length_limits(self, shift: Shift) -> tuple[int, int]:
        """(max shift minutes, max night-shift minutes) for work at this shift."""
        law = self.scenario.rules
        own = self.organisations[shift.organisation].rules
        return (
            min(law.max_shift_minutes, own.max_shift_minutes or law.max_shift_minutes),
            min(law.max_night_shift_minutes, own.max_night_shift_minutes or law.max_night_shift_minutes),
        )


def shift_exclusion(ctx: EligibilityContext, shift: Shift) -> Exclusion | None:
    """A reason no one at all may work this shift (too long for the law or the CAO)."""
    item = ctx.timeline.shifts[shift.id]
    max_shift, max_night = ctx.shift_length_limits(shift)
    if item.work_minutes > max_shift:
        return Exclusion(
            "shift-too-long",
            f"the shift has {item.work_minutes} min of work, more than the {max_shift} min allowed",
            "ATW-1",
        )
    if item.night and item.work_minutes > max_night:
        return Exclusion(
            "night-too-long",
            f"the night shift has {item.work_minutes} min of work, more than the "
            f"{max_night} min allowed for a night",
            "ATW-N1",
        )
    return None


def credential_exclusion(ctx: EligibilityContext, worker: Worker, shift: Shift) -> Exclusion | None:
    """All-of ``requires`` (and the induction) must be valid on every date touched."""
    held = ctx.credentials[worker.id]
    for code in _needed_codes(shift):
        creds = held.get(code)
        if not creds:
            kind = "induction" if code.startswith("induction:") else "credential"
            return Exclusion(f"missing-{kind}", f"does not hold {code}", detail=code)
        for day in ctx.dates[shift.id]:
            if not any(c.valid_on(day) for c in creds):
                until = max((c.valid_until for c in creds if c.valid_until), default=None)
                if until is not None and until < day:
                    return Exclusion(
                        "expired-credential",
                        f"{code} is not valid on {day} (expired on {until})",
                        detail=code, day=day, until=until,
                    )
                return Exclusion(
                    "credential-not-yet-valid", f"{code} is not valid yet on {day}", detail=code, day=day
                )
    return None


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def exclusion(ctx: EligibilityContext, worker: Worker, shift: Shift) -> Exclusion | None:
    """The first reason ``worker`` may not take ``shift``, or None when eligible."""
    if shift.roles and not set(shift.roles) & set(worker.roles):
        return Exclusion("role", f"has none of the functions {', '.join(shift.roles)}")
    found = credential_exclusion(ctx, worker, shift)
    if found:
        return found
    distance = ctx.distance_km(worker, shift.location)
    if worker.max_travel_km is not None and distance is not None and distance > worker.max_travel_km:
        return Exclusion(
            "travel",
            f"lives {distance:.1f} km from {shift.location}, travels at most {worker.max_travel_km:g} km",
        )
    return (shift_exclusion(ctx, shift) or label_exclusion(ctx, worker, shift)
            or timing_exclusion(ctx, worker, shift))


def label_exclusion(ctx: EligibilityContext, worker: Worker, shift: Shift) -> Exclusion | None:
    """The worker may work no shift of this kind: ``max_shifts_by_label`` caps its label
    at 0 and the shift starts in the horizon, where the cap counts (GEN-KIND-MAX,
    :func:`flexpool.checker.check_generic_totals`).

    Such a pair can never be in a legal roster, so it is no candidate: the open slot's
    explanation names the rule, and the solver carries no variable for it (a third of
    the candidate pairs in the Curtois-Qu instances)."""
    if (worker.work_rules.max_shifts_by_label.get(shift.label) != 0
            or not ctx.scenario.horizon.contains(ctx.timeline.shifts[shift.id].start_date)):
        return None
    return Exclusion("label-cap", f"may work no shifts labelled {shift.label!r} (max_shifts_by_label 0)",
                     "GEN-KIND-MAX")


def timing_exclusion(ctx: EligibilityContext, worker: Worker, shift: Shift) -> Exclusion | None:
    """Unavailability, the contract, and clashes with fixed work (overlap or too little rest)."""
    tb = ctx.timeline.timebase
    item = ctx.timeline.shifts[shift.id]
    starts, windows = ctx.unavailable_by_start[worker.id]
    nearby = windows[bisect_left(starts, item.start - ctx.longest_unavailable):bisect_left(starts, item.end)]
    clashes = [i for lo, hi, i in nearby if _overlaps(item.start, item.end, lo, hi)]
    if clashes:
        window = worker.unavailable[min(clashes)]  # the first in the worker's own list
        return Exclusion(
            "unavailable",
            f"unavailable {window.start:%Y-%m-%d %H:%M} - {window.end:%Y-%m-%d %H:%M}",
        )
    contract = worker.contract
    if contract.max_shifts_per_week == 0:
        return Exclusion("contract", "contract allows no shifts", "contract")
    if contract.max_minutes_per_week is not None and item.work_minutes > contract.max_minutes_per_week:
        return Exclusion(
            "contract",
            f"shift of {item.work_minutes} min exceeds the contract's "
            f"{contract.max_minutes_per_week} min per week",
            "contract",
        )
    reach = ctx.longest_rest_floor + ctx.longest_fixed_item
    fixed_items = ctx.timeline.fixed[worker.id]
    first = bisect_left(ctx.fixed_starts[worker.id], item.start - reach)
    last = bisect_right(ctx.fixed_starts[worker.id], item.end + ctx.longest_rest_floor)
    for fixed in fixed_items[first:last]:
        if _overlaps(item.start, item.end, fixed.start, fixed.end):
            return Exclusion(
                "fixed-work",
                f"works elsewhere then ({fixed.label or 'own roster'}, "
                f"{tb.moment(fixed.start):%a %d-%m %H:%M})",
            )
        before, after = (fixed, item) if fixed.end <= item.start else (item, fixed)
        gap = after.start - before.end
        floor = hard_rest_floor(before, after, ctx)
        if gap < floor:
            rule = "ATW-N3" if before.late_night else "ATW-6"
            return Exclusion(
                "rest-with-fixed-work",
                f"only {gap} min rest next to own roster elsewhere "
                f"({fixed.label or 'fixed work'}), at least {floor} needed",
                rule,
            )
    return None


def eligible_workers(ctx: EligibilityContext) -> dict[str, list[str]]:
    """For every shift, the ids of the workers who may take it (in scenario order).

    Candidates come from set indexes (role, held codes, locations within reach,
    credentials valid all horizon, contracts, kinds capped at 0, unavailable
    windows), so large regions do not test every pair; :func:`exclusion`'s own
    checks decide only the pairs the indexes leave open: a credential that lapses
    inside the horizon, and a shift near the worker's fixed work, found by
    bisecting its starts (Curtois Instance24: 1.7 million pairs tested one by one
    took 8 s).
    """
    workers = ctx.scenario.workers
    by_role: dict[str, set[int]] = defaultdict(set)
    by_code: dict[str, set[int]] = defaultdict(set)
    for index, w in enumerate(workers):
        for role in w.roles:
            by_role[role].add(index)
        for code in ctx.held_codes[w.id]:
            by_code[code].add(index)
    everyone = set(range(len(workers)))
    no_label: dict[str, set[int]] = defaultdict(set)  # label -> workers whose cap on it is 0
    for index, w in enumerate(workers):
        for label, cap in w.work_rules.max_shifts_by_label.items():
            if cap == 0:
                no_label[label].add(index)
    reach: dict[str, set[int]] = {}
    valid_throughout: dict[frozenset[str], set[int]] = {}
    allowed_length: dict[int, set[int]] = {}
    unavailable = _unavailable_index(ctx)
    with_fixed = {i for i, w in enumerate(workers) if ctx.fixed_starts.get(w.id)}
    # the fixed work timing_exclusion looks at: starting from reach_before ahead to a rest after
    rest_after = ctx.longest_rest_floor
    reach_before = rest_after + ctx.longest_fixed_item
    result: dict[str, list[str]] = {}
    for shift in ctx.scenario.shifts:
        if shift_exclusion(ctx, shift):
            result[shift.id] = []
            continue
        candidates = set().union(*(by_role.get(r, set()) for r in shift.roles)) if shift.roles else everyone
        for code in _needed_codes(shift):
            candidates = candidates & by_code.get(code, set())
        if shift.location not in reach:
            reach[shift.location] = {i for i, w in enumerate(workers) if _within_reach(ctx, w, shift)}
        item = ctx.timeline.shifts[shift.id]
        minutes = item.work_minutes
        if minutes not in allowed_length:
            allowed_length[minutes] = {i for i, w in enumerate(workers) if minutes <= _longest_shift_allowed(w)}
        candidates = (candidates & reach[shift.location] & allowed_length[minutes]) - unavailable[shift.id]
        if shift.label in no_label and ctx.scenario.horizon.contains(item.start_date):
            candidates -= no_label[shift.label]
        needed = frozenset(_needed_codes(shift))
        if needed not in valid_throughout:
            valid_throughout[needed] = {i for i, w in enumerate(workers) if needed <= ctx.valid_throughout[w.id]}
        plain = candidates & valid_throughout[needed]
        for i in plain & with_fixed:
            starts = ctx.fixed_starts[workers[i].id]
            if bisect_left(starts, item.start - reach_before) < bisect_right(starts, item.end + rest_after):
                plain.discard(i)
        checked = [i for i in candidates - plain
                   if credential_exclusion(ctx, workers[i], shift) is None
                   and timing_exclusion(ctx, workers[i], shift) is None]
        result[shift.id] = [workers[i].id for i in sorted(plain.union(checked))]
    return result


def _longest_shift_allowed(worker: Worker) -> float:
    """Work minutes of the longest shift the contract lets ``worker`` take (the
    contract part of :func:`timing_exclusion`; -1 when it allows no shifts)."""
    contract = worker.contract
    if contract.max_shifts_per_week == 0:
        return -1
    return math.inf if contract.max_minutes_per_week is None else contract.max_minutes_per_week


def _unavailable_index(ctx: EligibilityContext) -> dict[str, set[int]]:
    """Per shift, the workers (by index) with an unavailable window overlapping it:
    found from each worker's windows by bisecting the shifts' starts."""
    items = sorted(ctx.timeline.shifts.items(), key=lambda kv: kv[1].start)
    starts = [item.start for _, item in items]
    longest = max((item.end - item.start for _, item in items), default=0)
    unavailable: dict[str, set[int]] = defaultdict(set)
    for index, worker in enumerate(ctx.scenario.workers):
        for lo, hi, _ in ctx.unavailable_by_start[worker.id][1]:
            for sid, item in items[bisect_right(starts, lo - longest):bisect_left(starts, hi)]:
                if _overlaps(item.start, item.end, lo, hi):
                    unavailable[sid].add(index)
    return unavailable


def _needed_codes(shift: Shift) -> list[str]:
    needed = list(shift.requires)
    if shift.induction_required:
        needed.append(f"induction:{shift.location}")
    return needed


def _within_reach(ctx: EligibilityContext, worker: Worker, shift: Shift) -> bool:
    """Cheap pre-filter; :func:`exclusion` still decides (and explains) every pair."""
    if worker.max_travel_km is None:
        return True
    distance = ctx.distance_km(worker, shift.location)
    return distance is None or distance <= worker.max_travel_km
