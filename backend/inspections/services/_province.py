"""The province view (issue 13 point 6), for an administrator: the counties side by side (their
counts and rates, overdue tasks, open major hazards and late death reports through those
domains' services) and the province's total (the sum of the counties' counts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from backend.core import dates
from backend.core.i18n import _
from backend.core.permissions import require
from backend.core.security import Scope
from backend.inspections import page_rules, rules
from backend.inspections.rate_schemas import CountyRateRowOut, ProvinceRatesOut, counts_out
from backend.inspections.services._pages import overdue_counts
from backend.inspections.services._rates import on_time_rates
from backend.registry import services as registry


async def province_rates(scope: Scope, months: tuple[str, str], *, as_of: date | None = None) -> ProvinceRatesOut:
    """Every county with its counts over ``months`` and the province's total (administrators)."""
    require(scope, "view_province", _("Only an administrator sees the province view."))
    as_of = as_of or dates.today()
    counties = await registry.list_counties(scope)
    ids = await registry.county_ids(scope, [county.code for county in counties])
    found = {rate.county_id: rate.counts for rate in await on_time_rates(scope, months=months, as_of=as_of, group_by=("county",))}
    overdue = await overdue_counts("county", list(ids.values()), dates.now_utc())
    rows = [
        CountyRateRowOut(
            county=county.code,
            name=county.name,
            homes=county.homes,
            counts=counts_out(found.get(ids[county.code], rules.Counts())),
            overdue=overdue.get(ids[county.code], 0),
        )
        for county in counties
    ]
    rows = page_rules.sort_rows(
        rows,
        "on_time",
        lambda row: rules.Counts(row.counts.expected, row.counts.done, row.counts.on_time),
        lambda row: row.overdue,
        lambda row: (row.name, row.county),
    )
    return ProvinceRatesOut(
        from_month=months[0],
        to_month=months[1],
        as_of=as_of,
        total=counts_out(page_rules.totals(found.get(county_id, rules.Counts()) for county_id in ids.values())),
        overdue=sum(overdue.values()),
        counties=rows,
    )


@dataclass(frozen=True)
class CountySide:
    """The other domains' figures of one county on the province page."""

    major_hazards: int  # major hazards not closed
    late_deaths: int  # deaths of the months asked reported late (the county's late-report notices)


async def province_sides(scope: Scope, county_codes: list[str], months: tuple[str, str]) -> dict[str, CountySide]:
    """Open major hazards now (safety.services) and the late death reports of deaths in
    ``months`` (deaths.services) per county: one call per county of each domain's county view."""
    from backend.deaths import services as deaths
    from backend.safety import services as safety

    require(scope, "view_province", _("Only an administrator sees the province view."))
    sides = {}
    for code in county_codes:
        hazards = await safety.county_hazards(scope, code)
        late = await deaths.late_notices(scope, county_code=code, include_seen=True)
        in_months = [notice for notice in late if months[0] <= f"{notice.died_on:%Y-%m}" <= months[1]]
        sides[code] = CountySide(major_hazards=len(hazards.major), late_deaths=len(in_months))
    return sides
