"""Rules of the inspection pages and the on-site inspection plan (issue 13 points 3 and 6;
domain rules §6): pure functions, no clock, no database ("today" comes in as an argument).

- a month range asked for (``from``/``to`` ``YYYY-MM``) is checked here, its refusals naming the
  parameter;
- the on-site inspection plan's period comes from the county's ``inspections_per_year``
  (``rules.plan_frequency``: quarterly by default; domain rules §6: at least yearly by law); a
  home's plan status for the period containing ``today`` is ``done`` when a visit lies in it,
  else ``overdue`` when the previous period passed without one, else ``due``;
- a visit's day may not be in the future, nor before the previous plan period's start (a visit of
  long ago changes no plan period: the county records it when it happens) [default];
- the tasks page names a deadline by its day when it is the midnight ending that day (``12月31日前``),
  the year only when it is not this year; it groups the overdue tasks by routine, the routine
  missed most recently first, then the one missed most often.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from backend.core import formatting
from backend.core.i18n import _
from backend.inspections import rules

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MAX_MONTHS = 36  # the longest range one request may ask for
DEFAULT_MONTHS = 6  # the months a page shows when none is asked for (this one and five before)
SORTS = ("on_time", "done", "overdue", "name")


def month_index(text: str) -> int:
    return int(text[:4]) * 12 + int(text[5:7]) - 1


def month_key(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` inclusive (``YYYY-MM``), oldest first."""
    return [month_key(index) for index in range(month_index(first), month_index(last) + 1)]


def month_range(first: str | None, last: str | None, today: date) -> tuple[tuple[str, str] | None, dict[str, str]]:
    """The months asked for, or the errors naming the parameter (``from``, ``to``). Defaults:
    ``to`` this month, ``from`` five months before ``to``."""
    errors: dict[str, str] = {}
    for name, value in (("from", first), ("to", last)):
        if value is not None and not MONTH.match(value):
            errors[name] = _("Give the month as YYYY-MM (e.g. 2026-11).")
    if errors:
        return None, errors
    last = last or f"{today:%Y-%m}"
    first = first or month_key(month_index(last) - (DEFAULT_MONTHS - 1))
    if month_index(first) > month_index(last):
        return None, {"from": _("The first month comes after the last.")}
    if month_index(last) - month_index(first) + 1 > MAX_MONTHS:
        return None, {"from": _("Ask for at most {n} months at a time.").format(n=MAX_MONTHS)}
    return (first, last), {}


def plan_period(frequency: str, day: date) -> tuple[str, date, date]:
    """The plan's period containing ``day``: its key (``2026-Q4``), first and last day (the same
    periods as the generator's ``onsite_inspection`` tasks: ``rules.plan_period``)."""
    return rules.plan_period(frequency, day)


def previous_period(frequency: str, day: date) -> tuple[str, date, date]:
    _key, start, _end = plan_period(frequency, day)
    return plan_period(frequency, start - timedelta(days=1))


def plan_status(visits: Iterable[date], today: date, frequency: str = rules.QUARTERLY) -> str:
    """``done`` / ``overdue`` / ``due`` of a home's plan on ``today`` (module docstring)."""
    days = list(visits)
    _key, start, end = plan_period(frequency, today)
    if any(start <= day <= end for day in days):
        return "done"
    _key, before_start, before_end = previous_period(frequency, today)
    if not any(before_start <= day <= before_end for day in days):
        return "overdue"
    return "due"


def visit_day_problem(day: date, today: date, frequency: str = rules.QUARTERLY) -> str | None:
    """Why a visit's day is refused (None when it is acceptable)."""
    if day > today:
        return _("The day of the visit cannot be in the future.")
    _key, earliest, _end = previous_period(frequency, today)
    if day < earliest:
        return _("The day of the visit cannot be before {day} (the start of the plan's previous period).").format(
            day=formatting.day(earliest)
        )
    return None


def _rate_key(rate: float | None) -> tuple[int, float]:
    """Worst first: lowest rate first; no rate (nothing expected) last."""
    return (1, 0.0) if rate is None else (0, rate)


def sort_rows(rows: list, sort: str, counts_of, overdue_of, name_of) -> list:
    """Rows of homes or counties in the order asked: ``on_time`` / ``done`` worst rate first,
    ``overdue`` most first, ``name`` by name. Ties by name."""
    if sort == "name":
        return sorted(rows, key=name_of)
    if sort == "overdue":
        return sorted(rows, key=lambda row: (-overdue_of(row), name_of(row)))
    rate = (lambda c: c.done_rate) if sort == "done" else (lambda c: c.on_time_rate)
    return sorted(rows, key=lambda row: (_rate_key(rate(counts_of(row))), -overdue_of(row), name_of(row)))


def totals(counts: Iterable[rules.Counts]) -> rules.Counts:
    """A county's or the province's counts: the sum (rules.total), never a mean of percentages."""
    return rules.total(counts)


def short_day(day: date, today: date) -> str:
    """A day for the tasks page: ``12月31日`` in the year of ``today``, ``2026年12月31日`` in another."""
    from babel.dates import format_date

    from backend.core.i18n import babel_locale, current_language

    if current_language() == "zh_CN":
        return f"{day.month}月{day.day}日" if day.year == today.year else f"{day.year}年{day.month}月{day.day}日"
    return format_date(day, format="MMM d" if day.year == today.year else "medium", locale=babel_locale())


def until_words(moment: datetime, today: date) -> str:
    """A deadline in words, ``moment`` local: the midnight ending a day is that day
    (``12月31日前``, not ``1月1日 00:00``); any other moment keeps its time (``12月3日 02:00前``)."""
    if moment.time() == time(0):
        return _("by {day}").format(day=short_day(moment.date() - timedelta(days=1), today))
    return _("by {day} {time}").format(day=short_day(moment.date(), today), time=f"{moment:%H:%M}")


def period_words(first: date, last: date, today: date) -> str:
    """A task's period: one day, or ``11月1日–11月30日``."""
    if first == last:
        return short_day(last, today)
    return f"{short_day(first, today)}–{short_day(last, today)}"


@dataclass(frozen=True)
class OverdueGroup:
    """The overdue tasks of one routine: how many, the latest period's last day, the tasks listed
    (the most recent first; fewer than ``count`` when the page lists only the most recent)."""

    routine: str
    label: str
    count: int
    latest: date
    tasks: list = field(default_factory=list)


def group_overdue(tasks: Iterable, counts: dict[str, tuple[int, date]] | None = None) -> list[OverdueGroup]:
    """Overdue tasks (``routine``, ``label``, ``period_end``) by routine, the most pressing first:
    the routine missed most recently first (it is still being missed), then the one missed most
    often, then by name. ``counts`` (routine → (count, latest)) give the totals when ``tasks`` are
    only the most recent ones."""
    by_routine: dict[str, list] = {}
    for task in tasks:
        by_routine.setdefault(task.routine, []).append(task)
    groups = []
    for routine, rows in by_routine.items():
        rows.sort(key=lambda task: task.period_end, reverse=True)
        count, latest = (counts or {}).get(routine, (len(rows), rows[0].period_end))
        groups.append(OverdueGroup(routine, rows[0].label, max(count, len(rows)), max(latest, rows[0].period_end), rows))
    groups.sort(key=lambda group: (-group.latest.toordinal(), -group.count, group.label))
    return groups
