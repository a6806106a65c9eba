"""Wire schemas: what the HTTP API reads and writes, mapped explicitly to the domain.

Where a shape equals the exchange format (``Roster``, ``Organisation``...)
the frozen domain models from :mod:`flexpool.model` are reused. Shapes sent
by planners and workers keep their times *as written* (naive local times or
times with an offset); the pool's zone is attached when the week's scenario
is assembled by :func:`flexpool.scenario.load_scenario`, which also runs every
whole-scenario check.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from flexpool.model import ID_PATTERN, Roster, ShiftKind

Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=64)]
Week = Annotated[str, Field(pattern=r"^\d{4}-W\d{2}$", examples=["2026-W49"])]
Role = Literal["coordinator", "planner", "worker"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IntervalIn(Strict):
    start: datetime = Field(description="local time in the pool's zone, e.g. 2026-12-01T07:00")
    end: datetime


class WindowIn(IntervalIn):
    weight: int = Field(ge=1, le=10)


class ShiftIn(Strict):
    """One open shift as a planner submits it (the spec's shift; organisation implied)."""

    id: Id
    location: Id
    start: datetime = Field(description="local time in the pool's zone")
    end: datetime
    organisation: Id | None = Field(default=None, description="if given, the URL's organisation")
    unpaid_break_minutes: int = Field(default=0, ge=0, le=24 * 60)
    headcount: int = Field(default=1, ge=1, le=1000)
    roles: list[Annotated[str, Field(max_length=100)]] = Field(default=[], max_length=50)
    requires: list[Annotated[str, Field(max_length=100)]] = Field(default=[], max_length=50)
    induction_required: bool = False
    priority: int = Field(default=3, ge=1, le=5)
    label: str = Field(default="", max_length=200)


class DemandIn(Strict):
    shifts: list[ShiftIn] = Field(max_length=5000)


class DemandOut(BaseModel):
    organisation: str
    week: str
    version: int
    source: str
    created_at: datetime
    shifts: list[dict[str, Any]]


class DemandVersionOut(BaseModel):
    version: int
    source: str
    created_at: datetime
    shifts: int


class PreferencesIn(Strict):
    """A worker's wishes for one week (self-service)."""

    avoid: list[WindowIn] = Field(default=[], max_length=200)
    prefer: list[WindowIn] = Field(default=[], max_length=200)
    shift_kinds: dict[ShiftKind, Annotated[int, Field(ge=-10, le=10)]] = {}
    organisations: dict[Id, Annotated[int, Field(ge=-10, le=10)]] = Field(default={},
                                                                           max_length=200)
    unavailable: list[IntervalIn] = Field(default=[], max_length=200,
                                          description="times the worker cannot work")


class PreferencesOut(BaseModel):
    worker: str
    week: str
    version: int
    created_at: datetime
    preferences: dict[str, Any]


class LocationOut(BaseModel):
    id: str
    name: str


class OrganisationOut(BaseModel):
    id: str
    name: str
    sector: str
    locations: list[LocationOut]


class WorkerOut(BaseModel):
    id: str
    name: str


class PoolOut(BaseModel):
    id: str
    name: str
    timezone: str
    organisations: list[OrganisationOut]
    workers: list[WorkerOut] | None = Field(
        default=None, description="coordinators see all workers, workers themselves only"
    )


class PoolBaseIn(BaseModel):
    """The pool's base scenario: the spec's scenario without horizon and shifts."""

    model_config = ConfigDict(extra="allow")
    name: str = Field(min_length=1, max_length=200)
    timezone: str = "Europe/Amsterdam"
    organisations: list[dict[str, Any]]
    workers: list[dict[str, Any]]


class TokenIn(Strict):
    role: Role
    organisation: Id | None = None
    worker: Id | None = None
    label: str = Field(default="", max_length=200)


class TokenOut(BaseModel):
    id: int
    role: str
    organisation: str | None
    worker: str | None
    label: str
    created_at: datetime
    revoked: bool
    token: str | None = Field(default=None, description="shown once, at creation")


class Progress(BaseModel):
    stage: str = ""
    filled: int | None = None
    bound: int | None = None
    total: int | None = None
    elapsed_s: float | None = None


class JobIn(Strict):
    time_limit_s: float = Field(default=30, gt=0, le=600)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)


class JobOut(BaseModel):
    id: int
    week: str
    status: str
    time_limit_s: float
    progress: Progress
    error: str | None
    roster_id: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class RosterIn(Strict):
    week: Week
    roster: Roster


class RosterOut(BaseModel):
    id: int
    week: str
    version: int
    status: str
    job_id: int | None
    created_at: datetime
    published_at: datetime | None
    roster: dict[str, Any]


class RosterSummaryOut(BaseModel):
    id: int
    week: str
    version: int
    status: str
    created_at: datetime
    published_at: datetime | None
    filled_slots: int | None
    total_slots: int | None


class ViolationOut(BaseModel):
    rule: str
    worker: str | None
    shifts: list[str]
    message: str


class CheckOut(BaseModel):
    legal: bool
    violations: list[ViolationOut]


class CheckIn(Strict):
    week: Week
    roster: dict[str, Any] = Field(description="a flexpool-roster/1 document")


class AssignmentChange(BaseModel):
    shift: str
    worker: str


class DiffOut(BaseModel):
    from_version: int
    to_version: int
    added: list[AssignmentChange]
    removed: list[AssignmentChange]
    unchanged: int


class SubscriptionIn(Strict):
    kind: Literal["worker", "organisation"]
    subject: Id = Field(description="worker id or organisation id")
    location: Id | None = None


class SubscriptionOut(BaseModel):
    id: int
    kind: str
    subject: str
    location: str | None
    created_at: datetime
    revoked: bool
    url: str | None = Field(default=None, description="shown once, at creation or rotation")


class ErrorItem(BaseModel):
    path: str | None = None
    row: int | None = None
    column: str | None = None
    message: str


class ErrorOut(BaseModel):
    detail: str
    errors: list[ErrorItem] = []
