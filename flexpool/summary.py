"""A readable summary of a roster, for the terminal and the coordinator.

Fill per organisation and per priority, the most common reasons for open
slots, how preferences came out, and solve time and gap. Pure text from the
roster; no solver imports.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from flexpool.model import Roster, Scenario


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def roster_summary(scenario: Scenario, roster: Roster,
                   penalties: Iterable[tuple[str, str, int]] = ()) -> str:
    """Multi-line summary; ``penalties`` are (worker, rule name, points) records."""
    obj = roster.objective
    lines = [
        f"{scenario.name}: {roster.status}, {obj.filled_slots} of {obj.total_slots} slots filled "
        f"({_pct(obj.filled_slots, obj.total_slots).strip()})",
    ]
    if obj.bound_filled_slots is not None:
        gap = obj.bound_filled_slots - obj.filled_slots
        lines.append(f"proven bound {obj.bound_filled_slots} slots (gap {gap})")
    lines.append("")
    lines.append("priority  filled/total   bound")
    for p, total in obj.total_by_priority.items():
        filled = obj.filled_by_priority.get(p, 0)
        bound = obj.bound_by_priority.get(p, "-")
        lines.append(f"   {p}      {filled:>5}/{total:<5} {bound:>6}   {_pct(filled, total)}")

    shift_org = {s.id: s.organisation for s in scenario.shifts}
    total_org: Counter[str] = Counter()
    for s in scenario.shifts:
        total_org[s.organisation] += s.headcount
    filled_org = Counter(shift_org[a.shift] for a in roster.assignments)
    names = {o.id: o.name for o in scenario.organisations}
    lines += ["", "organisation                               filled/total"]
    for org, total in sorted(total_org.items(), key=lambda kv: names.get(kv[0], kv[0])):
        lines.append(f"  {names.get(org, org)[:40]:<40} {filled_org[org]:>5}/{total:<5} "
                     f"{_pct(filled_org[org], total)}")

    if roster.unfilled:
        reasons: Counter[str] = Counter()
        for u in roster.unfilled:
            for r in u.reasons:
                reasons[r.code] += u.missing
        lines += ["", "open slots by reason:"]
        lines += [f"  {n:>4}  {code}" for code, n in reasons.most_common(6)]
        lines += ["", "examples:"]
        for u in roster.unfilled[:5]:
            first = u.reasons[0].message if u.reasons else ""
            lines.append(f"  {u.shift} ({u.missing} open): {first}")

    if roster.dropped_pins:
        lines += ["", f"dropped pins: {len(roster.dropped_pins)}"]
        for d in roster.dropped_pins:
            lines.append(f"  {d.worker} on {d.shift}: {'; '.join(r.message for r in d.reasons)}")

    by_rule: dict[str, list[int]] = defaultdict(list)
    for _, name, points in penalties:
        by_rule[name].append(points)
    if by_rule:
        lines += ["", "preferences and fairness (points; negative = wish granted):"]
        for name, pts in sorted(by_rule.items()):
            lines.append(f"  {name:<18} {sum(pts):>7} over {len(pts)} workers")

    stats = roster.stats
    if "solve_seconds" in stats:
        lines += ["", f"solved in {stats['solve_seconds']} s (model built in {stats.get('build_seconds', '?')} s)"]
    return "\n".join(lines)
