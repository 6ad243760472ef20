"""Stipend standards: listed, the one in force for a month, imported (or corrected), and the
warning when a basic amount is below the floor the county entered (domain-rules §8)."""

from __future__ import annotations

from datetime import date

from backend.core import dates
from backend.core.db import transaction
from backend.core.exchange import ExchangeError, ParsedRow
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.money import cny, yuan_text
from backend.core.security import Scope
from backend.registry import services as registry
from backend.registry.schemas import ImportRowOut
from backend.stipends import rules
from backend.stipends.labels import label
from backend.stipends.schemas import StandardOut, StipendImportResult
from backend.stipends.services._common import (
    as_text,
    counties_in_scope,
    county_errors,
    duplicates,
    import_result,
    month_text,
    require_stipends,
    row_counties,
)
from backend.stipends.tables import Standard

STANDARD_FIELDS = (*rules.AMOUNT_FIELDS, "basic_floor")


def standard_out(county_code: str, row: rules.StandardRow) -> StandardOut:
    return StandardOut(
        county_code=county_code,
        effective_from=month_text(row.effective_from),
        **{name: yuan_text(getattr(row, name)) for name in rules.AMOUNT_FIELDS},
        basic_floor=yuan_text(row.basic_floor) if row.basic_floor is not None else None,
        below_floor=rules.below_floor(row),
        area=row.area,
    )


async def standard_rows(county_id: int) -> list[rules.StandardRow]:
    """The county's standards, oldest first."""
    rows = await Standard.select().where(Standard.county == county_id).order_by(Standard.effective_from).order_by(Standard.area)
    return [rules.StandardRow.of(row) for row in rows]


async def list_standards(scope: Scope, county_code: str) -> list[StandardOut]:
    county = await registry.find_county(scope, county_code)
    return [standard_out(county_code, row) for row in await standard_rows(county["id"])]


async def standard_for(scope: Scope, county_code: str, month: date) -> StandardOut | None:
    """The standard in force for ``month`` (None when the county has none yet)."""
    county = await registry.find_county(scope, county_code)
    row = rules.standard_in_force(await standard_rows(county["id"]), dates.month_of(month))
    return standard_out(county_code, row) if row else None


def floor_warning(county_name: str, row: rules.StandardRow) -> str | None:
    """The warning, in the user's language, when a basic amount of ``row`` is below its floor."""
    modes = rules.below_floor(row)
    if not modes:
        return None
    return _("{county}, standard from {month}: the basic amount ({modes}) is below the floor {floor} the county entered.").format(
        county=county_name,
        month=month_text(row.effective_from),
        modes=_(", ").join(_("{mode} {amount}").format(mode=label("mode", mode), amount=cny(row.basic(mode))) for mode in modes),
        floor=cny(row.basic_floor),
    )


async def standard_warnings(scope: Scope, county_code: str, month: date) -> list[str]:
    county = await registry.find_county(scope, county_code)
    row = rules.standard_in_force(await standard_rows(county["id"]), dates.month_of(month))
    warning = floor_warning(county["name"], row) if row else None
    return [warning] if warning else []


def _plan_row(row: ParsedRow, counties: dict, existing: dict, plan: list[ImportRowOut], writes: list) -> None:
    """One standards row: planned as create, update or unchanged (``writes`` gets the first two)."""
    county_code = row.values["county_code"]
    county_id = counties[county_code]["id"]
    month = row.values["effective_from"]
    area = row.values.get("area") or rules.BOTH
    values = {name: row.values.get(name) for name in STANDARD_FIELDS}
    key = f"{county_code}@{month_text(month)}" + ("" if area == rules.BOTH else f"/{area}")
    current = existing.get((county_id, month, area))
    if current is None:
        plan.append(ImportRowOut(row.row, key, "create"))
        writes.append((county_id, month, key, None, {**values, "area": area}))
        return
    changed = {name: [as_text(current[name]), as_text(values[name])] for name in STANDARD_FIELDS if current[name] != values[name]}
    if changed:
        plan.append(ImportRowOut(row.row, key, "update", changed))
        writes.append((county_id, month, key, current, values))
    else:
        plan.append(ImportRowOut(row.row, key, "unchanged"))


async def _write_standards(scope: Scope, writes: list) -> None:
    now = dates.now_utc()
    changes = []
    for county_id, month, key, current, values in writes:
        if current is None:
            await Standard.insert(
                Standard(county=county_id, effective_from=month, created_at=now, created_by=scope.username, **values)
            )
            changes.append(Change("standard.create", "standard", key, None, values))
        else:
            await Standard.update({**values, "created_at": now, "created_by": scope.username}).where(Standard.id == current["id"])
            changes.append(Change("standard.update", "standard", key, {name: current[name] for name in STANDARD_FIELDS}, values))
    if changes:
        await append_audit(scope.user_id, scope.username, changes)


async def import_standards(scope: Scope, rows: list[ParsedRow], dry_run: bool = False) -> StipendImportResult:
    """Standards by county, effective month and area (empty: both). A row for an existing
    (county, month, area) corrects its amounts (runs of the months it covers become stale)."""
    require_stipends(scope, "set_standards")
    counties = await counties_in_scope(scope, row_counties(rows))
    errors = county_errors(rows, counties)
    errors += duplicates(
        rows,
        lambda row: (row.values.get("county_code"), row.values.get("effective_from"), row.values.get("area") or rules.BOTH),
        "effective_from",
    )
    if errors:
        raise ExchangeError(sorted(errors, key=lambda error: error.row))
    plan: list[ImportRowOut] = []
    warnings: list[str] = []
    async with transaction():
        county_ids = [county["id"] for county in counties.values()]
        existing = {
            (row["county"], row["effective_from"], row["area"]): row
            for row in await Standard.select().where(Standard.county.is_in(county_ids or [0]))
        }
        writes: list = []
        for row in rows:
            _plan_row(row, counties, existing, plan, writes)
            values = {name: row.values.get(name) for name in STANDARD_FIELDS}
            standard = rules.StandardRow(
                effective_from=row.values["effective_from"], **values, area=row.values.get("area") or rules.BOTH
            )
            warning = floor_warning(counties[row.values["county_code"]]["name"], standard)
            if warning:
                warnings.append(warning)
        if dry_run:
            return import_result("standards", plan, True, warnings)
        await _write_standards(scope, writes)
    return import_result("standards", plan, False, warnings)
