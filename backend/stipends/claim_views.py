"""Stipend claim pages (申领): a home's claims, the county's list, one claim and its steps."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from backend.core import forms, people
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.limits import RecordId
from backend.core.permissions import allow, can
from backend.core.web import overview_panel, redirect
from backend.registry import services as registry
from backend.stipends import claims, services
from backend.stipends.views import _scope, stipend_page

# --- claims ----------------------------------------------------------------------------------------


class ClaimMonthForm(forms.Form):
    month: Annotated[date, forms.Month()]


async def _home_claims_page(
    request: Request,
    code: str,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    scope = _scope(request)
    home = await registry.get_home(scope, code)
    items = await claims.list_claims(scope, home_code=code)
    return stipend_page(
        request,
        "stipends/claims_home.html",
        status_code=status_code,
        home=home,
        claims=items,
        values=values or {},
        errors=errors or {},
    )


@get("/homes/{code:str}/claims", opt=allow("view_claims"))
async def home_claims(request: Request, code: FromPath[str]) -> Template:
    return await _home_claims_page(request, code)


async def _reshow_claims(request: Request, values: dict[str, str], errors: dict[str, str]) -> Template | None:
    if set(errors) != {"month"}:
        return None
    return await _home_claims_page(
        request, request.path_params["code"], {"month": values.get("month", "")}, errors, status_code=400
    )


@post("/homes/{code:str}/claims", opt={**allow("prepare_claims"), "text_form": _reshow_claims}, status_code=200)
async def home_claims_generate(request: Request, code: FromPath[str]) -> Template | Redirect:
    scope = _scope(request)
    await registry.find_home(scope, code)  # out of scope: 404 before anything else
    parsed = await forms.read(request, ClaimMonthForm)
    if parsed.ok:
        try:
            claim = await claims.generate_claim(scope, code, parsed.data.month)
            return redirect(f"/stipends/claims/{claim.id}", flash=_("The claim is generated: check it, then submit it."))
        except Invalid as invalid:
            parsed.merge(invalid)
    return await _home_claims_page(request, code, parsed.values, parsed.errors, status_code=400)


@get("/stipends/claims", opt=allow("view_county_claims"))
async def claims_list(request: Request, month: FromQuery[str | None] = None, status: FromQuery[str | None] = None) -> Template:
    scope = _scope(request)
    errors: dict[str, str] = {}
    chosen = {"month": month or "", "state": status if status in claims.STATE_LABELS else ""}
    month_value = None
    if chosen["month"]:
        try:
            month_value = claims.parse_month(chosen["month"])
        except Invalid as invalid:
            errors = invalid.errors
    items = [] if errors else await claims.list_claims(scope, month=month_value, state=chosen["state"] or None)
    return stipend_page(
        request, "stipends/claims.html", status_code=400 if errors else 200, claims=items, chosen=chosen, errors=errors
    )


async def _claim_page(request: Request, claim_id: int, errors: dict[str, str] | None = None, status_code: int = 200) -> Template:
    scope = _scope(request)
    claim = await claims.get_claim(scope, claim_id)
    role = request.scope["user"].role
    run_stale = None
    if claim.run_id and can(role, "view_reconciliation"):
        run_stale = await services.is_stale(scope, claim.run_id)
    when = {
        name: datetime.fromisoformat(getattr(claim, name)) if getattr(claim, name) else None
        for name in ("created_at", "submitted_at", "approved_at")
    }
    return stipend_page(
        request,
        "stipends/claim.html",
        status_code=status_code,
        claim=claim,
        errors=errors or {},
        when=when,
        findings=await claims.claim_findings(scope, claim),
        run_stale=run_stale,
        names=await people.display_names([claim.created_by, claim.submitted_by, claim.approved_by]),
    )


@get("/stipends/claims/{claim_id:int}", opt=allow("view_claims"))
async def claim_page(request: Request, claim_id: RecordId) -> Template:
    return await _claim_page(request, claim_id)


async def _claim_action(request: Request, claim_id: int, action, done: str) -> Template | Redirect:
    scope = _scope(request)
    await claims.get_claim(scope, claim_id)  # out of scope: 404 before anything else
    try:
        await action(scope, claim_id)
        return redirect(f"/stipends/claims/{claim_id}", flash=done)
    except Invalid as invalid:
        return await _claim_page(request, claim_id, errors=invalid.errors, status_code=400)


@post("/stipends/claims/{claim_id:int}/submit", opt=allow("prepare_claims"), status_code=200)
async def claim_submit(request: Request, claim_id: RecordId) -> Template | Redirect:
    return await _claim_action(
        request, claim_id, claims.submit_claim, _("The claim is submitted to the county's finance office.")
    )


@post("/stipends/claims/{claim_id:int}/reconcile", opt=allow("check_claims"), status_code=200)
async def claim_reconcile(request: Request, claim_id: RecordId) -> Template | Redirect:
    return await _claim_action(request, claim_id, claims.reconcile_claim, _("The claim is checked with the reconciliation."))


@post("/stipends/claims/{claim_id:int}/approve", opt=allow("check_claims"), status_code=200)
async def claim_approve(request: Request, claim_id: RecordId) -> Template | Redirect:
    return await _claim_action(request, claim_id, claims.approve_claim, _("The claim is approved."))


@overview_panel
async def claims_panel(request: Request) -> tuple[str, dict[str, Any]] | None:
    """On the overview: the director's way to the home's claims; for finance, the claims waiting
    for a check and the way to start a reconciliation."""
    user = request.scope["user"]
    scope = user.scope
    if scope.kind == "home" and can(user.role, "prepare_claims") and user.home_code:
        items = await claims.list_claims(scope, home_code=user.home_code)
        latest = items[0] if items else None
        return (
            "stipends/claim_panel.html",
            {
                "home_code": user.home_code,
                "latest": latest,
                "waiting": None,
                "state": claims.state_label({"state": latest.state}) if latest else "",
            },
        )
    if scope.kind == "county" and can(user.role, "check_claims"):
        waiting = await claims.list_claims(scope, state="submitted")
        return ("stipends/claim_panel.html", {"home_code": None, "latest": None, "waiting": len(waiting), "state": ""})
    return None


ROUTES = [
    home_claims,
    home_claims_generate,
    claims_list,
    claim_page,
    claim_submit,
    claim_reconcile,
    claim_approve,
]
