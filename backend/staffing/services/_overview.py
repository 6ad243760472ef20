"""A home's staffing at a glance (issue 11 point 6) and its ratio series (interfaces §5): today's
ratio, the month as a calendar, the last 90 days for the chart, health certificates expiring
within 30 days (or expired), carers without care training, the breaches someone confirmed.

Everything is read set-based: one ``ratio_series_for`` call over the days needed (two when the
month asked is far from today), then one query each for posts, care training and breaches."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from backend.core import dates
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.permissions import require
from backend.core.security import Scope
from backend.registry import services as registry
from backend.staffing import rules
from backend.staffing.ratio_schemas import DayRatioOut, RatioSeriesOut
from backend.staffing.services._ratio import MAX_DAYS, ratio_series_for
from backend.staffing.tables import CARER, COOK, RatioBreach, StaffMember, TrainingRecord

CHART_DAYS = 90  # the home page's chart: the last 90 days
CERTIFICATE_DAYS = 30  # the home page lists health certificates expiring within 30 days
CARE_TOPIC = "care"  # 护理技能: the training that makes a carer "trained" (GB 38600-2019)
RECENT_BREACHES = 10
MERGE_GAP_DAYS = 62  # two ranges closer than this are read in one call


def check_range(first: date | None, last: date | None) -> tuple[date, date]:
    """A range of days asked for (the API, the command line): both given, ``from`` ≤ ``to``, at
    most ``MAX_DAYS`` days; otherwise ``Invalid`` naming the field."""
    if first is None:
        raise Invalid({"from": _("Give the first day (YYYY-MM-DD).")})
    if last is None:
        raise Invalid({"to": _("Give the last day (YYYY-MM-DD).")})
    if first > last:
        raise Invalid({"to": _("The last day is before the first day.")})
    if (last - first).days + 1 > MAX_DAYS:
        raise Invalid({"to": _("At most {days} days at a time.").format(days=MAX_DAYS)})
    return first, last


def parse_day(text: str | None, name: str) -> date | None:
    """``YYYY-MM-DD`` (None: not given); a bad date is ``Invalid`` naming ``name``."""
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise Invalid({name: _("Not a valid date (write 2026-11-02).")}) from exc


def parse_month(text: str | None) -> date:
    """A ``YYYY-MM`` query parameter → its first day (None or empty: this month)."""
    if not text:
        return dates.month_of(dates.today())
    try:
        month = dates.parse_month(text.strip())
        dates.add_months(month, 1)
    except ValueError as exc:
        raise Invalid({"month": _("Not a valid month (write 2026-11).")}) from exc
    if not dates.FIRST_YEAR <= month.year <= dates.LAST_YEAR:
        raise Invalid({"month": _("Not a valid month (write 2026-11).")})
    return month


def month_last_day(month: date) -> date:
    return dates.add_months(month, 1) - timedelta(days=1)


async def series_over(home_ids: list[int], ranges: list[tuple[date, date]]) -> dict[int, dict[date, rules.DayRatio]]:
    """Home id → day → ratio, for the days of ``ranges``: one ``ratio_series_for`` call per group
    of ranges closer than ``MERGE_GAP_DAYS`` (so a constant number of queries, never one per home)."""
    groups: list[list[date]] = []
    for first, last in sorted(ranges):
        if groups and (first - groups[-1][1]).days <= MERGE_GAP_DAYS:
            groups[-1][1] = max(groups[-1][1], last)
        else:
            groups.append([first, last])
    result: dict[int, dict[date, rules.DayRatio]] = {home_id: {} for home_id in home_ids}
    for first, last in groups:
        for home_id, series in (await ratio_series_for(home_ids, first, last)).items():
            result.setdefault(home_id, {}).update((day.day, day) for day in series)
    return result


async def staffing_home(scope: Scope, home_code: str) -> dict[str, Any]:
    """The home's row if the scope may see its staffing (NotFound outside the scope)."""
    require(scope, "view_staffing", _("You may not see staffing."))
    return await registry.find_home(scope, home_code)


async def home_ratio(scope: Scope, home_code: str, first: date | str | None, last: date | str | None) -> RatioSeriesOut:
    """interfaces §5: the home's ratio for every day from ``first`` to ``last`` (dates, or their
    ``YYYY-MM-DD`` text as the API receives it). The scope first: another home is NotFound
    whatever the range."""
    home = await staffing_home(scope, home_code)
    first = parse_day(first, "from") if isinstance(first, str) else first
    last = parse_day(last, "to") if isinstance(last, str) else last
    first, last = check_range(first, last)
    series = (await ratio_series_for([home["id"]], first, last)).get(home["id"], [])
    return RatioSeriesOut(home=home["code"], days=[DayRatioOut.of(day) for day in series])


# --- the home's page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Certificate:
    """A health certificate (健康证) to renew: ``expires`` None for a kitchen worker without one."""

    staff_no: str
    name: str
    post: str
    expires: date | None
    days_left: int | None

    @property
    def expired(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def kitchen(self) -> bool:
        return self.post == COOK


@dataclass(frozen=True)
class StaffRef:
    staff_no: str
    name: str
    hired_on: date


@dataclass(frozen=True)
class CalendarDay:
    """A cell of the month's calendar: ``state`` ok, bad, future (no ratio known) or outside (a
    day of the month before or after, to fill the week). A day after today is ``projected``: its
    ok or bad is what the posts, leave and residents recorded now give (a confirmed breach of
    next week shows), not a verdict."""

    day: date
    state: str
    ratio: rules.DayRatio | None = None
    projected: bool = False


@dataclass
class HomeOverview:
    home: dict[str, Any]
    today: rules.DayRatio
    month: date
    weeks: list[list[CalendarDay]]
    noncompliant_days: int
    days_counted: int
    projected_bad_days: int  # the month's days after today projected below the ratio
    projected_days: int  # the month's days after today
    chart: list[dict[str, Any]]
    certificates: list[Certificate]
    untrained_carers: list[StaffRef]
    breaches: list[dict[str, Any]]
    staff_in_post: int
    carers_in_post: int
    previous_month: date = field(init=False)
    next_month: date = field(init=False)

    def __post_init__(self) -> None:
        self.previous_month = dates.add_months(self.month, -1)
        self.next_month = dates.add_months(self.month, 1)


def chart_points(series: list[rules.DayRatio]) -> list[dict[str, Any]]:
    """The plain data the chart macro draws (templates/_components/charts.html)."""
    return [
        {"date": day.day, "staff": day.staff, "required_staff": day.required_staff, "compliant": day.compliant} for day in series
    ]


def _weeks(month: date, days: dict[date, rules.DayRatio], today: date) -> list[list[CalendarDay]]:
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
        cells = []
        for day in week:
            if day.month != month.month:
                cells.append(CalendarDay(day, "outside"))
            elif day > today:
                ratio = days.get(day)
                state = "future" if ratio is None else ("ok" if ratio.compliant else "bad")
                cells.append(CalendarDay(day, state, ratio, projected=True))
            else:
                ratio = days.get(day)
                cells.append(CalendarDay(day, "ok" if ratio is None or ratio.compliant else "bad", ratio))
        weeks.append(cells)
    return weeks


def in_post_on(today: date):
    """The condition "in post on ``today``" on ``StaffMember`` (hired, not yet left)."""
    return (StaffMember.hired_on <= today) & (StaffMember.left_on.is_null() | (StaffMember.left_on > today))


async def current_staff(home_ids: list[int], today: date) -> list[dict[str, Any]]:
    """The posts in post today of these homes (leave does not matter here: the register)."""
    if not home_ids:
        return []
    return (
        await StaffMember.select(
            StaffMember.id,
            StaffMember.home,
            StaffMember.staff_no,
            StaffMember.name,
            StaffMember.post,
            StaffMember.hired_on,
            StaffMember.health_cert_expires,
        )
        .where(StaffMember.home.is_in(home_ids))
        .where(in_post_on(today))
        .order_by(StaffMember.staff_no)
    )


async def care_trained(home_ids: list[int], today: date) -> set[int]:
    """The ids of the carers in post today (of these homes) with a care training on or before today."""
    if not home_ids:
        return set()
    rows = (
        await TrainingRecord.select(TrainingRecord.staff)
        .where(TrainingRecord.staff.home.is_in(home_ids))
        .where(TrainingRecord.staff.post == CARER)
        .where(TrainingRecord.topic == CARE_TOPIC)
        .where(TrainingRecord.trained_on <= today)
    )
    return {row["staff"] for row in rows}


def certificates_due(staff: list[dict[str, Any]], today: date, within_days: int, missing: bool = True) -> list[Certificate]:
    """Health certificates expiring on or before ``today + within_days`` (expired ones too), and,
    when ``missing``, kitchen workers without one: the most pressing first, kitchen staff first."""
    until = today + timedelta(days=within_days)
    found = []
    for row in staff:
        expires = row["health_cert_expires"]
        if expires is None:
            if missing and row["post"] == COOK:
                found.append(Certificate(row["staff_no"], row["name"], row["post"], None, None))
        elif expires <= until:
            found.append(Certificate(row["staff_no"], row["name"], row["post"], expires, (expires - today).days))
    found.sort(key=lambda c: (c.expires is not None, c.expires or today, not c.kitchen, c.staff_no))
    return found


async def _breaches(home_id: int) -> list[dict[str, Any]]:
    return (
        await RatioBreach.select()
        .where(RatioBreach.home == home_id)
        .order_by(RatioBreach.confirmed_at, ascending=False)
        .limit(RECENT_BREACHES)
    )


async def home_overview(scope: Scope, home_code: str, month: date | None = None) -> HomeOverview:
    """The home's staffing page: today's ratio, ``month`` (default this month) as a calendar (the
    days after today projected), the last 90 days for the chart, certificates, untrained carers, breaches."""
    home = await staffing_home(scope, home_code)
    today = dates.today()
    month = month or dates.month_of(today)
    last = month_last_day(month)
    chart_first = today - timedelta(days=CHART_DAYS - 1)
    days = (await series_over([home["id"]], [(month, last), (chart_first, today)]))[home["id"]]
    counted = [days[day] for day in sorted(days) if month <= day <= min(last, today)]
    projected = [days[day] for day in sorted(days) if max(month, today + timedelta(days=1)) <= day <= last]
    staff = await current_staff([home["id"]], today)
    trained = await care_trained([home["id"]], today)
    carers = [row for row in staff if row["post"] == CARER]
    return HomeOverview(
        home=home,
        today=days[today],
        month=month,
        weeks=_weeks(month, days, today),
        noncompliant_days=sum(1 for day in counted if not day.compliant),
        days_counted=len(counted),
        projected_bad_days=sum(1 for day in projected if not day.compliant),
        projected_days=len(projected),
        chart=chart_points([days[day] for day in sorted(days) if chart_first <= day <= today]),
        certificates=certificates_due(staff, today, CERTIFICATE_DAYS),
        untrained_carers=[StaffRef(row["staff_no"], row["name"], row["hired_on"]) for row in carers if row["id"] not in trained],
        breaches=await _breaches(home["id"]),
        staff_in_post=len(staff),
        carers_in_post=len(carers),
    )
