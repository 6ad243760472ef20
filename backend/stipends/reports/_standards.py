"""The standards page and the web form for one standard (saved by ``services.import_standards``,
like a row of a standards file: audited; a month that already has a standard is corrected)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from backend.core import dates, forms
from backend.core.errors import Forbidden, Invalid
from backend.core.exchange import ExchangeError, ParsedRow
from backend.core.i18n import N_, _
from backend.core.permissions import can
from backend.core.security import Scope
from backend.registry import services as registry
from backend.stipends import rules, services
from backend.stipends.reports._common import county_in_scope
from backend.stipends.schemas import StandardOut, StipendImportResult

MAX_AMOUNT = 10_000_000  # fen: 100000.00 yuan a month is surely a typing error
STANDARD_FORM_FIELDS = ("effective_from", *rules.AMOUNT_FIELDS, "area")  # floors: their own page (floors.py)

_AMOUNT = forms.Money(maximum_fen=MAX_AMOUNT)


class StandardForm(forms.Form):
    """One standard: the month it applies from and the monthly amounts in yuan."""

    effective_from: Annotated[date, forms.Month()]
    basic_concentrated: Annotated[int, _AMOUNT]
    basic_dispersed: Annotated[int, _AMOUNT]
    care_concentrated_self_care: Annotated[int, _AMOUNT]
    care_concentrated_partial: Annotated[int, _AMOUNT]
    care_concentrated_full_loss: Annotated[int, _AMOUNT]
    care_dispersed_self_care: Annotated[int, _AMOUNT]
    care_dispersed_partial: Annotated[int, _AMOUNT]
    care_dispersed_full_loss: Annotated[int, _AMOUNT]
    area: Annotated[str, forms.Choice(rules.STANDARD_AREAS, N_("Choose urban, rural or both."), required=False)] = rules.BOTH


async def save_standard(scope: Scope, county_code: str, data: StandardForm) -> StipendImportResult:
    """One standard from the web form, saved by ``services.import_standards`` (audited; a month
    that already has a standard is corrected). Invalid({field: message}) and nothing written."""
    if not can(scope.role, "set_standards"):
        raise Forbidden(_("You may not change stipend standards."))
    await registry.find_county(scope, county_code)
    values = {"county_code": county_code, **{name: getattr(data, name) for name in STANDARD_FORM_FIELDS}}
    try:
        return await services.import_standards(scope, [ParsedRow(row=2, values=values)])
    except ExchangeError as refused:
        raise Invalid({error.column: error.message for error in refused.errors}) from None


def standard_form_values(standard: StandardOut | None, month: date) -> dict[str, str]:
    values = {"effective_from": dates.month_text(month), "area": rules.BOTH}
    if standard is not None:
        values.update({name: getattr(standard, name) for name in rules.AMOUNT_FIELDS})
        values["area"] = standard.area
    return values


async def standards_page_data(scope: Scope, county_code: str) -> dict[str, Any]:
    county = await county_in_scope(scope, county_code)
    listed = await services.list_standards(scope, county_code)
    current = await services.standard_for(scope, county_code, dates.today())
    # The rows in force this month, one per area (a row for both may be in force for both).
    in_force = rules.standards_in_force(await services.standard_rows(county["id"]), dates.month_of(dates.today()))
    in_force_keys = {f"{dates.month_text(row.effective_from)}/{row.area}" for row in in_force.values()}
    return {"county": county, "standards": list(reversed(listed)), "current": current, "in_force_keys": in_force_keys}
