"""A home's ledger history at ``/homes/{code}/safety/entries`` (issue 12 point 6): entries newest
first, filtered by routine (``routine``), dates (``from``, ``to``), failed only (``failed=1``) and
back-filled only (``late=1``), a page at a time (``page``). A bad filter is refused next to its
field, in the user's language (400), and no entries are listed."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Template

from backend.core import dates
from backend.core.i18n import _
from backend.core.limits import MAX_PAGE
from backend.core.permissions import allow
from backend.core.web import page
from backend.safety import links, services

FILTER_NAMES = ("routine", "from", "to", "failed", "late", "page")
_YES, _NO = {"1", "yes", "on", "true"}, {"", "0", "no", "off", "false"}


def _day(raw: str, errors: dict[str, str], name: str):
    if not raw:
        return None
    try:
        day = dates.parse_date(raw)
    except ValueError:
        errors[name] = _("Not a valid date (write 2026-11-02).")
        return None
    if not dates.FIRST_YEAR <= day.year <= dates.LAST_YEAR:
        errors[name] = _("The year must be between {first} and {last}.").format(first=dates.FIRST_YEAR, last=dates.LAST_YEAR)
        return None
    return day


def _flag(raw: str, errors: dict[str, str], name: str) -> bool:
    if raw.lower() in _YES:
        return True
    if raw.lower() not in _NO:
        errors[name] = _("Choose yes or no.")
    return False


def parse_filters(values: dict[str, str], routines: dict[str, str]) -> tuple[services.HistoryFilter, int, dict[str, str]]:
    """The filter, the page number and the errors by field (``routines``: key → title offered)."""
    errors: dict[str, str] = {}
    routine = values["routine"]
    if routine and routine not in routines:
        errors["routine"] = _("Choose one of the checklists.")
    since, until = _day(values["from"], errors, "from"), _day(values["to"], errors, "to")
    if since and until and since > until:
        errors["to"] = _("The end date is before the start date.")
    failed, late = _flag(values["failed"], errors, "failed"), _flag(values["late"], errors, "late")
    number = 1
    if values["page"]:
        if values["page"].isdigit() and len(values["page"]) <= 6 and 1 <= int(values["page"]) <= MAX_PAGE:
            number = int(values["page"])
        else:
            errors["page"] = _("The page is a whole number from 1 to {last}.").format(last=MAX_PAGE)
    chosen = services.HistoryFilter(routine=routine or None, since=since, until=until, failed=failed, late=late)
    return chosen, number, errors


def _page_link(request: Request, values: dict[str, str], number: int) -> str:
    params = {key: value for key, value in values.items() if key != "page" and value}
    params["page"] = str(number)
    return f"{request.url.path}?{urlencode(params)}"


@get("/homes/{code:str}/safety/entries", opt=allow("view_safety"))
async def safety_history(request: Request, code: FromPath[str]) -> Template:
    scope = request.scope["user"].scope
    query = request.query_params
    values = {name: (query.get(name) or "").strip()[:40] for name in FILTER_NAMES}
    home = await services.home_for(scope, code, "view_safety")  # out of scope: 404 before anything else
    # The checklists offered: those in force for the home (their current titles).
    in_force = (await services.templates_in_force([home["county_id"]]))[home["county_id"]]
    routines = {routine: row["title"] for routine, row in in_force.items()}
    chosen, number, errors = parse_filters(values, routines)
    context: dict[str, Any] = {"values": values, "errors": errors, "routines": routines, "links": links}
    if errors:
        return page(request, "safety/history.html", status_code=400, home=home, result=None, **context)
    result = await services.history(scope, code, chosen, page=number)
    return page(
        request,
        "safety/history.html",
        home=home,
        result=result,
        previous_link=_page_link(request, values, result.page - 1) if result.page > 1 else None,
        next_link=_page_link(request, values, result.page + 1) if result.page < result.pages else None,
        **context,
    )


ROUTES = [safety_history]
