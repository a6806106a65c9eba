"""Loading a scenario: every input error at once, each with its JSON path.

This is the one door from JSON into :class:`~flexpool.model.Scenario`. It runs
the shape checks of the pydantic models (with the scenario's zone in the
validation context, so local times become aware and nonexistent ones are
errors), then the whole-scenario checks: unique ids, references that resolve,
shifts inside the horizon, organisation overlays that are not looser than the
law. Nothing is solved when any check fails.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from flexpool.model import DEFAULT_TIMEZONE, Rules, Scenario


@dataclass(frozen=True)
class InputError:
    """One problem in the input, located by a JSON path such as ``$.shifts[3].end``."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class InputErrors(ValueError):
    """Input that cannot be used; ``errors`` lists every problem with its JSON path."""

    what = "input"

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        lines = "\n".join(f"  {e}" for e in errors)
        super().__init__(f"{len(errors)} {self.what} error(s):\n{lines}")


class ScenarioError(InputErrors):
    """The scenario cannot be used; nothing is solved."""


def json_path(loc: tuple[int | str, ...]) -> str:
    """Render a pydantic error location as a JSON path.

    >>> json_path(("shifts", 3, "end"))
    '$.shifts[3].end'
    """
    out = "$"
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def load_scenario(source: str | Path | Mapping[str, Any]) -> Scenario:
    """Read a scenario from a path, a JSON string or already-parsed data.

    Raises :class:`ScenarioError` listing every error with its JSON path.
    """
    data = read_json_object(source)
    zone = _zone_of(data)
    errors: list[InputError] = []
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate(data, context={"zone": zone})
    except ValidationError as exc:
        errors.extend(_pydantic_errors(exc))
    errors.extend(_reference_errors(data))
    errors.extend(_overlay_errors(data))
    if scenario is not None:
        errors.extend(_semantic_errors(scenario))
    if errors:
        raise ScenarioError(errors)
    assert scenario is not None
    return scenario


def read_json_object(source: str | Path | Mapping[str, Any], kind: str = "scenario",
                     error: Callable[[list[InputError]], Exception] = ScenarioError) -> dict[str, Any]:
    """A JSON object from a path, a JSON string or parsed data; unreadable input
    raises ``error`` with one located message (shared by scenarios and rosters)."""
    if isinstance(source, Mapping):
        return dict(source)
    text = source
    if isinstance(source, Path) or not str(source).lstrip().startswith("{"):
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise error([InputError("$", f"cannot read {path}: {exc.strerror}")]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(
            [InputError("$", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")]
        ) from None
    if not isinstance(data, dict):
        raise error([InputError("$", f"a {kind} must be a JSON object")])
    return data


def _zone_of(data: Mapping[str, Any]) -> ZoneInfo:
    name = data.get("timezone", DEFAULT_TIMEZONE)
    try:
        return ZoneInfo(str(name))
    except Exception:
        return ZoneInfo(DEFAULT_TIMEZONE)  # the model reports the bad name with its path


def _pydantic_errors(exc: ValidationError) -> list[InputError]:
    errors = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] in {"missing", "literal_error", "string_pattern_mismatch"}:
            message = f"{message} (got {err.get('input')!r})" if err["type"] != "missing" else message
        errors.append(InputError(json_path(loc) + _field_of(message), message))
    return errors


def _field_of(message: str) -> str:
    """Point a whole-object error at the field it is about (``end``, ``valid_until``)."""
    for prefix, field in (("end ", ".end"), ("horizon end ", ".end"), ("valid_until ", ".valid_until")):
        if message.startswith(prefix):
            return field
    return ""


def _items(data: Mapping[str, Any], key: str) -> list[tuple[int, Mapping[str, Any]]]:
    value = data.get(key)
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, Mapping)]


def _reference_errors(data: Mapping[str, Any]) -> Iterator[InputError]:
    """Duplicate ids and unresolved references, read leniently from raw JSON.

    Runs even when some objects are malformed, so one report lists them all.
    """
    orgs = _items(data, "organisations")
    workers = _items(data, "workers")
    shifts = _items(data, "shifts")
    for name, items in (("organisations", orgs), ("workers", workers), ("shifts", shifts)):
        counts = Counter(item.get("id") for _, item in items)
        for i, item in items:
            if isinstance(item.get("id"), str) and counts[item.get("id")] > 1:
                yield InputError(f"$.{name}[{i}].id", f"duplicate id {item['id']!r}")
    location_org: dict[str, Any] = {}
    location_count: Counter[Any] = Counter()
    for _, org in orgs:
        for _, loc in _items(org, "locations"):
            location_count[loc.get("id")] += 1
            location_org[loc.get("id")] = org.get("id")
    for i, org in orgs:
        for j, loc in _items(org, "locations"):
            if isinstance(loc.get("id"), str) and location_count[loc.get("id")] > 1:
                yield InputError(
                    f"$.organisations[{i}].locations[{j}].id",
                    f"duplicate location id {loc['id']!r} (unique across organisations)",
                )
    org_ids = {org.get("id") for _, org in orgs}
    worker_ids = {w.get("id") for _, w in workers}
    shift_ids = {sh.get("id") for _, sh in shifts}
    for i, w in workers:
        prefs = w.get("preferences")
        liked = prefs.get("organisations") if isinstance(prefs, Mapping) else None
        for key in liked if isinstance(liked, Mapping) else ():
            if key not in org_ids:
                yield InputError(
                    f"$.workers[{i}].preferences.organisations.{key}", f"unknown organisation {key!r}"
                )
    for i, sh in shifts:
        org, loc = sh.get("organisation"), sh.get("location")
        if org is not None and org not in org_ids:
            yield InputError(f"$.shifts[{i}].organisation", f"unknown organisation {org!r}")
        if loc is not None and loc not in location_org:
            yield InputError(f"$.shifts[{i}].location", f"unknown location {loc!r}")
        elif loc is not None and org in org_ids and location_org[loc] != org:
            yield InputError(
                f"$.shifts[{i}].location",
                f"location {loc!r} belongs to {location_org[loc]!r}, not to {org!r}",
            )
    seen: set[tuple[Any, Any]] = set()
    for i, pin in _items(data, "pinned"):
        if pin.get("shift") not in shift_ids:
            yield InputError(f"$.pinned[{i}].shift", f"unknown shift {pin.get('shift')!r}")
        if pin.get("worker") not in worker_ids:
            yield InputError(f"$.pinned[{i}].worker", f"unknown worker {pin.get('worker')!r}")
        key = (pin.get("shift"), pin.get("worker"))
        if key in seen:
            yield InputError(f"$.pinned[{i}]", "the same pin appears twice")
        seen.add(key)


def _semantic_errors(s: Scenario) -> Iterator[InputError]:
    """Checks on a well-formed scenario: shifts inside the horizon, breaks shorter than shifts."""
    for i, sh in enumerate(s.shifts):
        start_day = sh.start.date()
        if not s.horizon.contains(start_day):
            yield InputError(
                f"$.shifts[{i}].start",
                f"shift starts on {start_day}, outside the horizon "
                f"{s.horizon.start}..{s.horizon.end}",
            )
        if sh.unpaid_break_minutes >= sh.elapsed_minutes:
            yield InputError(
                f"$.shifts[{i}].unpaid_break_minutes",
                f"break of {sh.unpaid_break_minutes} min leaves no working time in a "
                f"{sh.elapsed_minutes}-min shift",
            )


OVERLAY_LIMITS = (("max_shift_minutes", "max"), ("max_night_shift_minutes", "max"),
                  ("min_daily_rest_minutes", "min"), ("max_consecutive_nights", "max"))


def _overlay_errors(data: Mapping[str, Any]) -> Iterator[InputError]:
    """An organisation's overlay may only make a limit stricter (spec: Organisation).

    Read from the raw JSON, so it is reported together with any other error.
    """
    scenario_rules = data.get("rules") if isinstance(data.get("rules"), Mapping) else {}
    defaults = Rules()
    for i, org in _items(data, "organisations"):
        overlay = org.get("rules")
        if not isinstance(overlay, Mapping):
            continue
        for name, sense in OVERLAY_LIMITS:
            value, limit = overlay.get(name), scenario_rules.get(name, getattr(defaults, name))
            if not _is_number(value) or not _is_number(limit):
                continue
            if value > limit if sense == "max" else value < limit:
                yield InputError(
                    f"$.organisations[{i}].rules.{name}",
                    f"{value} is looser than the scenario's rule ({limit}); an overlay may only be stricter",
                )


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of the scenario format, generated from the models."""
    return Scenario.model_json_schema()
