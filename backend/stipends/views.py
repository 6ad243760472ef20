"""Stipend workflow pages: starting a reconciliation, a run's page with the review of its
findings and its approval (confirmed first: it cannot be undone), and the homes' monthly claims
(generate, check, submit, reconcile, approve).

Reading a run: finance, inspectors (read only) of its county, admins. Reviewing and approving:
finance and admins. Claims: the director of the home prepares and submits; finance checks and
approves; inspectors read. Out-of-scope records are "not found" (the services decide).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from backend.core import citizen_id, forms, people
from backend.core.errors import Invalid, NotFound
from backend.core.formatting import cny
from backend.core.i18n import N_, _
from backend.core.money import parse_yuan
from backend.core.permissions import allow
from backend.core.security import Scope
from backend.core.web import page, redirect
from backend.registry import services as registry
from backend.registry.rules import COUNTY_CODE_PATTERN
from backend.stipends import rules, services, workflow
from backend.stipends.details import describe
from backend.stipends.labels import labels


def stipend_page(request: Request, template: str, status_code: int = 200, **context: Any) -> Template:
    """A stipend page: the label sets (``L``), the finding codes, and the facts in words."""
    return page(
        request,
        template,
        status_code=status_code,
        L=labels(),
        codes=rules.CODES,
        detail=describe,
        mask=citizen_id.mask,
        yuan=_yuan,
        **context,
    )


def _yuan(text: str) -> str:
    """An amount of the JSON form (``"1830.00"``) as the pages show money (``¥1,830.00``)."""
    return cny(parse_yuan(text))


async def _names_of_run(view) -> dict[str, str]:
    """Display names of who ran, approved and reviewed (the run page says who, by name)."""
    return await people.display_names([view.created_by, view.approved_by, *(f.reviewed_by for f in view.findings)])


def _scope(request: Request) -> Scope:
    return request.scope["user"].scope


# --- starting a reconciliation ------------------------------------------------------------------


class ReconcileForm(forms.Form):
    month: Annotated[date, forms.Month()]
    county_code: Annotated[
        str,
        forms.Text(
            required=False, max_length=6, pattern=COUNTY_CODE_PATTERN, pattern_message=N_("The county code must be 6 digits.")
        ),
    ] = ""
    source: Annotated[str, forms.Choice(rules.SOURCES, N_("Choose payments or claims."))] = "payments"


def _reconcile_form(
    request: Request, values: dict[str, str], errors: dict[str, str] | None = None, status_code: int = 200
) -> Template:
    return stipend_page(
        request, "stipends/run_new.html", status_code=status_code, values=values, errors=errors or {}, sources=rules.SOURCES
    )


@get("/stipends/reconcile", opt=allow("review_reconciliation"))
async def reconcile_new(request: Request, month: FromQuery[str | None] = None, source: FromQuery[str | None] = None) -> Template:
    user = request.scope["user"]
    values = {
        "county_code": user.county_code or "",
        "month": month or "",
        "source": source if source in rules.SOURCES else "payments",
    }
    return _reconcile_form(request, values)


# text_form hooks (backend.core.textguard): the form again when a field holds control characters;
# None for a field the form does not show (the guard's own page names it).


async def _reshow_reconcile(request: Request, values: dict[str, str], errors: dict[str, str]) -> Template | None:
    names = ("county_code", "month", "source")
    if not set(errors) <= set(names):
        return None
    return _reconcile_form(request, {name: values.get(name, "") for name in names}, errors, status_code=400)


@post("/stipends/reconcile", opt={**allow("review_reconciliation"), "text_form": _reshow_reconcile}, status_code=200)
async def reconcile_submit(request: Request) -> Template | Redirect:
    user = request.scope["user"]
    scope = _scope(request)
    parsed = await forms.read(request, ReconcileForm)
    if scope.kind != "all":  # finance reconciles its own county
        parsed.values["county_code"] = user.county_code or ""
    if not parsed.values["county_code"] and "county_code" not in parsed.errors:
        parsed.error("county_code", _("Enter the county code."))
    if parsed.ok:
        try:
            services.check_month_range(parsed.data.month)
            await registry.find_county(scope, parsed.values["county_code"])
            report = await services.reconcile(scope, parsed.values["county_code"], parsed.data.month, parsed.data.source)
            return redirect(f"/stipends/runs/{report.run_id}", flash=_("The month is reconciled; review its findings."))
        except Invalid as invalid:
            parsed.merge(invalid)
        except NotFound:
            parsed.error("county_code", _("No such county."))
    return _reconcile_form(request, parsed.values, parsed.errors, status_code=400)


# --- a run: summary, findings and their review, approval ----------------------------------------


def _small_int(text: str) -> int | None:
    """A non-negative whole number of at most 9 ASCII digits, else None."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def _run_filters(request: Request) -> dict[str, str]:
    code = request.query_params.get("code") or ""
    status = request.query_params.get("status") or ""
    return {"code": code if code in rules.CODES else "", "status": status if status in workflow.ALL_REVIEW_STATUSES else ""}


def _safe_query(request: Request) -> str:
    """The run page's filters and page, rebuilt from known keys only."""
    chosen = _run_filters(request)
    raw_page = request.query_params.get("page") or ""
    kept = {key: value for key, value in chosen.items() if value}
    if _small_int(raw_page) is not None:
        kept["page"] = raw_page
    return urlencode(kept)


async def _run_page(
    request: Request,
    run_id: str,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    error_position: int | None = None,
    status_code: int = 200,
) -> Template:
    chosen = _run_filters(request)
    view = await workflow.run_view(
        _scope(request),
        run_id,
        code=chosen["code"] or None,
        status=chosen["status"] or None,
        page=_small_int(request.query_params.get("page") or "") or 1,
    )
    codes = [(code, view.summary["findings"].get(code, 0)) for code in rules.CODES]
    query = urlencode({key: value for key, value in chosen.items() if value})
    page_query = urlencode({**{key: value for key, value in chosen.items() if value}, "page": view.page})
    return stipend_page(
        request,
        "stipends/run.html",
        status_code=status_code,
        run=view,
        run_codes=codes,
        errors=errors or {},
        values=values or {},
        error_position=error_position,
        chosen=chosen,
        query_base=query,
        page_query=page_query,
        names=await _names_of_run(view),
    )


@get("/stipends/runs/{run_id:str}", opt=allow("view_reconciliation"))
async def run_page(request: Request, run_id: FromPath[str]) -> Template:
    return await _run_page(request, run_id)


class ReviewForm(forms.Form):
    position: Annotated[int, forms.Integer(minimum=0, maximum=2**31 - 1)]
    status: Annotated[str, forms.Choice(workflow.REVIEW_STATUSES, N_("Choose confirmed, explained or dismissed."))]
    note: Annotated[str, forms.Text(required=False, max_length=workflow.NOTE_LIMIT)] = ""


async def _reshow_review(request: Request, values: dict[str, str], errors: dict[str, str]) -> Template | None:
    position = _small_int(values.get("position", "").strip())
    if position is None or not set(errors) <= {"status", "note"}:
        return None
    run_id = request.path_params["run_id"]
    await services.find_run(_scope(request), run_id)  # out of scope: 404
    shown = {name: values.get(name, "").strip() for name in ("position", "status", "note")}
    return await _run_page(request, run_id, errors=errors, values=shown, error_position=position, status_code=400)


@post("/stipends/runs/{run_id:str}/review", opt={**allow("review_reconciliation"), "text_form": _reshow_review}, status_code=200)
async def run_review(request: Request, run_id: FromPath[str]) -> Template | Redirect:
    scope = _scope(request)
    await services.find_run(scope, run_id)  # out of scope: 404 before anything else
    parsed = await forms.read(request, ReviewForm)
    position = _small_int(parsed.values["position"])
    if parsed.ok:
        try:
            await workflow.review_finding(scope, run_id, parsed.data.position, parsed.data.status, parsed.data.note)
            back = _safe_query(request)
            return redirect(
                f"/stipends/runs/{run_id}{'?' + back if back else ''}#finding-{position}", flash=_("The review is saved.")
            )
        except Invalid as invalid:
            parsed.merge(invalid)
    if "position" in parsed.errors:
        parsed.errors["position"] = _("Choose a finding of this run.")
    return await _run_page(request, run_id, errors=parsed.errors, values=parsed.values, error_position=position, status_code=400)


@post("/stipends/runs/{run_id:str}/approve", opt=allow("review_reconciliation"), status_code=200)
async def run_approve(request: Request, run_id: FromPath[str]) -> Template | Redirect:
    """The first post shows what approving does (nothing is written); the second, with
    ``confirmed=yes``, approves."""
    scope = _scope(request)
    row = await services.find_run(scope, run_id)
    form = await request.form()
    if forms.confirmed(form):
        try:
            await workflow.approve_run(scope, run_id)
            return redirect(f"/stipends/runs/{run_id}", flash=_("The run is approved; it is now read-only."))
        except Invalid as invalid:
            return await _run_page(request, run_id, errors=invalid.errors, status_code=400)
    check = await workflow.approvability(scope, row)
    if not check.ok:
        return await _run_page(request, run_id, errors={"run": " ".join(check.reasons)}, status_code=400)
    effects = await workflow.approval_effects(scope, run_id)
    view = await workflow.run_view(scope, run_id, page=1)
    return stipend_page(request, "stipends/run_confirm.html", run=view, effects=effects, names=await _names_of_run(view))


ROUTES = [
    reconcile_new,
    reconcile_submit,
    run_page,
    run_review,
    run_approve,
]
