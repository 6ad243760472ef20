"""Schemas of the admission queue and the concentration rate (API bodies and service results)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec

from backend.residents.schemas import CONFIRM_BREACH

Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class ApplicationIn(msgspec.Struct):
    resident_id: int
    applicant: Literal["self", "township", "county"]  # 本人 / 乡镇(街道) / 县民政局
    applied_on: date
    preferred_home_code: str | None = None
    note: Annotated[str, msgspec.Meta(max_length=300)] = ""


class OfferIn(msgspec.Struct):
    home_code: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
    offered_on: date


class AcceptIn(msgspec.Struct):
    admitted_on: date
    note: Annotated[str, msgspec.Meta(max_length=300)] = ""
    # 确认入住（低于配比）: the user saw the staff-ratio warning and admits all the same
    confirm_breach: Annotated[bool, msgspec.Meta(description=CONFIRM_BREACH)] = False


class CloseIn(msgspec.Struct):
    """A declined offer (back to the queue) or a withdrawal (closed), with its reason."""

    on: date
    reason: Reason


class ApplicationOut(msgspec.Struct):
    id: int
    resident_id: int
    name: str
    id_number_masked: str
    county_code: str
    tier: str  # the register's tier in force now
    applicant: str
    applied_on: date
    preferred_home_code: str | None
    preferred_home_name: str | None
    note: str
    status: str  # open / offered / admitted / withdrawn
    offered_home_code: str | None
    offered_home_name: str | None
    offered_on: date | None
    offers_declined: int
    closed_on: date | None
    close_reason: str
    recorded_by: str
    position: int | None = None  # place in the county's queue (open and offered, eligible ones)
    blocked: str | None = None  # why the person can no longer be admitted: died / ended / in_home


class TierRate(msgspec.Struct):
    tier: str
    persons: int
    concentrated: int


class MonthRate(msgspec.Struct):
    month: str  # YYYY-MM
    counted_on: date  # the day at whose end the month is counted
    dependent: int
    concentrated: int
    rate: float | None  # concentrated ÷ dependent, None when no dependent person
    tiers: list[TierRate]


class ConcentrationOut(msgspec.Struct):
    county_code: str
    county_name: str
    months: list[MonthRate]
