"""The county's finance dashboard and the overview panel of its finance officers and inspectors."""

from __future__ import annotations

from typing import Any

from backend.core import dates
from backend.core.money import parse_yuan
from backend.core.permissions import can
from backend.core.security import Scope
from backend.registry import services as registry
from backend.stipends import rules, staleness
from backend.stipends.reports._common import (
    county_in_scope,
    county_runs,
    latest_by_month,
    summary_of,
)
from backend.stipends.tables import Finding


def _run_rows(runs: list[dict[str, Any]], latest: dict, stale: dict[int, bool]) -> list[dict[str, Any]]:
    rows = []
    for run in runs:
        key = (run["month"], run["source"])
        rows.append(
            {
                "run_id": run["run_id"],
                "month": dates.month_text(run["month"]),
                "source": run["source"],
                "created_at": run["created_at"],
                "created_by": run["created_by"],
                "state": run["state"],
                "approved_by": run["approved_by"],
                "approved_at": run["approved_at"],
                "stale": stale[run["id"]],
                "latest": latest[key]["id"] == run["id"],
                "findings": sum(summary_of(run)["findings"].values()),
            }
        )
    return rows


async def dashboard(scope: Scope, county_code: str, months: int = 12) -> dict[str, Any]:
    """Months × finding codes of the latest run per month and source, overpaid/underpaid totals,
    and the runs of those months with their state (open / approved / stale)."""
    county = await county_in_scope(scope, county_code)
    since = dates.add_months(dates.month_of(dates.today()), -(months - 1))
    runs = await county_runs(county["id"], since)
    latest = latest_by_month(runs)
    stale = await staleness.stale_runs(runs)
    rows = []
    totals = {"overpaid": 0, "underpaid": 0, "counts": dict.fromkeys(rules.CODES, 0)}
    for (month, source), run in sorted(latest.items(), key=lambda item: (item[0][0], item[0][1]), reverse=True):
        summary = summary_of(run)
        counts = {code: summary["findings"].get(code, 0) for code in rules.CODES}
        overpaid, underpaid = parse_yuan(summary["overpaid"]), parse_yuan(summary["underpaid"])
        rows.append(
            {
                "month": dates.month_text(month),
                "source": source,
                "run_id": run["run_id"],
                "counts": counts,
                "lines": summary["lines"],
                "overpaid": overpaid,
                "underpaid": underpaid,
                "state": run["state"],
                "stale": stale[run["id"]],
            }
        )
        totals["overpaid"] += overpaid
        totals["underpaid"] += underpaid
        for code, n in counts.items():
            totals["counts"][code] += n
    return {
        "county": county,
        "since": dates.month_text(since),
        "rows": rows,
        "totals": totals,
        "runs": _run_rows(runs, latest, stale),
    }


async def overview(scope: Scope) -> dict[str, Any] | None:
    """For the overview page of the county's finance officers and inspectors: the county and how
    many findings of its latest runs are still open (None for other users)."""
    if scope.kind != "county" or scope.county_id is None or not can(scope.role, "view_reconciliation"):
        return None
    counties = await registry.list_counties(scope)
    if not counties:
        return None
    county = {"code": counties[0].code, "name": counties[0].name}
    latest = latest_by_month(await county_runs(scope.county_id))
    open_count = 0
    if latest:
        open_count = await Finding.count().where(
            Finding.run.is_in([run["id"] for run in latest.values()]) & (Finding.review_status == "open")
        )
    return {"county": county, "open": open_count, "runs": len(latest)}
