"""The staffing domain's items for "今日待办" (backend/core/todo.py): for a director, each health
certificate of the home's staff expiring within a week (or expired), naming the person, and
today's breach of the ratio with its numbers; for the county's staff who manage staffing, one
item counting the homes below the ratio today."""

from __future__ import annotations

from backend.core import todo
from backend.core.i18n import _
from backend.core.permissions import can
from backend.registry import services as registry
from backend.staffing import services


def ratio_text(day) -> str:
    """ "今日 4 名工作人员 / 需要 5 名" (and the carers when the county has a carer ratio)."""
    text = _("Today {staff} staff / {required} needed").format(staff=day.staff, required=day.required_staff)
    if day.required_carers is not None:
        text += " · " + _("{carers} carers / {required} needed").format(carers=day.carers, required=day.required_carers)
    return text


@todo.source
async def certificates_expiring(scope) -> list[todo.Item]:
    """A director: the health certificates (健康证) expiring within 7 days or expired."""
    if scope.kind != "home" or not can(scope.role, "view_staffing"):
        return []
    items = []
    for home_code, certificate in await services.certificates_expiring(scope):
        expired = certificate.expired
        items.append(
            todo.Item(
                label=_("Health certificate expired") if expired else _("Health certificate expiring"),
                href=f"/homes/{home_code}/staff/{certificate.staff_no}",
                urgency=todo.OVERDUE if expired else (todo.TODAY if certificate.days_left == 0 else todo.SOON),
                due=certificate.expires,
                detail=certificate.name,
                kind="health_certificate_expiring",
            )
        )
    return items


@todo.source
async def ratio_breach_today(scope) -> list[todo.Item]:
    """A director: the home is below the ratio today. The county's staff who manage staffing:
    how many of the county's homes are (one item). No ``due``: the to-do list words a date as
    "到期" (due), which a breach is not; the label already says "today" (今日)."""
    if not can(scope.role, "view_staffing"):
        return []
    if scope.kind == "home":
        return [
            todo.Item(
                label=_("Below the staff ratio today"),
                href=f"/homes/{home['code']}/staffing",
                urgency=todo.TODAY,
                detail=ratio_text(day),
                kind="ratio_breach_today",
            )
            for home, day in await services.homes_below_ratio_today(scope)
        ]
    if scope.kind != "county" or not can(scope.role, "manage_staff"):
        return []
    below = await services.homes_below_ratio_today(scope)
    if not below:
        return []
    county = below[0][0]["county"]
    return [
        todo.Item(
            label=_("Homes below the staff ratio today"),
            href=f"/counties/{await _county_code(county)}/staffing?sort=ratio",
            urgency=todo.TODAY,
            detail=_("{count} homes").format(count=len(below)),
            kind="ratio_breach_homes",
        )
    ]


async def _county_code(county_id: int) -> str:
    return (await registry.counties_by_id([county_id]))[county_id]["code"]
