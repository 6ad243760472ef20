"""Registry use cases. The only code that reads or writes the registry tables.

Every function takes the acting ``Scope``: admins see everything, inspectors and finance staff
their county, directors their home (and, read-only, its county). Outside the scope is NotFound.
Only admins change the registry.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from piccolo.query.functions.aggregate import Count

from backend.core import dates
from backend.core.db import transaction
from backend.core.errors import Forbidden, Invalid, NotFound
from backend.core.exchange import ExchangeError, ParsedRow, RowError
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.security import Scope
from backend.registry import rules
from backend.registry.schemas import (
    CountyIn,
    CountyOut,
    CountyPatch,
    HomeIn,
    HomeOut,
    HomePatch,
    ImportResult,
    ImportRowOut,
    ParametersIn,
    ParametersOut,
)
from backend.registry.tables import County, CountyParameter, Home


def require_admin(scope: Scope) -> None:
    if not scope.is_admin:
        raise Forbidden(_("Only an administrator may change the registry."))


async def audit(scope: Scope, changes: list[Change]) -> None:
    await append_audit(scope.user_id, scope.username, changes)


# --- counties -----------------------------------------------------------------------------


def _county_where(scope: Scope):
    return None if scope.is_admin else County.id == scope.county_id


async def find_county(scope: Scope, code: str) -> dict[str, Any]:
    query = County.select().where(County.code == code)
    if (condition := _county_where(scope)) is not None:
        query = query.where(condition)
    row = await query.first()
    if row is None:
        raise NotFound(_("No such county."))
    return row


async def list_counties(scope: Scope) -> list[CountyOut]:
    query = County.select(County.id, County.code, County.name, County.province).order_by(County.code)
    if (condition := _county_where(scope)) is not None:
        query = query.where(condition)
    counties = await query
    counts = await Home.select(Home.county, Count(Home.id).as_alias("n")).group_by(Home.county)
    by_county = {row["county"]: row["n"] for row in counts}
    return [
        CountyOut(row["code"], row["name"], row["province"], by_county.get(row["id"], 0))
        for row in counties
    ]


async def get_county(scope: Scope, code: str) -> CountyOut:
    row = await find_county(scope, code)
    homes = await Home.count().where(Home.county == row["id"])
    return CountyOut(row["code"], row["name"], row["province"], homes)


def _check_county(code: str, name: str, province: str) -> dict[str, str]:
    errors = {}
    if not re.fullmatch(rules.COUNTY_CODE_PATTERN, code or ""):
        errors["code"] = _("The county code must be 6 digits.")
    if not (name or "").strip() or len(name) > 100:
        errors["name"] = _("Enter a name of at most 100 characters.")
    if not (province or "").strip() or len(province) > 50:
        errors["province"] = _("Enter a province of at most 50 characters.")
    return errors


async def create_county(scope: Scope, data: CountyIn) -> CountyOut:
    require_admin(scope)
    errors = _check_county(data.code, data.name, data.province)
    if errors:
        raise Invalid(errors)
    async with transaction():
        if await County.exists().where(County.code == data.code):
            raise Invalid({"code": _("A county with this code already exists.")})
        values = {"code": data.code, "name": data.name.strip(), "province": data.province.strip()}
        await County.insert(County(**values, created_at=dates.now_utc()))
        await audit(scope, [Change("county.create", "county", data.code, None, values)])
    return await get_county(scope, data.code)


def _diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    changed = {key for key, value in after.items() if before.get(key) != value}
    return {key: before.get(key) for key in changed}, {key: after[key] for key in changed}


async def update_county(scope: Scope, code: str, patch: CountyPatch) -> CountyOut:
    require_admin(scope)
    async with transaction():
        row = await find_county(scope, code)
        wanted = {
            "name": (patch.name if patch.name is not None else row["name"]).strip(),
            "province": (patch.province if patch.province is not None else row["province"]).strip(),
        }
        errors = _check_county(code, wanted["name"], wanted["province"])
        if errors:
            raise Invalid(errors)
        before, after = _diff(row, wanted)
        if after:
            await County.update(after).where(County.id == row["id"])
            await audit(scope, [Change("county.update", "county", code, before, after)])
    return await get_county(scope, code)


# --- homes --------------------------------------------------------------------------------


def _home_where(scope: Scope):
    if scope.is_admin:
        return None
    if scope.role == "director":
        return Home.id == scope.home_id
    return Home.county == scope.county_id


def _home_columns():
    return (
        Home.id,
        Home.code,
        Home.name,
        Home.county.id.as_alias("county_id"),
        Home.county.code.as_alias("county_code"),
        Home.county.name.as_alias("county_name"),
        Home.beds,
        Home.address,
        Home.has_fire_control_room,
    )


def _home_out(row: dict[str, Any]) -> HomeOut:
    return HomeOut(
        code=row["code"],
        name=row["name"],
        county_code=row["county_code"],
        county_name=row["county_name"],
        beds=row["beds"],
        address=row["address"] or "",
        has_fire_control_room=bool(row["has_fire_control_room"]),
    )


async def find_home(scope: Scope, code: str) -> dict[str, Any]:
    """The home row (with county code and name) if it is in scope; NotFound otherwise."""
    query = Home.select(*_home_columns()).where(Home.code == code)
    if (condition := _home_where(scope)) is not None:
        query = query.where(condition)
    row = await query.first()
    if row is None:
        raise NotFound(_("No such home."))
    return row


async def list_homes(
    scope: Scope, county_code: str | None = None, search: str | None = None
) -> list[HomeOut]:
    query = Home.select(*_home_columns()).order_by(Home.county.code).order_by(Home.code)
    if (condition := _home_where(scope)) is not None:
        query = query.where(condition)
    if county_code:
        query = query.where(Home.county.code == county_code)
    if search:
        term = f"%{search.strip()}%"
        query = query.where(Home.name.like(term) | Home.code.like(term.upper()))
    return [_home_out(row) for row in await query]


async def get_home(scope: Scope, code: str) -> HomeOut:
    return _home_out(await find_home(scope, code))


def _check_home(values: dict[str, Any]) -> dict[str, str]:
    errors = {}
    if "code" in values and not re.fullmatch(rules.HOME_CODE_PATTERN, values["code"] or ""):
        errors["code"] = _("The home code is 1–32 characters of A–Z, 0–9 and '-'.")
    if not (values.get("name") or "").strip() or len(values["name"]) > 100:
        errors["name"] = _("Enter a name of at most 100 characters.")
    beds = values.get("beds")
    if not isinstance(beds, int) or isinstance(beds, bool) or not 0 <= beds <= 100000:
        errors["beds"] = _("Beds must be a whole number from 0 to 100000.")
    if len(values.get("address") or "") > 300:
        errors["address"] = _("At most 300 characters.")
    return errors


async def create_home(scope: Scope, data: HomeIn) -> HomeOut:
    require_admin(scope)
    values = {
        "code": data.code,
        "name": data.name.strip(),
        "beds": data.beds,
        "address": (data.address or "").strip(),
        "has_fire_control_room": bool(data.has_fire_control_room),
    }
    errors = _check_home(values)
    county = await County.select(County.id).where(County.code == data.county_code).first()
    if county is None:
        errors["county_code"] = _("No county has this code.")
    if errors:
        raise Invalid(errors)
    async with transaction():
        if await Home.exists().where(Home.code == data.code):
            raise Invalid({"code": _("A home with this code already exists.")})
        await Home.insert(Home(**values, county=county["id"], created_at=dates.now_utc()))
        await audit(
            scope,
            [Change("home.create", "home", data.code, None, {**values, "county": data.county_code})],
        )
    return await get_home(scope, data.code)


async def update_home(scope: Scope, code: str, patch: HomePatch) -> HomeOut:
    require_admin(scope)
    async with transaction():
        row = await find_home(scope, code)
        current = {key: row[key] for key in ("name", "beds", "address", "has_fire_control_room")}
        current["has_fire_control_room"] = bool(current["has_fire_control_room"])
        wanted = dict(current)
        for key in current:
            value = getattr(patch, key)
            if value is not None:
                wanted[key] = value.strip() if isinstance(value, str) else value
        errors = _check_home(wanted)
        if errors:
            raise Invalid(errors)
        before, after = _diff(current, wanted)
        if after:
            await Home.update(after).where(Home.id == row["id"])
            await audit(scope, [Change("home.update", "home", code, before, after)])
    return await get_home(scope, code)


# --- per-county parameters ----------------------------------------------------------------


def _parameters(row: dict[str, Any]) -> rules.Parameters:
    return rules.Parameters(
        effective_from=row["effective_from"],
        **{name: row[name] for name in rules.PARAMETER_FIELDS},
    )


def _parameters_out(county_code: str, params: rules.Parameters) -> ParametersOut:
    return ParametersOut(
        county_code=county_code,
        effective_from=params.effective_from,
        residents_per_staff=params.residents_per_staff,
        dependents_per_carer=params.dependents_per_carer,
        death_report_deadline_hours=params.death_report_deadline_hours,
        extra_months_after_death=params.extra_months_after_death,
        inspections_per_year=params.inspections_per_year,
        is_default=params.effective_from is None,
    )


async def _parameter_rows(county_id: int) -> list[rules.Parameters]:
    rows = (
        await CountyParameter.select()
        .where(CountyParameter.county == county_id)
        .order_by(CountyParameter.effective_from)
    )
    return [_parameters(row) for row in rows]


async def parameters_on(scope: Scope, county_code: str, day: date) -> rules.Parameters:
    """The county's parameters in force on ``day`` (the shipped defaults when none was set)."""
    county = await find_county(scope, county_code)
    return rules.parameters_in_force(
        await _parameter_rows(county["id"]), day, rules.default_parameters()
    )


async def parameter_history(scope: Scope, county_code: str) -> list[ParametersOut]:
    county = await find_county(scope, county_code)
    return [_parameters_out(county_code, row) for row in await _parameter_rows(county["id"])]


async def current_parameters(scope: Scope, county_code: str) -> ParametersOut:
    return _parameters_out(county_code, await parameters_on(scope, county_code, dates.today()))


async def set_parameters(scope: Scope, county_code: str, data: ParametersIn) -> ParametersOut:
    """Record parameters from ``effective_from`` on. The past is never rewritten: a date before
    today is refused, and so is a second change for a date already in force; a second change
    for the same future date replaces the first."""
    require_admin(scope)
    values = {name: getattr(data, name) for name in rules.PARAMETER_FIELDS}
    errors = {}
    for name, (low, high) in rules.PARAMETER_RANGES.items():
        value = values[name]
        if value is None and name == "dependents_per_carer":
            continue
        if not isinstance(value, int) or not low <= value <= high:
            errors[name] = _("Must be a whole number from {low} to {high}.").format(low=low, high=high)
    if data.effective_from < dates.today():
        errors["effective_from"] = _(
            "The effective date cannot be in the past: a change never rewrites earlier days."
        )
    if errors:
        raise Invalid(errors)
    async with transaction():
        county = await find_county(scope, county_code)
        existing = (
            await CountyParameter.select()
            .where(CountyParameter.county == county["id"])
            .where(CountyParameter.effective_from == data.effective_from)
            .first()
        )
        key = f"{county_code}@{data.effective_from.isoformat()}"
        if existing and data.effective_from <= dates.today():
            raise Invalid({"effective_from": _(
                "Parameters from this date are already in force; choose a later effective date."
            )})
        if existing:
            before = {name: existing[name] for name in rules.PARAMETER_FIELDS}
            await CountyParameter.update(
                {**values, "created_by": scope.username, "created_at": dates.now_utc()}
            ).where(CountyParameter.id == existing["id"])
            await audit(scope, [Change("parameters.replace", "county_parameter", key, before, values)])
        else:
            await CountyParameter.insert(
                CountyParameter(
                    county=county["id"],
                    effective_from=data.effective_from,
                    created_at=dates.now_utc(),
                    created_by=scope.username,
                    **values,
                )
            )
            await audit(scope, [Change("parameters.set", "county_parameter", key, None, values)])
    params = rules.Parameters(effective_from=data.effective_from, **values)
    return _parameters_out(county_code, params)


# --- imports (interfaces.md §3: counties, homes) ------------------------------------------


def _plan(
    rows: list[ParsedRow], key: str, existing: dict[str, dict[str, Any]], fields: tuple[str, ...]
) -> tuple[list[ImportRowOut], list[tuple[ParsedRow, dict, dict]]]:
    """Decide create / update / unchanged for every row; only columns present are compared."""
    plan: list[ImportRowOut] = []
    writes: list[tuple[ParsedRow, dict, dict]] = []
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
            errors.append(
                RowError(row.row, row.label(key), _("Same value as row {row}.").format(row=seen[value]))
            )
        else:
            seen[value] = row.row
    return errors


def _result(kind: str, plan: list[ImportRowOut], dry_run: bool) -> ImportResult:
    count = {action: sum(1 for item in plan if item.action == action) for action in ("create", "update", "unchanged")}
    return ImportResult(
        ok=True,
        kind=kind,
        created=count["create"],
        updated=count["update"],
        unchanged=count["unchanged"],
        dry_run=dry_run,
        rows=plan,
    )


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
            return _result("counties", plan, True)
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
    return _result("counties", plan, False)


async def import_homes(scope: Scope, rows: list[ParsedRow], dry_run: bool = False) -> ImportResult:
    require_admin(scope)
    errors = _duplicates(rows, "home_code")
    counties = {row["code"]: row["id"] for row in await County.select(County.id, County.code)}
    county_codes = {county_id: code for code, county_id in counties.items()}
    existing_rows = await Home.select()
    existing = {}
    for home in existing_rows:
        existing[home["code"]] = {**home, "county_code": county_codes.get(home["county"])}
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
                    _("This home belongs to county {code}; an import cannot move it.").format(
                        code=current["county_code"]
                    ),
                )
            )
    if errors:
        raise ExchangeError(sorted(errors, key=lambda error: error.row))
    for row in rows:
        row.values["code"] = row.values.pop("home_code")
        if row.values.get("address") is None and "address" in row.values:
            row.values["address"] = ""
        if row.values.get("has_fire_control_room") is None and "has_fire_control_room" in row.values:
            row.values["has_fire_control_room"] = False
    fields = ("name", "county_code", "beds", "address", "has_fire_control_room")
    for current in existing.values():
        current["has_fire_control_room"] = bool(current["has_fire_control_room"])
    async with transaction():
        plan, writes = _plan(rows, "code", existing, fields)
        if dry_run:
            return _result("homes", plan, True)
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
    return _result("homes", plan, False)
