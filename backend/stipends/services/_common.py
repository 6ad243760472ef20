"""What the stipend use cases share: the permission check, the counties of a scope, month text,
and the plan of an import."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from backend.core import dates
from backend.core.errors import Invalid, NotFound
from backend.core.exchange import ParsedRow, RowError
from backend.core.i18n import _
from backend.core.money import yuan_text
from backend.core.permissions import require
from backend.core.security import Scope
from backend.registry import services as registry
from backend.registry.schemas import ImportRowOut
from backend.stipends import rules
from backend.stipends.schemas import FindingFacts, StipendImportResult


def require_stipends(scope: Scope, action: str) -> None:
    require(scope, action, _("You may not work with stipends."))


async def counties_in_scope(scope: Scope, codes: set[str]) -> dict[str, dict[str, Any]]:
    """County code → county row, for those of ``codes`` this scope may write stipend data for."""
    found = {}
    for code in sorted(codes):
        try:
            found[code] = await registry.find_county(scope, code)
        except NotFound:
            continue
    return found


def month_text(month: date) -> str:
    return dates.month_text(month)


def parse_month(text: str | None, field: str = "month") -> date:
    """A month typed as ``2026-11`` (Invalid naming ``field`` otherwise)."""
    try:
        return dates.parse_month(text or "")
    except ValueError as exc:
        raise Invalid({field: _("Not a valid month (write 2026-11).")}) from exc


def duplicates(rows: list[ParsedRow], key_of, column: str) -> list[RowError]:
    seen: dict[Any, int] = {}
    errors = []
    for row in rows:
        key = key_of(row)
        if key is None:
            continue
        if key in seen:
            errors.append(RowError(row.row, row.label(column), _("Same value as row {row}.").format(row=seen[key])))
        else:
            seen[key] = row.row
    return errors


def county_errors(rows: list[ParsedRow], counties: dict[str, Any]) -> list[RowError]:
    return [
        RowError(row.row, row.label("county_code"), _("No county has this code."))
        for row in rows
        if row.values.get("county_code") is not None and row.values["county_code"] not in counties
    ]


def row_counties(rows: list[ParsedRow]) -> set[str]:
    return {row.values["county_code"] for row in rows if row.values.get("county_code") is not None}


def import_result(kind: str, plan: list[ImportRowOut], dry_run: bool, warnings: list[str]) -> StipendImportResult:
    count = {action: sum(1 for item in plan if item.action == action) for action in ("create", "update", "unchanged")}
    return StipendImportResult(
        ok=True,
        kind=kind,
        created=count["create"],
        updated=count["update"],
        unchanged=count["unchanged"],
        dry_run=dry_run,
        rows=plan,
        warnings=warnings,
    )


def as_text(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


# --- a finding's facts, as stored and as the API shows them ---------------------------------


def stored_facts(row: dict[str, Any]) -> rules.Facts:
    """The facts of a stored finding row (its ``facts`` JSON column)."""
    value = row.get("facts")
    if isinstance(value, str):
        value = json.loads(value or "{}")
    return rules.Facts.of(value or {})


def facts_json(facts: rules.Facts) -> str:
    return json.dumps(facts.as_json(), ensure_ascii=False, sort_keys=True)


def facts_out(facts: rules.Facts) -> FindingFacts:
    values = facts.as_json()
    for name in ("expected_basic", "expected_care", "paid_basic", "paid_care"):
        if name in values:
            values[name] = yuan_text(values[name])
    for name in ("last_entitled_month", "entitled_from"):
        if name in values:
            values[name] = values[name][:7]
    return FindingFacts(**values)


def detail_of(row: dict[str, Any], facts: rules.Facts) -> str:
    """The English line of a stored finding (``rules.detail_text``), or the text a run stored
    before findings kept their facts when it was not turned into facts."""
    return row["detail"] if row.get("detail") else rules.detail_text(row["code"], facts)
