"""Closing a home (issue 13): the day it closed, after which its tasks are cancelled; and, for
task generation, every home with its county, its first day and its closing day (one query)."""

from __future__ import annotations

from datetime import date
from typing import Any

from backend.core import dates
from backend.core.db import transaction
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.ledger import Change
from backend.core.security import Scope
from backend.registry.schemas import HomeOut
from backend.registry.services._common import _home_out, audit, find_home, require_admin
from backend.registry.tables import Home


async def close_home(scope: Scope, code: str, closed_on: date | None) -> HomeOut:
    """Record the day the home closed (``None`` reopens it); an administrator only. The day may
    not lie before the home was created. The next task generation cancels the home's tasks of
    the periods that start after it."""
    require_admin(scope)
    async with transaction():
        row = await find_home(scope, code)
        current = await Home.select(Home.closed_on, Home.created_at).where(Home.id == row["id"]).first()
        if closed_on is not None and closed_on < dates.local(current["created_at"]).date():
            raise Invalid({"closed_on": _("A home cannot close before the day it was registered.")})
        if current["closed_on"] != closed_on:
            await Home.update({Home.closed_on: closed_on}).where(Home.id == row["id"])
            await audit(
                scope,
                [
                    Change(
                        "home.close",
                        "home",
                        code,
                        {"closed_on": current["closed_on"].isoformat() if current["closed_on"] else None},
                        {"closed_on": closed_on.isoformat() if closed_on else None},
                    )
                ],
            )
    return _home_out(await find_home(scope, code))


async def homes_for_tasks(home_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """Every home (or those of ``home_ids``): {id, code, county, opened_on (the business day it
    was registered), closed_on}, ordered by id. For task generation (no scope: the system's)."""
    query = Home.select(Home.id, Home.code, Home.county, Home.created_at, Home.closed_on).order_by(Home.id)
    if home_ids is not None:
        query = query.where(Home.id.is_in(home_ids or [-1]))
    return [
        {
            "id": row["id"],
            "code": row["code"],
            "county": row["county"],
            "opened_on": dates.local(row["created_at"]).date(),
            "closed_on": row["closed_on"],
        }
        for row in await query
    ]
