"""The reconciliation report (供养金对账报告) in the look of the other reports (issue 13, point 5):
the county's latest payments run of the month, every finding by its name in words (no English
code), the run shown by its date and the report's verification code (no UUID), amounts
``¥1,234.50``, dates ``2026年11月22日``, IDs masked. The data comes from the stipends domain's
public report functions (reports sits above stipends)."""

from __future__ import annotations

from typing import Any

from backend.core import dates
from backend.core.errors import NotFound
from backend.core.i18n import _, reset_language, set_language
from backend.core.money import parse_yuan
from backend.core.people import display_names
from backend.core.security import Scope
from backend.reports.builders import register
from backend.stipends import reports as stipend_reports
from backend.stipends.details import describe
from backend.stipends.labels import labels

RECONCILIATION_TEMPLATE = "reports/reconciliation.html"


def _fen(text: Any) -> int:
    return parse_yuan(str(text)) if text not in (None, "") else 0


@register("reconciliation")
async def build_reconciliation(scope: Scope, period_key: str, unit_code: str) -> tuple[str, dict[str, Any]]:
    """The latest payments run of the county and month (NotFound when there is none)."""
    month = dates.parse_month(period_key)
    run_id = await stipend_reports.latest_run_id(scope, unit_code, month)
    if run_id is None:
        raise NotFound(
            _("No reconciliation run for county {county}, {month}: reconcile the month first (tekun reconcile).").format(
                county=unit_code, month=period_key
            )
        )
    return RECONCILIATION_TEMPLATE, await reconciliation_run_context(scope, unit_code, run_id)


async def reconciliation_run_context(scope: Scope, county_code: str, run_id: str, superseded: bool = False) -> dict[str, Any]:
    """The context of one run's report (``superseded``: a later run of the month exists)."""
    data = await stipend_reports.report_data(scope, county_code, run_id)
    run, summary = data["run"], data["summary"]
    names = await display_names([run.get("created_by"), run.get("approved_by")])
    token = set_language("zh_CN")
    try:
        L = labels()
        findings = [
            {
                "name": L["code"].get(f["code"], f["code"]),
                "detail": describe(f["code"], f["facts"], f["legacy_detail"]),
                "person": f["name"],
                "id_masked": f["id_masked"],
                "payment_ref": f["payment_ref"] or "—",
                "paid": f["paid"],
                "expected": f["expected"],
                "difference": f["difference"],
                "review": L["review"].get(f["status"], f["status"]) + (f"：{f['note']}" if f["note"] else ""),
            }
            for f in data["findings"]
        ]
        counts = [(L["code"].get(code, code), n) for code, n in data["counts"]]
        state = L["run_state"].get(run["state"], run["state"])
        source = L["source"].get(data["source"], data["source"])
    finally:
        reset_language(token)
    county = data["county"]
    return {
        "title": "特困人员救助供养金对账报告",
        "unit": f"{county['name']}民政局",
        "period_text": f"{run['month'].year}年{run['month'].month}月",
        "orientation": "landscape",
        "county_name": county["name"],
        "source_text": source,
        "run_created_at": run["created_at"],
        "run_created_by": names.get(run["created_by"], run["created_by"]),
        "state_text": state,
        "approved": run["state"] == "approved",
        "approved_by": names.get(run.get("approved_by") or "", run.get("approved_by") or ""),
        "approved_at": run.get("approved_at"),
        "stale": data["stale"],
        "superseded": superseded,
        "totals": {
            "lines": summary.get("lines", 0),
            "paid": _fen(summary.get("paid")),
            "expected": _fen(summary.get("expected")),
            "overpaid": _fen(summary.get("overpaid")),
            "underpaid": _fen(summary.get("underpaid")),
        },
        "counts": counts,
        "findings": findings,
        "report_basis": run_id,
    }
