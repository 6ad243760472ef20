"""Reading the register: rosters, the county register, a person's timeline, state on a date,
due and overdue assessments, and the audited view of a full ID number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from piccolo.query.functions.aggregate import Count

from backend.core import citizen_id, dates
from backend.core.db import transaction
from backend.core.errors import Forbidden
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.permissions import can
from backend.core.security import Scope
from backend.registry import services as registry
from backend.residents import rules
from backend.residents.schemas import PlacementOut, ResidentOut, ResidentPage, StateOn, TaskOut
from backend.residents.services._common import (
    assessment_records,
    find_resident,
    placement_events,
    resident_columns,
    resident_out,
    resident_where,
)
from backend.residents.tables import (
    Assessment,
    CapabilityAssessment,
    Placement,
    ReassessmentTask,
    Resident,
)

TIER_KEYS = (*rules.TIERS, rules.UNASSESSED)


@dataclass(frozen=True)
class RegisterFilter:
    """Filters of the roster and the county register; empty fields filter nothing."""

    home_code: str | None = None
    county_code: str | None = None
    search: str | None = None  # a name fragment, or an ID number (full or its last 4+ characters)
    mode: str | None = None  # concentrated / dispersed
    tier: str | None = None
    # in_home / dispersed / ended / died / former (placed here once, not now). With a home,
    # "died": placed in the home once and deceased (the bed is freed at death).
    status: str | None = None


def _filtered(scope: Scope, query, filters: RegisterFilter):
    if (condition := resident_where(scope)) is not None:
        query = query.where(condition)
    if filters.county_code:
        query = query.where(Resident.county.code == filters.county_code)
    placed_once = filters.status in ("former", "died")
    if filters.home_code and not placed_once:
        query = query.where(Resident.home.code == filters.home_code)
    if filters.home_code and placed_once:
        query = query.where(
            Resident.id.is_in(Placement.select(Placement.resident).where(Placement.home.code == filters.home_code))
            & ((Resident.home.is_null()) | (Resident.home.code != filters.home_code))
        )
    if filters.search:
        term = filters.search.strip()
        if term.upper().rstrip("X").isdigit() and len(term) >= 4:
            normal = citizen_id.normalise(term)
            query = (
                query.where(Resident.id_number == normal)
                if len(normal) == 18
                else query.where(Resident.id_number.like(f"%{normal}"))
            )
        else:
            query = query.where(Resident.name.like(f"%{term}%"))
    if filters.mode == "concentrated":
        query = query.where(Resident.home.is_not_null())
    elif filters.mode == "dispersed":  # the dead are not dispersed (domain-rules §7)
        query = query.where(Resident.home.is_null() & Resident.died_on.is_null())
    if filters.tier in TIER_KEYS:
        query = query.where(Resident.tier == filters.tier)
    living = Resident.ended_on.is_null() & Resident.died_on.is_null()
    if filters.status == "in_home":
        query = query.where(Resident.home.is_not_null() & living)
    elif filters.status == "dispersed":
        query = query.where(Resident.home.is_null() & living)
    elif filters.status == "ended":
        query = query.where(Resident.ended_on.is_not_null() & Resident.died_on.is_null())
    elif filters.status == "died":
        query = query.where(Resident.died_on.is_not_null())
    return query


async def search_register(scope: Scope, filters: RegisterFilter, page: int = 1, per_page: int = 50) -> ResidentPage:
    """One page of the register in scope (IDs masked), the total, and counts by tier."""
    page = max(1, page)
    per_page = min(max(1, per_page), 500)
    tier_rows = await _filtered(
        scope,
        Resident.select(Resident.tier, Count(Resident.id).as_alias("n")),
        RegisterFilter(**{**filters.__dict__, "tier": None}),
    ).group_by(Resident.tier)
    # The total from the counts by tier (the same filters but the tier's): one query less a page.
    total = sum(row["n"] for row in tier_rows if filters.tier not in TIER_KEYS or row["tier"] == filters.tier)
    rows = (
        await _filtered(scope, Resident.select(*resident_columns()), filters)
        .order_by(Resident.name)
        .order_by(Resident.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    today = dates.today()
    counts = {key: 0 for key in TIER_KEYS}
    for row in tier_rows:
        counts[row["tier"]] = row["n"]
    return ResidentPage(
        total=total, page=page, per_page=per_page, items=[resident_out(row, today) for row in rows], tier_counts=counts
    )


async def roster(scope: Scope, home_code: str, filters: RegisterFilter | None = None) -> ResidentPage:
    """The home's roster: current residents unless a status filter says otherwise."""
    await registry.find_home(scope, home_code)
    filters = filters or RegisterFilter()
    filters = RegisterFilter(**{**filters.__dict__, "home_code": home_code})
    return await search_register(scope, filters, page=1, per_page=500)


async def get_resident(scope: Scope, resident_id: int) -> ResidentOut:
    return resident_out(await find_resident(scope, resident_id))


async def reveal_id_number(scope: Scope, resident_id: int) -> str:
    """The full ID number, for roles that need it; every view is recorded in the audit log."""
    if not can(scope.role, "reveal_id_number"):
        raise Forbidden(_("Your role may not see full ID numbers."))
    async with transaction():
        person = await find_resident(scope, resident_id)
        await append_audit(
            scope.user_id,
            scope.username,
            [
                Change(
                    "resident.view_id",
                    "resident",
                    citizen_id.mask(person["id_number"]),
                    None,
                    citizen_id.disclosure([person["id_number"]], [resident_id]),
                )
            ],
        )
    return person["id_number"]


async def placements(scope: Scope, resident_id: int) -> list[PlacementOut]:
    await find_resident(scope, resident_id)
    return await _placements(resident_id)


async def _placements(resident_id: int) -> list[PlacementOut]:
    rows = (
        await Placement.select(
            Placement.id,
            Placement.kind,
            Placement.event_date,
            Placement.home.code.as_alias("home_code"),
            Placement.home.name.as_alias("home_name"),
            Placement.note,
            Placement.recorded_by,
            Placement.emergency,
            Placement.emergency_reason,
        )
        .where(Placement.resident == resident_id)
        .order_by(Placement.event_date)
        .order_by(Placement.seq)
    )
    return [PlacementOut(**{**row, "emergency": bool(row["emergency"])}) for row in rows]


async def state_on(scope: Scope, resident_id: int, day: date) -> StateOn:
    """Where the person lived at the end of ``day``, in which mode, and the tier in force."""
    person = await find_resident(scope, resident_id)
    events = await placement_events(resident_id)
    home_id = rules.home_on(events, day)
    dead = person["died_on"] is not None and day >= person["died_on"]
    home_code = None
    if home_id is not None:
        home_code = (await registry.homes_by_id([home_id]))[home_id]["code"]
    return StateOn(
        day=day,
        mode=None if dead else rules.mode_on(events, day),
        home_code=home_code,
        tier=rules.tier_on(await assessment_records(resident_id), day),
    )


async def timeline(scope: Scope, resident_id: int) -> list[dict[str, Any]]:
    """Approval, placements, assessments and reports of one person, oldest first."""
    person = await find_resident(scope, resident_id)
    return _timeline(person, *await _histories(resident_id))


async def _histories(resident_id: int) -> tuple[list[PlacementOut], list[dict], list[dict], list[dict]]:
    """Placements, self-care and capability assessments (in their order) and condition reports."""
    return (
        await _placements(resident_id),
        await Assessment.select()
        .where(Assessment.resident == resident_id)
        .order_by(Assessment.assessed_on)
        .order_by(Assessment.seq),
        await CapabilityAssessment.select()
        .where(CapabilityAssessment.resident == resident_id)
        .order_by(CapabilityAssessment.assessed_on),
        await ReassessmentTask.select().where(ReassessmentTask.resident == resident_id),
    )


async def person_page(scope: Scope, resident_id: int) -> dict[str, Any]:
    """What a person's page shows (the person, the timeline, both kinds of assessments) with one
    scope check and one read of each history: asked of four services, it took eleven queries."""
    from backend.residents.services.assessments import _assessment_out, _capability_out

    person = await find_resident(scope, resident_id)
    histories = await _histories(resident_id)
    return {
        "person": resident_out(person),
        "events": _timeline(person, *histories),
        "assessments": [_assessment_out(row) for row in histories[1]],
        "capability_results": [_capability_out(row) for row in histories[2]],
    }


def _timeline(
    person: dict[str, Any], placed: list[PlacementOut], assessed: list[dict], capability: list[dict], tasks: list[dict]
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [{"on": person["approved_on"], "kind": "approved", "text": ""}]
    died: dict[str, Any] | None = None
    if person["died_on"]:
        died = {"on": person["died_on"], "kind": "died", "text": "", "left_home": None}
        items.append(died)
    home_name = None
    for event in placed:
        if died is not None and event.kind == "discharge" and event.event_date >= person["died_on"]:
            # The end of the stay written with the death (deaths → record_death_effects, dated
            # on the day of death or on the last event's day if later): part of the death, not a
            # discharge to dispersed support. Nothing can be dated after the day of death, so a
            # discharge on or after it is that one (or, rarely, one recorded for that very day
            # before the death was reported: then the person did leave the home that day).
            died["left_home"] = home_name
            died["by"] = event.recorded_by
            continue
        home_name = event.home_name if event.kind in rules.INTO_A_HOME else None
        items.append(
            {
                "on": event.event_date,
                "kind": event.kind,
                "text": event.home_name or "",
                "note": event.note,
                "by": event.recorded_by,
                "emergency": event.emergency_reason if event.emergency else "",
            }
        )
    for row in assessed:  # the county's assessments, and the home's care observations
        items.append(
            {
                "on": row["assessed_on"],
                "kind": "assessment" if row["authority"] == "county" else "observation",
                "text": row["tier"],
                "by": row["recorded_by"],
                "assessor": row["assessor"],
            }
        )
    for row in capability:
        items.append(
            {
                "on": row["assessed_on"],
                "kind": "capability",
                "text": str(row["level"]),
                "total": row["total"],
                "by": row["recorded_by"],
            }
        )
    for row in tasks:
        items.append(
            {
                "on": row["reported_on"],
                "kind": "condition_change" if row["reason"] == "change" else "admission_task",
                "text": row["note"],
                "due_on": row["due_on"],
                "done_on": row["done_on"],
                "by": row["created_by"],
            }
        )
    if person["ended_on"]:
        items.append({"on": person["ended_on"], "kind": "ended", "text": ""})
    order = {
        "approved": 0,
        "admit": 1,
        "transfer": 1,
        "discharge": 1,
        "condition_change": 2,
        "admission_task": 2,
        "assessment": 3,
        "observation": 3,
        "capability": 4,
        "died": 5,
        "ended": 6,
    }
    return sorted(items, key=lambda item: (item["on"], order[item["kind"]]))


async def due_assessments(
    scope: Scope, home_code: str | None = None, county_code: str | None = None, overdue_only: bool = False
) -> list[TaskOut]:
    """Re-assessments owed after condition-change reports, and annual reviews (a year after the
    last assessment; never assessed = due now), for residents in the scope (and home/county)."""
    today = dates.today()
    filters = RegisterFilter(home_code=home_code, county_code=county_code, status="in_home" if home_code else None)
    people = await _filtered(scope, Resident.select(*resident_columns()), filters).where(
        Resident.ended_on.is_null() & Resident.died_on.is_null()
    )
    by_id = {row["id"]: row for row in people}
    tasks: list[TaskOut] = []
    if by_id:
        open_tasks = await ReassessmentTask.select().where(
            ReassessmentTask.done_on.is_null()
            & ReassessmentTask.cancelled_on.is_null()
            & ReassessmentTask.resident.is_in(list(by_id))
        )
        for task in open_tasks:
            row = by_id[task["resident"]]
            status = "overdue" if task["due_on"] < today else "open"
            tasks.append(
                TaskOut(
                    "reassessment",
                    row["id"],
                    row["name"],
                    citizen_id.mask(row["id_number"]),
                    row["home_code"],
                    task["due_on"],
                    task["reported_on"],
                    status,
                    task["reason"],
                )
            )
    for row in people:
        due = rules.annual_review_due(row["last_assessed_on"]) if row["last_assessed_on"] else None
        if due is not None and due > today and (due - today).days > 30:
            continue  # not due within the next 30 days
        status = "overdue" if due is None or due < today else "open"
        tasks.append(
            TaskOut(
                "annual_review",
                row["id"],
                row["name"],
                citizen_id.mask(row["id_number"]),
                row["home_code"],
                due,
                None,
                status,
                "annual" if row["last_assessed_on"] else "admission",
            )
        )
    if overdue_only:
        tasks = [task for task in tasks if task.status == "overdue"]
    return sorted(tasks, key=lambda task: (task.due_on or date.min, task.name))


async def tier_counts_by_home(scope: Scope, county_code: str | None = None) -> dict[str, dict[str, int]]:
    """{home_code: {tier: n}} of current residents (for county overviews)."""
    query = Resident.select(Resident.home.code.as_alias("home_code"), Resident.tier, Count(Resident.id).as_alias("n")).where(
        Resident.home.is_not_null()
    )
    if (condition := resident_where(scope)) is not None:
        query = query.where(condition)
    if county_code:
        query = query.where(Resident.county.code == county_code)
    result: dict[str, dict[str, int]] = {}
    for row in await query.group_by(Resident.home.code, Resident.tier):
        result.setdefault(row["home_code"], {key: 0 for key in TIER_KEYS})[row["tier"]] = row["n"]
    return result
