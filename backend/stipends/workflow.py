"""Review of reconciliation runs: each finding reviewed by finance, then the run approved by a
second finance user (separation of duties), after which the run is read-only.

- A finding is ``confirmed`` (an overpayment to recover), ``explained`` (a note is required) or
  ``dismissed`` (a reason is required). A review may be changed while the run is open; every
  change is audited with its before and after.
- Reviews and approval: finance of the run's county, or an admin. Inspectors read.
- Approval is refused to anyone who imported the lines the run reconciled
  (``StipendLine.imported_by`` for the run's county, month and source), while a finding is still
  open, or when the run is stale (its inputs changed since it ran: reconcile again).
- An approved run refuses further reviews and a second approval.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from backend.core import citizen_id, dates
from backend.core.db import transaction
from backend.core.errors import Forbidden, Invalid
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.money import yuan_text
from backend.core.permissions import can
from backend.core.security import Scope
from backend.registry import services as registry
from backend.stipends import services
from backend.stipends.labels import REVIEW_LABELS
from backend.stipends.schemas import FindingReviewOut, RunReviewOut
from backend.stipends.tables import Finding, ReconciliationRun, StipendLine

REVIEW_STATUSES = ("confirmed", "explained", "dismissed")
ALL_REVIEW_STATUSES = tuple(REVIEW_LABELS)  # open, confirmed, explained, dismissed
NOTE_LIMIT = 500


def _require_reviewer(scope: Scope) -> None:
    if not can(scope.role, "review_reconciliation"):
        raise Forbidden(_("Only finance staff review and approve reconciliation runs."))


async def _run(scope: Scope, run_id: str, county_code: str | None = None) -> dict[str, Any]:
    """The run row in scope (NotFound otherwise), then the reviewer check."""
    row = await services.find_run(scope, run_id, county_code)
    _require_reviewer(scope)
    return row


def _refuse_if_approved(row: dict[str, Any]) -> None:
    if row["state"] == "approved":
        raise Invalid(
            {
                "run": _("This run was approved on {day} by {user}; it is read-only.").format(
                    day=dates.local(row["approved_at"]).date().isoformat() if row["approved_at"] else "", user=row["approved_by"]
                )
            }
        )


async def importers(row: dict[str, Any]) -> list[str]:
    """The users who imported the lines the run reconciled (its county, month and source)."""
    rows = (
        await StipendLine.select(StipendLine.imported_by)
        .where(
            (StipendLine.source == row["source"]) & (StipendLine.month == row["month"]) & (StipendLine.county == row["county"])
        )
        .distinct()
    )
    return sorted({item["imported_by"] for item in rows})


def _finding_review_out(finding: dict[str, Any]) -> FindingReviewOut:
    facts = services.stored_facts(finding)
    return FindingReviewOut(
        position=finding["position"],
        code=finding["code"],
        id_number_masked=citizen_id.mask(finding["id_number"]),
        name=finding["name"],
        payment_ref=finding["payment_ref"],
        expected=yuan_text(finding["expected"]),
        paid=yuan_text(finding["paid"]),
        difference=yuan_text(finding["difference"]),
        detail=services.detail_of(finding, facts),
        review_status=finding["review_status"],
        review_note=finding["review_note"],
        reviewed_at=finding["reviewed_at"].isoformat() if finding["reviewed_at"] else None,
        reviewed_by=finding["reviewed_by"],
        facts=services.facts_out(facts),
    )


async def review_finding(
    scope: Scope, run_id: str, position: Any, status: str, note: str = "", county_code: str | None = None
) -> FindingReviewOut:
    """Review finding ``position`` of the run: confirmed, explained (note) or dismissed (reason)."""
    row = await _run(scope, run_id, county_code)
    note = (note or "").strip()
    errors: dict[str, str] = {}
    if not isinstance(position, int) or isinstance(position, bool) or not 0 <= position < 2**31:
        errors["position"] = _("Choose a finding of this run.")
    if status not in REVIEW_STATUSES:
        errors["status"] = _("Choose confirmed, explained or dismissed.")
    elif status == "explained" and not note:
        errors["note"] = _("Write the explanation.")
    elif status == "dismissed" and not note:
        errors["note"] = _("Give the reason for dismissing it.")
    if len(note) > NOTE_LIMIT:
        errors["note"] = _("At most {n} characters.").format(n=NOTE_LIMIT)
    if errors:
        raise Invalid(errors)
    async with transaction():
        # Read the state inside the transaction, so an approval in between is seen.
        current = (
            await ReconciliationRun.select(ReconciliationRun.state, ReconciliationRun.approved_at, ReconciliationRun.approved_by)
            .where(ReconciliationRun.id == row["id"])
            .first()
        )
        _refuse_if_approved(current)
        finding = await Finding.select().where((Finding.run == row["id"]) & (Finding.position == position)).first()
        if finding is None:
            raise Invalid({"position": _("Choose a finding of this run.")})
        now = dates.now_utc()
        values = {"review_status": status, "review_note": note, "reviewed_at": now, "reviewed_by": scope.username}
        await Finding.update(values).where(Finding.id == finding["id"])
        await append_audit(
            scope.user_id,
            scope.username,
            [
                Change(
                    "finding.review",
                    "finding",
                    f"{run_id}#{position}",
                    {"code": finding["code"], "review_status": finding["review_status"], "review_note": finding["review_note"]},
                    {"code": finding["code"], "review_status": status, "review_note": note},
                )
            ],
        )
    return _finding_review_out({**finding, **values})


@dataclass
class Approvability:
    """Why a run cannot be approved by this user now (empty: it can)."""

    reasons: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reasons


async def approvability(scope: Scope, row: dict[str, Any], stale: bool | None = None) -> Approvability:
    check = Approvability()
    if row["state"] == "approved":
        check.reasons.append(_("The run is already approved."))
        return check
    if not can(scope.role, "review_reconciliation"):
        check.reasons.append(_("Only finance staff review and approve reconciliation runs."))
        return check
    if scope.username in await importers(row):
        check.reasons.append(
            _("You imported lines of this month; another finance user must approve the run (separation of duties).")
        )
    open_count = await Finding.count().where((Finding.run == row["id"]) & (Finding.review_status == "open"))
    if open_count:
        check.reasons.append(_("{n} findings are not reviewed yet.").format(n=open_count))
    if stale is None:
        stale = await services.is_stale(scope, row["run_id"])
    if stale:
        check.reasons.append(_("The month's data changed after this run: reconcile again and review the new run."))
    return check


async def approve_run(scope: Scope, run_id: str, county_code: str | None = None) -> RunReviewOut:
    """Approve the run (finance, not an importer of its lines; every finding reviewed; not
    stale). The run and its findings become read-only."""
    row = await _run(scope, run_id, county_code)
    async with transaction():
        row = await services.find_run(scope, run_id, county_code)
        _refuse_if_approved(row)
        check = await approvability(scope, row)
        if not check.ok:
            raise Invalid({"run": " ".join(check.reasons)})
        now = dates.now_utc()
        await ReconciliationRun.update({"state": "approved", "approved_at": now, "approved_by": scope.username}).where(
            ReconciliationRun.id == row["id"]
        )
        await append_audit(
            scope.user_id,
            scope.username,
            [Change("reconcile.approve", "reconciliation_run", run_id, {"state": "open"}, {"state": "approved"})],
        )
    return await run_review(scope, run_id, county_code)


@dataclass
class RunView:
    """Everything the run page shows (one page of its findings, filtered)."""

    run_id: str
    county: str
    county_name: str
    month: str
    source: str
    created_at: Any
    created_by: str
    state: str
    approved_at: Any
    approved_by: str
    stale: bool
    summary: dict[str, Any]
    findings: list[FindingReviewOut]
    importers: list[str]
    facts: dict[int, Any]  # position → rules.Facts of the findings shown
    legacy: dict[int, str]  # position → the text an old finding stored instead of facts ("")
    approvable: Approvability
    open_findings: int
    total: int = 0  # findings matching the filters
    page: int = 1
    pages: int = 1


PER_PAGE = 100


async def run_view(scope: Scope, run_id: str, code: str | None = None, status: str | None = None, page: int = 1) -> RunView:
    row = await services.find_run(scope, run_id)
    stale = await services.is_stale(scope, run_id)
    where = Finding.run == row["id"]
    if code:
        where &= Finding.code == code
    if status:
        where &= Finding.review_status == status
    total = await Finding.count().where(where)
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, page), pages)
    findings = await Finding.select().where(where).order_by(Finding.position).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    open_findings = await Finding.count().where((Finding.run == row["id"]) & (Finding.review_status == "open"))
    stored = json.loads(row["summary"])
    county = await registry.find_county(scope, row["county_code"])
    return RunView(
        run_id=run_id,
        county=row["county_code"],
        county_name=county["name"],
        month=dates.month_text(row["month"]),
        source=row["source"],
        created_at=row["created_at"],
        created_by=row["created_by"],
        state=row["state"],
        approved_at=row["approved_at"],
        approved_by=row["approved_by"],
        stale=stale,
        summary=stored,
        findings=[_finding_review_out(f) for f in findings],
        importers=await importers(row),
        facts={f["position"]: services.stored_facts(f) for f in findings},
        legacy={f["position"]: f["detail"] for f in findings},
        approvable=await approvability(scope, row, stale),
        open_findings=open_findings,
        total=total,
        page=page,
        pages=pages,
    )


async def run_review(scope: Scope, run_id: str, county_code: str | None = None) -> RunReviewOut:
    """The run's review state and its findings with their reviews (the API)."""
    row = await services.find_run(scope, run_id, county_code)
    stale = await services.is_stale(scope, run_id)
    findings = await Finding.select().where(Finding.run == row["id"]).order_by(Finding.position)
    return RunReviewOut(
        run_id=run_id,
        county=row["county_code"],
        month=dates.month_text(row["month"]),
        source=row["source"],
        state=row["state"],
        approved_at=row["approved_at"].isoformat() if row["approved_at"] else None,
        approved_by=row["approved_by"],
        stale=stale,
        importers=await importers(row),
        findings=[_finding_review_out(f) for f in findings],
    )


@dataclass
class ApprovalEffects:
    """What approving a run changes (the confirmation step says it before the approval)."""

    findings: int
    source: str
    confirmed: int  # confirmed overpayments of a payments run (on the recovery list)
    to_recover: int  # their total, fen


async def approval_effects(scope: Scope, run_id: str) -> ApprovalEffects:
    row = await _run(scope, run_id)
    findings = await Finding.count().where(Finding.run == row["id"])
    confirmed = await Finding.select(Finding.difference).where(
        (Finding.run == row["id"]) & (Finding.review_status == "confirmed") & (Finding.difference > 0)
    )
    recovered = row["source"] == "payments"
    return ApprovalEffects(
        findings=findings,
        source=row["source"],
        confirmed=len(confirmed) if recovered else 0,
        to_recover=sum(item["difference"] for item in confirmed) if recovered else 0,
    )
