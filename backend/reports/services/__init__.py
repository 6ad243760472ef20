"""Report use cases (issue 13, point 5): issuing (build → code → PDF in the worker → sha256 →
archive → row + audit), the archive by scope, downloads, verification, the re-generation queue.
The only code that reads or writes the report tables. Split into private modules, re-exported."""

from backend.reports.services._archive import archived_path, download_report, get_report, kinds_for, list_reports, require_view
from backend.reports.services._common import KIND_LABELS, KINDS, ReportFileOut, check_period, period_text
from backend.reports.services._issue import issue_period_reports, issue_report, render_report
from backend.reports.services._queue import open_requests, request_regeneration, run_queue, start_queue
from backend.reports.services._runs import reconciliation_of_run
from backend.reports.services._verify import CHANGED, ISSUED, UNKNOWN, Verdict, find_by_code, verify_file

__all__ = [
    "CHANGED",
    "ISSUED",
    "KINDS",
    "KIND_LABELS",
    "UNKNOWN",
    "ReportFileOut",
    "Verdict",
    "archived_path",
    "check_period",
    "download_report",
    "find_by_code",
    "get_report",
    "issue_period_reports",
    "issue_report",
    "kinds_for",
    "list_reports",
    "open_requests",
    "reconciliation_of_run",
    "period_text",
    "render_report",
    "request_regeneration",
    "require_view",
    "run_queue",
    "start_queue",
    "verify_file",
]
