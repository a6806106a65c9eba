"""The published documentation cannot drift from the code.

- ``docs/scenario.schema.json`` and ``docs/roster.schema.json`` equal the JSON
  Schema generated from the pydantic models;
- the example scenario validates against the published scenario schema (when
  the optional ``jsonschema`` package is installed);
- every rule id the legality checker can emit is explained in ``docs/rules.md``.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from pydantic import BaseModel

import flexpool.checker
from flexpool.model import Roster, Scenario

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLE = ROOT / "examples" / "example-scenario.json"
REGENERATE = (
    ".venv/bin/python -c \"import json; from flexpool.model import Scenario, Roster; "
    "[open(f'docs/{n}.schema.json', 'w')"
    ".write(json.dumps(m.model_json_schema(), indent=2) + '\\n') "
    "for n, m in (('scenario', Scenario), ('roster', Roster))]\""
)
# An upper-case string literal such as "ATW-N5", "CAO-REST", "ELIG-ROLE" or "OVERLAP".
RULE_ID = re.compile(r"^[A-Z][A-Z0-9]{2,}(?:-[A-Z0-9]+)*$")


def _generated(model: type[BaseModel]) -> str:
    return json.dumps(model.model_json_schema(), indent=2) + "\n"


@pytest.mark.parametrize(("name", "model"), [("scenario", Scenario), ("roster", Roster)])
def test_committed_schema_matches_models(name: str, model: type[BaseModel]) -> None:
    path = DOCS / f"{name}.schema.json"
    assert path.exists(), f"{path} is missing; regenerate from the repo root with: {REGENERATE}"
    assert path.read_text(encoding="utf-8") == _generated(model), (
        f"{path.relative_to(ROOT)} is out of date with flexpool/model.py; "
        f"regenerate from the repo root with: {REGENERATE}"
    )


def test_example_scenario_validates_against_published_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((DOCS / "scenario.schema.json").read_text(encoding="utf-8"))
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    # Local date-times carry no offset, so "format": "date-time" is not asserted.
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(example), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"$.{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in errors
    )


def checker_rule_ids() -> set[str]:
    """Rule-id string literals in flexpool/checker.py (docstrings do not match)."""
    source = Path(flexpool.checker.__file__).read_text(encoding="utf-8")
    return {
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and RULE_ID.match(node.value)
    }


def test_checker_rule_ids_are_found() -> None:
    ids = checker_rule_ids()
    assert {"ATW-1", "ATW-6", "ATW-N5", "CAO-REST", "ELIG-ROLE", "OVERLAP", "CONTRACT"} <= ids


def test_every_checker_rule_id_is_documented() -> None:
    text = (DOCS / "rules.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"(?<![A-Za-z0-9-])[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*(?![A-Za-z0-9-])",
                                text))
    missing = sorted(checker_rule_ids() - documented)
    assert not missing, (
        f"rule ids emitted by flexpool/checker.py but not explained in docs/rules.md: {missing}"
    )
