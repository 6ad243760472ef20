"""Panels of the county page ("/counties/{code}", registry) that other domains contribute without
the registry depending on them, like the overview's (``core.web.overview_panel``): each is an
async function (request, county code) -> (template, context) or None; the page includes each
template with its context as ``panel``."""

from __future__ import annotations

from typing import Any

from litestar import Request

COUNTY_PANELS: list = []


def county_panel(function):
    """Register a county-page panel (a decorator; domains use it in their views module)."""
    COUNTY_PANELS.append(function)
    return function


async def county_panels(request: Request, county_code: str) -> list[tuple[str, dict[str, Any]]]:
    shown = []
    for panel in COUNTY_PANELS:
        if (result := await panel(request, county_code)) is not None:
            shown.append(result)
    return shown
