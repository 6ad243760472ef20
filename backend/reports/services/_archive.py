"""The archive by scope: the list (newest first, filtered), one report, its file (download,
audited ``report.download``)."""

from __future__ import annotations

import asyncio
from typing import Any

from backend.core.db import transaction
from backend.core.errors import Forbidden, Invalid, NotFound
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.security import Scope
from backend.registry import services as registry
from backend.reports.services._common import KINDS, ReportFileOut, archive_dir, may_view, report_out, row_columns, scope_where
from backend.reports.tables import ReportFile

LIST_LIMIT = 200


def require_view(scope: Scope) -> None:
    if not may_view(scope):
        raise Forbidden(_("You may not read the reports."))


async def list_reports(
    scope: Scope, *, county_code: str | None = None, kind: str | None = None, limit: int = LIST_LIMIT
) -> list[ReportFileOut]:
    """The reports the scope may read, newest first (every version; ``current`` marks the newest
    of each report). A county outside the scope is NotFound; an unknown kind Invalid."""
    require_view(scope)
    query = (
        ReportFile.select(*row_columns()).order_by(ReportFile.issued_at, ascending=False).order_by(ReportFile.id, ascending=False)
    )
    if (condition := scope_where(scope)) is not None:
        query = query.where(condition)
    if county_code:
        county = await registry.find_county(scope, county_code)
        query = query.where(ReportFile.county == county["id"])
    if kind:
        if kind not in KINDS:
            raise Invalid({"kind": _("Unknown kind of report: {kind}.").format(kind=kind)})
        query = query.where(ReportFile.kind == kind)
    rows = await query.limit(limit)
    superseded = {row["supersedes"] for row in await _superseding([row["id"] for row in rows])}
    return [report_out(row, current=row["id"] not in superseded) for row in rows]


async def _superseding(ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    return await ReportFile.select(ReportFile.supersedes).where(ReportFile.supersedes.is_in(ids))


async def _row_in_scope(scope: Scope, report_id: int) -> dict[str, Any]:
    require_view(scope)
    query = ReportFile.select(*row_columns()).where(ReportFile.id == report_id)
    if (condition := scope_where(scope)) is not None:
        query = query.where(condition)
    row = await query.first()
    if row is None:
        raise NotFound(_("No such report."))
    return row


async def get_report(scope: Scope, report_id: int) -> ReportFileOut:
    row = await _row_in_scope(scope, report_id)
    later = await ReportFile.exists().where(ReportFile.supersedes == row["id"])
    return report_out(row, current=not later)


async def download_report(scope: Scope, report_id: int) -> tuple[ReportFileOut, bytes]:
    """The archived file (and its particulars); audited ``report.download``."""
    row = await _row_in_scope(scope, report_id)
    path = archive_dir() / row["path"]
    try:
        data = await asyncio.to_thread(path.read_bytes)
    except FileNotFoundError:
        raise NotFound(_("The file of this report is missing from the archive.")) from None
    key = f"{row['kind']}/{row['period']}/{row['unit']}/{row['version']}"
    async with transaction():
        await append_audit(
            scope.user_id, scope.username, [Change("report.download", "report_file", key, None, {"code": row["code"]})]
        )
    return report_out(row), data


def kinds_for(scope: Scope) -> list[str]:
    """The kinds a scope's archive can hold (a director: the home's report)."""
    if scope.kind == "home":
        return ["home-monthly"]
    return list(KINDS)


async def archived_path(report: ReportFileOut):
    """Where the archived file of an issued report lies (the command line copies it)."""
    row = await ReportFile.select(ReportFile.path).where(ReportFile.id == report.id).first()
    if row is None:
        raise NotFound(_("No such report."))
    return archive_dir() / row["path"]
