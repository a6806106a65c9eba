"""Pricing by labelling (``solver/labelling.py``): under the same prices, the least
reduced cost the worker's CP-SAT model proves, for each generic rule the programme
models; CP-SAT again where the model holds a rule the programme leaves out; no
programme where it cannot price."""

from __future__ import annotations

import random
import time
from typing import Any

import pytest

from flexpool.eligibility import EligibilityContext, eligible_workers
from flexpool.model import Scenario
from flexpool.timeline import Timeline
from solver.columns import REDUCED_COST_EPS, ColumnGeneration
from solver.labelling import kernel_ready, start_compiling
from tests.builders import scenario, worker
from tests.generic_builders import LOOSE_RULES, day_shift, generic_scenario

ONLY_WISHES = {"avoid": 0, "prefer": 0, "shift_kind": 0, "organisation": 0, "target_hours": 0,
               "night_fairness": 0, "weekend_fairness": 0, "travel_km": 0, "shift_wish": 1}


@pytest.fixture(autouse=True)
def compiled_kernels() -> None:
    """The programme prices only once its kernels are compiled (in the background)."""
    start_compiling()
    assert kernel_ready(timeout=300), "the labelling kernels did not compile"


def early_and_late(rules: dict[str, Any] | None = None, **work_rules: Any) -> Scenario:
    """Two weeks of an early (07-15) and a late (14-22) shift a day, which overlap, so one
    a day; no early the day after a late (unless ``rules`` say otherwise); one worker with
    ``work_rules`` and wishes."""
    rng = random.Random(7)
    shifts = [s for d in range(14) for s in (day_shift(d, "E", "07:00", "15:00"),
                                             day_shift(d, "L", "14:00", "22:00"))]
    wishes = {s["id"]: rng.choice([-2, -1, 1, 2]) for s in shifts if rng.random() < 0.3}
    return generic_scenario(shifts=shifts, rules={"forbidden_successions": [["L", "E"]], **(rules or {})},
                            workers=[worker("w1", work_rules=work_rules, preferences={"shifts": wishes})],
                            weights=ONLY_WISHES)


def columns_for(s: Scenario, soft: bool = True) -> ColumnGeneration:
    timeline = Timeline.of(s)
    ctx = EligibilityContext(s, timeline)
    return ColumnGeneration(s, timeline, ctx, eligible_workers(ctx), set(), {3: 1}, soft=soft)


def priced_both_ways(columns: ColumnGeneration, seed: int) -> list[tuple[float, float]]:
    """(by labelling, by CP-SAT) least reduced cost of each worker under random prices."""
    rng = random.Random(seed)
    prices = {sid: rng.uniform(0, 30) for sid in columns.shifts}
    out = []
    for worker_id, pricing in columns._pricing.items():
        assert pricing.labelling is not None
        dual = rng.uniform(-20, 60)
        deadline = time.monotonic() + 30
        _, proven, by_labelling = columns._price(worker_id, prices, dual, deadline, 10)
        assert proven and pricing.labelling is not None, "the programme priced it"
        pricing.labelling = None
        _, proven, by_cp_sat = columns._price(worker_id, prices, dual, deadline, 10)
        assert proven
        out.append((by_labelling, by_cp_sat))
    return out


def agree(by_labelling: float, by_cp_sat: float) -> bool:
    """The same least, or both above 0 (the programme then bounds it by 0)."""
    if by_cp_sat >= -REDUCED_COST_EPS:
        return by_labelling >= -REDUCED_COST_EPS and by_labelling <= by_cp_sat + 1e-6
    return abs(by_labelling - by_cp_sat) <= 1e-6 * (1 + abs(by_cp_sat))


RULES = [
    {"max_consecutive_days": 3},
    {"min_consecutive_days": 3},
    {"min_consecutive_days_off": 2},
    {"max_weekends": 1},
    {"min_total_minutes": 4800, "max_total_minutes": 5760},
    {"max_shifts_by_label": {"L": 2}},
    {"max_consecutive_days": 4, "min_consecutive_days": 2, "min_consecutive_days_off": 2, "max_weekends": 1,
     "min_total_minutes": 3840, "max_total_minutes": 5280, "max_shifts_by_label": {"E": 5, "L": 4}},
]


@pytest.mark.parametrize("work_rules", RULES, ids=lambda r: "+".join(r))
@pytest.mark.parametrize("seed", range(3))
def test_the_programme_finds_the_least_the_model_proves(work_rules: dict[str, Any], seed: int) -> None:
    for by_labelling, by_cp_sat in priced_both_ways(columns_for(early_and_late(**work_rules)), seed):
        assert agree(by_labelling, by_cp_sat), (by_labelling, by_cp_sat)


def test_open_places_alone_are_priced_by_the_programme_too() -> None:
    """Without soft terms (the fill bound's LP) the cost is the prices alone."""
    for by_labelling, by_cp_sat in priced_both_ways(columns_for(early_and_late(max_weekends=1), soft=False), 0):
        assert agree(by_labelling, by_cp_sat)


def test_a_rule_the_programme_leaves_out_hands_the_worker_to_cp_sat() -> None:
    """At most 40 h a calendar week (ATW-style ``max_week_minutes``), which the programme
    does not know: its cheapest pattern works every day, which is illegal, so CP-SAT prices."""
    columns = columns_for(early_and_late({"max_week_minutes": 2400}))
    pricing = columns._pricing["w1"]
    assert pricing.labelling is not None
    prices = {sid: 30.0 for sid in columns.shifts}  # every shift pays: work every day
    _, proven, least = columns._price("w1", prices, 0.0, time.monotonic() + 30, 10)
    assert pricing.labelling is None, "handed to CP-SAT from now on"
    _, proven_again, by_cp_sat = columns._price("w1", prices, 0.0, time.monotonic() + 30, 10)
    assert proven and proven_again and least == pytest.approx(by_cp_sat)


def test_two_shifts_of_one_date_that_may_both_be_worked_have_no_programme() -> None:
    shifts = [s for d in range(14) for s in (day_shift(d, "E", "07:00", "11:00"),
                                             day_shift(d, "L", "17:00", "21:00"))]
    s = generic_scenario(shifts=shifts, weights=ONLY_WISHES)
    assert columns_for(s)._pricing["w1"].labelling is None


def test_one_shift_a_day_by_rule_makes_them_one_state_a_day() -> None:
    shifts = [s for d in range(14) for s in (day_shift(d, "E", "07:00", "11:00"),
                                             day_shift(d, "L", "17:00", "21:00"))]
    s = generic_scenario(shifts=shifts, rules={"max_shifts_per_day": 1}, weights=ONLY_WISHES,
                         workers=[worker("w1", work_rules={"max_consecutive_days": 3})])
    for by_labelling, by_cp_sat in priced_both_ways(columns_for(s), 0):
        assert agree(by_labelling, by_cp_sat)


def test_soft_terms_not_linear_in_the_shifts_have_no_programme() -> None:
    """Weekend fairness squares a count: not a cost per shift."""
    s = generic_scenario(weights={**ONLY_WISHES, "weekend_fairness": 4})
    assert columns_for(s)._pricing["w1"].labelling is None


def test_a_cap_is_counted_only_once_the_cheapest_pattern_breaks_it() -> None:
    """Lates pay most, so the programme without counts works a late every day: that
    breaks the cap of two lates, which is counted from then on. The cap of 13 earlies
    never binds and is never counted. The least is still the one CP-SAT proves."""
    columns = columns_for(early_and_late(max_shifts_by_label={"L": 2, "E": 13}))
    labelling = columns._pricing["w1"].labelling
    assert labelling is not None and not labelling.counted
    prices = {sid: 30.0 if sid.startswith("L") else 10.0 for sid in columns.shifts}
    _, proven, by_labelling = columns._price("w1", prices, 0.0, time.monotonic() + 30, 10)
    assert proven and columns._pricing["w1"].labelling is labelling
    assert {labelling.label_names[k] for k in labelling.counted} == {"L"}
    columns._pricing["w1"].labelling = None
    _, _, by_cp_sat = columns._price("w1", prices, 0.0, time.monotonic() + 30, 10)
    assert agree(by_labelling, by_cp_sat), (by_labelling, by_cp_sat)


def test_counted_caps_beyond_the_programmes_limits_hand_the_worker_to_cp_sat() -> None:
    """Sixteen labels a day for three weeks, each capped at 15. Each round one label pays
    most, so its cap binds and is counted from then on. The states grow with every
    count (the counts of all sixteen would take 16^16 = 2^64 keys, beyond a 64-bit key),
    and once they outgrow the programme's limits CP-SAT prices the worker, to the same
    least."""
    shifts = [day_shift(d, f"K{k}", "08:00", "16:00") for d in range(21) for k in range(16)]
    for s in shifts:
        s["id"] = f"{s['label']}-{s['id']}"
    caps = {f"K{k}": 15 for k in range(16)}
    s = scenario(horizon=("2026-11-30", "2026-12-20"), rules=LOOSE_RULES, shifts=shifts, weights=ONLY_WISHES,
                 workers=[worker("w1", work_rules={"max_shifts_by_label": caps})])
    columns = columns_for(s)
    labelling = columns._pricing["w1"].labelling
    assert labelling is not None
    for k in range(16):
        prices = {sid: 10.0 if sid.startswith(f"K{k}-") else 1.0 for sid in columns.shifts}
        _, proven, least = columns._price("w1", prices, 0.0, time.monotonic() + 30, 10)
        assert proven and least == pytest.approx(-(15 * 10.0 + 6 * 1.0))
        if columns._pricing["w1"].labelling is None:
            break
        assert len(labelling.counted) == k + 1
    assert columns._pricing["w1"].labelling is None, "CP-SAT prices it"
    assert len(labelling.counted) < 16


def test_a_pinned_worker_has_no_programme() -> None:
    s = generic_scenario(weights=ONLY_WISHES)
    timeline = Timeline.of(s)
    ctx = EligibilityContext(s, timeline)
    columns = ColumnGeneration(s, timeline, ctx, eligible_workers(ctx), {("w1", "D0")}, {3: 1})
    assert columns._pricing["w1"].labelling is None


def test_the_bound_by_patterns_is_the_same_with_the_programme() -> None:
    """The least open places of two workers, proven by column generation, do not move
    when the programme prices instead of CP-SAT."""
    s = generic_scenario(list(range(14)), rules={**LOOSE_RULES}, weights=ONLY_WISHES,
                         workers=[worker("w1", work_rules={"max_consecutive_days": 2, "max_weekends": 1}),
                                  worker("w2", work_rules={"min_consecutive_days_off": 3,
                                                           "max_total_minutes": 2880})])
    with_programme = columns_for(s, soft=False)
    without = columns_for(s, soft=False)
    for pricing in without._pricing.values():
        pricing.labelling = None
    assert all(p.labelling is not None for p in with_programme._pricing.values())
    proven = with_programme.least_open(time.monotonic() + 30)
    assert proven is not None
    assert proven == without.least_open(time.monotonic() + 30)


def test_labels_that_forbid_the_same_labels_next_share_a_state_but_keep_their_caps() -> None:
    """An early and a day shift forbid nothing the next day, a late forbids the early:
    three labels, two kinds of state (plus a day off). The day shift's cap is still its
    own: the least reduced cost is the one CP-SAT proves."""
    rng = random.Random(3)
    shifts = [s for d in range(14) for s in (day_shift(d, "E", "07:00", "15:00"), day_shift(d, "D", "09:00", "17:00"),
                                             day_shift(d, "L", "14:00", "22:00"))]
    wishes = {s["id"]: rng.choice([-2, -1, 1, 2]) for s in shifts if rng.random() < 0.3}
    s = generic_scenario(shifts=shifts, rules={"forbidden_successions": [["L", "E"]]}, weights=ONLY_WISHES,
                         workers=[worker("w1", work_rules={"max_shifts_by_label": {"D": 2}, "max_weekends": 1},
                                         preferences={"shifts": wishes})])
    labelling = columns_for(s)._pricing["w1"].labelling
    assert labelling is not None
    assert len(labelling.label_names) == 3 and len(labelling.kind_forbidden) == 2 + 1
    for seed in range(3):
        for by_labelling, by_cp_sat in priced_both_ways(columns_for(s), seed):
            assert agree(by_labelling, by_cp_sat), (by_labelling, by_cp_sat)
