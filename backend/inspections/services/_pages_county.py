"""The county's compliance view (issue 13 point 3): one row per home of the county with its
counts, rates and overdue tasks, sortable worst first; the county's total is the sum of the
homes' counts (never the mean of their percentages)."""

from __future__ import annotations

from datetime import date

from backend.core import dates
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.security import Scope
from backend.inspections import page_rules, rules
from backend.inspections.rate_schemas import CountyRatesOut, HomeRateRowOut, counts_out
from backend.inspections.services._pages import overdue_counts
from backend.inspections.services._rates import on_time_rates
from backend.registry import services as registry


def check_sort(sort: str | None) -> str:
    if sort is None or sort == "":
        return "on_time"
    if sort not in page_rules.SORTS:
        raise Invalid({"sort": _("Sort by on_time, done, overdue or name.")})
    return sort


async def county_rates(
    scope: Scope, code: str, months: tuple[str, str], *, sort: str | None = None, as_of: date | None = None
) -> CountyRatesOut:
    """Every home of the county in scope (NotFound outside it) with its counts over ``months``."""
    sort = check_sort(sort)
    county = await registry.find_county(scope, code)
    as_of = as_of or dates.today()
    homes = await registry.list_homes(scope, county_code=county["code"])
    ids = await registry.homes_by_code(home.code for home in homes)
    found = {
        rate.home_id: rate.counts
        for rate in await on_time_rates(scope, months=months, as_of=as_of, group_by=("home",), county_ids=[county["id"]])
    }
    overdue = await overdue_counts("home", [row["id"] for row in ids.values()], dates.now_utc())
    rows = [
        HomeRateRowOut(
            home=home.code,
            name=home.name,
            counts=counts_out(found.get(ids[home.code]["id"], rules.Counts())),
            overdue=overdue.get(ids[home.code]["id"], 0),
        )
        for home in homes
    ]
    rows = page_rules.sort_rows(
        rows,
        sort,
        lambda row: rules.Counts(row.counts.expected, row.counts.done, row.counts.on_time),
        lambda row: row.overdue,
        lambda row: (row.name, row.home),
    )
    return CountyRatesOut(
        county=county["code"],
        name=county["name"],
        from_month=months[0],
        to_month=months[1],
        as_of=as_of,
        sort=sort,
        total=counts_out(page_rules.totals(found.values())),
        overdue=sum(overdue.values()),
        homes=rows,
    )
