"""Scale benchmark on the Twente region: S, R150, M and L against bound and baseline.

For each size, in its own process (so peak memory is that size's alone):

- the first-come-first-served baseline: shifts in start order, each slot to the
  first worker the checker accepts, the way a planner works down a list;
- the optimiser with a time limit, recording every improving roster;
- time to the first legal roster and to within 1% of the proven fill bound,
  fill per priority against the bound and the baseline, model build time,
  peak RSS, and the checker's verdict (a violation fails the benchmark);
- for M2W (600 workers, 68 organisations, 2 weeks, 3,359 slots: the size of
  issue 3's yardstick), the plain filling-only CP-SAT model
  (:mod:`benchmarks.plain_fill`) on the same scenario with the same time limit.

Run ``python -m benchmarks.scale`` (``make bench``); it writes
``benchmarks/RESULTS.md``. Ratios only mean something within one run.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks.plain_fill import plain_fill
from examples.twente.generate import generate
from flexpool.checker import CheckContext, check
from flexpool.eligibility import EligibilityContext, eligible_workers
from flexpool.model import Scenario
from flexpool.scenario import load_scenario
from flexpool.timeline import Timeline
from solver import SolverConfig, solve
from solver.greedy import greedy_assignments

ROOT = Path(__file__).resolve().parent
DEFAULT_LIMITS = {"S": 30.0, "R150": 60.0, "M": 60.0, "L": 600.0, "M2W": 120.0}
YARDSTICK_SIZES = ("M2W",)  # sizes also solved by the plain filling-only model (issue 3's bar)


def baseline(scenario: Scenario) -> tuple[dict[str, int], float]:
    """First-come-first-served fill per priority, and seconds taken (legal by the checker)."""
    began = time.monotonic()
    ctx = EligibilityContext(scenario, Timeline.of(scenario))
    chosen = greedy_assignments(scenario, CheckContext.of(scenario), eligible_workers(ctx), order="start")
    seconds = time.monotonic() - began
    roster = {"format": "flexpool-roster/1", "scenario": scenario.name, "status": "feasible",
              "assignments": [{"shift": s, "worker": w} for w, s in chosen],
              "objective": {"filled_slots": len(chosen), "total_slots": 0}}
    violations = check(scenario, roster).violations
    if violations:
        raise SystemExit(f"baseline roster is illegal: {violations[0].message}")
    priority = {s.id: s.priority for s in scenario.shifts}
    by_level = {str(p): 0 for p in range(5, 0, -1)}
    for _, s in chosen:
        by_level[str(priority[s])] += 1
    return by_level, seconds


def load_size(size: str) -> Scenario:
    """The committed scenario of a size, or the generator's (seed 1) when none is committed."""
    path = ROOT.parent / "examples" / "twente" / f"twente-{size}.json"
    return load_scenario(path) if path.exists() else load_scenario(generate(size, seed=1))


def run_size(size: str, limit: float, workers: int, seed: int) -> dict[str, Any]:
    """One size, measured; meant to run in a fresh process."""
    began = time.monotonic()
    scenario = load_size(size)
    load_seconds = time.monotonic() - began
    base, base_seconds = baseline(scenario)
    rosters: list[tuple[float, int]] = []  # (seconds into the solve, slots) of each better legal roster
    solve_started = time.monotonic()
    result = solve(scenario, SolverConfig(
        time_limit_s=limit, workers=workers, seed=seed,
        on_roster=lambda pairs: rosters.append((time.monotonic() - solve_started, len(pairs)))))
    roster = result.roster
    violations = check(scenario, roster).violations
    obj = roster.objective
    bound = obj.bound_filled_slots or obj.total_slots
    first = rosters[0][0] if rosters else None
    within = next((t for t, filled in rosters if filled >= 0.99 * bound), None)
    return {
        "size": size, "time_limit_s": limit, "workers": len(scenario.workers),
        "organisations": len(scenario.organisations), "shifts": len(scenario.shifts),
        "slots": obj.total_slots, "load_s": round(load_seconds, 2),
        "build_s": roster.stats.get("build_seconds"), "solve_s": roster.stats.get("solve_seconds"),
        "first_legal_s": None if first is None else round(first, 1),
        "within_1pct_s": None if within is None else round(within, 1),
        "filled": obj.filled_slots, "bound": bound, "status": roster.status,
        "filled_by_priority": obj.filled_by_priority, "bound_by_priority": obj.bound_by_priority,
        "total_by_priority": obj.total_by_priority,
        "baseline_by_priority": base, "baseline_filled": sum(base.values()),
        "baseline_s": round(base_seconds, 2), "violations": len(violations),
        "first_violation": violations[0].message if violations else None,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "stages": roster.stats.get("stages"),
    }


def run_yardstick(size: str, limit: float, workers: int, seed: int) -> dict[str, Any]:
    """The plain filling-only CP-SAT model on the same scenario (:mod:`benchmarks.plain_fill`)."""
    return asdict(plain_fill(load_size(size), limit, workers, seed))


def _child(job: Callable[..., dict[str, Any]], size: str, limit: float, workers: int, seed: int,
           queue: mp.Queue) -> None:  # type: ignore[type-arg]
    queue.put(job(size, limit, workers, seed))


def measure(size: str, limit: float, workers: int, seed: int,
            job: Callable[..., dict[str, Any]] = run_size) -> dict[str, Any]:
    """``job`` for one size in a fresh process (peak memory is that size's alone)."""
    queue: mp.Queue = mp.get_context("spawn").Queue()  # type: ignore[type-arg]
    proc = mp.get_context("spawn").Process(target=_child, args=(job, size, limit, workers, seed, queue))
    proc.start()
    row = queue.get()
    proc.join()
    return row


def lexicographic_verdict(ours: dict[str, int], theirs: dict[str, int], name: str = "baseline") -> str:
    """Where our fill per priority first differs from ``name``'s, from priority 5 down."""
    for p in ("5", "4", "3", "2", "1"):
        a, b = ours.get(p, 0), theirs.get(p, 0)
        if a != b:
            word = "beats" if a > b else "LOSES TO"
            return f"{word} {name} at priority {p} ({a} vs {b})"
    return f"equal to {name}"


def markdown(rows: list[dict[str, Any]], command: str) -> str:
    lines = [
        "# Scale benchmark: the Twente region",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.platform()}. Reproduce: `{command}`.",
        "",
        "| size | workers | orgs | slots | limit s | build s | first legal s | within 1% s | filled | bound | "
        "gap | baseline | vs baseline | status | violations | peak RSS MiB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        gap = (r["bound"] - r["filled"]) / r["bound"] if r["bound"] else 0
        lines.append(
            f"| {r['size']} | {r['workers']} | {r['organisations']} | {r['slots']} | {r['time_limit_s']:g} | "
            f"{r['build_s']} | {r['first_legal_s']} | {r['within_1pct_s'] or 'not reached'} | {r['filled']} | "
            f"{r['bound']} | {100 * gap:.1f}% | {r['baseline_filled']} | "
            f"{r['filled'] / max(1, r['baseline_filled']):.3f}x | {r['status']} | {r['violations']} | "
            f"{r['peak_rss_mib']} |")
    lines += ["", "Build s: seconds from the start of the solve to its search (eligibility, the greedy start "
              "and the whole model where one is built; it is not built where its level stages could not "
              "reach a roster in their time, as on M, M2W and L at these limits)."]
    notes = [f"{r['size']}: measured {r['measured']}" for r in rows if r.get("measured")]
    if notes:
        lines += ["", "Rows from separate runs of the same command: " + "; ".join(notes) + "."]
    lines += _growth(rows)
    lines += _yardstick(rows)
    lines += ["", "Fill per priority (ours / proven bound / baseline / total):", ""]
    for r in rows:
        parts = [f"p{p}: {r['filled_by_priority'].get(p, 0)} / {r['bound_by_priority'].get(p, '-')} / "
                 f"{r['baseline_by_priority'].get(p, 0)} / {t}" for p, t in r["total_by_priority"].items()]
        verdict = lexicographic_verdict(r["filled_by_priority"], r["baseline_by_priority"])
        lines.append(f"- **{r['size']}** ({verdict}): " + "; ".join(parts))
    return "\n".join(lines) + "\n"


def _yardstick(rows: list[dict[str, Any]]) -> list[str]:
    """Ours (every rule) against the plain filling-only model on the same scenario and time.

    The plain model is a relaxation, so its proven bound bounds our total fill too;
    the tighter of the two bounds is the one the gap is measured against."""
    rows = [r for r in rows if r.get("yardstick")]
    if not rows:
        return []
    out = ["", "Against a plain CP-SAT model of only the filling part (eligibility, headcount, no overlap, "
           "contract hours; no Arbeidstijdenwet, CAO, fixed work or rest; `benchmarks/plain_fill.py`), "
           "same scenario, same time limit, same run:", "",
           "| size | limit s | plain filled / its bound | plain % | ours filled (every rule) | ours / plain | "
           "tightest proven total bound | ours % of it | ours vs plain by priority |",
           "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        y = r["yardstick"]
        bound = min(r["bound"], y["bound"])
        verdict = lexicographic_verdict(r["filled_by_priority"], y["filled_by_priority"], "plain")
        out.append(f"| {r['size']} | {r['time_limit_s']:g} | {y['filled']} / {y['bound']} | "
                   f"{100 * y['filled'] / max(1, y['bound']):.1f}% | {r['filled']} | "
                   f"{r['filled'] / max(1, y['filled']):.3f}x | {bound} | {100 * r['filled'] / max(1, bound):.1f}% | "
                   f"{verdict}; p5-p1 ours {'/'.join(str(r['filled_by_priority'].get(p, 0)) for p in '54321')}, "
                   f"plain {'/'.join(str(y['filled_by_priority'][p]) for p in '54321')} |")
    return out


def _growth(rows: list[dict[str, Any]]) -> list[str]:
    """How cost grows with size, relative to the smallest size in the run."""
    if len(rows) < 2:
        return []
    base = rows[0]
    out = ["", f"Growth relative to {base['size']}:", "",
           "| size | slots | x slots | build s | x build | first legal s | peak RSS MiB | x RSS |",
           "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        out.append(f"| {r['size']} | {r['slots']} | {r['slots'] / base['slots']:.1f} | {r['build_s']} | "
                   f"{(r['build_s'] or 0) / max(base['build_s'] or 0.01, 0.01):.0f} | {r['first_legal_s']} | "
                   f"{r['peak_rss_mib']} | {r['peak_rss_mib'] / base['peak_rss_mib']:.1f} |")
    return out


def hot_paths_table(path: Path) -> list[str]:
    """The pytest-benchmark timings of ``make bench`` (mean seconds), when present."""
    if not path.exists():
        return []
    data = json.loads(path.read_text())
    out = ["", "Hot paths at size M (pytest-benchmark, `make bench`):", "",
           "| benchmark | mean s | min s | rounds |", "|---|---|---|---|"]
    for b in data.get("benchmarks", []):
        st = b["stats"]
        out.append(f"| {b['name']} | {st['mean']:.3f} | {st['min']:.3f} | {st['rounds']} |")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,R150,M,M2W,L")
    parser.add_argument("--time-limit", type=float, default=None, help="seconds per size (default per size)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "RESULTS.md")
    parser.add_argument("--json", type=Path, default=ROOT / "results.json")
    parser.add_argument("--render", action="store_true", help="only re-render --out from --json")
    args = parser.parse_args(argv)
    if args.render:
        rows = json.loads(args.json.read_text())
        command = "python -m benchmarks.scale --sizes " + ",".join(r["size"] for r in rows)
        text = markdown(rows, command) + "\n".join(hot_paths_table(ROOT / "hot_paths.json")) + "\n"
        args.out.write_text(text, encoding="utf-8")
        return 0
    rows = []
    for size in args.sizes.split(","):
        limit = args.time_limit or DEFAULT_LIMITS.get(size, 60.0)
        row = measure(size, limit, args.workers, args.seed)
        if size in YARDSTICK_SIZES:
            row["yardstick"] = measure(size, limit, args.workers, args.seed, run_yardstick)
        print(json.dumps({k: v for k, v in row.items() if k != "stages"}), flush=True)
        rows.append(row)
    command = "python -m benchmarks.scale " + " ".join(argv if argv is not None else sys.argv[1:])
    args.out.write_text(markdown(rows, command.strip()) + "\n".join(hot_paths_table(ROOT / "hot_paths.json"))
                        + "\n", encoding="utf-8")
    args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 1 if any(r["violations"] for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
