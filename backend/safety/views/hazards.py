"""The hazard board of a home (issue 12 point 6): the rectification ledger (整治台账) on a phone,
open hazards first (overdue in red, major marked 重大隐患, 待县级核验), closed ones by filter; one
hazard with its source entry, the owner-and-plan form, the fix form with photos and the county's
verify/reject form; a hazard opened by hand; the ledger as XLSX."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from backend.core import dates, forms, people, xlsx
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.limits import record_id
from backend.core.permissions import allow
from backend.core.web import page, redirect
from backend.registry import services as registry
from backend.safety import links, services
from backend.safety.hazard_schemas import HAZARD_FILTERS, FixIn, ManualHazardIn, PlanIn, RejectIn, VerifyIn
from backend.safety.labels import HAZARD_STATUS_LABELS, labels

HazardId = Annotated[int, record_id("The hazard's record id")]
MULTILINE = ("plan", "note", "reason")
# The fix form carries photos: the body may hold MAX_PHOTOS of them.
FIX_BODY_LIMIT = services.MAX_PHOTOS * services.MAX_PHOTO_BYTES + 256 * 1024


class PlanForm(forms.Form):
    owner: Annotated[str, forms.Text(max_length=100)]
    plan: Annotated[str, forms.Text(max_length=1000, multiline=True)]


class FixForm(forms.Form):
    note: Annotated[str, forms.Text(max_length=1000, multiline=True)]


class VerifyForm(forms.Form):
    note: Annotated[str, forms.Text(required=False, max_length=500, multiline=True)] = ""


class RejectForm(forms.Form):
    reason: Annotated[str, forms.Text(max_length=500, multiline=True)]


class ManualForm(forms.Form):
    title: Annotated[str, forms.Text(max_length=200)]
    major: Annotated[bool, forms.YesNo()] = False
    note: Annotated[str, forms.Text(required=False, max_length=500, multiline=True)] = ""


def _scope(request: Request):
    return request.scope["user"].scope


async def _board(request: Request, code: str, status: str | None, status_code: int = 200, **context: Any) -> Template:
    scope = _scope(request)
    home = await registry.get_home(scope, code)
    errors: dict[str, str] = dict(context.pop("errors", {}))
    try:
        chosen = services.check_filter(status)
    except Invalid as invalid:
        errors.update(invalid.errors)
        chosen, status_code = "open", 400
    hazards = await services.list_hazards(scope, code, chosen)
    context.setdefault("values", {})
    return page(
        request,
        "safety/hazards.html",
        status_code=status_code,
        errors=errors,
        home=home,
        hazards=hazards,
        chosen=chosen,
        filters=HAZARD_FILTERS,
        status_labels=labels(HAZARD_STATUS_LABELS),
        links=links,
        **context,
    )


@get("/homes/{code:str}/hazards", opt=allow("view_safety"))
async def hazard_board(request: Request, code: FromPath[str], status: FromQuery[str | None] = None) -> Template:
    return await _board(request, code, status)


@post("/homes/{code:str}/hazards", opt={**allow("manage_hazards", "verify_hazards"), "multiline": MULTILINE}, status_code=200)
async def open_hazard(request: Request, code: FromPath[str]) -> Template | Redirect:
    scope = _scope(request)
    await registry.get_home(scope, code)
    parsed = await forms.read(request, ManualForm)
    if parsed.ok:
        data = parsed.data
        try:
            opened = await services.open_hazard(scope, code, ManualHazardIn(title=data.title, major=data.major, note=data.note))
            return redirect(links.hazard_href(code, opened.hazard.id), flash=_("The hazard is recorded."))
        except Invalid as invalid:
            parsed.merge(invalid)
    return await _board(request, code, None, status_code=400, values=parsed.values, errors=parsed.errors, open_form=True)


@get("/homes/{code:str}/hazards.xlsx", opt=allow("view_safety"))
async def hazard_ledger(request: Request, code: FromPath[str]) -> Response:
    name, body = await services.hazard_ledger_xlsx(_scope(request), code)
    return _file(name, body)


def _file(name: str, body: bytes) -> Response:
    from urllib.parse import quote

    return Response(
        content=body,
        media_type=xlsx.MEDIA_TYPE,
        headers={"Content-Disposition": f"attachment; filename=\"hazards.xlsx\"; filename*=UTF-8''{quote(name)}"},
    )


async def _hazard_page(request: Request, code: str, hazard_id: int, status_code: int = 200, **context: Any) -> Template:
    scope = _scope(request)
    home = await registry.get_home(scope, code)
    detail = await services.get_hazard(scope, hazard_id, code)
    names = await people.display_names(
        [detail.opened_by, detail.fixed_by, detail.verified_by, *(photo.uploaded_by for photo in detail.photos)]
    )
    for name in ("plan_values", "fix_values", "verify_values", "plan_errors", "fix_errors", "verify_errors"):
        context.setdefault(name, {})
    if not context["plan_values"]:
        context["plan_values"] = {"owner": detail.hazard.owner, "plan": detail.hazard.plan}
    return page(
        request,
        "safety/hazard.html",
        status_code=status_code,
        home=home,
        d=detail,
        h=detail.hazard,
        names=names,
        status_labels=labels(HAZARD_STATUS_LABELS),
        links=links,
        today=dates.today(),
        max_photos=services.MAX_PHOTOS,
        max_mb=services.MAX_PHOTO_BYTES // (1024 * 1024),
        **context,
    )


@get("/homes/{code:str}/hazards/{hazard_id:int}", opt=allow("view_safety"))
async def hazard_page(request: Request, code: FromPath[str], hazard_id: HazardId) -> Template:
    return await _hazard_page(request, code, hazard_id)


@post("/homes/{code:str}/hazards/{hazard_id:int}/plan", opt={**allow("manage_hazards"), "multiline": MULTILINE}, status_code=200)
async def hazard_plan(request: Request, code: FromPath[str], hazard_id: HazardId) -> Template | Redirect:
    scope = _scope(request)
    await services.get_hazard(scope, hazard_id, code)  # out of scope: 404 before anything else
    parsed = await forms.read(request, PlanForm)
    if parsed.ok:
        try:
            await services.set_plan(scope, hazard_id, PlanIn(owner=parsed.data.owner, plan=parsed.data.plan), code)
            return redirect(links.hazard_href(code, hazard_id), flash=_("The plan is saved."))
        except Invalid as invalid:
            parsed.merge(invalid)
    return await _hazard_page(request, code, hazard_id, 400, plan_values=parsed.values, plan_errors=parsed.errors)


@post(
    "/homes/{code:str}/hazards/{hazard_id:int}/fix",
    opt={**allow("manage_hazards"), "multiline": MULTILINE},
    status_code=200,
    request_max_body_size=FIX_BODY_LIMIT,
)
async def hazard_fix(request: Request, code: FromPath[str], hazard_id: HazardId) -> Template | Redirect:
    scope = _scope(request)
    detail = await services.get_hazard(scope, hazard_id, code)
    form = await request.form()
    parsed = forms.parse(FixForm, form)
    uploads = [upload for upload in form.getall("photos", []) if isinstance(upload, UploadFile) and upload.filename]
    if parsed.ok:
        photos = [await upload.read() for upload in uploads]
        try:
            await services.record_fix(scope, hazard_id, FixIn(note=parsed.data.note), photos, code)
            flash = (
                _("The fix is recorded; the county verifies it.")
                if detail.needs_county
                else _("The fix is recorded: the hazard is closed.")
            )
            return redirect(links.hazard_href(code, hazard_id), flash=flash)
        except Invalid as invalid:
            parsed.merge(invalid)
    return await _hazard_page(request, code, hazard_id, 400, fix_values=parsed.values, fix_errors=parsed.errors)


@post(
    "/homes/{code:str}/hazards/{hazard_id:int}/verify", opt={**allow("verify_hazards"), "multiline": MULTILINE}, status_code=200
)
async def hazard_verify(request: Request, code: FromPath[str], hazard_id: HazardId) -> Template | Redirect:
    scope = _scope(request)
    await services.get_hazard(scope, hazard_id, code)
    parsed = await forms.read(request, VerifyForm)
    if parsed.ok:
        try:
            await services.verify_hazard(scope, hazard_id, VerifyIn(note=parsed.data.note), code)
            return redirect(links.hazard_href(code, hazard_id), flash=_("Verified: the hazard is closed."))
        except Invalid as invalid:
            parsed.merge(invalid)
    return await _hazard_page(request, code, hazard_id, 400, verify_values=parsed.values, verify_errors=parsed.errors)


@post(
    "/homes/{code:str}/hazards/{hazard_id:int}/reject", opt={**allow("verify_hazards"), "multiline": MULTILINE}, status_code=200
)
async def hazard_reject(request: Request, code: FromPath[str], hazard_id: HazardId) -> Template | Redirect:
    scope = _scope(request)
    await services.get_hazard(scope, hazard_id, code)
    parsed = await forms.read(request, RejectForm)
    if parsed.ok:
        try:
            await services.reject_hazard(scope, hazard_id, RejectIn(reason=parsed.data.reason), code)
            return redirect(links.hazard_href(code, hazard_id), flash=_("The fix is rejected: the hazard is open again."))
        except Invalid as invalid:
            parsed.merge(invalid)
    return await _hazard_page(request, code, hazard_id, 400, verify_values=parsed.values, verify_errors=parsed.errors)


ROUTES = [hazard_board, open_hazard, hazard_ledger, hazard_page, hazard_plan, hazard_fix, hazard_verify, hazard_reject]
