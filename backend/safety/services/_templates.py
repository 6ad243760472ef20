"""Checklist templates: the version of each routine in force for a home (the county's own latest
version, else the national default), and reading a template row as the API shows it."""

from __future__ import annotations

import json
from typing import Any

from backend.core.security import Scope
from backend.safety.schemas import TemplateItemOut, TemplateOut
from backend.safety.services._common import home_for
from backend.safety.tables import SafetyTemplate

ROUTINES = (
    "fire_patrol",
    "night_patrol",
    "fire_inspection",
    "extinguisher_check",
    "evacuation_drill",
    "fire_system_test",
    "morning_check",
    "food_sample",
    "tableware_disinfection",
    "purchase_inspection",
    "disinfection",
    "ventilation",
)
FOOD_ROUTINES = frozenset({"morning_check", "food_sample", "tableware_disinfection", "purchase_inspection"})


def items_of(row: dict[str, Any]) -> list[dict[str, Any]]:
    return json.loads(row["items"])


def template_out(row: dict[str, Any], county_code: str | None = None) -> TemplateOut:
    return TemplateOut(
        id=row["id"],
        routine=row["routine"],
        version=row["version"],
        title=row["title"],
        frequency=row["frequency"],
        items=[TemplateItemOut(**item) for item in items_of(row)],
        county=county_code,
    )


def _in_force(rows: list[dict[str, Any]], county_id: int) -> dict[str, dict[str, Any]]:
    """routine → the row in force for a home of ``county_id``: the county's latest version, else
    the national default's latest."""
    best: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["county"] not in (None, county_id):
            continue
        current = best.get(row["routine"])
        mine, theirs = row["county"] is not None, current is not None and current["county"] is not None
        if current is None or (mine, row["version"]) > (theirs, current["version"]):
            best[row["routine"]] = row
    return {routine: best[routine] for routine in ROUTINES if routine in best} | {
        routine: row for routine, row in best.items() if routine not in ROUTINES
    }


async def templates_in_force(county_ids: list[int]) -> dict[int, dict[str, dict[str, Any]]]:
    """county id → routine → the template row in force (one query for any counties)."""
    rows = await SafetyTemplate.select().where(
        (SafetyTemplate.county.is_null()) | (SafetyTemplate.county.is_in(county_ids or [0]))
    )
    return {county_id: _in_force(rows, county_id) for county_id in county_ids}


async def template_rows(ids: list[int]) -> dict[int, dict[str, Any]]:
    """Template rows by id (any version: an entry shows the one it was recorded with)."""
    if not ids:
        return {}
    return {row["id"]: row for row in await SafetyTemplate.select().where(SafetyTemplate.id.is_in(sorted(set(ids))))}


async def list_templates(scope: Scope, home_code: str) -> list[TemplateOut]:
    """The templates in force for a home (``GET /api/v1/homes/{code}/safety-templates``)."""
    home = await home_for(scope, home_code, "view_safety")
    in_force = (await templates_in_force([home["county_id"]]))[home["county_id"]]
    return [template_out(row, home["county_code"] if row["county"] else None) for row in in_force.values()]
