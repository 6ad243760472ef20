"""Issuing a report: build → verification code → HTML → PDF in the worker → sha256 → the file under
``TEKUN_DATA_DIR/reports/<county>/<kind>/`` (written atomically) → the ``report_file`` row and the
audit record carrying the sha256, in one transaction.

Idempotent per (kind, period, unit): the archived file is returned unless ``regenerate``, which
issues version n+1 superseding the previous one (both kept). Two issuers racing on the same report:
the natural key UNIQUE(kind, period, unit, version) lets one row in; the other removes its file and
returns the winner's (or, when regenerating, tries the next version).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from backend.core import dates
from backend.core.db import transaction
from backend.core.ledger import Change, append_audit
from backend.core.security import Scope
from backend.registry import services as registry
from backend.reports import builders, worker
from backend.reports.render import report_html
from backend.reports.services._common import (
    ReportFileOut,
    archive_dir,
    check_closed,
    check_kind,
    check_period,
    current_row,
    report_out,
    resolve_unit,
)
from backend.reports.tables import ReportFile
from backend.reports.verification import new_code, verification_context

log = logging.getLogger(__name__)


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


async def render_report(kind: str, period_key: str, unit_code: str, actor: Scope, code: str) -> tuple[bytes, int, str]:
    """The PDF (bytes, pages) of one report carrying ``code``, and what its data was (basis)."""
    template, context = await builders.build(kind, actor, period_key, unit_code)
    basis = str(context.pop("report_basis", "") or "")
    context["verification"] = verification_context(code)
    context.setdefault("issued_on", dates.today())
    html = report_html(template, context)
    pdf, pages = await worker.render_pdf(html)
    return pdf, pages, basis


async def _store(kind: str, period_key: str, unit: dict[str, Any], actor: Scope, regenerate: bool) -> dict[str, Any] | None:
    """Render and store one new version; None when another issuer stored it first (not regenerating)."""
    code = new_code()
    pdf, pages, basis = await render_report(kind, period_key, unit["unit"], actor, code)
    digest = hashlib.sha256(pdf).hexdigest()
    relative = Path(unit["county_code"]) / kind / f"{period_key}_{unit['unit']}_{code}.pdf"
    path = archive_dir() / relative
    await asyncio.to_thread(_write_atomically, path, pdf)
    for _attempt in range(3):
        try:
            async with transaction():
                before = await current_row(kind, period_key, unit["unit"])
                if before is not None and not regenerate:
                    path.unlink(missing_ok=True)
                    return None
                version = before["version"] + 1 if before else 1
                row = ReportFile(
                    kind=kind,
                    period=period_key,
                    unit=unit["unit"],
                    county=unit["county_id"],
                    home=unit["home_id"],
                    version=version,
                    code=code,
                    sha256=digest,
                    size=len(pdf),
                    pages=pages,
                    path=relative.as_posix(),
                    basis=basis,
                    issued_at=dates.now_utc(),
                    issued_by=actor.username,
                    supersedes=before["id"] if before else None,
                )
                await row.save()
                after = {
                    "kind": kind,
                    "period": period_key,
                    "version": version,
                    "code": code,
                    "sha256": digest,
                    "size": len(pdf),
                    "pages": pages,
                }
                if before is not None:
                    after["supersedes"] = before["code"]
                entity_key = f"{kind}/{period_key}/{unit['unit']}/{version}"
                await append_audit(
                    actor.user_id, actor.username, [Change("report.issue", "report_file", entity_key, None, after)]
                )
            return await current_row(kind, period_key, unit["unit"])
        except Exception as exc:  # the natural key taken by a racing issuer: look again
            if "unique" not in str(exc).lower() and "duplicate" not in str(exc).lower():
                path.unlink(missing_ok=True)
                raise
            log.info("report %s %s %s: another issuer stored this version first", kind, period_key, unit["unit"])
    path.unlink(missing_ok=True)
    raise RuntimeError("the report could not be stored: its version was taken three times")


async def issue_report(
    kind: str,
    period_key: str,
    *,
    county_code: str | None = None,
    home_code: str | None = None,
    actor: Scope | None = None,
    regenerate: bool = False,
) -> ReportFileOut:
    """The archived report of (kind, period, unit), issued now if it never was (or ``regenerate``).
    ``actor`` None: the system (the scheduler passes its own ``Scope.system("scheduler")``)."""
    actor = actor or Scope.system("system")
    check_kind(kind)
    check_period(kind, period_key)
    check_closed(kind, period_key, dates.today())
    unit = await resolve_unit(actor, kind, county_code, home_code)
    if not regenerate and (existing := await current_row(kind, period_key, unit["unit"])) is not None:
        return report_out(existing)
    stored = await _store(kind, period_key, unit, actor, regenerate)
    if stored is None:  # a racing issuer won
        stored = await current_row(kind, period_key, unit["unit"])
    return report_out(stored)


async def issue_period_reports(kind: str, period_key: str, *, actor: Scope | None = None) -> int:
    """Issue the report of ``kind`` and period for every county (county kinds) or every home open
    during the period (home-monthly) of the deployment; the ones already issued are skipped.
    Returns how many were issued now. A unit whose report cannot be built (a reconciliation with no
    run that month) is skipped with a log line; the others go on."""
    from backend.core.errors import DomainError
    from backend.reports.services._common import period_bounds

    actor = actor or Scope.system("scheduler")
    unit_kind, _span = check_kind(kind)
    check_period(kind, period_key)
    check_closed(kind, period_key, dates.today())
    first, _last = period_bounds(period_key)
    if unit_kind == "home":
        units = [("home", home["code"]) for home in await registry.homes_open_on(first)]
    else:
        units = [("county", county.code) for county in await registry.list_counties(actor)]
    issued = 0
    for what, code in units:
        where = {"home_code": code} if what == "home" else {"county_code": code}
        unit = await resolve_unit(actor, kind, where.get("county_code"), where.get("home_code"))
        if await current_row(kind, period_key, unit["unit"]) is not None:
            continue
        try:
            if await _store(kind, period_key, unit, actor, regenerate=False) is not None:
                issued += 1
        except DomainError as exc:
            log.info("report %s %s %s not issued: %s", kind, period_key, code, exc)
    return issued
