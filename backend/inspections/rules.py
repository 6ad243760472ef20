"""Counting tasks (domain rules §6b): pure functions, no clock, no database.

A rate is a pair of counts, never a percentage carried around: a county's rate sums its homes'
counts (never averages their percentages), a province's sums its counties'.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from backend.safety import rules as safety_rules


@dataclass(frozen=True)
class Counts:
    """Expected, done and done on time (domain rules §6b) for any grouping of tasks."""

    expected: int = 0
    done: int = 0
    on_time: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.expected + other.expected, self.done + other.done, self.on_time + other.on_time)

    @property
    def done_rate(self) -> float | None:
        """done ÷ expected (None when nothing was expected: no rate, not 0 % or 100 %)."""
        return self.done / self.expected if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        """on time ÷ expected (None when nothing was expected)."""
        return self.on_time / self.expected if self.expected else None

    @property
    def late(self) -> int:
        """Done, but recorded after the deadline (补录)."""
        return self.done - self.on_time

    @property
    def missed(self) -> int:
        return self.expected - self.done


def total(counts: Iterable[Counts]) -> Counts:
    """The sum of counts (a county from its homes, a province from its counties)."""
    result = Counts()
    for item in counts:
        result = result + item
    return result


def task_counts(expected: int, done: int, on_time: int) -> Counts:
    """One task's contribution to a rate: an occurrence done twice counts once, so done and on time
    never exceed expected."""
    done = min(done, expected)
    return Counts(expected, done, min(on_time, done))


# --- task generation (issue 13, point 2): periods, the inspection plan, status -----------------

QUARTERLY = "quarterly"
LOOK_BACK = timedelta(days=92)  # never further back than an entry may be back-filled (safety rules)


def plan_frequency(inspections_per_year: int | None) -> str:
    """The period of the county's on-site inspection plan (domain rules §6): 12 or more a year →
    monthly, 4 or more → quarterly (the default), 2 or 3 → half-yearly, otherwise yearly (the law's
    floor: at least once a year)."""
    if inspections_per_year is None:
        return QUARTERLY
    if inspections_per_year >= 12:
        return safety_rules.MONTHLY
    if inspections_per_year >= 4:
        return QUARTERLY
    if inspections_per_year >= 2:
        return safety_rules.HALF_YEARLY
    return safety_rules.YEARLY


def plan_period(frequency: str, day: date) -> tuple[str, date, date]:
    """The key, first and last day of the plan's period containing ``day`` (``2026-Q4``,
    ``2026-H2``, ``2026``, ``2026-11``)."""
    if frequency == QUARTERLY:
        quarter = (day.month - 1) // 3
        first = date(day.year, quarter * 3 + 1, 1)
        last = date(day.year + 1, 1, 1) if quarter == 3 else date(day.year, quarter * 3 + 4, 1)
        return f"{day.year:04d}-Q{quarter + 1}", first, last - timedelta(days=1)
    first, last = safety_rules.period_bounds(frequency, day)
    return safety_rules.period_key(frequency, day), first, last


def period_starts(frequency: str, first: date, last: date) -> list[date]:
    """The first day of every period of ``frequency`` that overlaps [first, last]: the one
    already running on ``first`` (a year's fire-system test when generation starts in December)
    and every one that starts by ``last``."""
    out = []
    day = first
    while day <= last:
        start, end = plan_period(frequency, day)[1:]
        out.append(start)
        day = end + timedelta(days=1)
    return out


def generation_start(opened_on: date, reference: date) -> date:
    """The first day tasks are generated for a home: the later of the day it was registered and
    the first day of the month before ``reference`` (the earlier of today and ``through``), never
    more than ``LOOK_BACK`` before ``reference``. A period that overlaps [start, through] is
    generated (the year running at the start included)."""
    month_before = (reference.replace(day=1) - timedelta(days=1)).replace(day=1)
    return max(opened_on, month_before, reference - LOOK_BACK)


def end_of_day(day: date, zone: tzinfo) -> datetime:
    """The instant a day ends (local midnight after it), in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)


def task_status(expected: int, done: int, deadline: datetime, now: datetime) -> str:
    """done when every occurrence due was done; overdue when the deadline passed short of it;
    open otherwise."""
    if done >= expected:
        return "done"
    return "overdue" if now > deadline else "open"


def cancels(gone_on: date | None, period_start: date) -> bool:
    """A task is cancelled when its home closed, or its subject died, left or was discharged,
    before its period started."""
    return gone_on is not None and gone_on < period_start
