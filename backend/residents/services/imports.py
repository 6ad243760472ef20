"""Imports of the register and of assessments (interfaces.md §3): all or nothing, every error
with its row and column, idempotent, and fast at province scale (set-based writes)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from backend.core import citizen_id, dates
from backend.core.db import transaction
from backend.core.exchange import ExchangeError, ParsedRow, RowError
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit, append_rows
from backend.core.security import Scope
from backend.registry.schemas import ImportResult, ImportRowOut
from backend.registry.tables import County, Home
from backend.residents import rules
from backend.residents.services._common import (
    ASSESS_ROLES,
    REGISTER_ROLES,
    refresh_state,
    require_role,
)
from backend.residents.tables import (
    ASSESSMENT_LEDGER,
    PLACEMENT_LEDGER,
    Assessment,
    Placement,
    ReassessmentTask,
    Resident,
)

BATCH = 900


def _result(kind: str, plan: list[ImportRowOut], dry_run: bool) -> ImportResult:
    counts = Counter(item.action for item in plan)
    return ImportResult(True, kind, counts["create"], counts["update"], counts["unchanged"], dry_run, plan)


def _chunks(values: list, size: int = BATCH):
    for start in range(0, len(values), size):
        yield values[start : start + size]


async def _existing_residents(id_numbers: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(id_numbers):
        rows = await Resident.select(
            Resident.id, Resident.id_number, Resident.name, Resident.county, Resident.approved_on,
            Resident.ended_on, Resident.birth_date,
        ).where(Resident.id_number.is_in(chunk))
        found.update({row["id_number"]: row for row in rows})
    return found


def _row_errors(row: ParsedRow, today: date, counties: dict[str, int], homes: dict[str, dict], scope: Scope) -> list[RowError]:
    values = row.values
    errors: list[RowError] = []

    def error(key: str, message: str) -> None:
        errors.append(RowError(row.row, row.label(key), message))

    number = values.get("id_number")
    if number and values.get("gender") and values["gender"] != citizen_id.gender_of(number):
        error("gender", _(citizen_id.GENDER))
    county_id = counties.get(values.get("county_code"))
    if values.get("county_code") and (county_id is None or (not scope.is_admin and county_id != scope.county_id)):
        error("county_code", _("No county has this code."))
    for key in ("approved_on", "admitted_on", "left_on", "ended_on"):
        if values.get(key) and values[key] > today:
            error(key, _("The date cannot be in the future."))
    mode = values.get("support_mode")
    if mode == "concentrated":
        if not values.get("home_code"):
            error("home_code", _("A concentrated person needs a home code."))
        elif values["home_code"] not in homes or (county_id is not None and homes[values["home_code"]]["county"] != county_id):
            error("home_code", _("No home with this code in the person's county."))
        if not values.get("admitted_on"):
            error("admitted_on", _("A concentrated person needs an admission date."))
    elif mode == "dispersed":
        for key in ("home_code", "admitted_on", "left_on"):
            if values.get(key):
                error(key, _("Leave this empty for a dispersed person."))
    if values.get("left_on") and values.get("admitted_on") and values["left_on"] < values["admitted_on"]:
        error("left_on", _("The date is before the admission date."))
    if values.get("ended_on") and values.get("approved_on") and values["ended_on"] < values["approved_on"]:
        error("ended_on", _("The date is before the approval date."))
    return errors


async def import_residents(scope: Scope, rows: list[ParsedRow], dry_run: bool = False) -> ImportResult:
    require_role(scope, REGISTER_ROLES, _("Only the county bureau registers tekun persons."))
    today = dates.today()
    counties = {row["code"]: row["id"] for row in await County.select(County.id, County.code)}
    homes = {row["code"]: row for row in await Home.select(Home.id, Home.code, Home.county, Home.beds)}
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for row in rows:
        errors += _row_errors(row, today, counties, homes, scope)
        number = row.values.get("id_number")
        if number in seen:
            errors.append(RowError(row.row, row.label("id_number"), _("Same person as row {row}: a person may appear in one row only.").format(row=seen[number])))
        elif number:
            seen[number] = row.row
    existing = await _existing_residents(list(seen))
    # Placement history of existing persons, to tell "fill an empty field" from "rewrite history".
    history: dict[int, list[dict]] = defaultdict(list)
    for chunk in _chunks([person["id"] for person in existing.values()]):
        for event in await Placement.select(Placement.resident, Placement.kind, Placement.home, Placement.event_date).where(Placement.resident.is_in(chunk)):
            history[event["resident"]].append(event)
    home_by_id = {home["id"]: code for code, home in homes.items()}
    plan: list[ImportRowOut] = []
    creates: list[ParsedRow] = []
    fills: list[tuple[ParsedRow, dict, list[str]]] = []
    new_occupants: Counter = Counter()
    for row in rows:
        values = row.values
        number = values.get("id_number")
        if not number:
            continue
        stays = values.get("support_mode") == "concentrated" and not values.get("left_on") and not values.get("ended_on")
        person = existing.get(number)
        if person is None:
            creates.append(row)
            plan.append(ImportRowOut(row.row, citizen_id.mask(number), "create"))
            if stays and values.get("home_code") in homes:
                new_occupants[values["home_code"]] += 1
            continue
        conflicts = []
        if values.get("name") and values["name"] != person["name"]:
            conflicts.append("name")
        if values.get("county_code") in counties and counties[values["county_code"]] != person["county"]:
            conflicts.append("county_code")
        if values.get("approved_on") and values["approved_on"] != person["approved_on"]:
            conflicts.append("approved_on")
        if values.get("ended_on") and person["ended_on"] and values["ended_on"] != person["ended_on"]:
            conflicts.append("ended_on")
        events = history.get(person["id"], [])
        filled: list[str] = []
        if values.get("support_mode") == "concentrated" and values.get("home_code") in homes:
            admitted = [(home_by_id.get(e["home"]), e["event_date"]) for e in events if e["kind"] in ("admit", "transfer")]
            if not events:
                filled.append("admission")
                if stays:
                    new_occupants[values["home_code"]] += 1
            elif (values["home_code"], values.get("admitted_on")) not in admitted:
                conflicts.append("home_code")
            if values.get("left_on"):
                left = [e["event_date"] for e in events if e["kind"] == "discharge"]
                if events and values["left_on"] not in left:
                    conflicts.append("left_on")
        elif values.get("support_mode") == "dispersed" and events:
            conflicts.append("support_mode")
        if values.get("ended_on") and not person["ended_on"]:
            filled.append("ended_on")
        for key in conflicts:
            errors.append(RowError(row.row, row.label(key), _("Differs from the register; change history in the application, not by import.")))
        if filled and not conflicts:
            fills.append((row, person, filled))
            plan.append(ImportRowOut(row.row, citizen_id.mask(number), "update", {key: ["", "✓"] for key in filled}))
        elif not conflicts:
            plan.append(ImportRowOut(row.row, citizen_id.mask(number), "unchanged"))
    # Beds: residents present now plus those this file places must fit.
    if new_occupants:
        present = Counter()
        for code in new_occupants:
            present[code] = await Resident.count().where(Resident.home == homes[code]["id"])
        taken: Counter = Counter()
        for row in rows:
            code = row.values.get("home_code")
            if code in new_occupants and row.values.get("support_mode") == "concentrated" and not row.values.get("left_on") and not row.values.get("ended_on"):
                person = existing.get(row.values.get("id_number"))
                if person is not None and history.get(person["id"]):
                    continue
                taken[code] += 1
                if present[code] + taken[code] > homes[code]["beds"]:
                    errors.append(RowError(row.row, row.label("home_code"), _("The home is full: it has {beds} beds and {present} residents.").format(beds=homes[code]["beds"], present=present[code] + taken[code] - 1)))
    if errors:
        raise ExchangeError(sorted(errors, key=lambda error: (error.row, error.column)))
    if dry_run:
        return _result("residents", plan, True)
    now = dates.now_utc()
    async with transaction():
        id_of: dict[str, int] = {}
        for chunk in _chunks(creates, 500):
            records = []
            for row in chunk:
                values = row.values
                stays = values["support_mode"] == "concentrated" and not values.get("left_on") and not values.get("ended_on")
                records.append(Resident(
                    id_number=values["id_number"], name=values["name"], gender=citizen_id.gender_of(values["id_number"]),
                    birth_date=citizen_id.birth_date(values["id_number"]), county=counties[values["county_code"]],
                    approved_on=values["approved_on"], ended_on=values.get("ended_on"),
                    end_reason=_("ended (import)") if values.get("ended_on") else "",
                    home=homes[values["home_code"]]["id"] if stays else None,
                    admitted_on=values["admitted_on"] if stays else None,
                    created_at=now,
                ))
            inserted = await Resident.insert(*records).returning(Resident.id, Resident.id_number)
            id_of.update({item["id_number"]: item["id"] for item in inserted})
        events: list[dict] = []

        def placement_rows(person_id: int, values: dict) -> list[dict]:
            if values.get("support_mode") != "concentrated":
                return []
            result = [{"resident": person_id, "kind": "admit", "home": homes[values["home_code"]]["id"], "event_date": values["admitted_on"], "note": "", "recorded_at": now, "recorded_by": scope.username}]
            leaving = values.get("left_on") or values.get("ended_on")
            if leaving:
                result.append({"resident": person_id, "kind": "discharge", "home": None, "event_date": leaving, "note": "", "recorded_at": now, "recorded_by": scope.username})
            return result

        for row in creates:
            events += placement_rows(id_of[row.values["id_number"]], row.values)
        changes = []
        for row, person, filled in fills:
            if "admission" in filled:
                events += placement_rows(person["id"], row.values)
            if "ended_on" in filled:
                await Resident.update({Resident.ended_on: row.values["ended_on"], Resident.end_reason: _("ended (import)")}).where(Resident.id == person["id"])
            changes.append(Change("resident.import_fill", "resident", citizen_id.mask(person["id_number"]), None, {"filled": filled}))
        await append_rows(PLACEMENT_LEDGER, events)
        for _row, person, _filled in fills:
            await refresh_state(person["id"])
        result = _result("residents", plan, False)
        changes.append(Change("resident.import", "import", "residents", None, {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}))
        await append_audit(scope.user_id, scope.username, changes)
    return result


async def import_assessments(scope: Scope, rows: list[ParsedRow], dry_run: bool = False) -> ImportResult:
    require_role(scope, ASSESS_ROLES, _("You may not record assessments."))
    today = dates.today()
    numbers = sorted({row.values["id_number"] for row in rows if row.values.get("id_number")})
    people = await _existing_residents(numbers)
    if not scope.is_admin:
        people = {key: value for key, value in people.items() if value["county"] == scope.county_id}
        if scope.role == "director":
            allowed = set()
            for chunk in _chunks([p["id"] for p in people.values()]):
                allowed.update(r["resident"] for r in await Placement.select(Placement.resident).where(Placement.resident.is_in(chunk) & (Placement.home == scope.home_id)))
            people = {key: value for key, value in people.items() if value["id"] in allowed}
    existing: dict[tuple[int, date], list[dict]] = defaultdict(list)
    for chunk in _chunks([person["id"] for person in people.values()]):
        for record in await Assessment.select(Assessment.resident, Assessment.assessed_on, *[getattr(Assessment, item) for item in rules.ITEMS]).where(Assessment.resident.is_in(chunk)):
            existing[(record["resident"], record["assessed_on"])].append(record)
    errors: list[RowError] = []
    seen: dict[tuple[str, date], int] = {}
    plan: list[ImportRowOut] = []
    new_rows: list[dict] = []
    now = dates.now_utc()
    for row in rows:
        values = row.values
        number, day = values.get("id_number"), values.get("assessed_on")
        if not number or not day:
            continue
        person = people.get(number)
        if person is None:
            errors.append(RowError(row.row, row.label("id_number"), _("This person is not in the register.")))
            continue
        key = (number, day)
        if key in seen:
            errors.append(RowError(row.row, row.label("assessed_on"), _("Same person and date as row {row}.").format(row=seen[key])))
            continue
        seen[key] = row.row
        if day > today:
            errors.append(RowError(row.row, row.label("assessed_on"), _("The date cannot be in the future.")))
            continue
        if day < person["birth_date"] or (person["ended_on"] and day > person["ended_on"]):
            errors.append(RowError(row.row, row.label("assessed_on"), _("The date is outside the person's support.")))
            continue
        answers = {item: values[item] for item in rules.ITEMS}
        label = f"{citizen_id.mask(number)} {day.isoformat()}"
        stored = existing.get((person["id"], day))
        if stored:
            if any(all(bool(record[item]) == answers[item] for item in rules.ITEMS) for record in stored):
                plan.append(ImportRowOut(row.row, label, "unchanged"))
            else:
                errors.append(RowError(row.row, row.label("assessed_on"), _("An assessment of this date is recorded with other answers; record a correction in the application.")))
            continue
        plan.append(ImportRowOut(row.row, label, "create"))
        new_rows.append({
            "resident": person["id"], "assessed_on": day, **answers, "tier": rules.care_tier(answers),
            "assessor": values.get("assessor") or "", "reason": "import", "corrects": None,
            "recorded_at": now, "recorded_by": scope.username,
        })
    if errors:
        raise ExchangeError(sorted(errors, key=lambda error: (error.row, error.column)))
    if dry_run:
        return _result("assessments", plan, True)
    async with transaction():
        new_rows.sort(key=lambda item: (item["assessed_on"], item["resident"]))
        await append_rows(ASSESSMENT_LEDGER, new_rows)
        affected = sorted({item["resident"] for item in new_rows})
        for chunk in _chunks(affected):
            await _refresh_tiers(chunk)
            await _close_tasks(chunk)
        result = _result("assessments", plan, False)
        await append_audit(scope.user_id, scope.username, [Change("assessment.import", "import", "assessments", None, {"created": result.created, "unchanged": result.unchanged})])
    return result


async def _refresh_tiers(resident_ids: list[int]) -> None:
    """Set-based: the cached tier and last assessment date from the latest assessment."""
    placeholders = ", ".join("{}" for _ in resident_ids)
    await Resident.raw(
        "UPDATE resident SET "
        "tier = (SELECT a.tier FROM assessment a WHERE a.resident = resident.id ORDER BY a.assessed_on DESC, a.seq DESC LIMIT 1), "
        "last_assessed_on = (SELECT MAX(a.assessed_on) FROM assessment a WHERE a.resident = resident.id) "
        f"WHERE id IN ({placeholders})",
        *resident_ids,
    )


async def _close_tasks(resident_ids: list[int]) -> None:
    tasks = await ReassessmentTask.select(ReassessmentTask.id, ReassessmentTask.resident, ReassessmentTask.reported_on).where(
        ReassessmentTask.resident.is_in(resident_ids) & ReassessmentTask.done_on.is_null() & ReassessmentTask.cancelled_on.is_null()
    )
    if not tasks:
        return
    for task in tasks:
        done = await Assessment.select(Assessment.id, Assessment.assessed_on).where(
            (Assessment.resident == task["resident"]) & (Assessment.assessed_on >= task["reported_on"])
        ).order_by(Assessment.assessed_on).first()
        if done:
            await ReassessmentTask.update({ReassessmentTask.done_on: done["assessed_on"], ReassessmentTask.assessment: done["id"]}).where(ReassessmentTask.id == task["id"])
