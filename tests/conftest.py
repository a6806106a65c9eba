"""Shared pytest configuration: the repository root is importable."""
