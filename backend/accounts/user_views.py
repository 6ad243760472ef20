"""The administrator's user pages (/users): list and filter, create, edit role, place and name,
disable (after a confirmation) and enable, reset a password. Every change goes through
``backend.accounts.services`` (one transaction, one audit record) and ends with a message."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, get, post
from litestar.response import Redirect, Template

from backend.accounts import services
from backend.accounts.services import ManagedUser
from backend.core import forms
from backend.core.errors import Invalid
from backend.core.i18n import N_, _
from backend.core.limits import RecordId
from backend.core.permissions import ROLES, SCOPES, allow
from backend.core.security import Scope
from backend.core.web import ROLE_LABELS, page, redirect
from backend.registry import services as registry

STATUSES = {"active": N_("May sign in"), "disabled": N_("Disabled")}
USERNAME_MESSAGE = N_("2–150 characters of letters, digits and . _ @ -")
PASSWORD_MAX = 1000


def _password(data, name: str = "password") -> str:
    """The password exactly as typed (the form toolkit strips text; a password keeps its spaces)."""
    value = data.get(name, "")
    return value if isinstance(value, str) else ""


class UserFilter(forms.Form):
    role: Annotated[str, forms.Choice(ROLES, required=False)] = ""
    county: Annotated[str, forms.Text(required=False, max_length=6)] = ""
    home: Annotated[str, forms.Text(required=False, max_length=32)] = ""
    q: Annotated[str, forms.Text(required=False, max_length=100)] = ""
    status: Annotated[str, forms.Choice(tuple(STATUSES), required=False)] = ""


class PlaceForm(forms.Form):
    """Role, place and name: what the administrator edits (and gives a new user)."""

    display_name: Annotated[str, forms.Text(max_length=100)]
    role: Annotated[str, forms.Choice(ROLES, N_("Choose a role."))]
    home: Annotated[str, forms.Text(required=False, max_length=32)] = ""
    county: Annotated[str, forms.Text(required=False, max_length=6)] = ""


class NewUserForm(PlaceForm, kw_only=True):
    username: Annotated[str, forms.Text(max_length=150, pattern=services.USERNAME_PATTERN, pattern_message=USERNAME_MESSAGE)]
    password: Annotated[str, forms.Text(max_length=PASSWORD_MAX)]  # presence; its text is read as typed


class PasswordForm(forms.Form):
    password: Annotated[str, forms.Text(max_length=PASSWORD_MAX)]


def _place(form: PlaceForm) -> tuple[str | None, str | None]:
    """(home, county) the role uses; the other select of the form is ignored."""
    kind = SCOPES[form.role]
    if kind == "home":
        return form.home or None, None
    if kind == "county":
        return None, form.county or None
    return None, None


async def _choices(scope: Scope) -> dict:
    counties = await registry.list_counties(scope)
    homes = await registry.list_homes(scope)
    return {
        "roles": [(role, _(ROLE_LABELS[role])) for role in ROLES],
        "counties": [(county.code, county.name) for county in counties],
        "homes": [(home.code, f"{home.name}（{home.county_name}）") for home in homes],
        "statuses": [(key, _(label)) for key, label in STATUSES.items()],
    }


def _values_of(user: ManagedUser) -> dict[str, str]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "home": user.home_code or "",
        "county": "" if user.home_code else (user.county_code or ""),
    }


def _user_page(request: Request, user: ManagedUser, choices: dict, status_code: int = 200, **context) -> Template:
    context.setdefault("values", _values_of(user))
    return page(request, "users/user.html", status_code=status_code, person=user, role_labels=ROLE_LABELS, **choices, **context)


# --- list and create --------------------------------------------------------------------------


@get("/users", opt=allow("manage_users"))
async def user_list(request: Request) -> Template:
    scope = request.scope["user"].scope
    parsed = forms.parse(UserFilter, request.query_params)
    chosen = parsed.data or UserFilter()
    active = {"active": True, "disabled": False}.get(chosen.status)
    people = await services.find_users(
        scope, chosen.role or None, chosen.county or None, chosen.home or None, chosen.q or None, active
    )
    return page(
        request,
        "users/list.html",
        people=people,
        values=parsed.values,
        errors=parsed.errors,
        role_labels=ROLE_LABELS,
        **await _choices(scope),
    )


@get("/users/new", opt=allow("manage_users"))
async def user_new(request: Request) -> Template:
    choices = await _choices(request.scope["user"].scope)
    return page(request, "users/new.html", values={}, **choices)


async def _reshow_new(request: Request, values: dict[str, str], errors: dict[str, str]) -> Template | None:
    if not set(errors) <= set(forms.fields_of(NewUserForm)):
        return None
    choices = await _choices(request.scope["user"].scope)
    return page(request, "users/new.html", status_code=400, values={**values, "password": ""}, errors=errors, **choices)


@post("/users/new", opt={**allow("manage_users"), "text_form": _reshow_new}, status_code=200)
async def user_create(request: Request) -> Template | Redirect:
    scope = request.scope["user"].scope
    data = await request.form()
    parsed = forms.parse(NewUserForm, data)
    if parsed.ok:
        form = parsed.data
        home, county = _place(form)
        try:
            created = await services.create_user(
                scope, form.username, form.role, _password(data), home, county, form.display_name
            )
        except Invalid as invalid:
            parsed.merge(invalid)
        else:
            return redirect(
                f"/users/{created.id}", flash=_("User {name} created: they can sign in now.").format(name=created.display_name)
            )
    choices = await _choices(scope)
    return page(request, "users/new.html", status_code=400, values=parsed.values, errors=parsed.errors, **choices)


# --- one user ---------------------------------------------------------------------------------


@get("/users/{user_id:int}", opt=allow("manage_users"))
async def user_detail(request: Request, user_id: RecordId) -> Template:
    scope = request.scope["user"].scope
    return _user_page(request, await services.find_user(scope, user_id), await _choices(scope))


async def _reshow_edit(request: Request, values: dict[str, str], errors: dict[str, str]) -> Template | None:
    if not set(errors) <= set(forms.fields_of(PlaceForm)):
        return None
    scope = request.scope["user"].scope
    user = await services.find_user(scope, request.path_params["user_id"])
    return _user_page(
        request, user, await _choices(scope), status_code=400, values={**values, "username": user.username}, errors=errors
    )


@post("/users/{user_id:int}/edit", opt={**allow("manage_users"), "text_form": _reshow_edit}, status_code=200)
async def user_update(request: Request, user_id: RecordId) -> Template | Redirect:
    scope = request.scope["user"].scope
    user = await services.find_user(scope, user_id)
    parsed = await forms.read(request, PlaceForm)
    if parsed.ok:
        home, county = _place(parsed.data)
        try:
            await services.update_user(scope, user_id, parsed.data.role, home, county, parsed.data.display_name)
        except Invalid as invalid:
            parsed.merge(invalid)
        else:
            return redirect(f"/users/{user_id}", flash=_("Saved."))
    values = {**parsed.values, "username": user.username}
    return _user_page(request, user, await _choices(scope), status_code=400, values=values, errors=parsed.errors)


@post("/users/{user_id:int}/password", opt=allow("manage_users"), status_code=200)
async def user_password(request: Request, user_id: RecordId) -> Template | Redirect:
    scope = request.scope["user"].scope
    user = await services.find_user(scope, user_id)
    data = await request.form()
    parsed = forms.parse(PasswordForm, data)
    if parsed.ok:
        try:
            await services.reset_password(scope, user_id, _password(data))
        except Invalid as invalid:
            parsed.merge(invalid)
        else:
            return redirect(
                f"/users/{user_id}",
                flash=_("The password of {name} is reset; they are signed out everywhere.").format(name=user.display_name),
            )
    return _user_page(request, user, await _choices(scope), status_code=400, errors=parsed.errors)


@post("/users/{user_id:int}/disable", opt=allow("manage_users"), status_code=200)
async def user_disable(request: Request, user_id: RecordId) -> Template | Redirect:
    scope = request.scope["user"].scope
    user = await services.find_user(scope, user_id)
    if not forms.confirmed(await request.form()):
        what = [
            _("{name} can no longer sign in.").format(name=user.display_name),
            _("Their open sessions end at once and their API tokens are revoked."),
            _("An administrator can enable the user again later; revoked tokens stay revoked."),
        ]
        if user.id == scope.user_id:
            what.append(_("This is your own account: you are signed out."))
        return page(request, "users/confirm.html", person=user, what=what)
    try:
        await services.disable_user(scope, user_id)
    except Invalid as invalid:
        return _user_page(request, user, await _choices(scope), status_code=400, errors=invalid.errors)
    return redirect(f"/users/{user_id}", flash=_("{name} is disabled and signed out everywhere.").format(name=user.display_name))


@post("/users/{user_id:int}/enable", opt=allow("manage_users"), status_code=200)
async def user_enable(request: Request, user_id: RecordId) -> Redirect:
    user = await services.enable_user(request.scope["user"].scope, user_id)
    return redirect(f"/users/{user_id}", flash=_("{name} may sign in again.").format(name=user.display_name))


ROUTES = [user_list, user_new, user_create, user_detail, user_update, user_password, user_disable, user_enable]
