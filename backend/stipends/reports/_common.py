"""What the stipend reports share: the permission, the county in scope, the county's runs and
the latest run of each month and source."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from backend.core import dates
from backend.core.errors import Forbidden, Invalid
from backend.core.i18n import _
from backend.core.permissions import can
from backend.core.security import Scope
from backend.registry import services as registry
from backend.stipends.tables import ReconciliationRun


def require_reports(scope: Scope) -> None:
    if not can(scope.role, "view_reconciliation"):
        raise Forbidden(_("You may not work with stipends."))


def parse_month_filter(text: str | None, field: str = "month") -> date | None:
    """An optional month from a query string; Invalid (a message, not a 500) when malformed."""
    if text is None or not text.strip():
        return None
    try:
        return dates.parse_month(text)
    except ValueError:
        raise Invalid({field: _("Not a valid month (write 2026-11).")}) from None


def summary_of(row: dict[str, Any]) -> dict[str, Any]:
    return json.loads(row["summary"])


async def county_in_scope(scope: Scope, county_code: str) -> dict[str, Any]:
    """The county row (NotFound outside the scope), for a user who may read the reports."""
    require_reports(scope)
    return await registry.find_county(scope, county_code)


async def county_runs(county_id: int, since: date | None = None) -> list[dict[str, Any]]:
    """The county's runs, newest first."""
    query = (
        ReconciliationRun.select(
            ReconciliationRun.id,
            ReconciliationRun.run_id,
            ReconciliationRun.county,
            ReconciliationRun.month,
            ReconciliationRun.source,
            ReconciliationRun.fingerprint,
            ReconciliationRun.inputs_seq,
            ReconciliationRun.summary,
            ReconciliationRun.created_at,
            ReconciliationRun.created_by,
            ReconciliationRun.state,
            ReconciliationRun.approved_at,
            ReconciliationRun.approved_by,
        )
        .where(ReconciliationRun.county == county_id)
        .order_by(ReconciliationRun.id, ascending=False)
    )
    if since is not None:
        query = query.where(ReconciliationRun.month >= since)
    return await query


def latest_by_month(runs: list[dict[str, Any]]) -> dict[tuple[date, str], dict[str, Any]]:
    latest: dict[tuple[date, str], dict[str, Any]] = {}
    for run in runs:  # newest first
        latest.setdefault((run["month"], run["source"]), run)
    return latest
