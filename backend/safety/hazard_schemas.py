"""Schemas of hazards and the rectification ledger (issue 12 points 5–7): the API bodies and the
services' answers (msgspec). ``HazardOut`` (a hazard in a list, also inside an entry) is in
``schemas``; these are one hazard with its history, the bodies of its steps and the county view."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

from backend.safety.schemas import HazardOut

Owner = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Plan = Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
FixNote = Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
HAZARD_FILTERS = ("open", "fixed", "closed", "all")  # open: not closed (open or waiting for the county)


class PlanIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The person responsible (责任人) and the plan (整改措施) of an open hazard."""

    owner: Owner
    plan: Plan


class FixIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The home's fix (整改完成): what was done. Evidence photos come with the page's form."""

    note: FixNote


class VerifyIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The county's verification of a major hazard's fix (核验销号)."""

    note: Annotated[str, msgspec.Meta(max_length=500)] = ""


class RejectIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The county rejects the fix: the hazard goes back to open, with the reason."""

    reason: Reason


class ManualHazardIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A hazard opened by hand (by the home or the county's inspector)."""

    title: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    major: bool = False
    note: Annotated[str, msgspec.Meta(max_length=500)] = ""


class HazardPhotoOut(msgspec.Struct, kw_only=True):
    id: int
    sha256: str
    content_type: str
    size: int
    width: int
    height: int
    uploaded_at: datetime
    uploaded_by: str


class HazardStepOut(msgspec.Struct, kw_only=True):
    """One step of a hazard's history: ``opened``, ``plan``, ``fixed``, ``verified``, ``rejected``."""

    step: str
    at: datetime | None
    by: str
    note: str = ""


class HazardDetailOut(msgspec.Struct, kw_only=True):
    hazard: HazardOut
    opened_at: datetime
    opened_by: str
    fixed_at: datetime | None
    fixed_by: str
    fix_note: str
    verified_at: datetime | None
    verified_by: str
    verify_note: str
    photos: list[HazardPhotoOut]
    history: list[HazardStepOut]
    needs_county: bool  # a major hazard: only the county's verification closes it


class CountyHomeHazardsOut(msgspec.Struct, kw_only=True):
    code: str
    name: str
    open: int  # not closed (open or waiting for the county)
    major: int  # major among them
    waiting: int  # major, fixed, waiting for the county's verification
    overdue: int


class CountyHazardsOut(msgspec.Struct, kw_only=True):
    county: str
    date: date
    sort: str
    homes: list[CountyHomeHazardsOut]
    major: list[HazardOut]  # the county's major hazards not closed: waiting first, then overdue
    open: int
    waiting: int
    overdue: int
