"""Imports point one way: flexpool (domain) <- solver <- api (STYLE.md, Architecture 1)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "flexpool": {"ortools", "fastapi", "solver", "api", "starlette", "uvicorn"},
    "solver": {"fastapi", "api", "starlette", "uvicorn"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_import_against_the_arrow(package: str) -> None:
    wrong = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in (ROOT / package).rglob("*.py")
        for name in _imports(path) & FORBIDDEN[package]
    }
    assert not wrong, sorted(wrong)


def test_checker_shares_no_code_with_the_model() -> None:
    """The legality checker must stay independent of the CP-SAT model and eligibility filter."""
    names = _imports(ROOT / "flexpool" / "checker.py")
    assert "solver" not in names and "ortools" not in names
