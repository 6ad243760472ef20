"""The homes open on a day (issue 13: the reports issued per home for a period)."""

from __future__ import annotations

from datetime import date
from typing import Any

from backend.registry.tables import Home


async def homes_open_on(day: date) -> list[dict[str, Any]]:
    """Every home not closed before ``day`` ({id, code, name, county}), by code."""
    return await (
        Home.select(Home.id, Home.code, Home.name, Home.county)
        .where(Home.closed_on.is_null() | (Home.closed_on >= day))
        .order_by(Home.code)
    )
