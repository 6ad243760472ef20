"""The deaths import (interfaces §3 deaths): all or nothing, idempotent on the ID number."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from backend.core import citizen_id, dates
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
from backend.core.settings import get_settings
from backend.deaths.services._common import _records_in_force
from backend.deaths.services._report import _apply
from backend.residents import services as residents

# A row to apply: the row, the person (as residents.find_resident gives them), the time of
# death and of the report (aware, UTC), whether the time of death is known (not a date alone).
Work = tuple[ParsedRow, dict[str, Any], datetime, datetime, bool]


def _same(previous: dict[str, Any], died_at: datetime, time_known: bool, reported_at: datetime, values: dict[str, Any]) -> bool:
    return (
        previous["died_at"] == died_at
        and bool(previous["time_known"]) == time_known
        and previous["reported_at"] == reported_at
        and all((values.get(name) or "") == previous[name] for name in ("place", "cause", "certificate_no"))
    )


def _died_at(raw: Any) -> tuple[datetime, bool]:
    """The time of death as aware UTC, and whether a time was given (a date alone: 00:00 of it,
    local time, with the time unknown: the deadline runs from the end of that day)."""
    if isinstance(raw, datetime):
        return raw.astimezone(UTC), True
    return datetime.combine(raw, datetime.min.time()).replace(tzinfo=get_settings().tz).astimezone(UTC), False


def _check_row(row: ParsedRow, person: dict[str, Any], now: datetime) -> RowError | Work:
    """The row's first error, or what to apply."""
    died_at, time_known = _died_at(row.values["died_at"])
    reported_at = row.values["reported_at"]
    if reported_at > now:
        return RowError(row.row, row.label("reported_at"), _("The date cannot be in the future."))
    if reported_at < died_at:
        return RowError(row.row, row.label("reported_at"), _("The report cannot be before the death."))
    died_on = dates.local(died_at).date()
    if died_on < person["birth_date"]:
        return RowError(row.row, row.label("died_at"), _("The date is before the person was born."))
    if died_on < person["approved_on"]:
        return RowError(row.row, row.label("died_at"), _("The date is before the approval date."))
    return (row, person, died_at, reported_at, time_known)


def _check_rows(rows: list[ParsedRow], people: dict[str, dict[str, Any]], now: datetime) -> tuple[list[Work], list[RowError]]:
    """Every row checked: what to apply, and the errors (a person named twice, not in the
    register or out of scope, impossible times)."""
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    work: list[Work] = []
    for row in rows:
        values = row.values
        number = values.get("id_number")
        if not number or values.get("died_at") is None or values.get("reported_at") is None:
            continue
        if number in seen:
            errors.append(
                RowError(
                    row.row,
                    row.label("id_number"),
                    _("Same person as row {row}: a person may appear in one row only.").format(row=seen[number]),
                )
            )
            continue
        seen[number] = row.row
        person = people.get(number)
        if person is None:
            errors.append(RowError(row.row, row.label("id_number"), _("This person is not in the register.")))
            continue
        checked = _check_row(row, person, now)
        if isinstance(checked, RowError):
            errors.append(checked)
        else:
            work.append(checked)
    return work, errors


async def _plan(work: list[Work]) -> tuple[list[ImportRowOut], list[tuple[str, Work]]]:
    """Create (a first death record), update (a correction) or unchanged for every row."""
    in_force = await _records_in_force([person["id"] for _row, person, *_rest in work])
    plan: list[ImportRowOut] = []
    actions: list[tuple[str, Work]] = []
    for item in work:
        row, person, died_at, reported_at, known = item
        previous = in_force.get(person["id"])
        label = f"{citizen_id.mask(person['id_number'])} {dates.local(died_at).date().isoformat()}"
        if previous is None:
            action = "create"
        elif _same(previous, died_at, known, reported_at, row.values):
            action = "unchanged"
        else:
            action = "update"
        plan.append(ImportRowOut(row.row, label, action))
        actions.append((action, item))
    return plan, actions


async def _write(scope: Scope, actions: list[tuple[str, Work]], now: datetime) -> None:
    """Apply the new records and the corrections, each with all its consequences (``_apply``);
    the records in force are read again in the write transaction (the caller's)."""
    changed = [(action, item) for action, item in actions if action != "unchanged"]
    in_force = await _records_in_force([item[1]["id"] for _action, item in changed])
    for action, (row, person, died_at, reported_at, time_known) in changed:
        previous = in_force.get(person["id"]) if action == "update" else None
        texts = {
            "place": row.values.get("place") or "",
            "cause": row.values.get("cause") or "",
            "certificate_no": row.values.get("certificate_no") or "",
            "reporter": previous["reporter"] if previous else "",
            "funeral_arrangements": previous["funeral_arrangements"] if previous else "",
            "reason": _("Corrected by an imported file."),
        }
        await _apply(
            scope, person, died_at, reported_at, texts, time_known=time_known, source="import", previous=previous, now=now
        )


async def import_deaths(scope: Scope, rows: list[ParsedRow], dry_run: bool = False) -> ImportResult:
    """All or nothing; idempotent on ``id_number``: a row equal to the record in force is
    unchanged, a different one is recorded as a correction (audited), a new person's death is
    reported with all its consequences."""
    require(scope, "import_deaths", _("Only the county bureau imports deaths."))
    now = dates.now_utc()
    people = await residents.find_by_id_numbers(scope, (row.values.get("id_number") for row in rows))
    work, errors = _check_rows(rows, people, now)
    if errors:
        raise ExchangeError(sorted(errors, key=lambda error: (error.row, error.column)))
    plan, actions = await _plan(work)
    result = import_result("deaths", plan, dry_run)
    if dry_run or not (result.created or result.updated):
        return result
    async with transaction():
        await _write(scope, actions, now)
        await append_audit(
            scope.user_id,
            scope.username,
            [
                Change(
                    "death.import",
                    "import",
                    "deaths",
                    None,
                    {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
                )
            ],
        )
    return result
