"""The daily ratio's JSON (interfaces §5) and the county's staffing overview, as msgspec structs
for the API's OpenAPI schema. ``DayRatioOut`` has exactly the keys of interfaces §5 (``date``,
``required_carers`` null when the county has no carer ratio)."""

from __future__ import annotations

import datetime as dt

import msgspec

from backend.staffing import rules


class DayRatioOut(msgspec.Struct):
    """One home-day (interfaces §5)."""

    day: dt.date = msgspec.field(name="date")
    residents: int
    dependent_residents: int
    staff: int
    carers: int
    required_staff: int
    required_carers: int | None
    compliant: bool
    shortfall: int

    @classmethod
    def of(cls, day: rules.DayRatio) -> DayRatioOut:
        return cls(
            day=day.day,
            residents=day.residents,
            dependent_residents=day.dependent_residents,
            staff=day.staff,
            carers=day.carers,
            required_staff=day.required_staff,
            required_carers=day.required_carers,
            compliant=day.compliant,
            shortfall=day.shortfall,
        )


class RatioSeriesOut(msgspec.Struct):
    """``{"home": "H", "days": [...]}`` (interfaces §5)."""

    home: str
    days: list[DayRatioOut]


class CountyHomeOut(msgspec.Struct):
    """One home of the county's staffing view: today's ratio, the month's non-compliant days (up
    to today), the posts in the register today (``staff``, ``carers``: people in post, whether
    on leave or not), the carers with care training, and the marks."""

    code: str
    name: str
    today: DayRatioOut
    noncompliant_days: int
    days_counted: int
    staff: int
    carers: int
    trained_carers: int
    under_three_staff: bool
    no_trained_carer: bool


class CountyOverviewOut(msgspec.Struct):
    county: str
    month: str
    today: dt.date
    sort: str
    homes: list[CountyHomeOut]
