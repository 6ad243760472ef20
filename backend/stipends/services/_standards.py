"""Stipend standards: listed, the one in force for a month, imported (or corrected), each with
the warnings of the floors it is below and the floors not checked (domain-rules §8, ``_floors``).

The old optional ``basic_floor`` column of the standards file is still accepted (old files still
import) and stored, but no longer checked: a warning says so and where floors are entered."""

from __future__ import annotations

from datetime import date

from backend.core import dates
from backend.core.db import transaction
from backend.core.exchange import ExchangeError, ParsedRow
from backend.core.formatting import month as month_words
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.money import yuan_text
from backend.core.security import Scope
from backend.registry import services as registry
from backend.registry.schemas import ImportRowOut
from backend.stipends import rules
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
from backend.stipends.services._floors import (
    FloorCheck,
    check_standard,
    check_standards,
    floor_rows,
    in_force_periods,
    key_out,
    warning_out,
    warning_text,
)
from backend.stipends.tables import Standard

STANDARD_FIELDS = (*rules.AMOUNT_FIELDS, "basic_floor")


def standard_out(county_code: str, row: rules.StandardRow, check: FloorCheck | None = None) -> StandardOut:
    return StandardOut(
        county_code=county_code,
        effective_from=month_text(row.effective_from),
        **{name: yuan_text(getattr(row, name)) for name in rules.AMOUNT_FIELDS},
        basic_floor=yuan_text(row.basic_floor) if row.basic_floor is not None else None,
        below_floor=check.modes if check else [],
        floor_warnings=[warning_out(warning) for warning in check.warnings] if check else [],
        floors_not_checked=[key_out(key) for key in check.not_checked] if check else [],
        area=row.area,
    )


async def standard_rows(county_id: int) -> list[rules.StandardRow]:
    """The county's standards, oldest first."""
    rows = await Standard.select().where(Standard.county == county_id).order_by(Standard.effective_from).order_by(Standard.area)
    return [rules.StandardRow.of(row) for row in rows]


async def list_standards(scope: Scope, county_code: str) -> list[StandardOut]:
    """The county's standards, oldest first, each checked against the floors (``_floors``)."""
    county = await registry.find_county(scope, county_code)
    rows = await standard_rows(county["id"])
    checks = check_standards(rows, await floor_rows(county["id"]))
    return [standard_out(county_code, row, checks[(row.effective_from, row.area)]) for row in rows]


async def standard_for(scope: Scope, county_code: str, month: date, area: str | None = None) -> StandardOut | None:
    """The standard in force for ``month`` (None when the county has none yet), with its check;
    with ``area`` (urban, rural or both), the latest row for exactly that area (the row a new
    standard is based on)."""
    county = await registry.find_county(scope, county_code)
    rows = await standard_rows(county["id"])
    if area in rules.STANDARD_AREAS:
        row = rules.standard_in_force([row for row in rows if row.area == area], dates.month_of(month))
    else:
        row = rules.standard_in_force(rows, dates.month_of(month))
    if row is None:
        return None
    return standard_out(county_code, row, check_standards(rows, await floor_rows(county["id"]))[(row.effective_from, row.area)])


def _county_warning(county_name: str, month: date, text: str) -> str:
    return _("{county}, standard from {month}: {warning}").format(county=county_name, month=month_words(month), warning=text)


async def standard_warnings(scope: Scope, county_code: str, month: date) -> list[str]:
    """The floors the standards in force for ``month`` (one per area) are below in that month
    (``tekun reconcile``)."""
    county = await registry.find_county(scope, county_code)
    month = dates.month_of(month)
    floors = await floor_rows(county["id"])
    texts: list[str] = []
    for area, row in rules.standards_in_force(await standard_rows(county["id"]), month).items():
        check = check_standard(row, [(area, dates.add_months(month, 1))], floors)
        # Of a floor changed since the row's month, only the one in force for ``month``.
        latest = {}
        for warning in check.warnings:
            if warning.from_month <= month:
                latest[(warning.floor.key, warning.mode)] = warning
        for warning in latest.values():
            text = _county_warning(county["name"], row.effective_from, warning_text(warning))
            if text not in texts:
                texts.append(text)
    return texts


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


async def _import_warnings(rows: list[ParsedRow], counties: dict, existing: dict) -> list[str]:
    """Per imported row, the floors it is below in the months it will be in force for each area
    (until the county's next standard for that area, stored or in the file); and one note when the
    file gives the legacy ``basic_floor``, which is kept but no longer checked."""
    warnings: list[str] = []
    combined = {key: rules.StandardRow.of(row) for key, row in existing.items()}
    planned = []
    for row in rows:
        county = counties[row.values["county_code"]]
        month, area = row.values["effective_from"], row.values.get("area") or rules.BOTH
        values = {name: row.values.get(name) for name in STANDARD_FIELDS}
        combined[(county["id"], month, area)] = rules.StandardRow(effective_from=month, **values, area=area)
        planned.append((county, (county["id"], month, area)))
    by_county: dict[int, list[rules.StandardRow]] = {}
    for (county_id, _month, _area), standard in combined.items():
        by_county.setdefault(county_id, []).append(standard)
    floors: dict[int, list] = {}
    for county, key in planned:
        if county["id"] not in floors:
            floors[county["id"]] = await floor_rows(county["id"])
        standard = combined[key]
        check = check_standard(standard, in_force_periods(standard, by_county[county["id"]]), floors[county["id"]])
        warnings += [
            _county_warning(county["name"], standard.effective_from, warning_text(warning)) for warning in check.warnings
        ]
    if any(row.values.get("basic_floor") is not None for row in rows):
        warnings.append(
            _(
                "The column basic_floor (基本生活费下限) is kept but no longer checked: enter the county's floors "
                "on the floors page of the standards."
            )
        )
    return warnings


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
        warnings += await _import_warnings(rows, counties, existing)
        if dry_run:
            return import_result("standards", plan, True, warnings)
        await _write_standards(scope, writes)
    return import_result("standards", plan, False, warnings)
