"""The reports API (issue 13): the archive by scope and one report's particulars; the file itself
is downloaded at ``/reports/{id}.pdf`` (a browser or ``curl`` with the bearer token)."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromQuery

from backend.core.limits import RecordId
from backend.core.permissions import allow
from backend.core.security import Scope
from backend.core.web import API_ERRORS
from backend.reports import services

TAGS = ["reports"]


@get(
    "/api/v1/reports",
    opt=allow("view_reports"),
    tags=TAGS,
    summary="Issued reports in scope, newest first (every version; current marks the newest)",
    responses=API_ERRORS,
)
async def list_reports(
    actor: NamedDependency[Scope], county: FromQuery[str | None] = None, kind: FromQuery[str | None] = None
) -> list[services.ReportFileOut]:
    """``county``: a county code (administrators); ``kind``: home-monthly, county-monthly,
    county-quarterly or reconciliation."""
    return await services.list_reports(actor, county_code=county or None, kind=kind or None)


@get(
    "/api/v1/reports/{report_id:int}",
    opt=allow("view_reports"),
    tags=TAGS,
    summary="One issued report: kind, period, unit, version, verification code, sha256, size, pages",
    responses=API_ERRORS,
)
async def get_report(actor: NamedDependency[Scope], report_id: RecordId) -> services.ReportFileOut:
    return await services.get_report(actor, report_id)


ROUTES = [list_reports, get_report]
