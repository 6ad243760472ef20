"""Shared pieces of the registry services: the admin check, the audit, scope filters, lookups."""

from __future__ import annotations

from typing import Any

from backend.core.errors import Forbidden, NotFound
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.security import Scope
from backend.registry.schemas import HomeOut
from backend.registry.tables import County, Home


def require_admin(scope: Scope) -> None:
    if not scope.is_admin:
        raise Forbidden(_("Only an administrator may change the registry."))


async def audit(scope: Scope, changes: list[Change]) -> None:
    await append_audit(scope.user_id, scope.username, changes)


def _diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    changed = {key for key, value in after.items() if before.get(key) != value}
    return {key: before.get(key) for key in changed}, {key: after[key] for key in changed}


def _county_where(scope: Scope):
    return None if scope.is_admin else County.id == scope.county_id


def _home_where(scope: Scope):
    if scope.is_admin:
        return None
    if scope.kind == "home":
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


async def find_county(scope: Scope, code: str) -> dict[str, Any]:
    """The county row (id, code, name, province) if it is in scope; NotFound otherwise."""
    query = County.select().where(County.code == code)
    if (condition := _county_where(scope)) is not None:
        query = query.where(condition)
    row = await query.first()
    if row is None:
        raise NotFound(_("No such county."))
    return row


async def find_home(scope: Scope, code: str) -> dict[str, Any]:
    """The home row (with county id, code and name) if it is in scope; NotFound otherwise."""
    query = Home.select(*_home_columns()).where(Home.code == code)
    if (condition := _home_where(scope)) is not None:
        query = query.where(condition)
    row = await query.first()
    if row is None:
        raise NotFound(_("No such home."))
    return row
