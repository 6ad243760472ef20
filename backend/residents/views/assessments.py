"""The self-care assessment (phone-first: six big can/cannot choices, the tier previewed before
saving) and the condition-change report that makes a re-assessment due."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from backend.core import dates, formatting, forms
from backend.core.errors import Invalid
from backend.core.i18n import N_, _
from backend.core.limits import ResidentId
from backend.core.permissions import allow
from backend.core.web import redirect
from backend.residents import rules, services
from backend.residents.labels import REASON_LABELS, label
from backend.residents.schemas import AssessmentIn, ConditionChangeIn
from backend.residents.views._common import not_before_approval, resident_page, scope_of, text_form

# --- condition change -----------------------------------------------------------------------------


class ChangeForm(forms.Form, kw_only=True):
    reported_on: Annotated[date, forms.Date(not_in_future=True)]
    reported_by: Annotated[str, forms.Text(required=False, max_length=100)] = ""
    note: Annotated[str, forms.Text(max_length=300, multiline=True)]


CHANGE_FIELDS = tuple(forms.fields_of(ChangeForm))


@get("/residents/{resident_id:int}/condition-change", opt=allow("report_condition_change"))
async def change_new(request: Request, resident_id: ResidentId) -> Template:
    person = await services.get_resident(scope_of(request), resident_id)
    return resident_page(request, "residents/change_form.html", person=person, values={"reported_on": dates.today().isoformat()})


# note is a textarea: it may hold line breaks.
@post(
    "/residents/{resident_id:int}/condition-change",
    opt=allow(
        "report_condition_change",
        multiline=("note",),
        text_form=text_form("residents/change_form.html", CHANGE_FIELDS),
    ),
    status_code=200,
)
async def change_submit(request: Request, resident_id: ResidentId) -> Template | Redirect:
    scope = scope_of(request)
    person = await services.get_resident(scope, resident_id)
    parsed = await forms.read(request, ChangeForm)
    not_before_approval(parsed, person, "reported_on")
    if parsed.ok:
        data = parsed.data
        try:
            due = await services.report_condition_change(
                scope,
                resident_id,
                ConditionChangeIn(
                    reported_on=data.reported_on,
                    reported_by=data.reported_by,
                    note=data.note,
                ),
            )
            flash = _("Condition change recorded: the re-assessment is due by {day}.").format(day=formatting.day(due))
            return redirect(f"/residents/{resident_id}", flash=flash)
        except Invalid as invalid:
            parsed.merge(invalid)
    return resident_page(
        request, "residents/change_form.html", status_code=400, person=person, values=parsed.values, errors=parsed.errors
    )


# --- the self-care assessment ---------------------------------------------------------------------

ASSESSMENT_REASONS = tuple(REASON_LABELS)
_ANSWER = forms.Choice(("yes", "no"), N_("Answer: can or cannot do it alone."), required=False)


class AssessmentForm(forms.Form, kw_only=True):
    """The six answers ("yes": can do it alone), the date, the assessor and why it was made.
    An answer left out is refused below with the same words as a wrong one."""

    eat: Annotated[str, _ANSWER] = ""
    dress: Annotated[str, _ANSWER] = ""
    transfer: Annotated[str, _ANSWER] = ""
    toilet: Annotated[str, _ANSWER] = ""
    walk: Annotated[str, _ANSWER] = ""
    bathe: Annotated[str, _ANSWER] = ""
    assessed_on: Annotated[date, forms.Date(not_in_future=True)]
    assessor: Annotated[str, forms.Text(required=False, max_length=100)] = ""
    reason: Annotated[str, forms.Choice(ASSESSMENT_REASONS, N_("Choose the reason."))]
    action: Annotated[str, forms.Choice(("preview", "save"), required=False)] = "preview"


ASSESSMENT_FIELDS = tuple(name for name in forms.fields_of(AssessmentForm) if name != "action")


def _answers(parsed: forms.Parsed) -> dict[str, bool]:
    """The answers given (True = can do it alone); each one missing is refused."""
    answers: dict[str, bool] = {}
    for item in rules.ITEMS:
        value = parsed.values[item]
        if value in ("yes", "no"):
            answers[item] = value == "yes"
        else:
            parsed.error(item, _("Answer: can or cannot do it alone."))
    return answers


def _assessment_page(
    request: Request, person: Any, values: dict[str, str], errors: dict[str, str], tier: str | None, status_code: int = 200
) -> Template:
    return resident_page(
        request,
        "residents/assessment_form.html",
        status_code=status_code,
        person=person,
        values=values,
        errors=errors,
        tier=tier,
        items=rules.ITEMS,
        reasons=ASSESSMENT_REASONS,
    )


# One form for both (domain rules §2): the county's assessment (inspectors, assessors), which sets
# the tier, and a director's care observation, which the page and the service keep as the home's
# own (it says so on the form and on the person's page) and which never changes the tier.
@get("/residents/{resident_id:int}/assessment", opt=allow("record_assessment", "record_observation"))
async def assessment_new(request: Request, resident_id: ResidentId, reason: FromQuery[str | None] = None) -> Template:
    person = await services.get_resident(scope_of(request), resident_id)
    if reason == "emergency_admission":  # the assessment an emergency admission owes
        reason = "admission"
    if reason not in ASSESSMENT_REASONS:
        reason = "annual" if person.last_assessed_on else "admission"
    values = {"assessed_on": dates.today().isoformat(), "assessor": request.scope["user"].display_name, "reason": reason}
    return _assessment_page(request, person, values, {}, None)


@post(
    "/residents/{resident_id:int}/assessment",
    opt=allow(
        "record_assessment",
        "record_observation",
        text_form=text_form(
            "residents/assessment_form.html",
            ASSESSMENT_FIELDS,
            tier=None,
            items=rules.ITEMS,
            reasons=ASSESSMENT_REASONS,
        ),
    ),
    status_code=200,
)
async def assessment_submit(request: Request, resident_id: ResidentId) -> Template | Redirect:
    scope = scope_of(request)
    person = await services.get_resident(scope, resident_id)
    parsed = await forms.read(request, AssessmentForm)
    answers = _answers(parsed)
    tier = rules.care_tier(answers) if len(answers) == len(rules.ITEMS) else None
    if parsed.values["action"] != "save":  # a preview writes nothing
        return _assessment_page(request, person, parsed.values, parsed.errors, tier, status_code=400 if parsed.errors else 200)
    if parsed.ok:
        data = parsed.data
        try:
            saved = await services.record_assessment(
                scope,
                resident_id,
                AssessmentIn(
                    assessed_on=data.assessed_on,
                    assessor=data.assessor,
                    reason=data.reason,
                    **answers,
                ),
            )
            if saved.authority != "county":
                flash = _("Care observation saved ({tier}); the tier in force is the county's.").format(tier=label("tier", tier))
                return redirect(f"/residents/{resident_id}", flash=flash)
            return redirect(f"/residents/{resident_id}", flash=_("Assessment saved: {tier}.").format(tier=label("tier", tier)))
        except Invalid as invalid:
            parsed.merge(invalid)
    return _assessment_page(request, person, parsed.values, parsed.errors, tier, status_code=400)


ROUTES = [change_new, change_submit, assessment_new, assessment_submit]
