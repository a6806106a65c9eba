"""What a search re-rosters over: the scenario, its timeline and eligibility, and the
pins it must keep. Shared by the neighbourhood search and column generation."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flexpool.eligibility import EligibilityContext
from flexpool.model import Scenario
from flexpool.timeline import Timeline

Pair = tuple[str, str]  # (worker, shift)


@dataclass
class RosterSpace:
    """The eligible (worker, shift) pairs of a scenario and the pinned ones."""

    scenario: Scenario
    timeline: Timeline
    eligibility: EligibilityContext
    eligible: dict[str, list[str]]  # shift -> eligible workers
    pinned: set[Pair]

    def shifts_by_worker(self) -> dict[str, list[str]]:
        """Each worker's eligible shifts, in shift order."""
        out: dict[str, list[str]] = defaultdict(list)
        for sid, workers in self.eligible.items():
            for w in workers:
                out[w].append(sid)
        return out
