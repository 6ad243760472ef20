"""Self-care assessments (tier derived, never typed), GB/T 42195 assessments, condition-change
reports with their 10-working-day re-assessment tasks."""

from __future__ import annotations

from datetime import date

from backend.core import citizen_id, dates
from backend.core.calendar import calendar_sets
from backend.core.db import transaction
from backend.core.errors import Forbidden, Invalid
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit, append_rows, canonical
from backend.core.permissions import can, require
from backend.core.security import Scope
from backend.residents import capability, rules
from backend.residents.schemas import (
    AssessmentIn,
    AssessmentOut,
    CapabilityIn,
    CapabilityOut,
    ConditionChangeIn,
)
from backend.residents.services._common import (
    find_resident,
    find_resident_for_write,
    refresh_state,
)
from backend.residents.services.register import check_not_after_death
from backend.residents.tables import (
    ASSESSMENT_LEDGER,
    CAPABILITY_LEDGER,
    COUNTY,
    HOME,
    Assessment,
    CapabilityAssessment,
    ReassessmentTask,
)


def _assessment_out(row: dict) -> AssessmentOut:
    return AssessmentOut(
        id=row["id"],
        assessed_on=row["assessed_on"],
        **{item: bool(row[item]) for item in rules.ITEMS},
        tier=row["tier"],
        assessor=row["assessor"],
        reason=row["reason"],
        recorded_by=row["recorded_by"],
        authority=row["authority"],
    )


def _check_day(person: dict, day: date, field: str) -> None:
    if day > dates.today():
        raise Invalid({field: _("The date cannot be in the future.")})
    if day < person["birth_date"]:
        raise Invalid({field: _("The date is before the person was born.")})


OBSERVE_ACTION = "resident.observe"  # the home's care observation


def authority_of(scope: Scope) -> str:
    """What the six answers of this user are (domain rules §2): the county's assessment, which
    sets the tier (inspectors, assessors, administrators), or the home's care observation (a
    director's), kept and shown but never the tier."""
    if can(scope.role, "record_assessment"):
        return COUNTY
    if can(scope.role, "record_observation"):
        return HOME
    raise Forbidden(_("You may not record assessments."))


async def record_assessment(scope: Scope, resident_id: int, data: AssessmentIn) -> AssessmentOut:
    """Record the six answers; the tier is computed (rules.care_tier). By the county, it sets
    the tier in force from the next day on and closes the open re-assessment tasks reported on
    or before its date; by a director, it is the home's care observation (``authority`` home):
    stored and shown, it changes neither the tier nor the tasks."""
    authority = authority_of(scope)
    answers = {item: bool(getattr(data, item)) for item in rules.ITEMS}
    tier = rules.care_tier(answers)
    assessor = data.assessor.strip()
    now = dates.now_utc()
    async with transaction():
        person = await find_resident_for_write(scope, resident_id, data.assessed_on)
        _check_day(person, data.assessed_on, "assessed_on")
        await check_not_after_death(resident_id, data.assessed_on, "assessed_on")
        if person["ended_on"] is not None and data.assessed_on > person["ended_on"]:
            raise Invalid(
                {"assessed_on": _("Support for this person ended on {day}.").format(day=person["ended_on"].isoformat())}
            )
        rows = await append_rows(
            ASSESSMENT_LEDGER,
            [
                {
                    "resident": resident_id,
                    "assessed_on": data.assessed_on,
                    **answers,
                    "tier": tier,
                    "assessor": assessor,
                    "reason": data.reason,
                    "corrects": None,
                    "authority": authority,
                    "recorded_at": now,
                    "recorded_by": scope.username,
                }
            ],
        )
        saved = await Assessment.select().where(Assessment.seq == rows[0]["seq"]).first()
        if authority == COUNTY:
            await ReassessmentTask.update(
                {ReassessmentTask.done_on: data.assessed_on, ReassessmentTask.assessment: saved["id"]}
            ).where(
                (ReassessmentTask.resident == resident_id)
                & ReassessmentTask.done_on.is_null()
                & ReassessmentTask.cancelled_on.is_null()
                & (ReassessmentTask.reported_on <= data.assessed_on)
            )
            await refresh_state(resident_id)
        await append_audit(
            scope.user_id,
            scope.username,
            [
                Change(
                    "resident.assess" if authority == COUNTY else OBSERVE_ACTION,
                    "resident",
                    citizen_id.mask(person["id_number"]),
                    None,
                    {
                        "assessed_on": data.assessed_on.isoformat(),
                        "tier": tier,
                        "answers": answers,
                        "assessor": assessor,
                    },
                )
            ],
        )
    return _assessment_out(saved)


async def list_assessments(scope: Scope, resident_id: int) -> list[AssessmentOut]:
    await find_resident(scope, resident_id)
    rows = (
        await Assessment.select()
        .where(Assessment.resident == resident_id)
        .order_by(Assessment.assessed_on)
        .order_by(Assessment.seq)
    )
    return [_assessment_out(row) for row in rows]


def _capability_out(row: dict) -> CapabilityOut:
    names = {level.number: level.name for level in capability.spec().levels}
    return CapabilityOut(
        id=row["id"],
        assessed_on=row["assessed_on"],
        total=row["total"],
        base_level=row["base_level"],
        level=row["level"],
        level_name=names[row["level"]],
        coma=bool(row["coma"]),
        dementia=bool(row["dementia"]),
        risk_events=row["risk_events"],
        assessor=row["assessor"],
    )


async def record_capability(scope: Scope, resident_id: int, data: CapabilityIn) -> CapabilityOut:
    """A GB/T 42195 assessment. Stored separately; it never changes the stipend tier."""
    require(scope, "record_capability", _("You may not record assessments."))
    now = dates.now_utc()
    async with transaction():
        person = await find_resident_for_write(
            scope, resident_id, data.assessed_on
        )  # out of scope: "not found", before any validation
        _check_day(person, data.assessed_on, "assessed_on")
        await check_not_after_death(resident_id, data.assessed_on, "assessed_on")
        try:
            result = capability.capability_level(data.scores, data.coma, data.dementia, data.risk_events)
        except ValueError as exc:
            raise Invalid({"scores": str(exc)}) from exc
        rows = await append_rows(
            CAPABILITY_LEDGER,
            [
                {
                    "resident": resident_id,
                    "assessed_on": data.assessed_on,
                    "scores": canonical(data.scores),
                    "total": result.total,
                    "base_level": result.base_level,
                    "coma": data.coma,
                    "dementia": data.dementia,
                    "risk_events": data.risk_events,
                    "level": result.level,
                    "assessor": data.assessor.strip(),
                    "recorded_at": now,
                    "recorded_by": scope.username,
                }
            ],
        )
        await append_audit(
            scope.user_id,
            scope.username,
            [
                Change(
                    "resident.capability",
                    "resident",
                    citizen_id.mask(person["id_number"]),
                    None,
                    {"assessed_on": data.assessed_on.isoformat(), "total": result.total, "level": result.level},
                )
            ],
        )
        saved = await CapabilityAssessment.select().where(CapabilityAssessment.seq == rows[0]["seq"]).first()
    return _capability_out(saved)


async def list_capability(scope: Scope, resident_id: int) -> list[CapabilityOut]:
    await find_resident(scope, resident_id)
    rows = (
        await CapabilityAssessment.select()
        .where(CapabilityAssessment.resident == resident_id)
        .order_by(CapabilityAssessment.assessed_on)
    )
    return [_capability_out(row) for row in rows]


async def report_condition_change(scope: Scope, resident_id: int, data: ConditionChangeIn) -> date:
    """A change in self-care ability was reported: a re-assessment is due within
    rules.REASSESSMENT_WORKING_DAYS working days. Returns the due date."""
    require(scope, "report_condition_change", _("You may not report condition changes."))
    async with transaction():
        person = await find_resident_for_write(scope, resident_id, data.reported_on)
        if data.reported_on > dates.today():
            raise Invalid({"reported_on": _("The date cannot be in the future.")})
        holidays, make_up = await calendar_sets()
        due = rules.reassessment_due(data.reported_on, rules.REASSESSMENT_WORKING_DAYS, holidays, make_up)
        await check_not_after_death(resident_id, None, "reported_on")
        if data.reported_on < person["approved_on"]:
            raise Invalid({"reported_on": _("The date is before the approval date.")})
        if person["ended_on"] is not None:
            raise Invalid(
                {"reported_on": _("Support for this person ended on {day}.").format(day=person["ended_on"].isoformat())}
            )
        await ReassessmentTask.insert(
            ReassessmentTask(
                resident=resident_id,
                reported_on=data.reported_on,
                reported_by=data.reported_by.strip(),
                note=data.note.strip(),
                due_on=due,
                created_at=dates.now_utc(),
                created_by=scope.username,
            )
        )
        await append_audit(
            scope.user_id,
            scope.username,
            [
                Change(
                    "resident.condition_change",
                    "resident",
                    citizen_id.mask(person["id_number"]),
                    None,
                    {"reported_on": data.reported_on.isoformat(), "due_on": due.isoformat(), "by": data.reported_by.strip()},
                )
            ],
        )
    return due
