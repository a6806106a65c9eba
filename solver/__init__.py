"""The CP-SAT roster solver: ``solve(scenario, config) -> SolveResult``."""

from solver.solve import PenaltyRecord, Progress, SolverConfig, SolveResult, solve

__all__ = ["PenaltyRecord", "Progress", "SolveResult", "SolverConfig", "solve"]
