"""Stipend use cases: standards, payment and claim imports, reconciliation runs.

The only code that reads or writes the stipend tables (with ``reconciliation.py``, the engine's
set-based loading, and the review, claims and reports modules beside it). Every function takes
the acting Scope. Split by use case into private modules, re-exported here.
"""

from backend.stipends.services._common import (
    detail_of,
    facts_out,
    month_text,
    parse_month,
    require_stipends,
    stored_facts,
)
from backend.stipends.services._floors import (
    FLOOR_FIELDS,
    FloorForm,
    add_floor,
    check_standards,
    floor_name,
    floor_rows,
    in_force_periods,
    list_floors,
    not_checked_text,
    parse_floor,
    warning_text,
)
from backend.stipends.services._imports import import_claims, import_lines, import_payments
from backend.stipends.services._runs import (
    check_month_range,
    county_register,
    find_run,
    fingerprint,
    get_report,
    get_run,
    is_stale,
    list_runs,
    list_runs_text,
    no_standard_message,
    reconcile,
    reconcile_counties,
    reconcile_text,
    record_report_view,
    stored_summary,
)
from backend.stipends.services._standards import (
    import_standards,
    list_standards,
    standard_for,
    standard_out,
    standard_rows,
    standard_warnings,
)

__all__ = [
    "check_month_range",
    "county_register",
    "detail_of",
    "facts_out",
    "find_run",
    "fingerprint",
    "FLOOR_FIELDS",
    "FloorForm",
    "add_floor",
    "check_standards",
    "floor_name",
    "floor_rows",
    "list_floors",
    "not_checked_text",
    "parse_floor",
    "in_force_periods",
    "warning_text",
    "get_report",
    "get_run",
    "import_claims",
    "import_lines",
    "import_payments",
    "import_standards",
    "is_stale",
    "list_runs",
    "list_runs_text",
    "list_standards",
    "month_text",
    "no_standard_message",
    "parse_month",
    "reconcile",
    "reconcile_counties",
    "reconcile_text",
    "record_report_view",
    "require_stipends",
    "standard_for",
    "standard_out",
    "standard_rows",
    "standard_warnings",
    "stored_facts",
    "stored_summary",
]

# Issue 13 (the compliance reports): the findings of the latest run per county and month.
from backend.stipends.services._for_reports import ReportFinding, RunFindings, latest_run_findings  # noqa: E402

__all__ += ["ReportFinding", "RunFindings", "latest_run_findings"]
