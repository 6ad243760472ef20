"""The end of support for a reason other than death (the county's decision)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Request, get, post
from litestar.response import Redirect, Template

from backend.core import dates, forms
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.limits import ResidentId
from backend.core.permissions import allow
from backend.core.web import redirect
from backend.residents import services
from backend.residents.views._common import not_before_approval, resident_page, scope_of, text_form


class EndForm(forms.Form, kw_only=True):
    ended_on: Annotated[date, forms.Date(not_in_future=True)]
    reason: Annotated[str, forms.Text(max_length=200)]


END_FIELDS = tuple(forms.fields_of(EndForm))


@get("/residents/{resident_id:int}/end", opt=allow("register_residents"))
async def end_new(request: Request, resident_id: ResidentId) -> Template:
    person = await services.get_resident(scope_of(request), resident_id)
    return resident_page(request, "residents/end_form.html", person=person, values={"ended_on": dates.today().isoformat()})


@post(
    "/residents/{resident_id:int}/end",
    opt=allow("register_residents", text_form=text_form("residents/end_form.html", END_FIELDS)),
    status_code=200,
)
async def end_submit(request: Request, resident_id: ResidentId) -> Template | Redirect:
    scope = scope_of(request)
    person = await services.get_resident(scope, resident_id)
    parsed = await forms.read(request, EndForm)
    not_before_approval(parsed, person, "ended_on")
    if parsed.ok:
        try:
            await services.end_support(scope, resident_id, parsed.data.ended_on, parsed.data.reason)
            return redirect(f"/residents/{resident_id}", flash=_("End of support recorded."))
        except Invalid as invalid:
            parsed.merge(invalid)
    return resident_page(
        request, "residents/end_form.html", status_code=400, person=person, values=parsed.values, errors=parsed.errors
    )


ROUTES = [end_new, end_submit]
