"""Counties: list, read, create and rename (admins change them)."""

from __future__ import annotations

import re

from piccolo.query.functions.aggregate import Count

from backend.core import dates
from backend.core.db import transaction
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.ledger import Change
from backend.core.security import Scope
from backend.registry import rules
from backend.registry.schemas import CountyIn, CountyOut, CountyPatch
from backend.registry.services._common import (
    _county_where,
    _diff,
    audit,
    find_county,
    require_admin,
)
from backend.registry.tables import County, Home


async def list_counties(scope: Scope) -> list[CountyOut]:
    query = County.select(County.id, County.code, County.name, County.province).order_by(County.code)
    if (condition := _county_where(scope)) is not None:
        query = query.where(condition)
    counties = await query
    counts = await Home.select(Home.county, Count(Home.id).as_alias("n")).group_by(Home.county)
    by_county = {row["county"]: row["n"] for row in counts}
    return [CountyOut(row["code"], row["name"], row["province"], by_county.get(row["id"], 0)) for row in counties]


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
