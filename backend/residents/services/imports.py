"""Imports of the register and of assessments (interfaces.md §3): all or nothing, every error
with its row and column, idempotent, and fast at province scale (set-based writes)."""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from datetime import date
from typing import Any

from piccolo.columns import Boolean
from piccolo.query.functions.aggregate import Count

from backend.core import citizen_id, dates
from backend.core.db import is_sqlite, transaction
from backend.core.exchange import ExchangeError, ParsedRow, RowError
from backend.core.i18n import _
from backend.core.ledger import (
    Change,
    LedgerSpec,
    _normalise,
    append_audit,
    reserve,
    set_head,
)
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

# Keys per IN (…) query: few round trips (on SQLite each read outside a transaction opens a
# connection), well below the 32,766 parameters of SQLite ≥ 3.32 and asyncpg's 32,767.
BATCH = 5000


def _result(kind: str, plan: list[ImportRowOut], dry_run: bool) -> ImportResult:
    counts = Counter(item.action for item in plan)
    return ImportResult(True, kind, counts["create"], counts["update"], counts["unchanged"], dry_run, plan)


def _chunks(values: list, size: int = BATCH):
    for start in range(0, len(values), size):
        yield values[start : start + size]


async def _insert_statement(table, columns: list[str]) -> tuple[Any, str]:
    """The connection of the caller's transaction and a one-row INSERT for its executemany."""
    transaction_ = table._meta.db.current_transaction.get()
    if transaction_ is None:
        raise RuntimeError("set-based inserts run inside transaction()")
    connection = transaction_.connection
    names = ", ".join(f'"{column}"' for column in columns)
    if is_sqlite():
        # A larger page cache for this transaction's connection (the default is 2 MB): index
        # inserts in random order then stay in memory. Gone with the connection.
        await connection.execute("PRAGMA cache_size = -131072")
        marks = ", ".join("?" for _ in columns)
    else:
        marks = ", ".join(f"${index}" for index in range(1, len(columns) + 1))
    return connection, f'INSERT INTO "{table._meta.tablename}" ({names}) VALUES ({marks})'


async def _insert_many(table, columns: list[str], rows: list[tuple], chunk: int = 5000) -> None:
    """Set-based INSERT through the driver's executemany, on the connection of the caller's
    transaction. Building one ORM object and query string per row costs about half a millisecond
    a row (a minute at province scale); this path costs a few microseconds. Values are adapted by
    the same driver adapters as the ORM's (SQLite: dates as ISO text, aware datetimes in UTC)."""
    if not rows:
        return
    connection, sql = await _insert_statement(table, columns)
    for part in _chunks(rows, chunk):
        await _write(connection, table, columns, sql, part)
    await _analyse_after_bulk(table, len(rows))


async def _analyse_after_bulk(table, count: int) -> None:
    """Fresh statistics after a bulk load on PostgreSQL: otherwise the planner may treat the
    follow-up queries (the tier refresh) as if the table were still small, i.e. a scan per row."""
    if not is_sqlite() and count >= 10_000:
        await table.raw(f'ANALYZE "{table._meta.tablename}"')


async def _write(connection, table, columns: list[str], sql: str, rows: list[tuple]) -> None:
    """PostgreSQL: COPY (asyncpg's binary copy, several times faster than an INSERT per row; the
    values already have the column types: date, bool, int, str, aware datetime). SQLite and
    CockroachDB: executemany."""
    from piccolo.engine.cockroach import CockroachEngine
    from piccolo.engine.postgres import PostgresEngine

    engine = table._meta.db
    if isinstance(engine, PostgresEngine) and not isinstance(engine, CockroachEngine):
        await connection.copy_records_to_table(table._meta.tablename, records=rows, columns=columns)
    else:
        await connection.executemany(sql, rows)


# ledger.canonical without building an encoder per row (json.dumps does exactly this).
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


async def _append_ledger(spec: LedgerSpec, rows: list[tuple], chunk: int = 5000) -> None:
    """``ledger.append_rows`` (the same chaining: reserve, ledger.chain_hash over the same payload,
    set_head) for rows given as tuples in ``spec.fields`` order, chained and inserted chunk by
    chunk so that at province scale only one chunk of full rows is in memory at a time."""
    if not rows:
        return
    fields = spec.fields
    booleans = {name for name in fields if isinstance(getattr(spec.table, name), Boolean)}
    texts: dict[Any, Any] = {}  # dates and times repeat: normalise each once

    def normal(name: str, value: Any) -> Any:
        if value is None:
            return None
        if name in booleans:
            return bool(value)
        if isinstance(value, date):  # datetime too
            text = texts.get(value)
            if text is None:
                text = texts[value] = _normalise(value)
            return text
        return _normalise(value)

    seq, prev_hash = await reserve(spec.name, len(rows))
    columns = [*fields, "seq", "prev_hash", "hash"]
    connection, sql = await _insert_statement(spec.table, columns)
    for part in _chunks(rows, chunk):
        complete = []
        for values in part:
            # The payload of ledger._payload (Boolean columns as bools, dates as ISO text).
            payload: dict[str, Any] = {"seq": seq}
            for name, value in zip(fields, values, strict=True):
                payload[name] = normal(name, value)
            row_hash = hashlib.sha256((prev_hash + _CANONICAL.encode(payload)).encode("utf-8")).hexdigest()
            complete.append((*values, seq, prev_hash, row_hash))
            seq, prev_hash = seq + 1, row_hash
        await _write(connection, spec.table, columns, sql, complete)
    await set_head(spec.name, prev_hash)
    await _analyse_after_bulk(spec.table, len(rows))


async def _existing_residents(id_numbers: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(id_numbers):
        rows = await Resident.select(
            Resident.id, Resident.id_number, Resident.name, Resident.county, Resident.approved_on,
            Resident.ended_on, Resident.birth_date, Resident.died_on,
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
        code_of = {homes[code]["id"]: code for code in new_occupants}
        for chunk in _chunks(list(code_of)):
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
        await _insert_many(Resident, list(records[0]) if records else [], [tuple(record.values()) for record in records])
        del records
        for chunk in _chunks([row.values["id_number"] for row in creates]):
            for item in await Resident.select(Resident.id, Resident.id_number).where(Resident.id_number.is_in(chunk)):
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
    new_rows: list[tuple] = []  # in ASSESSMENT_LEDGER.fields order (compact: 360,000 at province scale)
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
        if person["died_on"] and day > person["died_on"]:  # the record is locked after a death
            errors.append(RowError(row.row, row.label("assessed_on"), _("This person died on {day}: nothing dated after the day of death can be recorded.").format(day=person["died_on"].isoformat())))
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
        record = {
            "resident": person["id"], "assessed_on": day, **answers, "tier": rules.care_tier(answers),
            "assessor": values.get("assessor") or "", "reason": "import", "corrects": None,
            "recorded_at": now, "recorded_by": scope.username,
        }
        new_rows.append(tuple(record[name] for name in ASSESSMENT_LEDGER.fields))
    if errors:
        raise ExchangeError(sorted(errors, key=lambda error: (error.row, error.column)))
    if dry_run:
        return _result("assessments", plan, True)
    if not new_rows:
        return _result("assessments", plan, False)  # nothing to write: a re-import changes nothing
    async with transaction():
        person_at, date_at = ASSESSMENT_LEDGER.fields.index("resident"), ASSESSMENT_LEDGER.fields.index("assessed_on")
        new_rows.sort(key=lambda item: (item[date_at], item[person_at]))  # by date, then person
        await _append_ledger(ASSESSMENT_LEDGER, new_rows)
        affected = sorted({item[person_at] for item in new_rows})
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
