"""The exchange format as frozen pydantic models: scenario in, roster out.

Field names, types and meanings follow ``docs/format.md`` (the public contract
``flexpool-scenario/1`` and ``flexpool-roster/1``). Models here check the shape
of one object; checks that need the whole scenario (references, overlays,
local-time existence) live in :mod:`flexpool.scenario`, which is the only way
to build a :class:`Scenario` from JSON.

Times arrive as local wall-clock values and are made *aware* in the scenario's
zone while validating (see :func:`_attach_zone`), so the rest of the domain
never sees a naive datetime.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

ID_PATTERN = r"^[A-Za-z0-9._:-]{1,64}$"
Id = Annotated[str, Field(pattern=ID_PATTERN, description="1-64 chars of A-Za-z0-9._:-")]
Minutes = Annotated[int, Field(ge=0, description="minutes")]
PreferenceWeight = Annotated[int, Field(ge=-10, le=10)]
WindowWeight = Annotated[int, Field(ge=1, le=10)]

Sector = Literal[
    "ziekenhuis", "vvt", "ggz", "ghz", "welzijn", "jeugdzorg", "huisartsenzorg", "other"
]
CredentialKind = Literal["bevoegd", "bekwaam", "induction", "other"]
ShiftKind = Literal["early", "day", "late", "night"]
SHIFT_KINDS: tuple[ShiftKind, ...] = ("early", "day", "late", "night")
DEFAULT_TIMEZONE = "Europe/Amsterdam"


class Frozen(BaseModel):
    """Base: immutable, and keeps (never drops) fields it does not know."""

    model_config = ConfigDict(frozen=True, extra="allow")


def _resolve_local(value: datetime, zone: ZoneInfo) -> datetime:
    """Make ``value`` aware in ``zone``; reject local times that do not exist.

    An ambiguous autumn time means its first occurrence (``fold=0``).

    >>> z = ZoneInfo("Europe/Amsterdam")
    >>> _resolve_local(datetime(2026, 10, 25, 2, 30), z).utcoffset()
    datetime.timedelta(seconds=7200)
    """
    if value.tzinfo is not None:
        return value.astimezone(zone)
    aware = value.replace(tzinfo=zone, fold=0)
    round_trip = aware.astimezone(ZoneInfo("UTC")).astimezone(zone)
    if round_trip.replace(tzinfo=None) != value:
        raise ValueError(
            f"local time {value.isoformat(timespec='minutes')} does not exist in {zone.key} "
            "(clocks jump forward at the start of summer time)"
        )
    return aware


def _attach_zone(value: datetime, info: ValidationInfo) -> datetime:
    zone = (info.context or {}).get("zone") or ZoneInfo(DEFAULT_TIMEZONE)
    return _resolve_local(value, zone)


LocalTime = Annotated[datetime, AfterValidator(_attach_zone)]


class Interval(Frozen):
    """A half-open local time interval ``[start, end)``."""

    start: LocalTime
    end: LocalTime

    @model_validator(mode="after")
    def _end_after_start(self) -> Interval:
        if self.end <= self.start:
            raise ValueError(
                f"end {self.end.isoformat(timespec='minutes')} is not after "
                f"start {self.start.isoformat(timespec='minutes')}"
            )
        return self

    @property
    def elapsed_minutes(self) -> int:
        """Real elapsed minutes, via UTC (a DST night is 7 h or 9 h)."""
        return int((self.end.astimezone(UTC) - self.start.astimezone(UTC)) / timedelta(minutes=1))


class FixedWork(Interval):
    """Work the worker does anyway (home roster or history); never changed."""

    unpaid_break_minutes: Minutes = 0
    label: str = ""


class WeightedWindow(Interval):
    weight: WindowWeight


class Location(Frozen):
    id: Id
    name: str = ""
    municipality: str | None = None
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class OrganisationRules(Frozen):
    """A CAO or policy overlay; may only be stricter than the scenario's rules."""

    max_shift_minutes: Minutes | None = None
    max_night_shift_minutes: Minutes | None = None
    min_daily_rest_minutes: Minutes | None = None
    max_consecutive_nights: Annotated[int, Field(ge=1)] | None = None


class Organisation(Frozen):
    id: Id
    name: str
    sector: Sector
    rules: OrganisationRules = OrganisationRules()
    locations: list[Location] = []


class Home(Frozen):
    municipality: str | None = None
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Credential(Frozen):
    code: str = Field(min_length=1)
    kind: CredentialKind
    valid_from: date | None = None
    valid_until: date | None = None

    @model_validator(mode="after")
    def _from_before_until(self) -> Credential:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValueError(f"valid_until {self.valid_until} is before valid_from {self.valid_from}")
        return self

    def valid_on(self, day: date) -> bool:
        """Inclusive validity check on a calendar date."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


class Contract(Frozen):
    """Per calendar week, counting shifts assigned from this scenario only."""

    max_minutes_per_week: Minutes | None = None
    target_minutes_per_week: Minutes | None = None
    max_shifts_per_week: Minutes | None = None


class Preferences(Frozen):
    avoid: list[WeightedWindow] = []
    prefer: list[WeightedWindow] = []
    shift_kinds: dict[ShiftKind, PreferenceWeight] = {}
    organisations: dict[str, PreferenceWeight] = {}
    shifts: dict[str, Annotated[int, Field(ge=-100_000, le=100_000)]] = Field(
        default={}, description="shift id -> wish points: + wants to work it, - does not")


class WorkRules(Frozen):
    """Generic rostering rules for one worker over the horizon (all optional).

    They count the worker's work items (assigned shifts and fixed work) that
    start on a horizon date; see ``docs/rules.md`` (GEN-*).
    """

    max_consecutive_days: Annotated[int, Field(ge=1)] | None = None
    min_consecutive_days: Annotated[int, Field(ge=1)] | None = None
    min_consecutive_days_off: Annotated[int, Field(ge=1)] | None = None
    max_weekends: Annotated[int, Field(ge=0)] | None = None
    min_total_minutes: Minutes | None = None
    max_total_minutes: Minutes | None = None
    max_shifts_by_label: dict[str, Annotated[int, Field(ge=0)]] = {}

    @property
    def active(self) -> bool:
        return any(getattr(self, f) not in (None, {}) for f in type(self).model_fields)


class Worker(Frozen):
    id: Id
    name: str
    home: Home | None = None
    max_travel_km: float | None = Field(default=None, ge=0)
    roles: list[str] = []
    credentials: list[Credential] = []
    contract: Contract = Contract()
    unavailable: list[Interval] = []
    fixed_work: list[FixedWork] = []
    preferences: Preferences = Preferences()
    work_rules: WorkRules = WorkRules()


class Shift(Interval):
    """An open shift (demand); each of its ``headcount`` places is a slot."""

    id: Id
    organisation: Id
    location: Id
    unpaid_break_minutes: Minutes = 0
    headcount: Annotated[int, Field(ge=0, description="at least 1 unless max_headcount is set")] = 1
    roles: list[str] = []
    requires: list[str] = []
    induction_required: bool = False
    priority: Annotated[int, Field(ge=1, le=5)] = 3
    label: str = ""
    max_headcount: Annotated[int, Field(ge=1)] | None = Field(
        default=None, description="workers allowed beyond headcount (over-staffing), at over_cost each")
    over_cost: Minutes = Field(default=0, description="soft points per worker beyond headcount")

    @model_validator(mode="after")
    def _places(self) -> Shift:
        if self.max_headcount is None and self.headcount < 1:
            raise ValueError("headcount must be at least 1 unless max_headcount is set")
        if self.max_headcount is not None and self.max_headcount < self.headcount:
            raise ValueError(f"max_headcount {self.max_headcount} is below headcount {self.headcount}")
        return self

    @property
    def places(self) -> int:
        """Most workers the shift may take (headcount, or max_headcount when set)."""
        return self.headcount if self.max_headcount is None else self.max_headcount


class Pin(Frozen):
    shift: Id
    worker: Id


class Rules(Frozen):
    """Working-time rules; defaults are the Arbeidstijdenwet (DOMAIN.md section 3)."""

    max_shift_minutes: Minutes = 720
    max_night_shift_minutes: Minutes = 600
    max_week_minutes: Minutes = 3600
    max_avg_week_minutes_4w: Minutes = 3300
    max_avg_week_minutes_16w: Minutes = 2880
    max_avg_week_minutes_16w_night_workers: Minutes = 2400
    min_daily_rest_minutes: Minutes = 660
    reduced_daily_rest_minutes: Minutes = 480
    reduced_daily_rest_per_week: Minutes = 1
    weekly_rest_minutes: Minutes = 2160
    rest_after_late_night_minutes: Minutes = 840
    rest_after_night_series_minutes: Minutes = 2760
    max_consecutive_shifts_with_night: Annotated[int, Field(ge=1)] = 7
    max_late_nights_16w: Minutes = 36
    max_consecutive_nights: Annotated[int, Field(ge=1)] | None = None
    forbidden_successions: list[tuple[str, str]] = Field(
        default=[], description="[label_a, label_b]: no shift labelled b starts on the date after one labelled a")
    max_shifts_per_day: Annotated[int, Field(ge=1)] | None = Field(
        default=None, description="shifts a worker may start per local date")

    @model_validator(mode="after")
    def _reduced_not_above_min(self) -> Rules:
        if self.reduced_daily_rest_minutes > self.min_daily_rest_minutes:
            raise ValueError("reduced_daily_rest_minutes is larger than min_daily_rest_minutes")
        return self


class Weights(Frozen):
    """Soft-objective weights (points per unit); filling always comes first.

    Documented in ``docs/format.md``; every field is optional in the JSON.
    """

    avoid: int = Field(default=10, ge=0, description="per avoid-weight point, per shift")
    prefer: int = Field(default=10, ge=0, description="per prefer-weight point, per shift")
    shift_kind: int = Field(default=6, ge=0, description="per like/dislike point, per shift")
    organisation: int = Field(default=6, ge=0, description="per like/dislike point, per shift")
    target_hours: int = Field(default=4, ge=0, description="per hour from the weekly target")
    night_fairness: int = Field(default=8, ge=0, description="per unit of sum of squared nights")
    weekend_fairness: int = Field(default=4, ge=0, description="per unit of sum of squared weekend shifts")
    travel_km: int = Field(default=1, ge=0, description="per 5 km travelled, per shift")
    shift_wish: int = Field(default=1, ge=0, description="per point of preferences.shifts, per shift")
    load_balance: int = Field(default=0, ge=0, description="per unit of sum of squared shift counts")


class Horizon(Frozen):
    start: date
    end: date

    @model_validator(mode="after")
    def _end_not_before_start(self) -> Horizon:
        if self.end < self.start:
            raise ValueError(f"horizon end {self.end} is before start {self.start}")
        return self

    def contains(self, day: date) -> bool:
        """Whether ``day`` is a date of the horizon (``start`` and ``end`` included)."""
        return self.start <= day <= self.end

    @property
    def dates(self) -> list[date]:
        """Every date from ``start`` to ``end``, both included."""
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


class Scenario(Frozen):
    """A week (or more) of demand, workers and rules: the solver's whole input."""

    format: Literal["flexpool-scenario/1"] = "flexpool-scenario/1"
    name: str
    timezone: str = DEFAULT_TIMEZONE
    horizon: Horizon
    rules: Rules = Rules()
    organisations: list[Organisation]
    workers: list[Worker]
    shifts: list[Shift]
    pinned: list[Pin] = []
    weights: Weights = Weights()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except Exception as exc:
            raise ValueError(f"unknown IANA time zone {value!r}") from exc
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


# ---------------------------------------------------------------- roster


RosterStatus = Literal["optimal", "feasible", "infeasible", "unknown"]


class Assignment(Frozen):
    shift: Id
    worker: Id


class Reason(Frozen):
    """A machine-readable code and a sentence a planner can act on."""

    code: str
    message: str


class Unfilled(Frozen):
    shift: Id
    missing: Annotated[int, Field(ge=1)]
    reasons: list[Reason] = []


class DroppedPin(Frozen):
    shift: Id
    worker: Id
    reasons: list[Reason]


class Objective(Frozen):
    filled_slots: int
    total_slots: int
    bound_filled_slots: int | None = None
    filled_by_priority: dict[str, int] = {}
    total_by_priority: dict[str, int] = {}
    bound_by_priority: dict[str, int] = {}
    soft_penalty: int | None = None


class Penalty(Frozen):
    """A soft term a worker's roster pays (negative: a wish granted), by rule name."""

    worker: Id
    rule: str
    points: int


class Roster(Frozen):
    format: Literal["flexpool-roster/1"] = "flexpool-roster/1"
    scenario: str
    status: RosterStatus
    assignments: list[Assignment]
    unfilled: list[Unfilled] = []
    dropped_pins: list[DroppedPin] | None = None
    objective: Objective
    stats: dict[str, Any] = {}
    penalties: list[Penalty] | None = None

    def to_json_dict(self) -> dict[str, Any]:
        """The roster as JSON-ready data; ``dropped_pins`` only when present."""
        return self.model_dump(mode="json", exclude_none=True)
