"""Schemas of the safety ledgers (interfaces §7): the API bodies and the services' answers (msgspec)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec

MAX_ID = 2**31 - 1
RecordId = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]
ItemKey = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
Note = Annotated[str, msgspec.Meta(max_length=500)]
Result = Literal["pass", "fail", "na"]


class TemplateItemOut(msgspec.Struct, kw_only=True):
    key: str
    label: str
    major: bool
    photo_on_fail: bool


class TemplateOut(msgspec.Struct, kw_only=True):
    routine: str
    version: int
    title: str
    frequency: str
    items: list[TemplateItemOut]
    id: int = 0
    county: str | None = None  # the county code of a county's own version; None for the national default


class AnswerIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    key: ItemKey
    result: Result
    note: Note = ""


class EntryIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One performed routine, as the phone form and ``POST …/safety-entries`` send it.
    ``details``: the routine's own data (food samples, morning checks), checked by its service.
    ``corrects``/``correction_reason``: this entry corrects an earlier one of the same home."""

    client_id: Annotated[str, msgspec.Meta(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
    routine: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
    performed_at: datetime
    items: list[AnswerIn]
    note: Note = ""
    details: dict[str, Any] | None = None
    corrects: RecordId | None = None
    correction_reason: Annotated[str, msgspec.Meta(max_length=200)] = ""


class HazardOut(msgspec.Struct, kw_only=True):
    id: int
    home: str
    source: str
    routine: str
    item_key: str
    title: str
    note: str
    major: bool
    status: str
    opened_on: date
    deadline: date
    overdue: bool
    owner: str = ""
    plan: str = ""
    entry_id: int | None = None
    closed_on: date | None = None


class AnswerOut(msgspec.Struct, kw_only=True):
    key: str
    label: str
    result: str
    note: str
    major: bool
    photo_on_fail: bool
    photos: int = 0
    photo_pending: bool = False  # failed, wants a photo, none yet: 照片待补


class EntryOut(msgspec.Struct, kw_only=True):
    id: int
    home: str
    client_id: str
    routine: str
    title: str
    template_version: int
    period: str
    slot: str
    performed_at: datetime
    recorded_at: datetime
    late: bool
    recorded_by: str
    items: list[AnswerOut]
    failed: int
    note: str
    corrects: int | None
    correction_reason: str
    corrected_by: int | None = None  # the id of a later entry that corrects this one
    photo_pending: bool = False
    hazards: list[HazardOut] = msgspec.field(default_factory=list)


class RoutineStatusOut(msgspec.Struct, kw_only=True):
    routine: str
    period: str
    due: int
    done: int
    on_time: int
    overdue: bool


class OpenHazardOut(msgspec.Struct, kw_only=True):
    id: str
    major: bool
    opened_on: date
    deadline: date
    overdue: bool


class SafetyStatusOut(msgspec.Struct, kw_only=True):
    """``tekun safety status --json`` (interfaces §7), key for key."""

    home: str
    date: date
    routines: list[RoutineStatusOut]
    open_hazards: list[OpenHazardOut]
