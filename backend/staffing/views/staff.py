"""The staff register's pages (issue 11 point 1): the home's staff, a new post, one post (its
details, training, the edit form and "end the post", with the confirmation step when the
departure would break the staff ratio)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from backend.core import dates, forms
from backend.core.errors import Invalid
from backend.core.i18n import N_, _
from backend.core.permissions import allow
from backend.core.security import Scope
from backend.core.web import page, redirect
from backend.registry import services as registry
from backend.staffing import services
from backend.staffing.labels import CARER_CERT_LABELS, EMPLOYMENT_LABELS, POST_LABELS, TOPIC_LABELS, labels
from backend.staffing.schemas import STAFF_NO_PATTERN, StaffIn, StaffPatch
from backend.staffing.tables import CARER_CERTS, EMPLOYMENTS, POSTS

_ID = forms.Text(required=False, max_length=20)


class EditForm(forms.Form, kw_only=True):
    """A post's fields as typed (the staff number is fixed once the post exists)."""

    name: Annotated[str, forms.Text(max_length=50)]
    post: Annotated[str, forms.Choice(POSTS, N_("Choose one of the posts."))]
    employment: Annotated[str, forms.Choice(EMPLOYMENTS, N_("Choose one of the forms of employment."), required=False)] = ""
    hired_on: Annotated[date, forms.Date()]
    health_cert_expires: Annotated[date | None, forms.Date(required=False)] = None
    fire_operator_cert: Annotated[bool, forms.YesNo()] = False
    carer_cert: Annotated[str, forms.Choice(CARER_CERTS, N_("Choose one of the carer certificate levels."), required=False)] = ""
    id_number: Annotated[str, _ID] = ""


class NewForm(EditForm, kw_only=True):
    staff_no: Annotated[
        str,
        forms.Text(
            max_length=32,
            pattern=STAFF_NO_PATTERN.strip("^$"),
            pattern_message=N_("The staff number is 1–32 characters of letters, digits, '-' and '_'."),
        ),
    ]


class EndForm(forms.Form, kw_only=True):
    left_on: Annotated[date, forms.Date()]
    left_reason: Annotated[str, forms.Text(max_length=200)]


def scope_of(request: Request) -> Scope:
    return request.scope["user"].scope


def label_sets() -> dict[str, dict[str, str]]:
    return {
        "post": labels(POST_LABELS),
        "employment": labels(EMPLOYMENT_LABELS),
        "carer_cert": labels(CARER_CERT_LABELS),
        "topic": labels(TOPIC_LABELS),
    }


def staff_page(request: Request, template: str, status_code: int = 200, **context: Any) -> Template:
    return page(request, template, status_code=status_code, L=label_sets(), **context)


# --- the home's staff -------------------------------------------------------------------------


@get("/homes/{code:str}/staff", opt=allow("view_staffing"))
async def staff_list(request: Request, code: FromPath[str]) -> Template:
    scope = scope_of(request)
    home = await registry.find_home(scope, code)
    posts = await services.list_staff(scope, code)
    return staff_page(
        request,
        "staffing/staff.html",
        home=home,
        current=[p for p in posts if p.current],
        former=[p for p in posts if not p.current],
        today=dates.today(),
    )


# --- a new post -------------------------------------------------------------------------------


def _new_page(request: Request, home: dict, values: dict, errors: dict | None = None, status_code: int = 200) -> Template:
    return staff_page(request, "staffing/staff_new.html", status_code=status_code, home=home, values=values, errors=errors or {})


@get("/homes/{code:str}/staff/new", opt=allow("manage_staff"))
async def staff_new(request: Request, code: FromPath[str]) -> Template:
    home = await registry.find_home(scope_of(request), code)
    return _new_page(request, home, {"hired_on": dates.today().isoformat()})


@post("/homes/{code:str}/staff/new", opt=allow("manage_staff"), status_code=200)
async def staff_create(request: Request, code: FromPath[str]) -> Template | Redirect:
    scope = scope_of(request)
    home = await registry.find_home(scope, code)  # out of scope: 404 before the form is read
    parsed = await forms.read(request, NewForm)
    if parsed.ok:
        try:
            created = await services.create_staff(scope, code, StaffIn(**msgspec.structs.asdict(parsed.data)))
            return redirect(f"/homes/{code}/staff/{created.staff_no}", flash=_("The post is added."))
        except Invalid as invalid:
            parsed.merge(invalid)
    return _new_page(request, home, parsed.values, parsed.errors, 400)


# --- one post ---------------------------------------------------------------------------------


def edit_values(post_out) -> dict[str, str]:
    """The edit form's starting values (the ID number is never shown in full: left empty)."""
    return {
        "name": post_out.name,
        "post": post_out.post,
        "employment": post_out.employment,
        "hired_on": post_out.hired_on.isoformat(),
        "health_cert_expires": post_out.health_cert_expires.isoformat() if post_out.health_cert_expires else "",
        "fire_operator_cert": "yes" if post_out.fire_operator_cert else "",
        "carer_cert": post_out.carer_cert,
        "id_number": "",
    }


async def post_page(request: Request, code: str, staff_no: str, status_code: int = 200, **context: Any) -> Template:
    """The post's page; ``context`` overrides one form's values and errors (``edit``, ``end``,
    ``training``) or adds the confirmation step (``confirm``)."""
    scope = scope_of(request)
    home = await registry.find_home(scope, code)
    post_out = await services.get_staff(scope, code, staff_no)
    training = await services.list_training(scope, code, staff_no)
    context.setdefault("edit", {"values": edit_values(post_out), "errors": {}})
    context.setdefault("end", {"values": {"left_on": dates.today().isoformat()}, "errors": {}})
    context.setdefault("confirm", None)
    context.setdefault("training_form", {"values": {"trained_on": dates.today().isoformat()}, "errors": {}})
    return staff_page(
        request, "staffing/staff_post.html", status_code=status_code, home=home, post=post_out, training=training, **context
    )


@get("/homes/{code:str}/staff/{staff_no:str}", opt=allow("view_staffing"))
async def staff_detail(request: Request, code: FromPath[str], staff_no: FromPath[str]) -> Template:
    return await post_page(request, code, staff_no)


def _confirm(action: str, data: Mapping[str, Any], names: tuple[str, ...], message: str) -> dict[str, Any]:
    values = {name: data.get(name) or "" for name in names if isinstance(data.get(name) or "", str)}
    return {"action": action, "values": values, "what": [message, _("The breach of the ratio will be recorded with your name.")]}


@post("/homes/{code:str}/staff/{staff_no:str}", opt=allow("manage_staff"), status_code=200)
async def staff_edit(request: Request, code: FromPath[str], staff_no: FromPath[str]) -> Template | Redirect:
    scope = scope_of(request)
    await services.get_staff(scope, code, staff_no)  # out of scope: 404 before the form is read
    data = await request.form()
    parsed = forms.parse(EditForm, data)
    if parsed.ok:
        fields = msgspec.structs.asdict(parsed.data)
        if not fields["id_number"]:
            del fields["id_number"]  # empty: keep the recorded number
        try:
            await services.update_staff(scope, code, staff_no, StaffPatch(**fields))
            return redirect(f"/homes/{code}/staff/{staff_no}", flash=_("The post is saved."))
        except Invalid as invalid:
            parsed.merge(invalid)
    return await post_page(request, code, staff_no, 400, edit={"values": parsed.values, "errors": parsed.errors})


@post("/homes/{code:str}/staff/{staff_no:str}/end", opt=allow("manage_staff"), status_code=200)
async def staff_end(request: Request, code: FromPath[str], staff_no: FromPath[str]) -> Template | Redirect:
    """End the post. When the departure would put the home below the ratio the first post
    answers the warning as a confirmation step; the confirmed post records the breach."""
    scope = scope_of(request)
    await services.get_staff(scope, code, staff_no)
    data = await request.form()
    parsed = forms.parse(EndForm, data)
    if parsed.ok:
        try:
            await services.end_staff(
                scope, code, staff_no, parsed.data.left_on, parsed.data.left_reason, confirm_breach=forms.confirmed(data)
            )
            return redirect(f"/homes/{code}/staff/{staff_no}", flash=_("The post is ended."))
        except Invalid as invalid:
            if set(invalid.errors) == {"confirm_breach"}:
                confirm = _confirm(
                    f"/homes/{code}/staff/{staff_no}/end", data, tuple(forms.fields_of(EndForm)), invalid.errors["confirm_breach"]
                )
                return await post_page(request, code, staff_no, 200, confirm=confirm, end={"values": parsed.values, "errors": {}})
            parsed.merge(invalid)
    return await post_page(request, code, staff_no, 400, end={"values": parsed.values, "errors": parsed.errors})


ROUTES = [staff_list, staff_new, staff_create, staff_detail, staff_edit, staff_end]
