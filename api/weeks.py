"""From stored pieces to a domain :class:`~flexpool.model.Scenario` for one week.

A pool keeps a *base* (the spec's scenario without horizon and shifts); each
organisation's current demand and each worker's current preferences for an
ISO week are laid over it. All validation goes through
:func:`flexpool.scenario.load_scenario`, and its JSON paths are mapped back to
what the caller sent (``shifts[3].end``, or row and column of an upload).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import pandas as pd
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.db import DemandVersion, Pool, PreferenceVersion
from api.errors import ApiError
from api.schemas import PreferencesIn, ShiftIn
from flexpool.model import Scenario
from flexpool.scenario import ScenarioError, load_scenario

BASE_KEYS = ("name", "timezone", "rules", "weights", "organisations", "workers", "pinned")
LIST_COLUMNS = ("roles", "requires")
REQUIRED_COLUMNS = ("id", "location", "start", "end")
STRING_COLUMNS = ("id", "location", "organisation", "label")


def week_days(week: str) -> tuple[date, date]:
    """Monday and Sunday of an ISO week such as ``2026-W49``.

    >>> week_days("2026-W49")
    (datetime.date(2026, 11, 30), datetime.date(2026, 12, 6))
    """
    try:
        year, number = int(week[:4]), int(week[6:])
        monday = date.fromisocalendar(year, number, 1)
    except ValueError:
        raise ApiError(422, f"{week!r} is not an ISO week (e.g. 2026-W49)") from None
    return monday, monday + timedelta(days=6)


def week_of(day: date) -> str:
    """The ISO week a date falls in.

    >>> week_of(date(2026, 12, 1))
    '2026-W49'
    """
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"


def scenario_dict(base: Mapping[str, Any], week: str, shifts: list[dict[str, Any]],
                  preferences: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """The week's scenario as exchange-format data (not yet validated)."""
    monday, sunday = week_days(week)
    data = {k: base[k] for k in BASE_KEYS if k in base}
    data["format"] = "flexpool-scenario/1"
    data["name"] = f"{base.get('name', 'pool')} {week}"
    data["horizon"] = {"start": monday.isoformat(), "end": sunday.isoformat()}
    data["shifts"] = shifts
    data.setdefault("pinned", [])
    if preferences:
        workers = []
        for worker in base.get("workers", []):
            prefs = preferences.get(worker.get("id"))
            if prefs is not None:
                worker = dict(worker)
                own = {k: v for k, v in prefs.items() if k != "unavailable"}
                worker["preferences"] = own
                worker["unavailable"] = [*worker.get("unavailable", []),
                                         *prefs.get("unavailable", [])]
            workers.append(worker)
        data["workers"] = workers
    known = {s.get("id") for s in shifts}
    data["pinned"] = [p for p in data["pinned"] if p.get("shift") in known]
    return data


def validate_base(base: Mapping[str, Any]) -> None:
    """Reject a base scenario that cannot make a valid week (422, every error)."""
    try:
        load_scenario(scenario_dict(base, week_of(date.today()), []))  # noqa: DTZ011
    except ScenarioError as exc:
        raise ApiError(422, f"{len(exc.errors)} error(s) in the pool's base scenario",
                       [{"path": e.path, "message": e.message} for e in exc.errors]) from None


# ------------------------------------------------------------------ current data


def current_demand(session: Session, pool_id: str, week: str) -> dict[str, DemandVersion]:
    """Newest demand version per organisation for the week."""
    latest = (
        select(DemandVersion.organisation_id, func.max(DemandVersion.version).label("v"))
        .where(DemandVersion.pool_id == pool_id, DemandVersion.week == week)
        .group_by(DemandVersion.organisation_id)
        .subquery()
    )
    rows = session.scalars(
        select(DemandVersion).join(
            latest,
            (DemandVersion.organisation_id == latest.c.organisation_id)
            & (DemandVersion.version == latest.c.v),
        ).where(DemandVersion.pool_id == pool_id, DemandVersion.week == week)
    ).all()
    return {r.organisation_id: r for r in rows}


def current_preferences(session: Session, pool_id: str, week: str) -> dict[str, dict[str, Any]]:
    rows = session.scalars(
        select(PreferenceVersion)
        .where(PreferenceVersion.pool_id == pool_id, PreferenceVersion.week == week)
        .order_by(PreferenceVersion.version)
    ).all()
    return {r.worker_id: r.data for r in rows}  # later versions overwrite earlier


def week_scenario(session: Session, pool: Pool, week: str) -> tuple[dict[str, Any], Scenario]:
    """The assembled, validated scenario of a week (409 when it cannot be built)."""
    demand = current_demand(session, pool.id, week)
    shifts = [s for org in sorted(demand) for s in demand[org].shifts]
    data = scenario_dict(pool.base, week, shifts, current_preferences(session, pool.id, week))
    try:
        return data, load_scenario(data)
    except ScenarioError as exc:
        raise ApiError(409, "the week's scenario is not valid",
                       [{"path": e.path, "message": e.message} for e in exc.errors]) from None


# ------------------------------------------------------------------ demand input


def check_demand(session: Session, pool: Pool, week: str, organisation_id: str,
                 shifts: list[dict[str, Any]], rows: list[int] | None = None,
                 earlier: list[dict[str, Any]] | None = None) -> None:
    """Validate one organisation's demand for a week against the pool; 422 on any error.

    ``rows`` maps each shift to its spreadsheet row, so errors name row and column;
    ``earlier`` are errors already found in rows that could not be read at all.
    """
    errors: list[dict[str, Any]] = list(earlier or [])
    seen: set[tuple[int, str | None]] = set()

    def add(i: int | None, column: str | None, message: str) -> None:
        if i is not None:
            if (i, column) in seen:
                return
            seen.add((i, column))
        if rows is not None and i is not None:
            errors.append({"row": rows[i], "column": column, "message": message})
        else:
            path = f"shifts[{i}]" + (f".{column}" if column else "") if i is not None else "$"
            errors.append({"path": path, "message": message})

    orgs = {o.get("id"): o for o in pool.base.get("organisations", [])}
    own_locations = {loc.get("id") for loc in orgs.get(organisation_id, {}).get("locations", [])}
    for i, shift in enumerate(shifts):
        if shift.get("organisation") not in (None, organisation_id):
            add(i, "organisation", f"shift names organisation {shift['organisation']!r}, "
                f"but this is the demand of {organisation_id!r}")
        elif shift.get("location") not in own_locations:
            add(i, "location", f"location {shift.get('location')!r} is not a location of "
                f"{organisation_id!r} (known: {', '.join(sorted(own_locations)) or 'none'})")
        shift["organisation"] = organisation_id
    others = current_demand(session, pool.id, week)
    taken = {s.get("id") for org, d in others.items() if org != organisation_id for s in d.shifts}
    for i, shift in enumerate(shifts):
        if shift.get("id") in taken:
            add(i, "id", f"shift id {shift['id']!r} is already used by another organisation "
                "this week; prefix ids with your organisation id")
    if shifts:
        try:
            load_scenario(scenario_dict(pool.base, week, shifts))
        except ScenarioError as exc:
            for e in exc.errors:
                index, column = _shift_of(e.path)
                add(index, column, e.message)
    if errors:
        raise ApiError(422, f"{len(errors)} error(s) in the demand; nothing was imported", errors)


def _shift_of(path: str) -> tuple[int | None, str | None]:
    """``$.shifts[3].end`` -> ``(3, "end")``.

    >>> _shift_of("$.shifts[3].end")
    (3, 'end')
    >>> _shift_of("$.workers[0]")
    (None, None)
    """
    if not path.startswith("$.shifts["):
        return None, None
    index, _, rest = path.removeprefix("$.shifts[").partition("]")
    column = rest.lstrip(".").split(".")[0].split("[")[0] or None
    return int(index), column


def parse_table(filename: str, content: bytes
                ) -> tuple[list[dict[str, Any]], list[int], list[dict[str, Any]]]:
    """Rows of a CSV or Excel upload as shift dicts, their spreadsheet row numbers,
    and the errors of rows that cannot be read (row and column each).

    The header is row 1, so the first shift is row 2. A broken file or header
    is a 422 at once.
    """
    name = filename.lower()
    try:
        if name.endswith((".xlsx", ".xlsm")):
            frame = pd.read_excel(io.BytesIO(content), dtype=object, engine="openpyxl")
        elif name.endswith((".csv", ".txt")) or not name:
            text = content.decode("utf-8-sig")
            sep = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") \
                else ","
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=sep)
        else:
            raise ApiError(415, f"cannot read {filename!r}: upload a .csv or .xlsx file")
    except ApiError:
        raise
    except UnicodeDecodeError:
        raise ApiError(422, "the CSV file is not UTF-8 text") from None
    except Exception as exc:  # pandas and openpyxl raise many kinds for broken files
        raise ApiError(422, f"cannot read {filename!r}: {exc}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    known = set(ShiftIn.model_fields)
    header_errors = [
        {"row": 1, "column": c,
         "message": f"unknown column {c!r} (known: {', '.join(sorted(known))})"}
        for c in frame.columns if c not in known
    ] + [
        {"row": 1, "column": c, "message": f"missing column {c!r}"}
        for c in REQUIRED_COLUMNS if c not in frame.columns
    ]
    if header_errors:
        raise ApiError(422, f"{len(header_errors)} error(s) in the header; nothing was imported",
                       header_errors)
    shifts: list[dict[str, Any]] = []
    rows: list[int] = []
    errors: list[dict[str, Any]] = []
    for offset, record in enumerate(frame.to_dict(orient="records")):
        row = offset + 2
        cells = {k: _cell(v) for k, v in record.items()}
        cells = {k: v for k, v in cells.items() if v is not None}
        if not cells:
            continue
        for column in STRING_COLUMNS:
            if isinstance(cells.get(column), int | float):
                cells[column] = str(cells[column])
        for column in LIST_COLUMNS:
            if isinstance(cells.get(column), str):
                cells[column] = [p.strip() for p in cells[column].replace("|", ";").split(";")
                                 if p.strip()]
        try:
            shift = ShiftIn.model_validate(cells)
        except ValidationError as exc:
            for e in exc.errors(include_url=False):
                column = str(e["loc"][0]) if e["loc"] else None
                errors.append({"row": row, "column": column,
                               "message": f"{e['msg']} (got {cells.get(column)!r})"})
            continue
        shifts.append(shift_data(shift))
        rows.append(row)
    if not shifts and not errors:
        raise ApiError(422, "the upload holds no shifts")
    return shifts, rows, errors


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN: an empty Excel cell
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip() or None
    return value


def shift_data(shift: ShiftIn) -> dict[str, Any]:
    """A wire shift as exchange-format data, times as written."""
    data = shift.model_dump(mode="json", exclude_none=True)
    return data


def preference_data(prefs: PreferencesIn) -> dict[str, Any]:
    return prefs.model_dump(mode="json")
