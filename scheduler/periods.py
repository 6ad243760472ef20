"""The periods of the scheduled jobs (pure: no clock, no database).

A period is named by a key that sorts like time within its kind, in the deployment's time zone:

- ``hourly``: ``2026-12-02T10`` (the wall-clock hour);
- ``daily``: ``2026-12-02``;
- ``monthly``: ``2026-11``;
- ``quarterly``: ``2026-Q4``.

``period_of`` names the period an instant falls in; ``next_period`` / ``previous_period`` step
along the keys; ``periods_between`` lists the periods from one instant's to another's.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, tzinfo

KINDS = ("hourly", "daily", "monthly", "quarterly")

_PATTERNS = {
    "hourly": re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2})$"),
    "daily": re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    "monthly": re.compile(r"^(\d{4})-(\d{2})$"),
    "quarterly": re.compile(r"^(\d{4})-Q([1-4])$"),
}


def _check_kind(kind: str) -> None:
    if kind not in _PATTERNS:
        raise ValueError(f"unknown period kind {kind!r} (one of {', '.join(KINDS)})")


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{moment.isoformat()} has no time zone (instants are aware)")
    return moment


def start_of(kind: str, key: str, tz: tzinfo) -> datetime:
    """The first instant of the period (aware, UTC). ValueError for a key not of this kind."""
    _check_kind(kind)
    match = _PATTERNS[kind].match(key)
    if not match:
        raise ValueError(f"{key!r} is not a {kind} period key")
    numbers = [int(part) for part in match.groups()]
    try:
        if kind == "hourly":
            local = datetime(numbers[0], numbers[1], numbers[2], numbers[3])
        elif kind == "daily":
            local = datetime(numbers[0], numbers[1], numbers[2])
        elif kind == "monthly":
            local = datetime(numbers[0], numbers[1], 1)
        else:
            local = datetime(numbers[0], 3 * numbers[1] - 2, 1)
    except ValueError as exc:
        raise ValueError(f"{key!r} is not a {kind} period key ({exc})") from exc
    return local.replace(tzinfo=tz).astimezone(UTC)


def day_of(key: str) -> date:
    """The day of a daily period key."""
    return start_of("daily", key, UTC).date()


def first_month(kind: str, key: str) -> date:
    """The first day of the (first) month of a monthly or quarterly key."""
    return start_of(kind, key, UTC).date()


def _key(kind: str, local: datetime) -> str:
    if kind == "hourly":
        return f"{local:%Y-%m-%dT%H}"
    if kind == "daily":
        return f"{local:%Y-%m-%d}"
    if kind == "monthly":
        return f"{local:%Y-%m}"
    return f"{local.year:04d}-Q{(local.month - 1) // 3 + 1}"


def period_of(kind: str, moment: datetime, tz: tzinfo) -> str:
    """The key of the period ``moment`` (an aware instant) falls in, counted in ``tz``."""
    _check_kind(kind)
    return _key(kind, _aware(moment).astimezone(tz))


def _step(kind: str, key: str, count: int) -> str:
    start = start_of(kind, key, UTC).replace(tzinfo=None)  # wall-clock arithmetic on the key
    if kind == "hourly":
        return _key(kind, start + timedelta(hours=count))
    if kind == "daily":
        return _key(kind, start + timedelta(days=count))
    months = 1 if kind == "monthly" else 3
    index = start.year * 12 + start.month - 1 + count * months
    return _key(kind, datetime(index // 12, index % 12 + 1, 1))


def next_period(kind: str, key: str) -> str:
    return _step(kind, key, 1)


def previous_period(kind: str, key: str) -> str:
    return _step(kind, key, -1)


def step(kind: str, key: str, count: int) -> str:
    """The key ``count`` periods after ``key`` (negative: before)."""
    return _step(kind, key, count)


def keys_from(kind: str, first: str, last: str) -> list[str]:
    """Every key from ``first`` to ``last``, both included (empty when ``first`` is after ``last``)."""
    start_of(kind, first, UTC), start_of(kind, last, UTC)  # both must be keys of this kind
    keys = []
    key = first
    while key <= last:
        keys.append(key)
        key = next_period(kind, key)
    return keys


def periods_between(kind: str, first: datetime, last: datetime, tz: tzinfo) -> list[str]:
    """The periods from the one ``first`` falls in to the one ``last`` falls in, oldest first."""
    return keys_from(kind, period_of(kind, first, tz), period_of(kind, last, tz))
