"""Residents API and service schemas (msgspec). ID numbers leave the service masked unless a
role that needs them asks for one person's full number (which is audited)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec

Answer = bool  # True = can do it alone


class ResidentOut(msgspec.Struct):
    id: int
    id_number_masked: str
    name: str
    gender: str
    birth_date: date
    age: int
    county_code: str
    approved_on: date
    ended_on: date | None
    mode: str | None  # concentrated / dispersed; None for a deceased person (neither)
    home_code: str | None
    home_name: str | None
    admitted_on: date | None
    tier: str
    last_assessed_on: date | None
    status: str  # in_home / dispersed / ended / died
    died_on: date | None = None
    area: str = ""  # 城乡类别: urban, rural; "" = the county's default area


class ResidentPage(msgspec.Struct):
    total: int
    page: int
    per_page: int
    items: list[ResidentOut]
    tier_counts: dict[str, int]


CONFIRM_BREACH = (
    "An admission or a transfer in that would put the home below the staff ratio on some day is refused"
    " (400, naming confirm_breach, with the warning) unless this is true; then the breach is recorded"
    " with who confirmed it."
)


class ResidentIn(msgspec.Struct):
    id_number: Annotated[str, msgspec.Meta(min_length=18, max_length=18)]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    county_code: Annotated[str, msgspec.Meta(pattern=r"^\d{6}$")]
    approved_on: date
    gender: Literal["M", "F"] | None = None
    home_code: str | None = None
    admitted_on: date | None = None
    # A person registered with a home has no county assessment yet: only as an emergency admission.
    emergency_reason: Annotated[str, msgspec.Meta(max_length=300)] = ""
    area: Literal["urban", "rural", ""] = ""  # "" = the county's default area
    # 确认入住（低于配比）: registered with a home, the user saw the staff-ratio warning
    confirm_breach: Annotated[bool, msgspec.Meta(description=CONFIRM_BREACH)] = False


class PlacementIn(msgspec.Struct):
    kind: Literal["admit", "transfer", "discharge"]
    event_date: date
    home_code: str | None = None
    note: Annotated[str, msgspec.Meta(max_length=300)] = ""
    # 紧急收住: an admission without a recent county assessment (inspectors and administrators)
    emergency: bool = False
    emergency_reason: Annotated[str, msgspec.Meta(max_length=300)] = ""
    # 确认入住（低于配比）: the user saw the staff-ratio warning and admits all the same
    confirm_breach: Annotated[bool, msgspec.Meta(description=CONFIRM_BREACH)] = False


class PlacementOut(msgspec.Struct):
    id: int
    kind: str
    event_date: date
    home_code: str | None
    home_name: str | None
    note: str
    recorded_by: str
    emergency: bool = False
    emergency_reason: str = ""


class AssessmentIn(msgspec.Struct):
    assessed_on: date
    eat: Answer
    dress: Answer
    transfer: Answer
    toilet: Answer
    walk: Answer
    bathe: Answer
    assessor: Annotated[str, msgspec.Meta(max_length=100)] = ""
    reason: Literal["admission", "annual", "change", "correction", "other"] = "other"


class AssessmentOut(msgspec.Struct):
    id: int
    assessed_on: date
    eat: bool
    dress: bool
    transfer: bool
    toilet: bool
    walk: bool
    bathe: bool
    tier: str
    assessor: str
    reason: str
    recorded_by: str
    authority: str = "county"  # county: sets the tier; home: the home's care observation, never


class CapabilityIn(msgspec.Struct):
    assessed_on: date
    scores: dict[str, int]
    coma: bool = False
    dementia: bool = False
    risk_events: Annotated[int, msgspec.Meta(ge=0, le=100)] = 0
    assessor: Annotated[str, msgspec.Meta(max_length=100)] = ""


class CapabilityOut(msgspec.Struct):
    id: int
    assessed_on: date
    total: int
    base_level: int
    level: int
    level_name: str
    coma: bool
    dementia: bool
    risk_events: int
    assessor: str


class ConditionChangeIn(msgspec.Struct):
    reported_on: date
    reported_by: Annotated[str, msgspec.Meta(max_length=100)] = ""
    note: Annotated[str, msgspec.Meta(max_length=300)] = ""


class TaskOut(msgspec.Struct):
    kind: str  # reassessment / annual_review
    resident_id: int
    name: str
    id_number_masked: str
    home_code: str | None
    due_on: date | None
    reported_on: date | None
    status: str  # open / overdue / done
    reason: str = ""  # why it is due: admission (never assessed) / annual / change


class StateOn(msgspec.Struct):
    day: date
    mode: str | None  # None: the person had died by the end of ``day`` (已故: neither mode)
    home_code: str | None
    tier: str
