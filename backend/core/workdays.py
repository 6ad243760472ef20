"""Working days: weekends and a holiday calendar of public holidays and make-up working days.

Pure functions; the calendar rows come from the ``calendar_day`` table (imported as the
``calendar`` exchange file) and are passed in as two sets.
"""

from __future__ import annotations

from datetime import date, timedelta


def is_working_day(day: date, holidays: frozenset[date], make_up_days: frozenset[date]) -> bool:
    """Saturdays and Sundays are off unless listed as make-up working days (调休上班);
    listed public holidays are off."""
    if day in make_up_days:
        return True
    if day in holidays:
        return False
    return day.weekday() < 5


def add_working_days(start: date, count: int, holidays: frozenset[date], make_up_days: frozenset[date]) -> date:
    """The date ``count`` working days after ``start`` (``start`` itself is not counted)."""
    if count < 0:
        raise ValueError("count must be >= 0")
    day = start
    remaining = count
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day, holidays, make_up_days):
            remaining -= 1
    return day
