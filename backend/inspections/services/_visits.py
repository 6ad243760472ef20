"""On-site inspections (现场检查, domain rules §6; issue 13): the county's inspector records a visit
to a home of the county (one transaction, one audit record; a director may not), a correction is
a new visit naming the one it corrects with a reason (the corrected one then no longer counts),
and the county's plan says for each home its last visit and whether the plan period's visit is done,
due or overdue (page_rules.plan_status)."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from backend.core import dates, people
from backend.core.db import transaction
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.permissions import require
from backend.core.security import Scope
from backend.inspections import page_rules, rules
from backend.inspections.rate_schemas import PlanRowOut, VisitIn, VisitOut
from backend.inspections.tables import InspectionVisit
from backend.registry import services as registry

log = logging.getLogger("tekun.inspections")


def _out(row: dict[str, Any], home_code: str, county_code: str, corrected_by: dict[int, int], names: dict[str, str]) -> VisitOut:
    return VisitOut(
        id=row["id"],
        home=home_code,
        county=county_code,
        visited_on=row["visited_on"],
        recorded_at=dates.instant(row["recorded_at"]),
        inspector=row["inspector"],
        findings=row["findings"] or "",
        hazards_opened=row["hazards_opened"] or 0,
        corrects=row["corrects"],
        reason=row["reason"] or "",
        corrected_by=corrected_by.get(row["id"]),
        inspector_name=people.who(row["inspector"], names),
    )


def _corrected_by(rows: list[dict[str, Any]]) -> dict[int, int]:
    """visit id → the latest visit that corrects it."""
    found: dict[int, int] = {}
    for row in sorted(rows, key=lambda item: item["id"]):
        if row["corrects"] is not None:
            found[row["corrects"]] = row["id"]
    return found


async def list_visits(scope: Scope, code: str) -> list[VisitOut]:
    """A home's on-site inspections in scope (NotFound outside it), newest first."""
    home = await registry.find_home(scope, code)
    rows = await InspectionVisit.select().where(InspectionVisit.home == home["id"])
    corrected = _corrected_by(rows)
    rows.sort(key=lambda row: (row["visited_on"], row["id"]), reverse=True)
    names = await people.display_names(row["inspector"] for row in rows)
    return [_out(row, home["code"], home["county_code"], corrected, names) for row in rows]


async def plan_frequency(county_id: int, day: date) -> str:
    """The county's on-site inspection plan period in force on ``day`` (its ``inspections_per_year``)."""
    parameters = await registry.parameters_in_force(county_id, day)
    return rules.plan_frequency(parameters.inspections_per_year)


def _check(data: VisitIn, today: date, frequency: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if (problem := page_rules.visit_day_problem(data.visited_on, today, frequency)) is not None:
        errors["visited_on"] = problem
    if not data.findings.strip():
        errors["findings"] = _("Say what the visit found (or that it found nothing wrong).")
    if data.corrects is not None and not data.reason.strip():
        errors["reason"] = _("A correction needs its reason.")
    if data.corrects is None and data.reason.strip():
        errors["corrects"] = _("A reason is given only with the visit it corrects.")
    return errors


async def _check_corrected(home_id: int, corrects: int) -> None:
    target = (
        await InspectionVisit.select(InspectionVisit.id)
        .where((InspectionVisit.id == corrects) & (InspectionVisit.home == home_id))
        .first()
    )
    if target is None:
        raise Invalid({"corrects": _("No such visit of this home.")})
    if await InspectionVisit.exists().where(InspectionVisit.corrects == corrects):
        raise Invalid({"corrects": _("This visit has already been corrected: correct the latest one.")})


async def record_inspection_visit(scope: Scope, home_code: str, data: VisitIn) -> VisitOut:
    """Record an on-site inspection of a home of the county (the inspector's or an
    administrator's; a director may not). Outside the scope: NotFound."""
    require(scope, "record_inspection_visit", _("Only the county records on-site inspections."))
    home = await registry.find_home(scope, home_code)
    today = dates.today()
    if errors := _check(data, today, await plan_frequency(home["county_id"], today)):
        raise Invalid(errors)
    findings, reason = data.findings.strip(), data.reason.strip()
    async with transaction():
        if data.corrects is not None:
            await _check_corrected(home["id"], data.corrects)
        row = InspectionVisit(
            home=home["id"],
            county=home["county_id"],
            visited_on=data.visited_on,
            recorded_at=dates.now_utc(),
            inspector=scope.username,
            inspector_id=scope.user_id,
            findings=findings,
            hazards_opened=0,
            corrects=data.corrects,
            reason=reason,
        )
        await row.save()
        after = {"home": home["code"], "visited_on": data.visited_on.isoformat(), "findings": findings}
        if data.corrects is not None:
            after |= {"corrects": data.corrects, "reason": reason}
        action = "inspection_visit.correct" if data.corrects is not None else "inspection_visit.record"
        await append_audit(scope.user_id, scope.username, [Change(action, "inspection_visit", str(row.id), None, after)])
    await _refresh_tasks(home["id"])
    saved = await InspectionVisit.select().where(InspectionVisit.id == row.id).first()
    return _out(saved, home["code"], home["county_code"], {}, await people.display_names([saved["inspector"]]))


async def _refresh_tasks(home_id: int) -> None:
    """The visit makes the period's on-site inspection task done: the task generator's refresh
    (issue 13 point 2) recounts the home's tasks when it is there."""
    from backend.inspections import services

    refresh = getattr(services, "refresh_tasks", None)
    if refresh is None:
        return
    try:
        await refresh(home_ids=[home_id])
    except Exception:  # noqa: BLE001 - the visit is saved; the daily job recounts the tasks anyway
        log.exception("refreshing the tasks of home %s after a visit failed", home_id)


async def county_plan(scope: Scope, county_code: str, today: date | None = None) -> list[PlanRowOut]:
    """Each home of the county (in scope; NotFound outside it) with its last visit and its plan
    status in the plan's period now; overdue first, then due, then done, by name."""
    county = await registry.find_county(scope, county_code)
    today = today or dates.today()
    frequency = await plan_frequency(county["id"], today)
    homes = await registry.list_homes(scope, county_code=county["code"])
    rows = await InspectionVisit.select(
        InspectionVisit.id, InspectionVisit.home, InspectionVisit.visited_on, InspectionVisit.corrects
    ).where(InspectionVisit.county == county["id"])
    corrected = _corrected_by(rows)
    days: dict[int, list[date]] = {}
    for row in rows:
        if row["id"] not in corrected:
            days.setdefault(row["home"], []).append(row["visited_on"])
    ids = await registry.homes_by_code(home.code for home in homes)
    period, _start, _end = page_rules.plan_period(frequency, today)
    plan = []
    for home in homes:
        visited = days.get(ids[home.code]["id"], [])
        plan.append(
            PlanRowOut(
                home=home.code,
                name=home.name,
                period=period,
                last_visit=max(visited) if visited else None,
                status=page_rules.plan_status(visited, today, frequency),
            )
        )
    order = {"overdue": 0, "due": 1, "done": 2}
    plan.sort(key=lambda item: (order[item.status], item.name, item.home))
    return plan
