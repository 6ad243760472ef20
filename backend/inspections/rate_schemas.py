"""Bodies of the on-time rate, task and on-site inspection API (issue 13 points 3 and 6; domain
rules §6, §6b). A rate is always shown with its counts: a county's or the province's is the sum
of the counts below it, never the mean of their percentages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

from backend.inspections import rules


class CountsOut(msgspec.Struct, kw_only=True):
    """Expected, done, done on time; late (补录) = done − on time; missed = expected − done; the
    rates are None when nothing was expected."""

    expected: int
    done: int
    on_time: int
    late: int
    missed: int
    done_rate: float | None
    on_time_rate: float | None


def counts_out(counts: rules.Counts) -> CountsOut:
    return CountsOut(
        expected=counts.expected,
        done=counts.done,
        on_time=counts.on_time,
        late=counts.late,
        missed=counts.missed,
        done_rate=counts.done_rate,
        on_time_rate=counts.on_time_rate,
    )


class MonthCountsOut(msgspec.Struct, kw_only=True):
    month: str  # YYYY-MM
    counts: CountsOut


class RoutineRatesOut(msgspec.Struct, kw_only=True):
    routine: str
    label: str
    total: CountsOut  # the routine over the months asked
    months: list[MonthCountsOut]  # every month asked, oldest first (counts zero when nothing was due)


class HomeRatesOut(msgspec.Struct, kw_only=True):
    home: str
    name: str
    county: str
    from_month: str
    to_month: str
    as_of: date  # periods ending on or after this day are not yet counted
    total: CountsOut
    routines: list[RoutineRatesOut]


class HomeRateRowOut(msgspec.Struct, kw_only=True):
    home: str
    name: str
    counts: CountsOut
    overdue: int  # tasks overdue now (whatever their month)


class CountyRatesOut(msgspec.Struct, kw_only=True):
    county: str
    name: str
    from_month: str
    to_month: str
    as_of: date
    sort: str
    total: CountsOut  # the sum of the homes' counts
    overdue: int
    homes: list[HomeRateRowOut]


class CountyRateRowOut(msgspec.Struct, kw_only=True):
    county: str
    name: str
    homes: int
    counts: CountsOut
    overdue: int


class ProvinceRatesOut(msgspec.Struct, kw_only=True):
    from_month: str
    to_month: str
    as_of: date
    total: CountsOut  # the sum of the counties' counts
    overdue: int
    counties: list[CountyRateRowOut]


class HomeTaskOut(msgspec.Struct, kw_only=True):
    """One task of a home; ``late`` (补录) when it was done after its deadline."""

    id: int
    routine: str
    label: str
    subject: str
    period: str
    period_start: date
    period_end: date
    due_at: datetime
    deadline: datetime
    expected: int
    done: int
    on_time: int
    status: str  # open, done, overdue, cancelled
    overdue: bool  # overdue now: marked so, or open past its deadline
    late: bool
    done_at: datetime | None


Findings = Annotated[str, msgspec.Meta(max_length=4000)]


class VisitIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An on-site inspection (现场检查): the day of the visit and the findings in words; a
    correction names the visit it corrects and says why."""

    visited_on: date
    findings: Findings = ""
    corrects: Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)] | None = None
    reason: Annotated[str, msgspec.Meta(max_length=1000)] = ""


class VisitOut(msgspec.Struct, kw_only=True):
    id: int
    home: str
    county: str
    visited_on: date
    recorded_at: datetime
    inspector: str  # the login
    findings: str
    hazards_opened: int
    corrects: int | None
    reason: str
    corrected_by: int | None  # the later visit that corrects this one (then it no longer counts)
    inspector_name: str = ""  # the inspector's display name (the login when there is no account)


class PlanRowOut(msgspec.Struct, kw_only=True):
    """One home of the county's on-site inspection plan (its period from the county's inspections_per_year: quarterly by default, domain rules §6)."""

    home: str
    name: str
    period: str  # the plan's period now (2026-Q4, 2026-H2, 2026, 2026-11)
    last_visit: date | None
    status: str  # done (visited this period), due, overdue (the previous period passed without a visit)
