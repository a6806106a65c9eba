"""Peer benchmarks: other optimisers' public demo instances and independent re-scorers.

The Timefold employee-scheduling demo lives in ``timefold_demo``; its specification is
``data/README.md`` (a byte-identical copy of the benchmark README).
"""
