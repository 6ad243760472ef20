"""The reconciliation report of one run (the stipends run page's PDF link): the latest payments run
of its month is the archived report (issued, or re-issued when a later run replaced the one the
archive holds); an earlier run, or a run of another source, is rendered in the same look with a
line saying it is superseded, not archived and not verifiable."""

from __future__ import annotations

from backend.core import dates
from backend.core.security import Scope
from backend.reports import worker
from backend.reports.builders import RECONCILIATION_TEMPLATE, reconciliation_run_context
from backend.reports.render import report_html
from backend.reports.services._archive import download_report
from backend.reports.services._common import current_row, period_text
from backend.reports.services._issue import issue_report


async def reconciliation_of_run(scope: Scope, county_code: str, run_id: str) -> tuple[bytes, str, str | None]:
    """(PDF bytes, Chinese file name, verification code or None when not archived)."""
    from backend.stipends import reports as stipend_reports
    from backend.stipends import services as stipends

    run = await stipends.find_run(scope, run_id, county_code)
    month_key = dates.month_text(run["month"])
    latest = await stipend_reports.latest_run_id(scope, county_code, run["month"])
    if latest == run_id:
        current = await current_row("reconciliation", month_key, county_code)
        if current is not None and current["basis"] == run_id:
            report_id = current["id"]
        else:
            issued = await issue_report(
                "reconciliation", month_key, county_code=county_code, actor=scope, regenerate=current is not None
            )
            report_id = issued.id
        out, data = await download_report(scope, report_id)
        return data, out.filename, out.code
    context = await reconciliation_run_context(scope, county_code, run_id, superseded=True)
    context.pop("report_basis", None)
    context["issued_on"] = dates.today()
    pdf, _pages = await worker.render_pdf(report_html(RECONCILIATION_TEMPLATE, context))
    name = f"{context['county_name']}_供养金对账报告_{period_text(month_key)}_未归档.pdf"
    return pdf, name, None
