"""Solve Curtois & Qu instances through flexpool's engine and report against the best known.

``python -m benchmarks.curtois.run --instances 1-24 --time-limit 60 --workers 2``

Each instance is mapped to a scenario (:mod:`benchmarks.curtois.adapter`), solved by
:func:`solver.solve`, checked by flexpool's legality checker, mapped back to the
instance's matrix and scored by the independent evaluator. Rosters go to
``solutions/InstanceN.tsv`` (monolith layout); figures to ``results.json`` (merged
with earlier runs, so subsets can be re-run) and ``RESULTS.md``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

from benchmarks.curtois.adapter import curtois_objective, open_slots, to_matrix, to_scenario
from benchmarks.curtois.evaluator import evaluate, write_roster_tsv
from benchmarks.curtois.instance import DATA_DIR, load_instance
from flexpool.checker import check
from solver import SolverConfig, solve
from solver.solve import Progress

HERE = Path(__file__).resolve().parent
SOLUTIONS = HERE / "solutions"
RESULTS_JSON = HERE / "results.json"
RESULTS_MD = HERE / "RESULTS.md"


def parse_range(text: str) -> list[int]:
    """``"1-8,10"`` -> [1, ..., 8, 10].

    >>> parse_range("1-3,7")
    [1, 2, 3, 7]
    """
    out: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        out.extend(range(int(lo), int(hi or lo) + 1))
    return out


def best_known() -> dict[str, dict[str, str]]:
    with (DATA_DIR / "best_known.csv").open(encoding="utf-8") as f:
        return {row["instance"]: row for row in csv.DictReader(f)}


class _Clock:
    """Times of improving rosters, from the solver's progress reports (every
    improving roster of every stage, the wishes' included)."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.progress: list[float] = []

    def on_progress(self, p: Progress) -> None:
        self.progress.append(p.elapsed_s)


def engine_version() -> str:
    """A short hash of the solver's staging code (``solve.py``, ``neighbourhoods.py``,
    ``columns.py`` with its labelling pricer, master LP and branch-and-price, ``construct.py``,
    ``greedy.py``), the objective and the model's variables and rules (how fast a
    model builds changes how far a search gets) and the candidate pairs
    (``flexpool/eligibility.py``), so rows measured with different engine versions can
    be told apart."""
    root = HERE.parents[1]
    digest = hashlib.sha256()
    for name in ("solve.py", "neighbourhoods.py", "columns.py", "construct.py", "greedy.py", "objective.py",
                 "generic_rules.py", "rules.py", "variables.py", "labelling.py", "labelling_kernel.py",
                 "master_lp.py", "branch_and_price.py"):
        digest.update((root / "solver" / name).read_bytes())
    digest.update((root / "flexpool" / "eligibility.py").read_bytes())
    return digest.hexdigest()[:8]


ENGINE = engine_version()


def search_path(stages: list[dict[str, Any]]) -> str:
    """How the roster was searched, from the solve's stage records.

    >>> search_path([{"stage": "patterns: fill"}, {"stage": "neighbourhoods: fill"}])
    'patterns, neighbourhoods'
    """
    names = [str(st["stage"]) for st in stages]
    used = [label for label, found in (("patterns", any(n.startswith("patterns") for n in names)),
                                       ("neighbourhoods", any(n.startswith("neighbourhoods") for n in names)))
            if found]
    return ", ".join(used) or "whole model"


def run_one(number: int, time_limit: float, workers: int, seed: int) -> dict[str, Any]:
    instance = load_instance(number)
    clock = _Clock()
    scenario = to_scenario(instance)
    result = solve(scenario, SolverConfig(time_limit_s=time_limit, workers=workers, seed=seed,
                                          progress=clock.on_progress))
    wall = time.monotonic() - clock.started
    roster = result.roster
    times = clock.progress
    matrix = to_matrix(instance, roster)
    SOLUTIONS.mkdir(exist_ok=True)
    write_roster_tsv(matrix, instance, SOLUTIONS / f"{instance.name}.tsv")
    evaluation = evaluate(instance, matrix)
    legal = check(scenario, roster)
    return {
        "instance": instance.name,
        "size": f"{len(instance.staff)}x{instance.horizon}x{len(instance.shift_types)}",
        "objective": curtois_objective(instance, roster),
        "evaluated": evaluation.objective,
        "feasible": evaluation.feasible,
        "breaches": evaluation.violations[:5],
        "checker_legal": legal.legal,
        "status": roster.status,
        "open_slots": open_slots(instance, roster),
        "time_to_best_s": round(max(times), 1) if times else None,
        "wall_s": round(wall, 1),
        "variables": roster.stats.get("variables"),
        "path": search_path(result.stages),
        "time_limit_s": time_limit,
        "workers": workers,
        "seed": seed,
        "engine": ENGINE,
        "stages": [{k: st.get(k) for k in ("stage", "status", "value", "bound", "seconds")}
                   for st in result.stages],
    }


def _gap(value: int | None, best: int) -> float | None:
    return None if value is None else 100.0 * (value - best) / best


def write_markdown(results: dict[str, dict[str, Any]]) -> None:
    known = best_known()
    limits = sorted({(r["time_limit_s"], r["workers"]) for r in results.values()})
    lines = [
        "# Curtois & Qu benchmark through flexpool's engine",
        "",
        "Generated by `make bench-curtois` (`python -m benchmarks.curtois.run`); every figure is "
        "measured, none is copied. Each instance is mapped to a flexpool scenario "
        "(`benchmarks/curtois/adapter.py`), solved by `solver.solve`, checked by flexpool's "
        "checker, and its roster re-scored by the independent evaluator "
        "(`benchmarks/curtois/evaluator.py`). Rosters: `solutions/InstanceN.tsv`.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs visible; run settings "
        + ", ".join(f"{t:g} s / {w} workers" for t, w in limits) + ".",
        "",
        "| instance | staff x days x types | objective (solver) | objective (evaluator) | best known "
        "| gap | open slots | time to best (s) | wall (s) | status | feasible (evaluator) "
        "| legal (checker) | search | engine |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    order = sorted(results, key=lambda name: int(name.removeprefix("Instance")))
    for name in order:
        r = results[name]
        best = int(known[name]["best_known"])
        gap = _gap(r["evaluated"] if r["feasible"] else None, best)
        lines.append(
            f"| {name} | {r['size']} | {r['objective']} | {r['evaluated']} | {best} | "
            f"{'-' if gap is None else f'{gap:.2f}%'} | {r['open_slots']} | {r['time_to_best_s']} | "
            f"{r['wall_s']} | {r['status']} | {'yes' if r['feasible'] else 'NO'} | "
            f"{'yes' if r['checker_legal'] else 'NO'} | {r['path']} | {r.get('engine', 'v0')} |")
    lines += ["", "Gap = (evaluator objective - best known) / best known. Time to best: seconds "
              "from the start of `solve` to the last improving roster (fill progress and "
              "soft-stage solutions; for neighbourhood runs, the last accepted neighbourhood). "
              "Wall includes model building and the final evaluation of soft terms. Engine: a hash "
              "of the solver's staging code when the row was measured (`v0`: the version before "
              "the hash was recorded).", ""]
    path = RESULTS_MD
    notes = HERE / "NOTES.md"
    if notes.exists():
        lines += [notes.read_text(encoding="utf-8").rstrip(), ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", default="1-24")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    for number in parse_range(args.instances):
        r = run_one(number, args.time_limit, args.workers, args.seed)
        results: dict[str, dict[str, Any]] = {}
        if RESULTS_JSON.exists():  # re-read: runs of other subsets may have written meanwhile
            results = json.loads(RESULTS_JSON.read_text(encoding="utf-8"))
        results[r["instance"]] = r
        print(f"{r['instance']}: objective {r['evaluated']} feasible={r['feasible']} "
              f"legal={r['checker_legal']} best at {r['time_to_best_s']} s, wall {r['wall_s']} s",
              flush=True)
        RESULTS_JSON.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        write_markdown(results)


if __name__ == "__main__":
    main()
