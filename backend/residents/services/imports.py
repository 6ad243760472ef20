"""The register import (interfaces.md §3 residents): all or nothing, every error with its row
and column, idempotent, and fast at province scale (set-based reads and writes, ``_bulk``).
The assessments import is in ``assessment_imports``.

A row of a person not yet in the register creates them (with their admission and discharge);
a row of a person already there may only fill what the register leaves empty (a first
admission, the end of support); any other difference is refused: history is changed in the
application, not by import."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from piccolo.query.functions.aggregate import Count

from backend.core import bulk, citizen_id, dates
from backend.core.db import transaction
from backend.core.exchange import (
    ExchangeError,
    ImportResult,
    ImportRowOut,
    ParsedRow,
    RowError,
    import_result,
)
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.permissions import require
from backend.core.security import Scope
from backend.registry import services as registry
from backend.residents import rules
from backend.residents.services._bulk import append_ledger, existing_residents, select_in
from backend.residents.services._common import refresh_state
from backend.residents.tables import PLACEMENT_LEDGER, Placement, Resident

# Rows per chunk of the lists handled in pieces.
BATCH = 5000


@dataclass
class _Plan:
    """What the file does: one plan line per valid row, the persons to create, the fills of
    existing persons (row, person, what is filled), the persons each home gains, the errors."""

    lines: list[ImportRowOut] = field(default_factory=list)
    creates: list[ParsedRow] = field(default_factory=list)
    fills: list[tuple[ParsedRow, dict, list[str]]] = field(default_factory=list)
    new_occupants: Counter = field(default_factory=Counter)
    errors: list[RowError] = field(default_factory=list)


def _stays(values: dict[str, Any]) -> bool:
    """The row places the person in a home they have not left."""
    return values.get("support_mode") == "concentrated" and not values.get("left_on") and not values.get("ended_on")


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


def _check_rows(
    rows: list[ParsedRow], counties: dict[str, int], homes: dict[str, dict], scope: Scope
) -> tuple[list[RowError], dict[str, int]]:
    """Every row's own errors, and a person in two rows; the ID numbers with their first row."""
    today = dates.today()
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for row in rows:
        errors += _row_errors(row, today, counties, homes, scope)
        number = row.values.get("id_number")
        if number in seen:
            errors.append(
                RowError(
                    row.row,
                    row.label("id_number"),
                    _("Same person as row {row}: a person may appear in one row only.").format(row=seen[number]),
                )
            )
        elif number:
            seen[number] = row.row
    return errors, seen


def _register_conflicts(values: dict[str, Any], person: dict[str, Any], counties: dict[str, int]) -> list[str]:
    """The columns in which the row contradicts what the register says of the person."""
    conflicts = []
    if values.get("name") and values["name"] != person["name"]:
        conflicts.append("name")
    if values.get("county_code") in counties and counties[values["county_code"]] != person["county"]:
        conflicts.append("county_code")
    if values.get("approved_on") and values["approved_on"] != person["approved_on"]:
        conflicts.append("approved_on")
    if values.get("ended_on") and person["ended_on"] and values["ended_on"] != person["ended_on"]:
        conflicts.append("ended_on")
    if values.get("area") and person.get("area") and values["area"] != person["area"]:
        conflicts.append("area")
    return conflicts


def _placement_changes(
    values: dict[str, Any], events: list[dict], homes: dict[str, dict], home_by_id: dict[int, str]
) -> tuple[list[str], list[str]]:
    """(the columns contradicting the placement history, what the row fills: "admission" when
    the person has no placement yet)."""
    conflicts: list[str] = []
    filled: list[str] = []
    if values.get("support_mode") == "concentrated" and values.get("home_code") in homes:
        admitted = [(home_by_id.get(e["home"]), e["event_date"]) for e in events if e["kind"] in ("admit", "transfer")]
        if not events:
            filled.append("admission")
        elif (values["home_code"], values.get("admitted_on")) not in admitted:
            conflicts.append("home_code")
        if (
            values.get("left_on")
            and events
            and values["left_on"] not in [e["event_date"] for e in events if e["kind"] == "discharge"]
        ):
            conflicts.append("left_on")
    elif values.get("support_mode") == "dispersed" and events:
        conflicts.append("support_mode")
    return conflicts, filled


def _plan_rows(
    rows: list[ParsedRow],
    existing: dict[str, dict],
    history: dict[int, list[dict]],
    counties: dict[str, int],
    homes: dict[str, dict],
) -> _Plan:
    """Create, fill (an empty field of the register) or unchanged for every row; a difference
    from the register is an error."""
    plan = _Plan()
    home_by_id = {home["id"]: code for code, home in homes.items()}
    for row in rows:
        values = row.values
        number = values.get("id_number")
        if not number:
            continue
        person = existing.get(number)
        if person is None:
            plan.creates.append(row)
            plan.lines.append(ImportRowOut(row.row, citizen_id.mask(number), "create"))
            if _stays(values) and values.get("home_code") in homes:
                plan.new_occupants[values["home_code"]] += 1
            continue
        conflicts = _register_conflicts(values, person, counties)
        placed, filled = _placement_changes(values, history.get(person["id"], []), homes, home_by_id)
        conflicts += placed
        if "admission" in filled and _stays(values):
            plan.new_occupants[values["home_code"]] += 1
        if values.get("ended_on") and not person["ended_on"]:
            filled.append("ended_on")
        if values.get("area") and not person.get("area"):
            filled.append("area")
        for key in conflicts:
            plan.errors.append(
                RowError(
                    row.row, row.label(key), _("Differs from the register; change history in the application, not by import.")
                )
            )
        if conflicts:
            continue
        if filled:
            plan.fills.append((row, person, filled))
            plan.lines.append(ImportRowOut(row.row, citizen_id.mask(number), "update", {key: ["", "✓"] for key in filled}))
        else:
            plan.lines.append(ImportRowOut(row.row, citizen_id.mask(number), "unchanged"))
    return plan


async def _bed_errors(
    rows: list[ParsedRow], plan: _Plan, existing: dict[str, dict], history: dict[int, list[dict]], homes: dict[str, dict]
) -> list[RowError]:
    """Beds: the residents present now plus those this file places must fit in each home."""
    if not plan.new_occupants:
        return []
    present: Counter = Counter()
    code_of = {homes[code]["id"]: code for code in plan.new_occupants}
    for chunk in bulk.chunks(list(code_of), BATCH):
        for item in (
            await Resident.select(Resident.home, Count(Resident.id).as_alias("n"))
            .where(Resident.home.is_in(chunk))
            .group_by(Resident.home)
        ):
            present[code_of[item["home"]]] = item["n"]
    errors: list[RowError] = []
    taken: Counter = Counter()
    for row in rows:
        code = row.values.get("home_code")
        if code not in plan.new_occupants or not _stays(row.values):
            continue
        person = existing.get(row.values.get("id_number"))
        if person is not None and history.get(person["id"]):
            continue
        taken[code] += 1
        if present[code] + taken[code] > homes[code]["beds"]:
            errors.append(
                RowError(
                    row.row,
                    row.label("home_code"),
                    _("The home is full: it has {beds} beds and {present} residents.").format(
                        beds=homes[code]["beds"], present=present[code] + taken[code] - 1
                    ),
                )
            )
    return errors


async def import_residents(scope: Scope, rows: list[ParsedRow], dry_run: bool = False) -> ImportResult:
    require(scope, "register_residents", _("Only the county bureau registers tekun persons."))
    counties = await registry.county_ids(scope)
    homes = await registry.homes_by_code()
    errors, seen = _check_rows(rows, counties, homes, scope)
    existing = await existing_residents(list(seen))
    # Placement history of existing persons, to tell "fill an empty field" from "rewrite history".
    history: dict[int, list[dict]] = defaultdict(list)
    for event in await select_in(
        Placement, ("resident", "kind", "home", "event_date"), "resident", [person["id"] for person in existing.values()]
    ):
        history[event["resident"]].append(event)
    plan = _plan_rows(rows, existing, history, counties, homes)
    errors += plan.errors + await _bed_errors(rows, plan, existing, history, homes)
    if errors:
        raise ExchangeError(sorted(errors, key=lambda error: (error.row, error.column)))
    if dry_run:
        return import_result("residents", plan.lines, True)
    result = import_result("residents", plan.lines, False)
    if plan.creates or plan.fills:  # nothing to write: a re-import changes nothing
        await _write(scope, plan, result, counties, homes)
    return result


# --- writing ----------------------------------------------------------------------------------


def _person_record(values: dict[str, Any], counties: dict[str, int], homes: dict[str, dict], now) -> dict[str, Any]:
    stays = _stays(values)
    return {
        "id_number": values["id_number"],
        "name": values["name"],
        "gender": citizen_id.gender_of(values["id_number"]),
        "birth_date": citizen_id.birth_date(values["id_number"]),
        "county": counties[values["county_code"]],
        "approved_on": values["approved_on"],
        "ended_on": values.get("ended_on"),
        "end_reason": _("ended (import)") if values.get("ended_on") else "",
        "died_on": None,
        "home": homes[values["home_code"]]["id"] if stays else None,
        "admitted_on": values["admitted_on"] if stays else None,
        "tier": rules.UNASSESSED,
        "last_assessed_on": None,
        "created_at": now,
        "area": values.get("area") or "",  # "": the county's default area
    }


def _placement_rows(person_id: int, values: dict[str, Any], homes: dict[str, dict], now, by: str) -> list[dict]:
    """The admission (and discharge, for a person who left) that a row records."""
    if values.get("support_mode") != "concentrated":
        return []
    result = [
        {
            "resident": person_id,
            "kind": "admit",
            "home": homes[values["home_code"]]["id"],
            "event_date": values["admitted_on"],
            "note": "",
            "recorded_at": now,
            "recorded_by": by,
        }
    ]
    leaving = values.get("left_on") or values.get("ended_on")
    if leaving:
        result.append(
            {
                "resident": person_id,
                "kind": "discharge",
                "home": None,
                "event_date": leaving,
                "note": "",
                "recorded_at": now,
                "recorded_by": by,
            }
        )
    return result


async def _create_people(creates: list[ParsedRow], counties: dict[str, int], homes: dict[str, dict], now) -> dict[str, int]:
    """Insert the new persons; their ids by ID number."""
    records = [_person_record(row.values, counties, homes, now) for row in creates]
    await bulk.insert_rows(
        Resident._meta.tablename, list(records[0]) if records else [], [tuple(record.values()) for record in records]
    )
    del records
    found = await select_in(Resident, ("id", "id_number"), "id_number", [row.values["id_number"] for row in creates])
    return {item["id_number"]: item["id"] for item in found}


async def _end_support(fills: list[tuple[ParsedRow, dict, list[str]]]) -> None:
    """Fill the end of support of the persons whose row gives one: one update per date."""
    by_day: dict[date, list[int]] = defaultdict(list)
    for row, person, filled in fills:
        if "ended_on" in filled:
            by_day[row.values["ended_on"]].append(person["id"])
    for day, ids in sorted(by_day.items()):
        for chunk in bulk.chunks(ids, BATCH):
            await Resident.update({Resident.ended_on: day, Resident.end_reason: _("ended (import)")}).where(
                Resident.id.is_in(chunk)
            )


async def _fill_areas(fills: list[tuple[ParsedRow, dict, list[str]]]) -> None:
    """Fill the area of the persons the register left without one: one update per area."""
    by_area: dict[str, list[int]] = defaultdict(list)
    for row, person, filled in fills:
        if "area" in filled:
            by_area[row.values["area"]].append(person["id"])
    for area, ids in sorted(by_area.items()):
        for chunk in bulk.chunks(ids, BATCH):
            await Resident.update({Resident.area: area}).where(Resident.id.is_in(chunk))


async def _write(scope: Scope, plan: _Plan, result: ImportResult, counties: dict[str, int], homes: dict[str, dict]) -> None:
    now = dates.now_utc()
    async with transaction():
        id_of = await _create_people(plan.creates, counties, homes, now)
        events: list[dict] = []
        for row in plan.creates:
            events += _placement_rows(id_of[row.values["id_number"]], row.values, homes, now, scope.username)
        changes = []
        for row, person, filled in plan.fills:
            if "admission" in filled:
                events += _placement_rows(person["id"], row.values, homes, now, scope.username)
            changes.append(
                Change("resident.import_fill", "resident", citizen_id.mask(person["id_number"]), None, {"filled": filled})
            )
        await _end_support(plan.fills)
        await _fill_areas(plan.fills)
        await append_ledger(PLACEMENT_LEDGER, [tuple(event[name] for name in PLACEMENT_LEDGER.fields) for event in events])
        for _row, person, _filled in plan.fills:
            await refresh_state(person["id"])
        changes.append(
            Change(
                "resident.import",
                "import",
                "residents",
                None,
                {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
            )
        )
        await append_audit(scope.user_id, scope.username, changes)
