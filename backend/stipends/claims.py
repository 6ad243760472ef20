"""A home's monthly claim (申领): generated from the register, checked and submitted by the
director, reconciled and approved by finance, frozen once approved, corrected by a new version.

- Generate (director of the home, admin): the home's residents entitled for month M, with the
  basic and care amounts ``rules.entitlement`` computes from the standard in force (the same
  code the reconciliation uses), stored as copies (``ClaimLine``). A draft can be generated again
  (its lines are replaced); once the latest version is submitted or approved, generating makes
  the next version (a correction), as a draft.
- Submit (director, admin): the draft's lines are written as ``StipendLine`` rows of source
  ``claims`` (``imported_by`` = the submitter), so ``reconcile(..., "claims")`` checks them like an
  imported claims file. Submitting version n+1 marks earlier submitted or approved versions
  ``superseded`` and removes their claim lines (so the month is not claimed twice).
- Reconcile (finance, admin): runs the reconciliation of the county-month over ``claims`` and
  remembers the run on the claim. Approve (finance, admin): refused unless the claim's run is
  current (not stale); then the claim is ``approved`` and read-only.
- Scope: a director sees the claims of their own home only; finance and inspectors those of
  their county (inspectors read only); admins all. Out of scope → NotFound.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from piccolo.query.functions.aggregate import Count, Sum

from backend.core import citizen_id, dates
from backend.core.db import transaction
from backend.core.errors import Invalid, NotFound
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.money import yuan_text
from backend.core.permissions import can, require
from backend.core.security import Scope
from backend.registry import services as registry
from backend.stipends import rules, services
from backend.stipends.claim_out import claim_out
from backend.stipends.labels import CLAIM_STATE_LABELS as STATE_LABELS
from backend.stipends.schemas import ClaimOut
from backend.stipends.services import check_month_range
from backend.stipends.tables import Claim, ClaimLine, StipendLine


def _claim_columns():
    return (
        *Claim.all_columns(),
        Claim.home.code.as_alias("home_code"),
        Claim.home.name.as_alias("home_name"),
        Claim.county.code.as_alias("county_code"),
    )


def _scoped(query, scope: Scope):
    if scope.is_admin:
        return query
    if scope.kind == "home":
        return query.where(Claim.home == scope.home_id)
    return query.where(Claim.county == scope.county_id)


async def _find(scope: Scope, claim_id: int) -> dict[str, Any]:
    require(scope, "view_claims", _("You may not work with stipend claims."))
    row = await _scoped(Claim.select(*_claim_columns()).where(Claim.id == claim_id), scope).first()
    if row is None:
        raise NotFound(_("No such claim."))
    return row


async def get_claim(scope: Scope, claim_id: int) -> ClaimOut:
    return await claim_out(await _find(scope, claim_id))


async def list_claims(
    scope: Scope, home_code: str | None = None, month: date | None = None, state: str | None = None
) -> list[ClaimOut]:
    """Claims in scope, newest month first, then home, then version (newest first)."""
    require(scope, "view_claims", _("You may not work with stipend claims."))
    query = _scoped(Claim.select(*_claim_columns()), scope)
    if home_code is not None:
        home = await registry.find_home(scope, home_code)
        query = query.where(Claim.home == home["id"])
    if month is not None:
        query = query.where(Claim.month == dates.month_of(month))
    if state:
        query = query.where(Claim.state == state)
    rows = await query.order_by(Claim.month, ascending=False).order_by(Claim.home).order_by(Claim.version, ascending=False)
    totals: dict[int, tuple[int, int, int]] = {}
    ids = [row["id"] for row in rows]
    for start in range(0, len(ids), 500):
        for item in (
            await ClaimLine.select(
                ClaimLine.claim,
                Count(ClaimLine.id).as_alias("n"),
                Sum(ClaimLine.basic_amount).as_alias("basic"),
                Sum(ClaimLine.care_amount).as_alias("care"),
            )
            .where(ClaimLine.claim.is_in(ids[start : start + 500]))
            .group_by(ClaimLine.claim)
        ):
            totals[item["claim"]] = (item["n"], int(item["basic"] or 0), int(item["care"] or 0))
    return [await claim_out(row, with_lines=False, totals=totals.get(row["id"], (0, 0, 0))) for row in rows]


def parse_month(text: str | None) -> date:
    return services.parse_month(text)


async def expected_lines(home: dict[str, Any], month: date) -> list[dict[str, Any]]:
    """The home's residents entitled for ``month`` with their amounts, exactly as the
    reconciliation computes them (``rules.entitlement`` over the same loaded inputs)."""
    persons, standards = await services.county_register(home["county_id"], month)
    if not standards:
        raise Invalid({"month": services.no_standard_message(home["county_name"], home["county_code"], month)})
    lines = []
    missing: set[str] = set()  # areas of the home's entitled residents without a standard
    for person in sorted(persons.values(), key=lambda p: p.id_number):
        if person.county_id != home["county_id"]:
            continue
        due = rules.entitlement(person, home["county_id"], month, standards)
        if not due.entitled or due.home_id != home["id"]:
            continue
        if not due.has_standard:
            missing.add(due.area)
            continue
        lines.append(
            {
                "resident_id": person.id,
                "id_number": person.id_number,
                "name": person.name,
                "support_mode": due.mode,
                "tier": due.tier,
                "basic_amount": due.basic,
                "care_amount": due.care,
            }
        )
    if missing:
        message = services.no_standard_message(home["county_name"], home["county_code"], month, sorted(missing))
        raise Invalid({"month": message})
    return lines


def _ref(home_code: str, month: date, version: int, position: int) -> str:
    return f"{home_code}-{month:%Y%m}-v{version}-{position + 1:04d}"


async def generate_claim(scope: Scope, home_code: str, month: date) -> ClaimOut:
    """Generate (or regenerate, while a draft) the home's claim for ``month``."""
    home = await registry.find_home(scope, home_code)
    require(scope, "prepare_claims", _("Only the home's director prepares its claims."))
    month = dates.month_of(month)
    check_month_range(month)
    lines = await expected_lines(home, month)
    if not lines:
        raise Invalid(
            {"month": _("No resident of this home is entitled to a stipend for {month}.").format(month=dates.month_text(month))}
        )
    now = dates.now_utc()
    async with transaction():
        latest = (
            await Claim.select()
            .where((Claim.home == home["id"]) & (Claim.month == month))
            .order_by(Claim.version, ascending=False)
            .first()
        )
        if latest is not None and latest["state"] == "draft":
            claim_id, version = latest["id"], latest["version"]
            await ClaimLine.delete().where(ClaimLine.claim == claim_id)
            await Claim.update({"created_at": now, "created_by": scope.username}).where(Claim.id == claim_id)
            action = "claim.regenerate"
        else:
            version = 1 if latest is None else latest["version"] + 1
            inserted = await Claim.insert(
                Claim(
                    home=home["id"],
                    county=home["county_id"],
                    month=month,
                    version=version,
                    state="draft",
                    created_at=now,
                    created_by=scope.username,
                )
            ).returning(Claim.id)
            claim_id = inserted[0]["id"]
            action = "claim.generate"
        await ClaimLine.insert(
            *[
                ClaimLine(claim=claim_id, position=position, payment_ref=_ref(home_code, month, version, position), **line)
                for position, line in enumerate(lines)
            ]
        )
        await append_audit(
            scope.user_id,
            scope.username,
            [
                Change(
                    action,
                    "claim",
                    f"{home_code}@{dates.month_text(month)}v{version}",
                    None,
                    {"lines": len(lines), "total": yuan_text(sum(line["basic_amount"] + line["care_amount"] for line in lines))},
                )
            ],
        )
    return await get_claim(scope, claim_id)


async def generate_claim_text(scope: Scope, home_code: str, month: str) -> ClaimOut:
    await registry.find_home(scope, home_code)  # scope first, then the input
    require(scope, "prepare_claims", _("Only the home's director prepares its claims."))
    return await generate_claim(scope, home_code, parse_month(month))


def _key(row: dict[str, Any]) -> str:
    return f"{row['home_code']}@{dates.month_text(row['month'])}v{row['version']}"


async def submit_claim(scope: Scope, claim_id: int) -> ClaimOut:
    """Submit a draft: its lines become the month's claim lines of the home (source ``claims``);
    earlier versions are superseded."""
    row = await _find(scope, claim_id)
    require(scope, "prepare_claims", _("Only the home's director submits its claims."))
    async with transaction():
        row = await _find(scope, claim_id)
        if row["state"] != "draft":
            raise Invalid({"claim": _("Only a draft can be submitted; this claim is {state}.").format(state=state_label(row))})
        lines = await ClaimLine.select().where(ClaimLine.claim == claim_id).order_by(ClaimLine.position)
        refs = [line["payment_ref"] for line in lines]
        taken = (
            await StipendLine.select(StipendLine.payment_ref)
            .where((StipendLine.source == "claims") & StipendLine.payment_ref.is_in(refs or [""]))
            .first()
        )
        if taken is not None:
            raise Invalid(
                {
                    "claim": _("Claim line {ref} already exists (imported); generate the claim again.").format(
                        ref=taken["payment_ref"]
                    )
                }
            )
        now = dates.now_utc()
        earlier = await Claim.select().where(
            (Claim.home == row["home"])
            & (Claim.month == row["month"])
            & (Claim.version < row["version"])
            & Claim.state.is_in(["submitted", "approved"])
        )
        changes = []
        for old in earlier:
            old_refs = ClaimLine.select(ClaimLine.payment_ref).where(ClaimLine.claim == old["id"])
            await StipendLine.delete().where((StipendLine.source == "claims") & StipendLine.payment_ref.is_in(old_refs))
            await Claim.update({"state": "superseded", "superseded_at": now}).where(Claim.id == old["id"])
            changes.append(
                Change(
                    "claim.supersede",
                    "claim",
                    f"{row['home_code']}@{dates.month_text(row['month'])}v{old['version']}",
                    {"state": old["state"]},
                    {"state": "superseded", "by_version": row["version"]},
                )
            )
        new_lines = [
            StipendLine(
                source="claims",
                payment_ref=line["payment_ref"],
                id_number=line["id_number"],
                id_key=citizen_id.normalise(line["id_number"]),
                name=line["name"],
                county=row["county"],
                month=row["month"],
                basic_amount=line["basic_amount"],
                care_amount=line["care_amount"],
                support_mode=line["support_mode"],
                home_code=row["home_code"],
                imported_at=now,
                imported_by=scope.username,
            )
            for line in lines
        ]
        for start in range(0, len(new_lines), 500):
            await StipendLine.insert(*new_lines[start : start + 500])
        await Claim.update({"state": "submitted", "submitted_at": now, "submitted_by": scope.username}).where(
            Claim.id == claim_id
        )
        changes.append(
            Change("claim.submit", "claim", _key(row), {"state": "draft"}, {"state": "submitted", "lines": len(lines)})
        )
        await append_audit(scope.user_id, scope.username, changes)
    return await get_claim(scope, claim_id)


def state_label(row: dict[str, Any]) -> str:
    """The claim's state in the user's language."""
    label = STATE_LABELS[row["state"]]
    return _(label)


def _require_current_submitted(row: dict[str, Any]) -> None:
    if row["state"] != "submitted":
        raise Invalid(
            {
                "claim": _("Only a submitted claim can be checked and approved; this claim is {state}.").format(
                    state=state_label(row)
                )
            }
        )


async def reconcile_claim(scope: Scope, claim_id: int):
    """Reconcile the claim's county-month over claims (finance) and remember the run."""
    row = await _find(scope, claim_id)
    require(scope, "check_claims", _("Only finance staff check and approve claims."))
    _require_current_submitted(row)
    report = await services.reconcile(scope, row["county_code"], row["month"], "claims")
    async with transaction():
        await Claim.update({"run_id": report.run_id}).where(Claim.id == claim_id)
        await append_audit(
            scope.user_id,
            scope.username,
            [Change("claim.check", "claim", _key(row), {"run_id": row["run_id"]}, {"run_id": report.run_id})],
        )
    return report


async def approve_claim(scope: Scope, claim_id: int) -> ClaimOut:
    """Approve a submitted claim after a reconciliation that is still current; it is frozen."""
    row = await _find(scope, claim_id)
    require(scope, "check_claims", _("Only finance staff check and approve claims."))
    async with transaction():
        row = await _find(scope, claim_id)
        _require_current_submitted(row)
        if not row["run_id"]:
            raise Invalid({"claim": _("Check the claim with the reconciliation first.")})
        if await services.is_stale(scope, row["run_id"]):
            raise Invalid(
                {"claim": _("The month's claims or the register changed after the check: reconcile again before approving.")}
            )
        now = dates.now_utc()
        await Claim.update({"state": "approved", "approved_at": now, "approved_by": scope.username}).where(Claim.id == claim_id)
        await append_audit(
            scope.user_id,
            scope.username,
            [Change("claim.approve", "claim", _key(row), {"state": "submitted"}, {"state": "approved", "run_id": row["run_id"]})],
        )
    return await get_claim(scope, claim_id)


async def claim_findings(scope: Scope, claim: ClaimOut) -> list:
    """The findings of the claim's reconciliation run that concern its lines (finance and
    inspectors; others see none)."""
    if not claim.run_id or not can(scope.role, "view_reconciliation"):
        return []
    report = await services.get_report(scope, claim.run_id)
    refs = {item.payment_ref for item in claim.items}
    ids = {item.id_number for item in claim.items}
    return [f for f in report.findings if f.payment_ref in refs or (f.payment_ref is None and f.id_number in ids)]


async def home_for(scope: Scope, home_code: str) -> dict[str, Any]:
    return await registry.find_home(scope, home_code)
