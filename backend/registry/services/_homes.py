"""Homes: list, read, create and change (admins change them)."""

from __future__ import annotations

import re
from typing import Any

from backend.core import dates
from backend.core.db import transaction
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.ledger import Change
from backend.core.security import Scope
from backend.registry import rules
from backend.registry.schemas import HomeIn, HomeOut, HomePatch
from backend.registry.services._common import (
    _diff,
    _home_columns,
    _home_out,
    _home_where,
    audit,
    find_home,
    require_admin,
)
from backend.registry.tables import County, Home


async def list_homes(scope: Scope, county_code: str | None = None, search: str | None = None) -> list[HomeOut]:
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
