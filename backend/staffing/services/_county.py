"""The county's view of its homes' staffing (issue 11 point 6), and what "今日待办" needs: the
homes below the ratio today, the health certificates about to expire.

Set-based: the county's homes in two queries, one ``ratio_series_for`` call for all of them (two
when the month asked is far from today), one query for the posts in post and one for the carers'
care training; never a query per home."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from backend.core import dates
from backend.core.errors import Forbidden, Invalid
from backend.core.i18n import _
from backend.core.permissions import require
from backend.core.security import Scope
from backend.registry import services as registry
from backend.staffing import rules
from backend.staffing.ratio_schemas import CountyHomeOut, CountyOverviewOut, DayRatioOut
from backend.staffing.services._overview import (
    Certificate,
    care_trained,
    certificates_due,
    current_staff,
    month_last_day,
    parse_month,
    series_over,
)
from backend.staffing.tables import CARER

FEW_STAFF = 3  # homes with fewer staff in post are marked (the seed policy: "157 of 264 homes had fewer than 3")
TODO_CERTIFICATE_DAYS = 7  # a director's to-do: health certificates expiring within a week, or expired


def _ratio_key(home: CountyHomeOut):
    today = home.today
    return (-today.shortfall, today.staff - today.required_staff)


SORTS = {
    "code": lambda home: (home.code,),
    "name": lambda home: (home.name, home.code),
    "ratio": lambda home: (*_ratio_key(home), home.code),
    "noncompliant": lambda home: (home.noncompliant_days, home.code),
    "staff": lambda home: (home.staff, home.code),
    "carers": lambda home: (home.carers, home.code),
    "trained": lambda home: (home.trained_carers, home.code),
}


def check_sort(sort: str | None) -> tuple[str, bool]:
    """``code`` … ``trained``, ``-`` in front for descending; Invalid otherwise."""
    text = (sort or "code").strip()
    descending = text.startswith("-")
    key = text.lstrip("-")
    if key not in SORTS:
        raise Invalid({"sort": _("Sort by one of: {keys}.").format(keys=", ".join(SORTS))})
    return key, descending


async def _county_homes(scope: Scope, county_code: str) -> list[dict[str, Any]]:
    """The county's homes in scope as {id, code, name, county}, by code."""
    listed = await registry.list_homes(scope, county_code=county_code)
    rows = await registry.homes_by_code(home.code for home in listed)
    return [rows[home.code] for home in listed if home.code in rows]


async def county_overview(
    scope: Scope, county_code: str, month: date | str | None = None, sort: str | None = None
) -> CountyOverviewOut:
    """For each home of the county: today's ratio, the non-compliant days of ``month`` (a first
    day, or ``YYYY-MM``; default this month) up to today, the posts and carers in post, the
    carers with care training; sorted by ``sort``. The county's staff see it; a director has the
    home's own page instead (Forbidden). The scope first: another county is NotFound whatever
    the month or the sort."""
    require(scope, "view_staffing", _("You may not see staffing."))
    county = await registry.find_county(scope, county_code)
    if scope.kind == "home":
        raise Forbidden(_("The county's staffing view is for the county's staff; your home's page shows yours."))
    month = parse_month(month) if isinstance(month, str) else month
    key, descending = check_sort(sort)
    today = dates.today()
    month = month or dates.month_of(today)
    last = min(month_last_day(month), today)
    homes = await _county_homes(scope, county["code"])
    ids = [home["id"] for home in homes]
    ranges = [(today, today)] + ([(month, last)] if month <= last else [])
    days = await series_over(ids, ranges)
    staff = await current_staff(ids, today)
    trained = await care_trained(ids, today)
    posts = Counter(row["home"] for row in staff)
    carers = Counter(row["home"] for row in staff if row["post"] == CARER)
    trained_by_home = Counter(row["home"] for row in staff if row["id"] in trained)
    out = []
    for home in homes:
        series = days.get(home["id"], {})
        counted = [ratio for day, ratio in series.items() if month <= day <= last]
        out.append(
            CountyHomeOut(
                code=home["code"],
                name=home["name"],
                today=DayRatioOut.of(series[today]),
                noncompliant_days=sum(1 for ratio in counted if not ratio.compliant),
                days_counted=len(counted),
                staff=posts[home["id"]],
                carers=carers[home["id"]],
                trained_carers=trained_by_home[home["id"]],
                under_three_staff=posts[home["id"]] < FEW_STAFF,
                no_trained_carer=trained_by_home[home["id"]] == 0,
            )
        )
    out.sort(key=SORTS[key], reverse=descending)
    return CountyOverviewOut(
        county=county["code"], month=dates.month_text(month), today=today, sort=("-" if descending else "") + key, homes=out
    )


# --- for "今日待办" ---------------------------------------------------------------------------


async def _scope_homes(scope: Scope) -> list[dict[str, Any]]:
    """The homes a director or a county's staff act for ({id, code, name, county}); none for an
    administrator (their to-do list is not the place for every home of the province)."""
    if scope.kind == "home":
        return list((await registry.homes_by_id([scope.home_id])).values())
    if scope.kind == "county":
        listed = await registry.list_homes(scope)
        rows = await registry.homes_by_code(home.code for home in listed)
        return [rows[home.code] for home in listed if home.code in rows]
    return []


async def homes_below_ratio_today(scope: Scope) -> list[tuple[dict[str, Any], rules.DayRatio]]:
    """(home, today's ratio) of the homes in the scope below the ratio today."""
    require(scope, "view_staffing", _("You may not see staffing."))
    homes = await _scope_homes(scope)
    today = dates.today()
    days = await series_over([home["id"] for home in homes], [(today, today)]) if homes else {}
    return [(home, days[home["id"]][today]) for home in homes if not days[home["id"]][today].compliant]


async def certificates_expiring(scope: Scope, within_days: int = TODO_CERTIFICATE_DAYS) -> list[tuple[str, Certificate]]:
    """(home code, certificate) of the health certificates of the staff in post in the scope's
    homes that expire within ``within_days`` days or have expired."""
    require(scope, "view_staffing", _("You may not see staffing."))
    homes = {home["id"]: home["code"] for home in await _scope_homes(scope)}
    today = dates.today()
    staff = await current_staff(list(homes), today)
    found = []
    for home_id, code in homes.items():
        mine = [row for row in staff if row["home"] == home_id]
        found += [(code, certificate) for certificate in certificates_due(mine, today, within_days, missing=False)]
    return found
