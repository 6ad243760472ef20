"""The data of a run's reconciliation report (issue 8; issue 13 moved the PDF itself to the reports
domain, backend/reports/builders/_reconciliation.py, in the look of every report): its summary,
state, staleness and findings with IDs masked (it is printed); and the latest run of a month."""

from __future__ import annotations

from datetime import date
from typing import Any

from backend.core import citizen_id, dates
from backend.core.security import Scope
from backend.stipends import rules, services, staleness
from backend.stipends.reports._common import county_in_scope, summary_of
from backend.stipends.tables import Finding


async def report_data(scope: Scope, county_code: str, run_id: str) -> dict[str, Any]:
    """Everything the PDF shows for one run: its summary, state, staleness and findings (IDs
    masked: the PDF is printed and signed, so it carries no full ID numbers)."""
    county = await county_in_scope(scope, county_code)
    row = await services.find_run(scope, run_id, county_code)
    summary = summary_of(row)
    stale = await staleness.is_stale(row)
    rows = await Finding.select().where(Finding.run == row["id"]).order_by(Finding.position)
    return {
        "county": county,
        "run": row,
        "month": dates.month_text(row["month"]),
        "source": row["source"],
        "stale": stale,
        "summary": summary,
        "counts": [(code, summary["findings"].get(code, 0)) for code in rules.CODES],
        "findings": [
            {
                "code": f["code"],
                "id_masked": citizen_id.mask(f["id_number"]),
                "name": f["name"],
                "payment_ref": f["payment_ref"],
                "expected": f["expected"],
                "paid": f["paid"],
                "difference": f["difference"],
                "status": f["review_status"],
                "note": f["review_note"],
                "facts": services.stored_facts(f),
                "legacy_detail": f["detail"],
            }
            for f in rows
        ],
        "generated_at": dates.now_utc(),
        "generated_by": scope.username,
    }


async def latest_run_id(scope: Scope, county_code: str, month: date, source: str = "payments") -> str | None:
    """The newest stored run of the county, month and source (None when there is none)."""
    runs = [run for run in await services.list_runs(scope, county_code, month) if run.source == source]
    return runs[0].run_id if runs else None
