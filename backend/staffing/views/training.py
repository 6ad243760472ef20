"""Recording a training of a post on its page (issue 11 point 2)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Request, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from backend.core import forms
from backend.core.errors import Invalid
from backend.core.i18n import N_, _
from backend.core.permissions import allow
from backend.core.web import redirect
from backend.staffing import services
from backend.staffing.schemas import TrainingIn
from backend.staffing.tables import TOPICS
from backend.staffing.views.staff import post_page, scope_of


class TrainingForm(forms.Form, kw_only=True):
    topic: Annotated[str, forms.Choice(TOPICS, N_("Choose one of the training topics."))]
    trained_on: Annotated[date, forms.Date(not_in_future=True)]
    hours: Annotated[
        str,
        forms.Text(
            max_length=7,
            pattern=r"\d{1,4}(\.\d)?",
            pattern_message=N_("Write the hours as a number above 0 with at most one decimal, such as 1.5."),
        ),
    ]
    provider: Annotated[str, forms.Text(required=False, max_length=100)] = ""


@post("/homes/{code:str}/staff/{staff_no:str}/training", opt=allow("manage_staff"), status_code=200)
async def training_create(request: Request, code: FromPath[str], staff_no: FromPath[str]) -> Template | Redirect:
    scope = scope_of(request)
    await services.get_staff(scope, code, staff_no)  # out of scope: 404 before the form is read
    parsed = await forms.read(request, TrainingForm)
    if parsed.ok:
        hours = float(parsed.data.hours)
        if not 0 < hours:  # the service refuses more than it allows (a field error)
            parsed.error("hours", _("Write the hours as a number above 0 with at most one decimal, such as 1.5."))
        else:
            data = TrainingIn(
                topic=parsed.data.topic, trained_on=parsed.data.trained_on, hours=hours, provider=parsed.data.provider
            )
            try:
                await services.record_training(scope, code, staff_no, data)
                return redirect(f"/homes/{code}/staff/{staff_no}#training", flash=_("The training is recorded."))
            except Invalid as invalid:
                parsed.merge(invalid)
    return await post_page(request, code, staff_no, 400, training_form={"values": parsed.values, "errors": parsed.errors})


ROUTES = [training_create]
