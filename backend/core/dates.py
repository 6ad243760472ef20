"""Business dates in TEKUN_TIMEZONE, UTC instants, and the date formats of exchange files."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

from backend.core.settings import get_settings

# Date-times accepted from outside (forms, exchange files, the API) lie in these years, counted in
# TEKUN_TIMEZONE. Outside them a value is a slip of the keyboard (0202 for 2020), and near year 1
# or 9999 an instant cannot even be converted between zones. Inside the application every instant
# is an aware UTC datetime (the ledgers refuse naive ones: core/ledger.py ``utc_text``).
FIRST_YEAR, LAST_YEAR = 1900, 2200


def now_utc() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today's business date in TEKUN_TIMEZONE."""
    return datetime.now(get_settings().tz).date()


def local(moment: datetime) -> datetime:
    return moment.astimezone(get_settings().tz)


_DATE = re.compile(r"^\s*(\d{4})\s*(?:-|/|年)\s*(\d{1,2})\s*(?:-|/|月)\s*(\d{1,2})\s*日?\s*$")
_DATETIME = re.compile(
    r"^\s*(\d{4})\s*(?:-|/|年)\s*(\d{1,2})\s*(?:-|/|月)\s*(\d{1,2})\s*日?\s*(?:T|\s)\s*"
    r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$"
)
_MONTH = re.compile(r"^\s*(\d{4})\s*(?:-|/|年)\s*(\d{1,2})\s*月?\s*$")


def parse_date(text: str) -> date:
    """``2026-11-02``, ``2026/11/02`` or ``2026年11月2日``; ValueError otherwise."""
    match = _DATE.match(text)
    if not match:
        raise ValueError(text)
    return date(int(match[1]), int(match[2]), int(match[3]))


def looks_like_date(text: str) -> bool:
    """Written like a date (``2026-02-30``) though it may not exist."""
    return _DATE.match(text) is not None


def parse_datetime(text: str) -> datetime:
    """A date followed by ``14:30`` or ``14:30:05`` (or ISO ``T``), in TEKUN_TIMEZONE → aware UTC."""
    match = _DATETIME.match(text)
    if not match:
        raise ValueError(text)
    naive = datetime(int(match[1]), int(match[2]), int(match[3]), int(match[4]), int(match[5]), int(match[6] or 0))
    return instant(naive)


def instant(moment: datetime) -> datetime:
    """A date-time from outside → aware UTC. A naive one is wall-clock time in TEKUN_TIMEZONE
    (interfaces.md §3). ValueError when its year in TEKUN_TIMEZONE is not FIRST_YEAR..LAST_YEAR."""
    zone = get_settings().tz
    try:
        local_moment = moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)
    except (OverflowError, ValueError) as exc:
        raise ValueError(f"{moment.isoformat()} cannot be placed in {zone}") from exc
    if not FIRST_YEAR <= local_moment.year <= LAST_YEAR:
        raise ValueError(f"the year {local_moment.year} is not between {FIRST_YEAR} and {LAST_YEAR}")
    return local_moment.astimezone(UTC)


def parse_month(text: str) -> date:
    """``2026-11``, ``2026/11`` or ``2026年11月`` → the first day of that month."""
    match = _MONTH.match(text)
    if not match:
        raise ValueError(text)
    return date(int(match[1]), int(match[2]), 1)


def month_of(day: date) -> date:
    """The first day of ``day``'s month (months are represented by their first day)."""
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    """The first day of the month ``count`` months after ``month``'s (negative goes back)."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_text(first_day: date) -> str:
    return f"{first_day.year:04d}-{first_day.month:02d}"


def combine_local(day: date, at: time) -> datetime:
    return datetime.combine(day, at).replace(tzinfo=get_settings().tz).astimezone(UTC)
