"""The ``staff`` and ``training`` imports (interfaces §3): all or nothing, idempotent on their
natural keys (home + staff number; home + staff number + topic + date).

A row whose post exists updates it where the file gives a value: an empty optional cell (or a
column left out) keeps what is stored, so a file never erases. The import records facts the
county collected: it does not ask to confirm a breach of the ratio (the ratio pages show it)."""

from __future__ import annotations

from typing import Any

from backend.core import dates
from backend.core.db import transaction
from backend.core.exchange import ExchangeError, ImportResult, ImportRowOut, ParsedRow, RowError, import_result
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.permissions import require
from backend.core.security import Scope
from backend.registry import services as registry
from backend.staffing.services._staff import (
    FIELDS,
    _stored,
    audit_view,
    check_post,
    normalised,
    overlap,
    overlap_message,
    posts_of_numbers,
    visible,
)
from backend.staffing.services._training import check_training, hours_text
from backend.staffing.tables import StaffMember, TrainingRecord

# A post's field → the file's column key (the file calls the post 岗位 / ``role``).
COLUMN_OF = {name: name for name in FIELDS} | {"post": "role"}
_OPTIONAL = ("left_on", "health_cert_expires", "fire_operator_cert", "employment", "carer_cert", "id_number")
_DEFAULTS = {
    "left_on": None,
    "left_reason": "",
    "health_cert_expires": None,
    "fire_operator_cert": False,
    "employment": "",
    "carer_cert": "",
    "id_number": "",
}


def _may_import(scope: Scope) -> None:
    require(scope, "import_staff", _("Only the county's staff import the staff and training files."))


async def _homes(scope: Scope, rows: list[ParsedRow]) -> dict[str, dict[str, Any]]:
    """Home code → home, for the codes of the file that are in the actor's scope."""
    found = await registry.homes_by_code({row.values.get("home_code") for row in rows if row.values.get("home_code")})
    return {code: home for code, home in found.items() if visible(scope, home)}


async def _posts(home_ids: list[int]) -> dict[tuple[int, str], dict[str, Any]]:
    if not home_ids:
        return {}
    rows = await StaffMember.select().where(StaffMember.home.is_in(sorted(set(home_ids))))
    return {(row["home"], row["staff_no"]): row for row in rows}


def _keys_of(rows: list[ParsedRow], homes: dict[str, dict[str, Any]], extra: tuple[str, ...]) -> tuple[list, list[RowError]]:
    """The rows whose home is known and whose natural key is not repeated, and the errors."""
    errors: list[RowError] = []
    seen: dict[tuple, int] = {}
    kept = []
    for row in rows:
        values = row.values
        code, staff_no = values.get("home_code"), values.get("staff_no")
        if not code or not staff_no or any(values.get(name) is None for name in extra):
            continue
        if code not in homes:
            errors.append(RowError(row.row, row.label("home_code"), _("No such home in your scope.")))
            continue
        key = (code, staff_no, *(values[name] for name in extra))
        if key in seen:
            errors.append(RowError(row.row, row.label("staff_no"), _("Same record as row {row}.").format(row=seen[key])))
            continue
        seen[key] = row.row
        kept.append(row)
    return kept, errors


# --- staff ------------------------------------------------------------------------------------


def _merged(row: ParsedRow, existing: dict[str, Any] | None) -> dict[str, Any]:
    values = dict(existing) if existing else dict(_DEFAULTS)
    given = row.values
    values.update(staff_no=given["staff_no"], name=given.get("name"), post=given.get("role"), hired_on=given.get("hired_on"))
    for name in _OPTIONAL:
        if given.get(name) is not None:
            values[name] = given[name]
    return normalised(values)


def _overlap_errors(scope: Scope, planned: list[tuple[ParsedRow, dict, dict | None]], others: list[dict], homes_by_id) -> list:
    """Every planned post whose ID number holds another post (in the file or the database) at
    the same time; the other's home named when the actor may see it."""
    mine = {existing["id"] for _row, _values, existing in planned if existing}
    stored = [other for other in others if other["id"] not in mine]
    errors = []
    for index, (row, values, _existing) in enumerate(planned):
        number = values.get("id_number")
        if not number:
            continue
        span = (values["hired_on"], values["left_on"])
        clash = next(
            (
                other_row
                for other_row, other, _e in planned[:index] + planned[index + 1 :]
                if other.get("id_number") == number and overlap(span, (other["hired_on"], other["left_on"]))
            ),
            None,
        )
        if clash is not None:
            message = _("The same ID number holds an overlapping post in row {row}.").format(row=clash.row)
            errors.append(RowError(row.row, row.label("id_number"), message))
            continue
        for other in stored:
            if other["id_number"] == number and overlap(span, (other["hired_on"], other["left_on"])):
                message = overlap_message(scope, homes_by_id.get(other["home"]), other["hired_on"], other["left_on"])
                errors.append(RowError(row.row, row.label("id_number"), message))
                break
    return errors


async def _plan_staff(scope: Scope, rows: list[ParsedRow]) -> list[tuple[str, ParsedRow, dict, dict | None, dict]]:
    homes = await _homes(scope, rows)
    kept, errors = _keys_of(rows, homes, ())
    existing = await _posts([home["id"] for home in homes.values()])
    planned = []
    for row in kept:
        if any(row.values.get(name) is None for name in ("name", "role", "hired_on")):
            continue  # a cell refused or missing: the reader has said so
        home = homes[row.values["home_code"]]
        before = existing.get((home["id"], row.values["staff_no"]))
        values = _merged(row, before)
        problems = check_post(values)
        for field, message in problems.items():
            errors.append(RowError(row.row, row.label(COLUMN_OF.get(field, field)), message))
        if not problems:
            planned.append((row, values, before))
    numbers = {values["id_number"] for _row, values, _before in planned if values.get("id_number")}
    others = await posts_of_numbers(numbers)
    homes_by_id = await registry.homes_by_id({other["home"] for other in others})
    errors += _overlap_errors(scope, planned, others, homes_by_id)
    if errors:
        raise ExchangeError(sorted(errors, key=lambda error: (error.row, error.column)))
    plan = []
    for row, values, before in planned:
        stored = _stored(values)
        if before is None:
            action, changes = "create", {}
        else:
            changes = {
                name: [str(audit_view(before)[name]), str(audit_view(values)[name])]
                for name in FIELDS
                if stored[name] != before[name]
            }
            action = "update" if changes else "unchanged"
        plan.append((action, row, values, before, changes))
    return plan


async def import_staff(scope: Scope, rows: list[ParsedRow], dry_run: bool = False) -> ImportResult:
    """The ``staff`` file: every row checked first (the post's rules, homes in scope, one ID
    number's posts not overlapping across homes, within the file and against the database);
    then created / updated / unchanged, one ``staff.import`` audit change per written row. The
    checks and the writes are one transaction, so a post written meanwhile by someone else is
    either seen by the checks or waits (a dry run only reads)."""
    _may_import(scope)
    if dry_run:
        return _staff_result(await _plan_staff(scope, rows), True)
    async with transaction():
        plan = await _plan_staff(scope, rows)
        result = _staff_result(plan, False)
        if result.created or result.updated:
            await _write_staff(scope, rows, plan)
    return result


def _staff_result(plan, dry_run: bool) -> ImportResult:
    out = [
        ImportRowOut(row.row, f"{row.values['home_code']}/{row.values['staff_no']}", action, changes)
        for action, row, _values, _before, changes in plan
    ]
    return import_result("staff", out, dry_run)


async def _write_staff(scope: Scope, rows: list[ParsedRow], plan) -> None:
    homes = await _homes(scope, rows)
    now = dates.now_utc()
    audit = []
    for action, row, values, before, _changes in plan:
        if action == "unchanged":
            continue
        stored = _stored(values)
        if before is None:
            home_id = homes[row.values["home_code"]]["id"]
            await StaffMember(home=home_id, created_at=now, updated_at=now, **stored).save()
        else:
            await StaffMember.update({**stored, "updated_at": now}).where(StaffMember.id == before["id"])
        key = f"{row.values['home_code']}/{row.values['staff_no']}"
        audit.append(Change("staff.import", "staff", key, audit_view(before) if before else None, audit_view(values)))
    await append_audit(scope.user_id, scope.username, audit)


# --- training ---------------------------------------------------------------------------------


async def _plan_training(scope: Scope, rows: list[ParsedRow]) -> list[tuple[str, ParsedRow, int, dict | None, dict]]:
    homes = await _homes(scope, rows)
    kept, errors = _keys_of(rows, homes, ("topic", "trained_on"))
    posts = await _posts([home["id"] for home in homes.values()])
    checked = []
    for row in kept:
        values = row.values
        post = posts.get((homes[values["home_code"]]["id"], values["staff_no"]))
        if post is None:
            errors.append(RowError(row.row, row.label("staff_no"), _("No such staff number in this home.")))
            continue
        if values.get("hours") is None:
            continue  # refused by the reader
        problems = check_training(values["topic"], values["trained_on"], values.get("hours"), values.get("provider") or "")
        errors += [RowError(row.row, row.label(field), message) for field, message in problems.items()]
        if not problems:
            checked.append((row, post["id"]))
    if errors:
        raise ExchangeError(sorted(errors, key=lambda error: (error.row, error.column)))
    stored: dict[tuple, dict[str, Any]] = {}
    staff_ids = sorted({staff_id for _row, staff_id in checked})
    for start in range(0, len(staff_ids), 500):
        for record in await TrainingRecord.select().where(TrainingRecord.staff.is_in(staff_ids[start : start + 500])):
            stored[(record["staff"], record["topic"], record["trained_on"])] = record
    plan = []
    for row, staff_id in checked:
        values = row.values
        before = stored.get((staff_id, values["topic"], values["trained_on"]))
        changes: dict[str, list[str]] = {}
        if before is not None:
            if values["hours"] != before["hours_tenths"]:
                changes["hours"] = [hours_text(before["hours_tenths"]), hours_text(values["hours"])]
            if values.get("provider") and values["provider"] != before["provider"]:
                changes["provider"] = [before["provider"], values["provider"]]
        action = "create" if before is None else ("update" if changes else "unchanged")
        plan.append((action, row, staff_id, before, changes))
    return plan


def _training_key(row: ParsedRow) -> str:
    values = row.values
    return f"{values['home_code']}/{values['staff_no']}/{values['topic']}/{values['trained_on'].isoformat()}"


async def import_training(scope: Scope, rows: list[ParsedRow], dry_run: bool = False) -> ImportResult:
    """The ``training`` file: the post must exist in that home (in scope); a record with the
    same home, staff number, topic and date is updated (hours, provider) or unchanged; one
    ``training.import`` audit change per written row."""
    _may_import(scope)
    if dry_run:
        return _training_result(await _plan_training(scope, rows), True)
    async with transaction():  # the checks and the writes: one transaction
        plan = await _plan_training(scope, rows)
        result = _training_result(plan, False)
        if result.created or result.updated:
            await _write_training(scope, plan)
    return result


def _training_result(plan, dry_run: bool) -> ImportResult:
    out = [ImportRowOut(row.row, _training_key(row), action, changes) for action, row, _id, _before, changes in plan]
    return import_result("training", out, dry_run)


async def _write_training(scope: Scope, plan) -> None:
    now = dates.now_utc()
    audit = []
    for action, row, staff_id, before, _changes in plan:
        if action == "unchanged":
            continue
        values = row.values
        provider = values.get("provider") or (before["provider"] if before else "")
        if before is None:
            await TrainingRecord(
                staff=staff_id,
                topic=values["topic"],
                trained_on=values["trained_on"],
                hours_tenths=values["hours"],
                provider=provider,
                created_at=now,
                created_by=scope.username,
            ).save()
        else:
            await TrainingRecord.update({"hours_tenths": values["hours"], "provider": provider}).where(
                TrainingRecord.id == before["id"]
            )
        after = {"hours": hours_text(values["hours"]), "provider": provider}
        was = {"hours": hours_text(before["hours_tenths"]), "provider": before["provider"]} if before else None
        audit.append(Change("training.import", "training", _training_key(row), was, after))
    await append_audit(scope.user_id, scope.username, audit)
