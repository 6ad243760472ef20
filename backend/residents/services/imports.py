"""The register import (interfaces.md §3 residents) and the helpers the imports share: all or
nothing, every error with its row and column, idempotent, and fast at province scale (set-based
writes). The assessments import is in ``assessment_imports``."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date
from typing import Any

from piccolo.query.functions.aggregate import Count

from backend.core import bulk, citizen_id, dates
from backend.core.db import is_sqlite, transaction
from backend.core.exchange import ExchangeError, ParsedRow, RowError
from backend.core.i18n import _
from backend.core.ledger import (
    Change,
    LedgerSpec,
    append_audit,
    chain_tuples,
    reserve,
    set_head,
)
from backend.core.permissions import require
from backend.core.security import Scope
from backend.registry.schemas import ImportResult, ImportRowOut
from backend.registry.tables import County, Home
from backend.residents import rules
from backend.residents.services._common import (
    refresh_state,
)
from backend.residents.tables import (
    PLACEMENT_LEDGER,
    Placement,
    Resident,
)

# Rows per chunk of the lists handled in pieces.
BATCH = 5000
# Keys per look-up query (one parameter: a JSON array on SQLite, an array on PostgreSQL): few
# round trips (on SQLite each read outside a transaction opens a connection).
LOOKUP = 50_000


def _result(kind: str, plan: list[ImportRowOut], dry_run: bool) -> ImportResult:
    counts = Counter(item.action for item in plan)
    return ImportResult(True, kind, counts["create"], counts["update"], counts["unchanged"], dry_run, plan)


async def _append_ledger(spec: LedgerSpec, rows: list[tuple], chunk: int = 5000) -> int:
    """``ledger.append_rows`` (the same chaining: reserve, the same payload and hash, set_head)
    for rows given as tuples in ``spec.fields`` order, chained (``ledger.chain_tuples``) and
    written chunk by chunk (``bulk.insert_batches``), so that at province scale only a few chunks of full
    rows are in memory at a time. Returns the first sequence number."""
    if not rows:
        return 0
    first_seq, prev_hash = await reserve(spec.name, len(rows))
    columns = [*spec.fields, "seq", "prev_hash", "hash"]
    seq = first_seq

    def chained():
        nonlocal seq, prev_hash
        for part in bulk.chunks(rows, chunk):
            complete = chain_tuples(spec, part, seq, prev_hash)
            seq, prev_hash = seq + len(part), complete[-1][-1]
            yield complete

    await bulk.insert_batches(spec.table._meta.tablename, columns, chained())
    await set_head(spec.name, prev_hash)
    await bulk.analyse_after_bulk(spec.table._meta.tablename, len(rows))
    return first_seq


async def _select_in(table, columns: tuple[str, ...], key: str, values: list, where: str = "", *args: Any) -> list[dict[str, Any]]:
    """``SELECT columns FROM table WHERE key IN (values) [AND where]``, in the caller's
    transaction if any. The keys go in as one parameter per query (SQLite: a JSON array read by
    json_each; PostgreSQL: an array for = ANY), so neither the ORM nor the driver handles a
    placeholder per key; both use the index on ``key``. ``where`` may use ``{}`` for ``args``."""
    found: list[dict[str, Any]] = []
    names = ", ".join(f'"{column}"' for column in columns)
    condition = f'"{key}" IN (SELECT value FROM json_each({{}}))' if is_sqlite() else f'"{key}" = ANY({{}})'
    sql = f'SELECT {names} FROM "{table._meta.tablename}" WHERE {condition}' + (f" AND {where}" if where else "")
    for chunk in bulk.chunks(values, LOOKUP):
        found += await table.raw(sql, json.dumps(chunk) if is_sqlite() else chunk, *args)
    return found


async def _existing_residents(id_numbers: list[str]) -> dict[str, dict[str, Any]]:
    rows = await _select_in(
        Resident, ("id", "id_number", "name", "county", "approved_on", "ended_on", "birth_date", "died_on"), "id_number", id_numbers
    )
    return {row["id_number"]: row for row in rows}


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
    require(scope, "register_residents", _("Only the county bureau registers tekun persons."))
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
    for event in await _select_in(Placement, ("resident", "kind", "home", "event_date"), "resident", [person["id"] for person in existing.values()]):
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
        code_of = {homes[code]["id"]: code for code in new_occupants}
        for chunk in bulk.chunks(list(code_of), BATCH):
            for item in await Resident.select(Resident.home, Count(Resident.id).as_alias("n")).where(Resident.home.is_in(chunk)).group_by(Resident.home):
                present[code_of[item["home"]]] = item["n"]
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
    if not creates and not fills:
        return _result("residents", plan, False)  # nothing to write: a re-import changes nothing
    now = dates.now_utc()
    ended_reason = _("ended (import)")
    async with transaction():
        id_of: dict[str, int] = {}
        records = []
        for row in creates:
            values = row.values
            stays = values["support_mode"] == "concentrated" and not values.get("left_on") and not values.get("ended_on")
            records.append({
                "id_number": values["id_number"], "name": values["name"], "gender": citizen_id.gender_of(values["id_number"]),
                "birth_date": citizen_id.birth_date(values["id_number"]), "county": counties[values["county_code"]],
                "approved_on": values["approved_on"], "ended_on": values.get("ended_on"),
                "end_reason": ended_reason if values.get("ended_on") else "",
                "died_on": None,
                "home": homes[values["home_code"]]["id"] if stays else None,
                "admitted_on": values["admitted_on"] if stays else None,
                "tier": rules.UNASSESSED, "last_assessed_on": None,
                "created_at": now,
            })
        await bulk.insert_rows(Resident._meta.tablename, list(records[0]) if records else [], [tuple(record.values()) for record in records])
        del records
        for item in await _select_in(Resident, ("id", "id_number"), "id_number", [row.values["id_number"] for row in creates]):
            id_of[item["id_number"]] = item["id"]
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
        await _append_ledger(PLACEMENT_LEDGER, [tuple(event[name] for name in PLACEMENT_LEDGER.fields) for event in events])
        for _row, person, _filled in fills:
            await refresh_state(person["id"])
        result = _result("residents", plan, False)
        changes.append(Change("resident.import", "import", "residents", None, {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}))
        await append_audit(scope.user_id, scope.username, changes)
    return result
