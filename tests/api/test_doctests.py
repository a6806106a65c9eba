"""The api package's doctests (pytest's ``--doctest-modules`` paths do not include api/)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["api.security", "api.weeks"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
