"""The counties and homes imports (interfaces.md §3): all or nothing, idempotent on the code."""

from __future__ import annotations

from typing import Any

from backend.core import dates
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
from backend.core.ledger import Change
from backend.core.security import Scope
from backend.registry.services._common import _diff, audit, require_admin
from backend.registry.tables import County, Home

Write = tuple[ParsedRow, dict, dict]


def _plan(
    rows: list[ParsedRow], key: str, existing: dict[str, dict[str, Any]], fields: tuple[str, ...]
) -> tuple[list[ImportRowOut], list[Write]]:
    """Decide create / update / unchanged for every row; only columns present are compared."""
    plan: list[ImportRowOut] = []
    writes: list[Write] = []
    for row in rows:
        natural_key = row.values[key]
        values = {name: row.values[name] for name in fields if name in row.values}
        current = existing.get(natural_key)
        if current is None:
            plan.append(ImportRowOut(row.row, natural_key, "create"))
            writes.append((row, {}, values))
            continue
        before, after = _diff(current, values)
        if after:
            changes = {name: [str(before[name]), str(after[name])] for name in after}
            plan.append(ImportRowOut(row.row, natural_key, "update", changes))
            writes.append((row, before, after))
        else:
            plan.append(ImportRowOut(row.row, natural_key, "unchanged"))
    return plan, writes


def _duplicates(rows: list[ParsedRow], key: str) -> list[RowError]:
    seen: dict[str, int] = {}
    errors = []
    for row in rows:
        value = row.values.get(key)
        if value in seen:
            errors.append(RowError(row.row, row.label(key), _("Same value as row {row}.").format(row=seen[value])))
        else:
            seen[value] = row.row
    return errors


async def import_counties(scope: Scope, rows: list[ParsedRow], dry_run: bool = False) -> ImportResult:
    require_admin(scope)
    errors = _duplicates(rows, "county_code")
    if errors:
        raise ExchangeError(errors)
    for row in rows:
        row.values["code"] = row.values.pop("county_code")
    fields = ("name", "province")
    async with transaction():
        existing = {row["code"]: row for row in await County.select()}
        plan, writes = _plan(rows, "code", existing, fields)
        if dry_run:
            return import_result("counties", plan, True)
        now = dates.now_utc()
        changes = []
        for row, before, after in writes:
            code = row.values["code"]
            if code in existing:
                await County.update(after).where(County.code == code)
                changes.append(Change("county.update", "county", code, before, after))
            else:
                await County.insert(County(code=code, created_at=now, **after))
                changes.append(Change("county.create", "county", code, None, after))
        await audit(scope, changes)
    return import_result("counties", plan, False)


def _home_errors(rows: list[ParsedRow], counties: dict[str, int], existing: dict[str, dict]) -> list[RowError]:
    """Duplicate codes, unknown counties, and a home the file would move to another county."""
    errors = _duplicates(rows, "home_code")
    for row in rows:
        county_code = row.values.get("county_code")
        if county_code not in counties:
            errors.append(RowError(row.row, row.label("county_code"), _("No county has this code.")))
            continue
        current = existing.get(row.values["home_code"])
        if current is not None and current["county_code"] != county_code:
            errors.append(
                RowError(
                    row.row,
                    row.label("county_code"),
                    _("This home belongs to county {code}; an import cannot move it.").format(code=current["county_code"]),
                )
            )
    return sorted(errors, key=lambda error: error.row)


def _home_values(rows: list[ParsedRow]) -> None:
    """Rename the key column and give an empty address and "no fire control room" their stored values."""
    for row in rows:
        row.values["code"] = row.values.pop("home_code")
        if row.values.get("address") is None and "address" in row.values:
            row.values["address"] = ""
        if row.values.get("has_fire_control_room") is None and "has_fire_control_room" in row.values:
            row.values["has_fire_control_room"] = False


async def import_homes(scope: Scope, rows: list[ParsedRow], dry_run: bool = False) -> ImportResult:
    require_admin(scope)
    counties = {row["code"]: row["id"] for row in await County.select(County.id, County.code)}
    county_codes = {county_id: code for code, county_id in counties.items()}
    existing = {}
    for home in await Home.select():
        existing[home["code"]] = {
            **home,
            "county_code": county_codes.get(home["county"]),
            "has_fire_control_room": bool(home["has_fire_control_room"]),
        }
    errors = _home_errors(rows, counties, existing)
    if errors:
        raise ExchangeError(errors)
    _home_values(rows)
    fields = ("name", "county_code", "beds", "address", "has_fire_control_room")
    async with transaction():
        plan, writes = _plan(rows, "code", existing, fields)
        if dry_run:
            return import_result("homes", plan, True)
        now = dates.now_utc()
        changes = []
        for row, before, after in writes:
            code = row.values["code"]
            stored = {key: value for key, value in after.items() if key != "county_code"}
            if code in existing:
                await Home.update(stored).where(Home.code == code)
                changes.append(Change("home.update", "home", code, before, after))
            else:
                county_id = counties[after["county_code"]]
                await Home.insert(Home(code=code, county=county_id, created_at=now, **stored))
                changes.append(Change("home.create", "home", code, None, after))
        await audit(scope, changes)
    return import_result("homes", plan, False)
