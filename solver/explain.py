"""Why a shift stayed (partly) open, in words a planner can act on.

For every shift with open slots the reasons say either that no one is
eligible (counted by what is missing: function, credential with the date it
expired, induction, distance, availability, own roster), or which rule blocks
each eligible worker given the rest of the roster, as judged by the
independent checker ("4 eligible workers, all blocked: 2 by rest after a night
series (ATW-N5), 1 by the 60 h week (ATW-2), 1 by the contract").
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Mapping

from flexpool.checker import CheckContext, check_worker
from flexpool.eligibility import EligibilityContext, Exclusion, exclusion, shift_exclusion
from flexpool.model import Reason, Scenario, Shift, Unfilled

RULE_WORDS = {
    "ATW-1": "the maximum shift length",
    "ATW-2": "the 60 h week",
    "ATW-3": "the 55 h average over 4 weeks",
    "ATW-4": "the 48 h (40 h for night workers) average over 16 weeks",
    "ATW-6": "the daily rest",
    "ATW-7": "the weekly rest",
    "ATW-N1": "the maximum night length",
    "ATW-N3": "the rest after a late night",
    "ATW-N5": "rest after a night series",
    "ATW-N6": "the 36 late nights per 16 weeks",
    "ATW-N8": "the 7 shifts in a row with a night",
    "CAO-REST": "the organisation's daily rest",
    "CAO-NIGHTS": "the organisation's maximum nights in a row",
    "OVERLAP": "another shift at the same time",
    "CONTRACT": "the contract",
}
EXCLUSION_WORDS = {
    "role": "lack the function",
    "missing-credential": "lack a required credential",
    "expired-credential": "have a credential that is not valid on the shift's date",
    "credential-not-yet-valid": "have a credential that is not yet valid",
    "missing-induction": "have no induction at the location",
    "travel": "live too far away",
    "unavailable": "are unavailable",
    "fixed-work": "work elsewhere at that time",
    "rest-with-fixed-work": "lack the rest next to their own roster",
    "contract": "are excluded by their contract",
    "label-cap": "may work no shifts of this kind",
}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def explain_unfilled(
    scenario: Scenario,
    ctx: EligibilityContext,
    check_ctx: CheckContext,
    eligible: Mapping[str, list[str]],
    assigned: list[tuple[str, str]],
    count: dict[str, int],
    deadline: float | None = None,
) -> list[Unfilled]:
    """One :class:`Unfilled` per shift with open slots, in scenario order.

    ``eligible`` maps a shift to its eligible workers. Checking each of them against
    the roster takes a checker call per worker; shifts reached after ``deadline``
    (``time.monotonic()``) say how many workers are eligible and that they were not
    checked one by one, so a huge roster is not held back by its explanation.
    """
    roster: dict[str, set[str]] = defaultdict(set)
    for s, w in assigned:
        roster[w].add(s)
    out = []
    for shift in scenario.shifts:
        missing = shift.headcount - count.get(shift.id, 0)
        if missing > 0:
            in_time = deadline is None or time.monotonic() <= deadline
            reasons = _reasons(ctx, check_ctx, eligible.get(shift.id, []), shift, roster, check_each=in_time)
            out.append(Unfilled(shift=shift.id, missing=missing, reasons=reasons))
    return out


def _reasons(ctx: EligibilityContext, check_ctx: CheckContext, candidates: list[str], shift: Shift,
             roster: dict[str, set[str]], *, check_each: bool = True) -> list[Reason]:
    """Why ``shift`` has open slots. Without ``check_each`` (past the deadline) no
    worker is checked against the roster, nor every worker's exclusion counted."""
    whole = shift_exclusion(ctx, shift)
    if whole is not None:
        return [Reason(code=whole.code, message=f"{whole.message} ({whole.rule})")]
    eligible = [w for w in candidates if shift.id not in roster[w]]
    reasons = []
    if not candidates and check_each:
        reasons.append(_no_eligible_reason(ctx, shift))
    if eligible and not check_each:
        reasons.append(Reason(code="not-checked",
                              message=f"{_plural(len(eligible), 'eligible worker')} not assigned here; not "
                                      f"checked one by one against the roster: the time limit was reached first"))
    blocked: Counter[str] = Counter()
    addable = []
    for w in eligible if check_each else ():
        violations = check_worker(check_ctx, w, [*roster[w], shift.id])
        if violations:
            blocked[violations[0].rule] += 1
        else:
            addable.append(w)
    if blocked:
        parts = [f"{n} by {RULE_WORDS.get(rule, rule)} ({rule})" for rule, n in blocked.most_common()]
        total = sum(blocked.values())
        lead = "all blocked" if not addable else "blocked"
        reasons.append(Reason(code="eligible-workers-blocked",
                              message=f"{_plural(total, 'eligible worker')} not assigned here, "
                                      f"{lead}: {', '.join(parts)}"))
    if addable:
        reasons.append(Reason(code="legal-candidates",
                              message=f"{_plural(len(addable), 'eligible worker')} could still take it "
                                      f"legally ({', '.join(addable[:5])}); the search ran out of time"))
    if candidates and not eligible:
        reasons.append(Reason(code="all-eligible-assigned",
                              message="every eligible worker is already on this shift"))
    return reasons or [Reason(code="no-eligible-worker", message="no eligible worker")]


def _no_eligible_reason(ctx: EligibilityContext, shift: Shift) -> Reason:
    """Count why each worker is excluded, naming credentials and expiry dates."""
    found: list[Exclusion] = []
    for worker in ctx.scenario.workers:
        why = exclusion(ctx, worker, shift)
        if why is not None:
            found.append(why)
    by_code = Counter(e.code for e in found)
    expired = [e for e in found if e.code == "expired-credential"]
    if expired:
        code = expired[0].detail
        when = Counter(e.until for e in expired).most_common(1)[0][0]
        head = (f"no worker holds {code} valid on {expired[0].day} "
                f"({_plural(len(expired), 'registration')} expired on {when})")
    elif by_code.get("missing-credential"):
        codes = Counter(e.detail for e in found if e.code == "missing-credential")
        head = f"no eligible worker: nobody available holds {codes.most_common(1)[0][0]}"
    else:
        head = "no eligible worker"
    detail = ", ".join(f"{n} {EXCLUSION_WORDS.get(c, c)}" for c, n in by_code.most_common())
    return Reason(code="no-eligible-worker", message=f"{head}; of {len(ctx.scenario.workers)} workers: {detail}")
