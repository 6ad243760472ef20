"""Deaths API and service schemas (msgspec). Amounts leave as yuan text ("1830.00")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec


class DeathIn(msgspec.Struct):
    """A death report or its correction. ``died_at`` without a time zone is in TEKUN_TIMEZONE.
    Fields are optional here so that the service names every missing one (as ``Invalid``)."""

    died_at: datetime | None = None
    # False: only the date of death is known (时间不详); the local date of ``died_at`` is taken
    # and its time of day ignored, and the report deadline runs from the end of that day.
    died_time_known: bool = True
    place: Annotated[str, msgspec.Meta(max_length=200)] = ""
    cause: Annotated[str, msgspec.Meta(max_length=200)] = ""
    certificate_no: Annotated[str, msgspec.Meta(max_length=50)] = ""
    reporter: Annotated[str, msgspec.Meta(max_length=100)] = ""
    funeral_arrangements: Annotated[str, msgspec.Meta(max_length=500)] = ""
    reason: Annotated[str, msgspec.Meta(max_length=300)] = ""  # required for a correction


class DeathOut(msgspec.Struct):
    id: int
    resident_id: int
    id_number_masked: str
    name: str
    county_code: str
    home_code: str | None
    home_name: str | None
    died_at: datetime
    died_on: date
    died_time_known: bool  # False: only the date is known; died_at is 00:00 of died_on (local)
    time_known: bool  # the same as died_time_known, under its earlier name (kept for API clients)
    reported_at: datetime
    hours_to_report: float
    deadline_hours: int
    late: bool
    last_entitled_month: str  # YYYY-MM
    place: str
    cause: str
    certificate_no: str
    reporter: str
    funeral_arrangements: str
    funeral_subsidy: str  # yuan, two decimals
    source: str
    corrects: int | None
    reason: str
    recorded_at: datetime
    recorded_by: str


class NoticeOut(msgspec.Struct):
    id: int
    death_record: int
    resident_id: int
    name: str
    id_number_masked: str
    county_code: str
    home_code: str | None
    died_at: datetime
    died_on: date
    died_time_known: bool
    reported_at: datetime
    hours_to_report: float
    deadline_hours: int
    created_at: datetime
    seen_at: datetime | None
    seen_by: str


class SubsidyIn(msgspec.Struct):
    effective_from: date
    amount: Annotated[str, msgspec.Meta(max_length=20)]  # yuan text, e.g. "6020.00"


class SubsidyOut(msgspec.Struct):
    county_code: str
    effective_from: date | None  # None: the shipped default
    amount: str
