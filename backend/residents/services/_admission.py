"""Assessment before admission (domain rules §2, "Product rule"): an admission recorded in the
application needs a county self-care assessment dated on or before the admission day and at most
``admission_assessment_max_age_days`` (a county parameter, default 90) before it. Without one it
is refused, unless an inspector (or an administrator) records an emergency admission (紧急收住)
with a reason, which opens an assessment task due in 10 working days. A transfer between homes
needs none (the person was assessed for the first admission; a change of condition has its own
task). Admissions that arrive by import are not checked: ``admitted_unassessed`` lists them."""

from __future__ import annotations

from datetime import date

from backend.core import citizen_id, dates, formatting
from backend.core.calendar import calendar_sets
from backend.core.errors import Forbidden, Invalid
from backend.core.i18n import _
from backend.core.permissions import can
from backend.core.security import Scope
from backend.registry import rules as registry_rules
from backend.registry import services as registry
from backend.residents import rules
from backend.residents.services._common import assessment_histories, placement_histories, resident_columns, resident_where
from backend.residents.tables import COUNTY, Assessment, Placement, ReassessmentTask, Resident

EMERGENCY_TASK = "emergency_admission"


async def last_county_assessment(resident_id: int, on: date) -> date | None:
    """The date of the person's latest county assessment dated on or before ``on``."""
    row = (
        await Assessment.select(Assessment.assessed_on)
        .where((Assessment.resident == resident_id) & (Assessment.authority == COUNTY) & (Assessment.assessed_on <= on))
        .order_by(Assessment.assessed_on, ascending=False)
        .first()
    )
    return row["assessed_on"] if row else None


def admission_problem(last: date | None, on: date, max_age_days: int) -> str | None:
    """Why an admission on ``on`` is refused when the latest county assessment is ``last``
    (None: it is not). An assessment on the admission day itself counts."""
    if last is not None and (on - last).days <= max_age_days:
        return None
    if last is None:
        return _(
            "An assessment must come before admission: this person has never been assessed by the county. "
            "Record the county's self-care assessment first, or an emergency admission with its reason."
        )
    return _(
        "An assessment must come before admission: the latest county assessment is of {day}, "
        "more than {days} days before the admission. Record a new assessment first, or an emergency admission with its reason."
    ).format(day=formatting.day(last), days=max_age_days)


async def check_admission(scope: Scope, person: dict, on: date, emergency: bool, reason: str, field: str = "event_date") -> bool:
    """Whether this admission is an emergency one (an assessment task to open); raises Invalid
    when it needs an assessment it does not have, Forbidden when someone other than the county
    asks for an emergency admission. With a recent enough assessment the admission is an
    ordinary one, whatever ``emergency`` says."""
    max_age = (await registry.parameters_in_force(person["county_id"], on)).admission_assessment_max_age_days
    problem = admission_problem(await last_county_assessment(person["id"], on), on, max_age)
    if problem is None:
        return False
    if not emergency:
        raise Invalid({field: problem})
    if not can(scope.role, "record_emergency_admission"):
        raise Forbidden(_("Only the county (an inspector) may record an emergency admission."))
    if not reason.strip():
        raise Invalid({"emergency_reason": _("Give the reason for the emergency admission.")})
    return True


async def open_admission_task(scope: Scope, resident_id: int, on: date, reason: str) -> date:
    """The county's assessment owed after an emergency admission on ``on``: due 10 working
    days later (the working-day calendar of condition changes). Returns the due date."""
    holidays, make_up = await calendar_sets()
    due = rules.reassessment_due(on, rules.REASSESSMENT_WORKING_DAYS, holidays, make_up)
    await ReassessmentTask.insert(
        ReassessmentTask(
            resident=resident_id,
            reason=EMERGENCY_TASK,
            reported_on=on,
            reported_by=scope.username,
            note=reason.strip(),
            due_on=due,
            created_at=dates.now_utc(),
            created_by=scope.username,
        )
    )
    return due


async def admitted_unassessed(scope: Scope, county_code: str | None = None, resident_id: int | None = None) -> list[dict]:
    """The persons placed in a home now (in ``scope``; of one county or one person, if given)
    whose admission had no county assessment at most the county's
    ``admission_assessment_max_age_days`` before it (入住前未评估): admissions that came by import
    (the application refuses them) or were recorded before the rule, and that the county has not
    assessed since (a county assessment after the admission clears the person from the list: the
    list is work to do, not a record; the admission itself stays in the timeline). An emergency
    admission is not among them (it has its own task). Each: id, name, id_number_masked, home_code,
    admitted_on (the admission that began the present stays; transfers since do not count),
    last_assessed_on (the latest county assessment on or before it, or None)."""
    query = Resident.select(*resident_columns()).where(
        Resident.home.is_not_null() & Resident.ended_on.is_null() & Resident.died_on.is_null()
    )
    if (condition := resident_where(scope)) is not None:
        query = query.where(condition)
    if county_code:
        query = query.where(Resident.county.code == county_code)
    if resident_id is not None:
        query = query.where(Resident.id == resident_id)
    people = await query
    ids = [row["id"] for row in people]
    emergency = {
        (row["resident"], row["event_date"])
        for row in await Placement.select(Placement.resident, Placement.event_date).where(
            Placement.resident.is_in(ids or [0]) & (Placement.kind == "admit") & (Placement.emergency == True)  # noqa: E712
        )
    }
    placements = await placement_histories(ids)
    assessments = await assessment_histories(ids)
    parameters = await registry.county_parameters({row["county_id"] for row in people})  # one read, any size
    defaults = registry_rules.default_parameters()
    listed = []
    for row in people:
        admits = [event for event in sorted(placements[row["id"]], key=lambda e: (e.on, e.seq)) if event.kind == "admit"]
        if not admits or (row["id"], admits[-1].on) in emergency:
            continue
        on = admits[-1].on
        limit = registry_rules.parameters_in_force(parameters[row["county_id"]], on, defaults).admission_assessment_max_age_days
        if any(a.assessed_on > on for a in assessments[row["id"]]):
            continue  # assessed by the county since the admission
        last = max((a.assessed_on for a in assessments[row["id"]] if a.assessed_on <= on), default=None)
        if admission_problem(last, on, limit) is None:
            continue
        listed.append(
            {
                "id": row["id"],
                "name": row["name"],
                "id_number_masked": citizen_id.mask(row["id_number"]),
                "home_code": row["home_code"],
                "home_name": row["home_name"],
                "admitted_on": on,
                "last_assessed_on": last,
            }
        )
    return sorted(listed, key=lambda item: (item["home_code"] or "", item["admitted_on"], item["name"]))


async def emergency_tasks(scope: Scope) -> list[dict]:
    """The open assessment tasks of emergency admissions in ``scope`` (for the county's
    "今日待办"): resident id, name, due_on, oldest due first."""
    query = (
        ReassessmentTask.select(
            ReassessmentTask.resident.id.as_alias("resident_id"),
            ReassessmentTask.resident.name.as_alias("name"),
            ReassessmentTask.due_on,
        )
        .where(
            (ReassessmentTask.reason == EMERGENCY_TASK)
            & ReassessmentTask.done_on.is_null()
            & ReassessmentTask.cancelled_on.is_null()
            & ReassessmentTask.resident.died_on.is_null()
        )
        .order_by(ReassessmentTask.due_on)
    )
    if not scope.is_admin:
        if scope.kind == "home":
            query = query.where(ReassessmentTask.resident.home == scope.home_id)
        else:
            query = query.where(ReassessmentTask.resident.county == scope.county_id)
    return await query


async def admission_max_age(resident_id: int, on: date) -> int:
    """The county's ``admission_assessment_max_age_days`` in force on ``on`` for this person
    (the placement form states the rule); the caller has found the person in its scope."""
    row = await Resident.select(Resident.county).where(Resident.id == resident_id).first()
    return (await registry.parameters_in_force(row["county"], on)).admission_assessment_max_age_days
