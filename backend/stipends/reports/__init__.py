"""Read-only stipend reports: the county's finance dashboard, the findings table, a person's
payment history beside their entitlement, the recovery list (追回清单, XLSX) and the
data of the reconciliation report (the PDF: backend/reports); plus saving one standard from the web form.

Scope: finance and inspectors of the county, and admins (the ``view_reconciliation`` permission);
directors are refused; another county is "not found". Every query is set-based (a few per page).
A month's figures on the dashboard and its findings table come from the *latest* run of that
month and source (an earlier run of the same month is superseded, but still listed). Split by
use case into private modules, re-exported here.
"""

from backend.stipends.reports._common import county_in_scope, parse_month_filter, require_reports
from backend.stipends.reports._dashboard import dashboard, overview
from backend.stipends.reports._findings import FINDINGS_LIMIT, REVIEW_STATUSES, findings
from backend.stipends.reports._history import HISTORY_MONTHS, payment_history
from backend.stipends.reports._pdf import latest_run_id, report_data
from backend.stipends.reports._recovery import RECOVERY_COLUMNS, recovery_rows, recovery_xlsx
from backend.stipends.reports._standards import (
    MAX_AMOUNT,
    STANDARD_FORM_FIELDS,
    StandardForm,
    save_standard,
    standard_form_values,
    standards_page_data,
)

__all__ = [
    "FINDINGS_LIMIT",
    "HISTORY_MONTHS",
    "MAX_AMOUNT",
    "RECOVERY_COLUMNS",
    "REVIEW_STATUSES",
    "STANDARD_FORM_FIELDS",
    "StandardForm",
    "county_in_scope",
    "dashboard",
    "findings",
    "latest_run_id",
    "overview",
    "parse_month_filter",
    "payment_history",
    "recovery_rows",
    "recovery_xlsx",
    "report_data",
    "require_reports",
    "save_standard",
    "standard_form_values",
    "standards_page_data",
]
