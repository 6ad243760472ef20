"""Notice pages: the user's notices (/notices), "mark all read", the e-mail setting from the account
page (/account/notices), and the unread count the navigation shows (``count_unread``, the app's
``before_request``: one count per page, nothing for the API or a visitor)."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, get, post
from litestar.response import Redirect, Template

from backend.core import forms
from backend.core.errors import Invalid
from backend.core.i18n import N_, _
from backend.core.web import USER, is_api, page, redirect
from backend.notices import rules, services

UNREAD_KEY = "tekun_unread_notices"


async def count_unread(request: Request) -> None:
    """Put the signed-in user's unread count where the navigation reads it (pages only)."""
    user = request.scope.get("user")
    if user is None or request.method != "GET" or is_api(request.url.path):
        return None
    request.scope[UNREAD_KEY] = await services.unread_count(user.scope)  # type: ignore[literal-required]
    return None


@get("/notices", opt={"access": USER})
async def notices_page(request: Request) -> Template:
    """The user's notices, newest first, unread marked, each linking to where it is acted on."""
    scope = request.scope["user"].scope
    notices = await services.list_notices(scope)
    return page(request, "notices/list.html", notices=notices, unread=sum(not notice.read for notice in notices))


@post("/notices/read", opt={"access": USER}, status_code=200)
async def mark_all_read(request: Request) -> Redirect:
    count = await services.mark_all_read(request.scope["user"].scope)
    if count:
        return redirect("/notices", flash=_("{count} notices marked as read.").format(count=count))
    return redirect("/notices", flash=_("No unread notices."))


class SettingForm(forms.Form):
    email: Annotated[str, forms.Text(required=False, max_length=rules.EMAIL_MAX)] = ""
    email_enabled: Annotated[bool, forms.YesNo()] = False


async def _setting_page(request: Request, values: dict[str, str], errors: dict[str, str], status_code: int = 200) -> Template:
    setting = await services.notice_setting(request.scope["user"].scope)
    return page(request, "notices/setting.html", status_code=status_code, values=values, errors=errors, setting=setting)


@get("/account/notices", opt={"access": USER})
async def setting_page(request: Request) -> Template:
    setting = await services.notice_setting(request.scope["user"].scope)
    values = {"email": setting.email, "email_enabled": "yes" if setting.email_enabled else ""}
    return await _setting_page(request, values, {})


@post("/account/notices", opt={"access": USER}, status_code=200)
async def save_setting(request: Request) -> Template | Redirect:
    parsed = await forms.read(request, SettingForm)
    if parsed.ok and parsed.data is not None:
        try:
            await services.save_notice_setting(request.scope["user"].scope, parsed.data.email, parsed.data.email_enabled)
            return redirect("/account/notices", flash=_(SAVED))
        except Invalid as invalid:
            parsed.merge(invalid)
    return await _setting_page(request, parsed.values, parsed.errors, status_code=400)


SAVED = N_("Your notice setting is saved.")

ROUTES = [notices_page, mark_all_read, setting_page, save_setting]
