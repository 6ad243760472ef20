"""Stipend workflow pages: starting a reconciliation, a run's page with the review of its
findings and its approval, and the homes' monthly claims (generate, check, submit, reconcile,
approve).

Reading a run: finance, inspectors (read only) of its county, admins. Reviewing and approving:
finance and admins. Claims: the director of the home prepares and submits; finance checks and
approves; inspectors read. Out-of-scope records are "not found" (the services decide).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery

from backend.core import citizen_id
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.limits import RecordId
from backend.core.permissions import allow, can
from backend.core.web import overview_panel, page, redirect
from backend.registry import services as registry
from backend.residents.views import MODE_LABELS, TIER_LABELS
from backend.stipends import claims, reports, rules, services, workflow


def labels() -> dict[str, dict[str, str]]:
    sets = {
        "review": workflow.STATUS_LABELS, "run_state": workflow.STATE_LABELS, "claim_state": claims.STATE_LABELS,
        "source": reports.SOURCE_LABELS, "mode": MODE_LABELS, "tier": TIER_LABELS,
    }
    return {name: {key: _(text) for key, text in values.items()} for name, values in sets.items()}


def _page(request: Request, template: str, status_code: int = 200, **context: Any):
    return page(request, template, status_code=status_code, L=labels(), mask=citizen_id.mask, **context)


def _scope(request: Request):
    return request.scope["user"].scope


def _text(form: Any, name: str) -> str:
    return str(form.get(name, "") or "").strip()


# --- starting a reconciliation ------------------------------------------------------------------


def _reconcile_form(request: Request, values: dict[str, str], errors: dict[str, str] | None = None, status_code: int = 200):
    return _page(request, "stipends/run_new.html", status_code=status_code, values=values, errors=errors or {},
                 sources=rules.SOURCES)


@get("/stipends/reconcile", opt=allow("review_reconciliation"))
async def reconcile_new(request: Request, month: FromQuery[str | None] = None, source: FromQuery[str | None] = None) -> object:
    user = request.scope["user"]
    values = {"county_code": user.county_code or "", "month": month or "", "source": source if source in rules.SOURCES else "payments"}
    return _reconcile_form(request, values)


# text_form hooks (backend.core.textguard): the form again when a field holds control characters;
# None for a field the form does not show (the guard's own page names it).


async def _reshow_reconcile(request: Request, values: dict[str, str], errors: dict[str, str]):
    names = ("county_code", "month", "source")
    if not set(errors) <= set(names):
        return None
    return _reconcile_form(request, {name: values.get(name, "") for name in names}, errors, status_code=400)


@post("/stipends/reconcile", opt={**allow("review_reconciliation"), "text_form": _reshow_reconcile}, status_code=200)
async def reconcile_submit(request: Request) -> object:
    user = request.scope["user"]
    scope = _scope(request)
    form = await request.form()
    values = {name: _text(form, name) for name in ("county_code", "month", "source")}
    if user.role != "admin":
        values["county_code"] = user.county_code or ""
    errors: dict[str, str] = {}
    if not values["county_code"]:
        errors["county_code"] = _("Enter the county code.")
    if values["source"] not in rules.SOURCES:
        errors["source"] = _("Choose payments or claims.")
    if not values["month"]:
        errors["month"] = _("A value is required.")
    if not errors:
        try:
            month = services._parse_month(values["month"])
            claims.check_month_range(month)
            await registry.find_county(scope, values["county_code"])
            report = await services.reconcile(scope, values["county_code"], month, values["source"])
            return redirect(f"/stipends/runs/{report.run_id}")
        except Invalid as invalid:
            errors = invalid.errors
        except services.NotFound:
            errors = {"county_code": _("No such county.")}
    return _reconcile_form(request, values, errors, status_code=400)


# --- a run: summary, findings and their review, approval ----------------------------------------


def _small_int(text: str) -> int | None:
    """A non-negative whole number of at most 9 ASCII digits, else None."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def _run_filters(request: Request) -> dict[str, str]:
    code = request.query_params.get("code") or ""
    status = request.query_params.get("status") or ""
    return {"code": code if code in rules.CODES else "", "status": status if status in workflow.STATUS_LABELS else ""}


def _safe_query(request: Request) -> str:
    """The run page's filters and page, rebuilt from known keys only."""
    chosen = _run_filters(request)
    raw_page = request.query_params.get("page") or ""
    kept = {key: value for key, value in chosen.items() if value}
    if _small_int(raw_page) is not None:
        kept["page"] = raw_page
    return urlencode(kept)


async def _run_page(request: Request, run_id: str, errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
                    error_position: int | None = None, status_code: int = 200):
    chosen = _run_filters(request)
    view = await workflow.run_view(_scope(request), run_id, code=chosen["code"] or None, status=chosen["status"] or None,
                                   page=_small_int(request.query_params.get("page") or "") or 1)
    may_review = can(request.scope["user"].role, "review_reconciliation") and view.state == "open"
    codes = [(code, view.summary["findings"].get(code, 0)) for code in rules.CODES]
    query = urlencode({key: value for key, value in chosen.items() if value})
    page_query = urlencode({**{key: value for key, value in chosen.items() if value}, "page": view.page})
    return _page(request, "stipends/run.html", status_code=status_code, run=view, may_review=may_review, codes=codes,
                 errors=errors or {}, values=values or {}, error_position=error_position, chosen=chosen, query_base=query,
                 page_query=page_query)


@get("/stipends/runs/{run_id:str}", opt=allow("view_reconciliation"))
async def run_page(request: Request, run_id: FromPath[str]) -> object:
    return await _run_page(request, run_id)


async def _reshow_review(request: Request, values: dict[str, str], errors: dict[str, str]):
    position = _small_int(values.get("position", "").strip())
    if position is None or not set(errors) <= {"status", "note"}:
        return None
    run_id = request.path_params["run_id"]
    await services._find_run(_scope(request), run_id)  # out of scope: 404
    shown = {name: values.get(name, "").strip() for name in ("position", "status", "note")}
    return await _run_page(request, run_id, errors=errors, values=shown, error_position=position, status_code=400)


@post("/stipends/runs/{run_id:str}/review", opt={**allow("review_reconciliation"), "text_form": _reshow_review}, status_code=200)
async def run_review(request: Request, run_id: FromPath[str]) -> object:
    scope = _scope(request)
    await services._find_run(scope, run_id)  # out of scope: 404 before anything else
    form = await request.form()
    values = {name: _text(form, name) for name in ("position", "status", "note")}
    position = _small_int(values["position"])
    try:
        await workflow.review_finding(scope, run_id, position, values["status"], values["note"])
        back = _safe_query(request)
        return redirect(f"/stipends/runs/{run_id}{'?' + back if back else ''}#finding-{position}")
    except Invalid as invalid:
        return await _run_page(request, run_id, errors=invalid.errors, values=values, error_position=position, status_code=400)


@post("/stipends/runs/{run_id:str}/approve", opt=allow("review_reconciliation"), status_code=200)
async def run_approve(request: Request, run_id: FromPath[str]) -> object:
    scope = _scope(request)
    await services._find_run(scope, run_id)
    try:
        await workflow.approve_run(scope, run_id)
        return redirect(f"/stipends/runs/{run_id}")
    except Invalid as invalid:
        return await _run_page(request, run_id, errors=invalid.errors, status_code=400)


# --- claims ----------------------------------------------------------------------------------------


async def _home_claims_page(request: Request, code: str, values: dict[str, str] | None = None,
                            errors: dict[str, str] | None = None, status_code: int = 200):
    scope = _scope(request)
    home = await registry.get_home(scope, code)
    items = await claims.list_claims(scope, home_code=code)
    return _page(request, "stipends/claims_home.html", status_code=status_code, home=home, claims=items,
                 values=values or {}, errors=errors or {}, may_generate=can(request.scope["user"].role, "prepare_claims"))


@get("/homes/{code:str}/claims", opt=allow("view_claims"))
async def home_claims(request: Request, code: FromPath[str]) -> object:
    return await _home_claims_page(request, code)


async def _reshow_claims(request: Request, values: dict[str, str], errors: dict[str, str]):
    if set(errors) != {"month"}:
        return None
    return await _home_claims_page(request, request.path_params["code"], {"month": values.get("month", "")}, errors, status_code=400)


@post("/homes/{code:str}/claims", opt={**allow("prepare_claims"), "text_form": _reshow_claims}, status_code=200)
async def home_claims_generate(request: Request, code: FromPath[str]) -> object:
    scope = _scope(request)
    await registry.find_home(scope, code)  # out of scope: 404 before anything else
    form = await request.form()
    values = {"month": _text(form, "month")}
    try:
        claim = await claims.generate_claim_text(scope, code, values["month"])
        return redirect(f"/stipends/claims/{claim.id}")
    except Invalid as invalid:
        return await _home_claims_page(request, code, values, invalid.errors, status_code=400)


@get("/stipends/claims", opt=allow("view_county_claims"))
async def claims_list(request: Request, month: FromQuery[str | None] = None, status: FromQuery[str | None] = None) -> object:
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
    return _page(request, "stipends/claims.html", status_code=400 if errors else 200, claims=items, chosen=chosen, errors=errors)


async def _claim_page(request: Request, claim_id: int, errors: dict[str, str] | None = None, status_code: int = 200):
    scope = _scope(request)
    claim = await claims.get_claim(scope, claim_id)
    role = request.scope["user"].role
    run_stale = None
    if claim.run_id and can(role, "view_reconciliation"):
        run_stale = await services.is_stale(scope, claim.run_id)
    when = {name: datetime.fromisoformat(getattr(claim, name)) if getattr(claim, name) else None
            for name in ("created_at", "submitted_at", "approved_at")}
    return _page(
        request, "stipends/claim.html", status_code=status_code, claim=claim, errors=errors or {}, when=when,
        findings=await claims.claim_findings(scope, claim), run_stale=run_stale,
        may_submit=can(role, "prepare_claims") and claim.state == "draft",
        may_check=can(role, "check_claims") and claim.state == "submitted",
        may_correct=can(role, "prepare_claims") and claim.state in ("submitted", "approved"),
        may_see_run=can(role, "view_reconciliation"),
    )


@get("/stipends/claims/{claim_id:int}", opt=allow("view_claims"))
async def claim_page(request: Request, claim_id: RecordId) -> object:
    return await _claim_page(request, claim_id)


async def _claim_action(request: Request, claim_id: int, action) -> object:
    scope = _scope(request)
    await claims.get_claim(scope, claim_id)  # out of scope: 404 before anything else
    try:
        await action(scope, claim_id)
        return redirect(f"/stipends/claims/{claim_id}")
    except Invalid as invalid:
        return await _claim_page(request, claim_id, errors=invalid.errors, status_code=400)


@post("/stipends/claims/{claim_id:int}/submit", opt=allow("prepare_claims"), status_code=200)
async def claim_submit(request: Request, claim_id: RecordId) -> object:
    return await _claim_action(request, claim_id, claims.submit_claim)


@post("/stipends/claims/{claim_id:int}/reconcile", opt=allow("check_claims"), status_code=200)
async def claim_reconcile(request: Request, claim_id: RecordId) -> object:
    return await _claim_action(request, claim_id, claims.reconcile_claim)


@post("/stipends/claims/{claim_id:int}/approve", opt=allow("check_claims"), status_code=200)
async def claim_approve(request: Request, claim_id: RecordId) -> object:
    return await _claim_action(request, claim_id, claims.approve_claim)


@overview_panel
async def claims_panel(request: Request):
    """On the overview: the director's way to the home's claims; for finance, the claims waiting
    for a check and the way to start a reconciliation."""
    user = request.scope["user"]
    if user.role == "director" and user.home_code:
        items = await claims.list_claims(user.scope, home_code=user.home_code)
        latest = items[0] if items else None
        return ("stipends/claim_panel.html", {
            "home_code": user.home_code, "latest": latest, "waiting": None,
            "state": _(claims.STATE_LABELS[latest.state]) if latest else "",
        })
    if user.role == "finance":
        waiting = await claims.list_claims(user.scope, state="submitted")
        return ("stipends/claim_panel.html", {"home_code": None, "latest": None, "waiting": len(waiting), "state": ""})
    return None


ROUTES = [
    reconcile_new, reconcile_submit, run_page, run_review, run_approve,
    home_claims, home_claims_generate, claims_list, claim_page, claim_submit, claim_reconcile, claim_approve,
]
