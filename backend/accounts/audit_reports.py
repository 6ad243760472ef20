"""The audit log's words for the reports domain (issue 13; ``audit_labels`` merges them into
``ACTIONS``, ``ENTITIES``, ``FIELDS`` and ``VALUES``). Accounts may not import the reports domain
(reports sits above accounts), so the kinds of report are repeated here."""

from __future__ import annotations

from backend.core.i18n import N_

REPORTS_ACTIONS: dict[str, str] = {
    "report.issue": N_("Report issued (its sha256 recorded)"),
    "report.download": N_("Report downloaded"),
    "report.request": N_("New version of a report requested"),
}
REPORTS_ENTITIES: dict[str, str] = {
    "report_file": N_("Issued report"),
}
REPORTS_FIELDS: dict[str, str] = {
    "sha256": N_("Digest (sha256) of the file"),
    "pages": N_("Pages"),
    "version": N_("Version"),
    "supersedes": N_("Supersedes the report"),
    "report_file.kind": N_("Kind of report"),
    "report_file.code": N_("Verification code"),
}
REPORT_KINDS: dict[str, str] = {
    "home-monthly": N_("Home monthly report"),
    "county-monthly": N_("County monthly report"),
    "county-quarterly": N_("County quarterly bulletin"),
    "reconciliation": N_("Stipend reconciliation report"),
}
REPORTS_VALUES: dict[str, dict[str, str]] = {
    "report_file.kind": REPORT_KINDS,
    # the keys of the notices' "kinds" (kind → how many were created): backend/notices/rules.py
    "notice.kinds": {
        "tasks_today": N_("Today's tasks"),
        "major_hazard": N_("Major hazard"),
        "outbreak": N_("Outbreak report"),
        "drill_overdue": N_("Evacuation drill overdue"),
        "late_death": N_("Death reported late"),
    },
}
