"""Tests for the independent benchmark tooling in benchmarks/."""
