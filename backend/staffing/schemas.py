"""API bodies and answers of the staffing domain (issue 11): staff posts and training records.

ID numbers are never answered in full: ``id_number_masked`` only (domain-rules §9)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec

STAFF_NO_PATTERN = r"^[0-9A-Za-z_-]{1,32}$"  # letters, digits, '-' and '_': it is part of the page's address

StaffNo = Annotated[str, msgspec.Meta(pattern=STAFF_NO_PATTERN, description="工号: 1–32 of A–Z a–z 0–9 - _")]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
Code = Annotated[str, msgspec.Meta(max_length=16)]
Reason = Annotated[str, msgspec.Meta(max_length=200)]
IdText = Annotated[str, msgspec.Meta(max_length=20, description="18-character ID number; optional")]
Hours = Annotated[float, msgspec.Meta(gt=0, le=1000, description="hours, at most one decimal (1.5)")]


class StaffIn(msgspec.Struct, kw_only=True):
    """A new post. ``confirm_breach``: not needed to add a post (it never lowers the ratio)."""

    staff_no: StaffNo
    name: Name
    post: Code  # manager | carer | cook | medical | security | other
    hired_on: date
    employment: Code = ""  # "" | civil | public_welfare | purchased | contract | other
    left_on: date | None = None
    left_reason: Reason = ""
    health_cert_expires: date | None = None  # required for a kitchen post (cook)
    fire_operator_cert: bool = False
    carer_cert: Code = ""  # "" | junior | intermediate | senior | technician
    id_number: IdText = ""


class StaffPatch(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A change to a post: only the fields sent change. Setting ``left_on`` ends the post (with
    the departure warning: ``confirm_breach: true`` confirms a breach of the ratio). An empty
    ``id_number`` removes the number."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    post: Code | msgspec.UnsetType = msgspec.UNSET
    employment: Code | msgspec.UnsetType = msgspec.UNSET
    hired_on: date | msgspec.UnsetType = msgspec.UNSET
    left_on: date | None | msgspec.UnsetType = msgspec.UNSET
    left_reason: Reason | msgspec.UnsetType = msgspec.UNSET
    health_cert_expires: date | None | msgspec.UnsetType = msgspec.UNSET
    fire_operator_cert: bool | msgspec.UnsetType = msgspec.UNSET
    carer_cert: Code | msgspec.UnsetType = msgspec.UNSET
    id_number: IdText | msgspec.UnsetType = msgspec.UNSET
    confirm_breach: bool = False


class StaffOut(msgspec.Struct, kw_only=True):
    id: int
    home_code: str
    staff_no: str
    name: str
    post: str
    employment: str
    hired_on: date
    left_on: date | None
    left_reason: str
    health_cert_expires: date | None
    health_cert_state: str  # "" | "expiring" (within 30 days) | "expired"
    fire_operator_cert: bool
    carer_cert: str
    id_number_masked: str
    current: bool  # in post today (hired, not yet left)
    trained_carer: bool  # a carer with a care-skills training record (护理技能)
    untrained_carer: bool  # a carer without one: shown as untrained


class TrainingIn(msgspec.Struct, kw_only=True):
    topic: Code  # fire | care | food | infection | other
    trained_on: date
    hours: Hours
    provider: Annotated[str, msgspec.Meta(max_length=100)] = ""


class TrainingOut(msgspec.Struct, kw_only=True):
    id: int
    staff_no: str
    topic: str
    trained_on: date
    hours: str  # one decimal, "1.5"
    hours_tenths: int
    provider: str
    created_by: str
