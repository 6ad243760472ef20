"""The deaths import (interfaces §3 deaths): all or nothing, idempotent on the ID number."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from backend.core import citizen_id, dates
from backend.core.db import transaction
from backend.core.exchange import ExchangeError, ParsedRow, RowError
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.permissions import require
from backend.core.security import Scope
from backend.core.settings import get_settings
from backend.deaths.services._common import (
    _record_in_force,
)
from backend.deaths.services._report import _apply
from backend.registry.schemas import ImportResult, ImportRowOut
from backend.residents.services._common import (
    find_resident,
    resident_where,
)
from backend.residents.tables import Resident


def _same(previous: dict[str, Any], died_at: datetime, reported_at: datetime, values: dict[str, Any]) -> bool:
    return (
        previous["died_at"] == died_at and previous["reported_at"] == reported_at
        and all((values.get(name) or "") == previous[name] for name in ("place", "cause", "certificate_no"))
    )


async def import_deaths(scope: Scope, rows: list[ParsedRow], dry_run: bool = False) -> ImportResult:
    """All or nothing; idempotent on ``id_number``: a row equal to the record in force is
    unchanged, a different one is recorded as a correction (audited), a new person's death is
    reported with all its consequences."""
    require(scope, "import_deaths", _("Only the county bureau imports deaths."))
    now = dates.now_utc()
    tz = get_settings().tz
    numbers = sorted({row.values["id_number"] for row in rows if row.values.get("id_number")})
    people: dict[str, dict[str, Any]] = {}
    for start in range(0, len(numbers), 900):
        query = Resident.select(Resident.id, Resident.id_number).where(Resident.id_number.is_in(numbers[start : start + 900]))
        if (condition := resident_where(scope)) is not None:
            query = query.where(condition)
        people.update({row["id_number"]: row for row in await query})
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    plan: list[ImportRowOut] = []
    work: list[tuple[ParsedRow, dict[str, Any], datetime, datetime, bool]] = []
    details: dict[int, dict[str, Any]] = {}
    for row in rows:
        values = row.values
        number = values.get("id_number")
        if not number or values.get("died_at") is None or values.get("reported_at") is None:
            continue
        if number in seen:
            errors.append(RowError(row.row, row.label("id_number"), _("Same person as row {row}: a person may appear in one row only.").format(row=seen[number])))
            continue
        seen[number] = row.row
        found = people.get(number)
        if found is None:
            errors.append(RowError(row.row, row.label("id_number"), _("This person is not in the register.")))
            continue
        raw = values["died_at"]
        time_known = isinstance(raw, datetime)
        died_at = raw.astimezone(UTC) if time_known else datetime.combine(raw, datetime.min.time()).replace(tzinfo=tz).astimezone(UTC)
        reported_at = values["reported_at"]
        if reported_at > now:
            errors.append(RowError(row.row, row.label("reported_at"), _("The date cannot be in the future.")))
            continue
        if reported_at < died_at:
            errors.append(RowError(row.row, row.label("reported_at"), _("The report cannot be before the death.")))
            continue
        if found["id"] not in details:
            details[found["id"]] = await find_resident(scope, found["id"])
        person = details[found["id"]]
        died_on = dates.local(died_at).date()
        if died_on < person["birth_date"]:
            errors.append(RowError(row.row, row.label("died_at"), _("The date is before the person was born.")))
            continue
        if died_on < person["approved_on"]:
            errors.append(RowError(row.row, row.label("died_at"), _("The date is before the approval date.")))
            continue
        work.append((row, person, died_at, reported_at, time_known))
    if errors:
        raise ExchangeError(sorted(errors, key=lambda error: (error.row, error.column)))
    actions: list[tuple[str, tuple]] = []
    for item in work:
        row, person, died_at, reported_at, _known = item
        previous = await _record_in_force(person["id"])
        label = f"{citizen_id.mask(person['id_number'])} {dates.local(died_at).date().isoformat()}"
        if previous is None:
            action = "create"
        elif _same(previous, died_at, reported_at, row.values):
            action = "unchanged"
        else:
            action = "update"
        plan.append(ImportRowOut(row.row, label, action))
        actions.append((action, item))
    counts = Counter(item.action for item in plan)
    result = ImportResult(True, "deaths", counts["create"], counts["update"], counts["unchanged"], dry_run, plan)
    if dry_run or not (counts["create"] or counts["update"]):
        return result
    async with transaction():
        for action, (row, person, died_at, reported_at, time_known) in actions:
            if action == "unchanged":
                continue
            previous = await _record_in_force(person["id"]) if action == "update" else None
            texts = {
                "place": row.values.get("place") or "", "cause": row.values.get("cause") or "",
                "certificate_no": row.values.get("certificate_no") or "", "reporter": "",
                "funeral_arrangements": previous["funeral_arrangements"] if previous else "",
                "reason": _("Corrected by an imported file."),
            }
            if previous is not None:
                texts["reporter"] = previous["reporter"]
            await _apply(scope, person, died_at, reported_at, texts, time_known=time_known, source="import", previous=previous, now=now)
        await append_audit(scope.user_id, scope.username, [Change("death.import", "import", "deaths", None, {"created": result.created, "updated": result.updated, "unchanged": result.unchanged})])
    return result
