"""The report pages (issue 13, point 5): the archive by scope (``/reports``), a download
(``/reports/{id}.pdf``, audited), a re-generation (POST, queued), verification by code (what the QR
opens) and by upload, and the reconciliation report of a run (moved here from the stipends pages:
the reports domain sits above stipends).

Verification by code (``/reports/verify/{code}``) is public: a visitor learns only that the code
was issued, when, the kind and period, and the file's sha256 (to compare with the file in hand);
a signed-in user who may read that report sees its particulars and can download it."""

from __future__ import annotations

import re
from urllib.parse import quote

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from backend.core import people
from backend.core.errors import Invalid, NotFound
from backend.core.i18n import _
from backend.core.limits import MAX_RECORD_ID, RecordId
from backend.core.permissions import allow, can
from backend.core.security import Scope
from backend.core.web import PUBLIC, page, redirect
from backend.registry import services as registry
from backend.reports import services, worker

_FILE = re.compile(r"^(\d{1,12})\.pdf$")
UPLOAD_BODY = worker.MAX_UPLOAD + 256 * 1024


def _scope(request: Request) -> Scope:
    return request.scope["user"].scope


def _user_scope(request: Request) -> Scope | None:
    user = request.scope.get("user")
    return user.scope if user is not None else None


def pdf_response(body: bytes, filename: str, disposition: str = "attachment") -> Response:
    """A PDF with its Chinese file name (RFC 5987 ``filename*``, an ASCII fallback beside it)."""
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", filename.encode("ascii", "ignore").decode() or "report.pdf")
    return Response(
        body,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}",
            "Cache-Control": "no-store",
        },
    )


@get("/reports", opt=allow("view_reports"))
async def archive_page(request: Request, county: FromQuery[str] = "", kind: FromQuery[str] = "") -> Template:
    scope = _scope(request)
    filters = {"county": county.strip()[:12], "kind": kind.strip()[:32]}
    errors: dict[str, str] = {}
    try:
        reports = await services.list_reports(scope, county_code=filters["county"] or None, kind=filters["kind"] or None)
    except Invalid as invalid:
        errors, reports = invalid.errors, await services.list_reports(scope)
    requests = await services.open_requests(scope) if can(scope.role, "regenerate_reports") else []
    counties = await registry.list_counties(scope) if scope.is_admin else []
    names = await people.display_names([*(r.issued_by for r in reports), *(r["requested_by"] for r in requests)])
    return page(
        request,
        "archive/list.html",
        names=names,
        period_text=services.period_text,
        kind_labels={code: _(label) for code, label in services.KIND_LABELS.items()},
        status_code=400 if errors else 200,
        reports=reports,
        requests=requests,
        counties=counties,
        kinds=[(code, _(services.KIND_LABELS[code])) for code in services.kinds_for(scope)],
        filters=filters,
        errors=errors,
        busy={(r["kind"], r["period"], r["unit"]) for r in requests if r["status"] in ("pending", "running")},
    )


@get("/reports/{name:str}", opt=allow("view_reports"))
async def download(request: Request, name: FromPath[str]) -> Response:
    match = _FILE.match(name)
    if match is None or not 1 <= int(match.group(1)) <= MAX_RECORD_ID:
        raise NotFound(_("No such report."))
    out, body = await services.download_report(_scope(request), int(match.group(1)))
    return pdf_response(body, out.filename)


@post("/reports/{report_id:int}/regenerate", opt=allow("regenerate_reports"))
async def regenerate(request: Request, report_id: RecordId) -> Response:
    await services.request_regeneration(_scope(request), report_id)
    services.start_queue()
    return redirect("/reports", flash=_("A new version is being generated."))


@get("/reports/verify", opt={"access": PUBLIC})
async def verify_form(request: Request, code: FromQuery[str] = "") -> Response:
    if code.strip():
        return redirect(f"/reports/verify/{quote(code.strip()[:40])}")
    return page(request, "archive/verify.html", verdict=None, report=None, code="")


@post("/reports/verify", opt={"access": PUBLIC}, status_code=200, request_max_body_size=UPLOAD_BODY)
async def verify_upload(request: Request) -> Template:
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors = {"file": _("Choose the PDF file to check.")}
        return page(request, "archive/verify.html", status_code=400, verdict=None, report=None, code="", errors=errors)
    data = await upload.read(worker.MAX_UPLOAD + 1)
    if len(data) > worker.MAX_UPLOAD:
        errors = {
            "file": _("The file is larger than {mb} MB: no report is that large.").format(mb=worker.MAX_UPLOAD // (1024 * 1024))
        }
        return page(request, "archive/verify.html", status_code=400, verdict=None, report=None, code="", errors=errors)
    verdict = await services.verify_file(data)
    report = verdict.report if verdict.report and _may_see(request, verdict.report) else None
    names = await people.display_names([report.issued_by] if report else [])
    return page(
        request,
        "archive/verify.html",
        verdict=verdict,
        report=report,
        public=verdict.report,
        code=verdict.code or "",
        names=names,
    )


def _may_see(request: Request, report: services.ReportFileOut) -> bool:
    scope = _user_scope(request)
    if scope is None or not can(scope.role, "view_reports"):
        return False
    if scope.is_admin:
        return True
    user = request.scope["user"]
    if scope.kind == "home":
        return report.home_code is not None and report.home_code == getattr(user, "home_code", None)
    return report.county_code == getattr(user, "county_code", None)


@get("/reports/verify/{code:str}", opt={"access": PUBLIC})
async def verify_code(request: Request, code: FromPath[str]) -> Template:
    found = await services.find_by_code(code)
    report = found if found and _may_see(request, found) else None
    return page(
        request,
        "archive/verify.html",
        status_code=200 if found else 404,
        verdict=None,
        by_code=True,
        public=found,
        report=report,
        code=code[:40],
        names=await people.display_names([report.issued_by] if report else []),
    )


@get("/counties/{code:str}/stipends/runs/{run_id:str}/report.pdf", opt=allow("view_reconciliation"))
async def reconciliation_pdf(request: Request, code: FromPath[str], run_id: FromPath[str]) -> Response:
    body, filename, _code = await services.reconciliation_of_run(_scope(request), code, run_id)
    return pdf_response(body, filename, disposition="inline")


ROUTES = [archive_page, verify_form, verify_upload, verify_code, download, regenerate, reconciliation_pdf]
