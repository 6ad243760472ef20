"""The queue of re-generations asked for on the archive page: a ``report_request`` row (audited
``report.request``), rendered by ``run_queue`` (issue_report with ``regenerate``, the PDF in the
worker process): ``pending`` → ``running`` → ``done`` (with the new report's id) or ``failed``
(with the message shown on the page). A request whose worker died (``running`` for longer than
``STALE_AFTER``) is taken again. The web process starts ``run_queue`` after each request (one
runner per process); the scheduler may call it too (claiming a row is one conditional UPDATE, so
two runners never render the same request)."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from backend.core import dates
from backend.core.db import transaction
from backend.core.errors import DomainError, Forbidden
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.permissions import can
from backend.core.security import Scope
from backend.reports.services._archive import _row_in_scope
from backend.reports.services._common import scope_where
from backend.reports.services._issue import issue_report
from backend.reports.tables import ReportFile, ReportRequest

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(minutes=10)
OPEN = ("pending", "running")
_runner: list[asyncio.Task] = []


async def request_regeneration(scope: Scope, report_id: int) -> int:
    """Queue a new version of the report (its id in scope); an open request for the same report
    is reused. Returns the request's id."""
    if not can(scope.role, "regenerate_reports"):
        raise Forbidden(_("You may not re-generate reports."))
    row = await _row_in_scope(scope, report_id)
    async with transaction():
        same = (ReportRequest.kind == row["kind"]) & (ReportRequest.period == row["period"]) & (ReportRequest.unit == row["unit"])
        existing = await ReportRequest.select(ReportRequest.id).where(same & ReportRequest.status.is_in(list(OPEN))).first()
        if existing is not None:
            return existing["id"]
        request = ReportRequest(
            kind=row["kind"],
            period=row["period"],
            unit=row["unit"],
            county=row["county"],
            status="pending",
            requested_by=scope.username,
            requested_by_id=scope.user_id,
            requested_at=dates.now_utc(),
        )
        await request.save()
        key = f"{row['kind']}/{row['period']}/{row['unit']}"
        await append_audit(
            scope.user_id, scope.username, [Change("report.request", "report_file", key, None, {"code": row["code"]})]
        )
    return request.id


async def open_requests(scope: Scope, limit: int = 50) -> list[dict[str, Any]]:
    """The scope's requests not done: pending, running, or failed (newest first), with the unit's
    names for the page."""
    query = (
        ReportRequest.select(ReportRequest.all_columns(), ReportRequest.county.name.as_alias("county_name"))
        .where(ReportRequest.status != "done")
        .order_by(ReportRequest.id, ascending=False)
        .limit(limit)
    )
    if not scope.is_admin:
        if scope.kind == "home":
            homes = ReportFile.select(ReportFile.unit).where(scope_where(scope))
            units = {row["unit"] for row in await homes}
            if not units:
                return []
            query = query.where(ReportRequest.unit.is_in(list(units)))
        else:
            query = query.where(ReportRequest.county == scope.county_id)
    return await query


async def _claim() -> dict[str, Any] | None:
    """Take the oldest pending request (or one whose runner died): one conditional UPDATE."""
    stale = dates.now_utc() - STALE_AFTER
    candidates = await (
        ReportRequest.select()
        .where((ReportRequest.status == "pending") | ((ReportRequest.status == "running") & (ReportRequest.requested_at < stale)))
        .order_by(ReportRequest.id)
        .limit(5)
    )
    for row in candidates:
        async with transaction():
            claimed = (
                await ReportRequest.update({"status": "running", "requested_at": dates.now_utc()})
                .where((ReportRequest.id == row["id"]) & (ReportRequest.status == row["status"]))
                .returning(ReportRequest.id)
            )
        if claimed:
            return row
    return None


async def _finish(request_id: int, status: str, message: str = "", report: int | None = None) -> None:
    async with transaction():
        await ReportRequest.update(
            {"status": status, "message": message[:500], "report": report, "finished_at": dates.now_utc()}
        ).where(ReportRequest.id == request_id)


async def run_queue(limit: int | None = None) -> int:
    """Render the pending requests one after the other (the PDFs in the worker process). Returns
    how many were handled."""
    handled = 0
    while limit is None or handled < limit:
        row = await _claim()
        if row is None:
            break
        actor = Scope(user_id=row["requested_by_id"], username=row["requested_by"], role="admin")
        unit = {"home_code": row["unit"]} if row["kind"] == "home-monthly" else {"county_code": row["unit"]}
        try:
            out = await issue_report(row["kind"], row["period"], actor=actor, regenerate=True, **unit)
        except DomainError as exc:
            await _finish(row["id"], "failed", str(exc))
        except Exception as exc:  # noqa: BLE001 - the page shows the failure; the log keeps the trace
            log.exception("report request %s failed", row["id"])
            await _finish(row["id"], "failed", f"{type(exc).__name__}: {exc}")
        else:
            await _finish(row["id"], "done", "", out.id)
        handled += 1
    return handled


def start_queue() -> None:
    """Run the queue in the background of this process (one runner at a time)."""
    if _runner and not _runner[0].done():
        return
    task = asyncio.get_running_loop().create_task(run_queue())
    task.add_done_callback(_retrieved)
    _runner[:] = [task]


def _retrieved(task: asyncio.Task) -> None:
    """A runner that stopped on an error (the database went away at shutdown) leaves its requests
    pending or running; the next runner takes them again (STALE_AFTER)."""
    if not task.cancelled() and (error := task.exception()) is not None:
        log.warning("the report queue runner stopped: %s: %s", type(error).__name__, error)
