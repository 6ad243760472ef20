"""The county's concentration rate of dependent persons by month (domain-rules §2, "Priority
admission"; the definition is ``queue_rules``'s): set-based, three queries for a county of any
size and any number of months (the register's rows, the placements and the assessments of the
county's persons, up to the last day counted), then the rule in Python for each month."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from backend.core import dates
from backend.core.db import reading
from backend.core.errors import Invalid, NotFound
from backend.core.i18n import _
from backend.core.permissions import require
from backend.core.security import Scope
from backend.registry import services as registry
from backend.residents import queue_rules, rules
from backend.residents.queue_schemas import ConcentrationOut, MonthRate, TierRate
from backend.residents.tables import COUNTY, Assessment, Placement, Resident

MAX_MONTHS = 120


async def county_histories(county_id: int, until: date) -> list[queue_rules.PersonHistory]:
    """Every person of the county approved by ``until``, with their placements and assessments
    dated by then: three queries."""
    of_county = Resident.select(Resident.id).where((Resident.county == county_id) & (Resident.approved_on <= until))
    people = await Resident.select(Resident.id, Resident.approved_on, Resident.ended_on, Resident.died_on).where(
        (Resident.county == county_id) & (Resident.approved_on <= until)
    )
    placements: dict[int, list[rules.PlacementEvent]] = defaultdict(list)
    for row in await Placement.select(
        Placement.resident, Placement.event_date, Placement.seq, Placement.kind, Placement.home
    ).where(Placement.resident.is_in(of_county) & (Placement.event_date <= until)):
        placements[row["resident"]].append(rules.PlacementEvent(row["event_date"], row["seq"], row["kind"], row["home"]))
    assessments: dict[int, list[rules.AssessmentRecord]] = defaultdict(list)
    for row in await Assessment.select(Assessment.resident, Assessment.assessed_on, Assessment.seq, Assessment.tier).where(
        Assessment.resident.is_in(of_county) & (Assessment.assessed_on <= until) & (Assessment.authority == COUNTY)
    ):
        assessments[row["resident"]].append(rules.AssessmentRecord(row["assessed_on"], row["seq"], row["tier"]))
    return [
        queue_rules.PersonHistory(
            approved_on=row["approved_on"],
            ended_on=row["ended_on"],
            died_on=row["died_on"],
            placements=tuple(placements.get(row["id"], ())),
            assessments=tuple(assessments.get(row["id"], ())),
        )
        for row in people
    ]


def _months(first: date, last: date) -> list[date]:
    months = []
    month = dates.month_of(first)
    while month <= last:
        months.append(month)
        month = dates.add_months(month, 1)
    return months


async def concentration_rates(scope: Scope, county_code: str, first: date, last: date) -> ConcentrationOut:
    """The rate for each month from ``first`` to ``last`` (first days of months), oldest first.
    Months after the current one cannot be counted; at most ten years at once."""
    require(scope, "view_concentration_rate", _("You may not see the county's concentration rate."))
    county_id = (await registry.county_ids(scope, [county_code])).get(county_code)
    if county_id is None:
        raise NotFound(_("No such county."))
    today = dates.today()
    first, last = dates.month_of(first), dates.month_of(last)
    if last > dates.month_of(today):
        raise Invalid({"to": _("A month after the current one cannot be counted yet.")})
    if first > last:
        raise Invalid({"from": _("The first month is after the last one.")})
    months = _months(first, last)
    if len(months) > MAX_MONTHS:
        raise Invalid({"from": _("At most {n} months at once.").format(n=MAX_MONTHS)})
    county = (await registry.counties_by_id([county_id]))[county_id]
    async with reading():
        people = await county_histories(county_id, queue_rules.counting_day(last, today))
    out = []
    for month in months:
        counted = queue_rules.concentration_on(people, queue_rules.counting_day(month, today))
        out.append(
            MonthRate(
                month=f"{month:%Y-%m}",
                counted_on=counted.day,
                dependent=counted.dependent,
                concentrated=counted.dependent_concentrated,
                rate=counted.rate,
                tiers=[TierRate(tier, counted.persons[tier], counted.concentrated[tier]) for tier in queue_rules.DEPENDENT_TIERS],
            )
        )
    return ConcentrationOut(county_code=county_code, county_name=county["name"], months=out)


async def last_twelve_months(scope: Scope, county_code: str) -> ConcentrationOut:
    """The rate for the current month and the eleven before it."""
    this_month = dates.month_of(dates.today())
    return await concentration_rates(scope, county_code, dates.add_months(this_month, -11), this_month)
