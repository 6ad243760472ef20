"""A home's safety "today" at ``/homes/{code}/safety`` (issue 12 point 6): each routine of the
templates in force, grouped 消防 / 食品 / 传染病防控, with what is due, done and overdue, one tap
to start it; meals and night slots as chips; the open hazards; ``?date=YYYY-MM-DD`` for another
day. A director sees their home, an inspector or administrator any home in scope (404 otherwise)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from litestar import Request, get
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from backend.core import dates
from backend.core.i18n import N_, _
from backend.core.permissions import allow
from backend.core.web import page
from backend.safety import links, services
from backend.safety.labels import FREQUENCY_LABELS, MEAL_LABELS, labels

GROUP_LABELS = {
    "fire": N_("Fire safety"),  # 消防
    "food": N_("Food safety"),  # 食品
    "infection": N_("Infection prevention"),  # 传染病防控
    "other": N_("Other checklists"),
}
PERIOD_LABELS = {
    "monthly": N_("This month"),
    "half_yearly": N_("This half-year"),
    "yearly": N_("This year"),
}
MISSED_BEFORE_LABELS = {  # what the period before left undone (a night's slots and meals are counted)
    "daily": N_("Not done yesterday"),
    "monthly": N_("Not done last month"),
    "half_yearly": N_("Not done in the last half-year"),
    "yearly": N_("Not done last year"),
}


def parse_day(raw: str | None) -> tuple[date, str | None]:
    """The day asked for (today when none) and the refusal of a bad one (then today)."""
    today = dates.today()
    if not raw:
        return today, None
    try:
        day = dates.parse_date(raw)
    except ValueError:
        return today, _("Not a valid date (write 2026-11-02).")
    if not dates.FIRST_YEAR <= day.year <= dates.LAST_YEAR:
        return today, _("The year must be between {first} and {last}.").format(first=dates.FIRST_YEAR, last=dates.LAST_YEAR)
    return day, None


def slot_label(frequency: str, slot: str) -> str:
    """A chip's words: the meal (早餐) or the night slot's hour (22:00)."""
    if frequency == "meal":
        return _(MEAL_LABELS.get(slot, slot))
    return f"{int(slot):02d}:00" if slot.isdigit() else slot


@get("/homes/{code:str}/safety", opt=allow("view_safety"))
async def safety_today(
    request: Request, code: FromPath[str], day: Annotated[str | None, QueryParameter(name="date")] = None
) -> Template:
    scope = request.scope["user"].scope
    chosen, error = parse_day(day)
    today_page = await services.today_page(scope, code, chosen)
    context: dict[str, Any] = {
        "today": today_page,
        "home": today_page.home,
        "day": chosen,
        "is_today": chosen == dates.today(),
        "previous": chosen - timedelta(days=1),
        "following": chosen + timedelta(days=1),
        "group_labels": labels(GROUP_LABELS),
        "period_labels": labels(PERIOD_LABELS),
        "missed_before_labels": labels(MISSED_BEFORE_LABELS),
        "frequency_labels": labels(FREQUENCY_LABELS),
        "slot_label": slot_label,
        "links": links,
        "errors": {"date": error} if error else {},
        "date_value": day if error else chosen.isoformat(),
    }
    return page(request, "safety/today.html", status_code=400 if error else 200, **context)


ROUTES = [safety_today]
