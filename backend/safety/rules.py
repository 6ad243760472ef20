"""The safety ledgers' rules (domain rules §4, §5, §5b, §6, §6b): pure functions, no I/O, no clock.

Periods and slots (§6b): every routine has a frequency. A *period* is the calendar unit a status is
counted in (the day for ``meal``, ``daily``, ``nightly`` and ``event`` routines, the month, the
half year, the year); an *occurrence* is one thing due in it (a meal, a night slot, the day's one
patrol, the month's one inspection), with the moment it ends. An entry counts for the occurrence
its ``performed_at`` falls in; it is **on time** when recorded (the server's clock) no later than
the occurrence's end plus the grace (2 h for meals, slots and days, 3 days for longer periods),
otherwise **late** (补录). An occurrence is **overdue** when its end plus the grace has passed with
no entry for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

MEAL, DAILY, NIGHTLY, MONTHLY, HALF_YEARLY, YEARLY, EVENT = (
    "meal",
    "daily",
    "nightly",
    "monthly",
    "half_yearly",
    "yearly",
    "event",
)
FREQUENCIES = (MEAL, DAILY, NIGHTLY, MONTHLY, HALF_YEARLY, YEARLY, EVENT)
MEALS = ("breakfast", "lunch", "dinner")
RESULTS = ("pass", "fail", "na")
PASS, FAIL, NA = RESULTS

SHORT_GRACE = timedelta(hours=2)  # meals, night slots, days
LONG_GRACE = timedelta(days=3)  # months, half years, years
NIGHT_SLOT_LENGTH = timedelta(hours=2)  # the last slot of the night (and the default spacing)
FUTURE_TOLERANCE = timedelta(minutes=5)  # a phone's clock a little ahead is not refused
MAX_BACKFILL_DAYS = 92  # an entry may be back-filled (补录) up to this many days after the fact

MIN_SAMPLE_GRAMS = 125  # 《餐饮服务食品安全操作规范》 (2018): each dish's sample at least 125 g
SAMPLE_KEEP = timedelta(hours=48)  # kept at least 48 h
# 晨检: why a kitchen worker is sent off duty (a symptom, or no valid health certificate)
SYMPTOMS = ("fever", "diarrhoea", "skin_wound", "sore_throat", "other", "health_certificate")
OUTBREAK_SYMPTOMS = ("fever", "cough", "diarrhoea", "vomiting", "rash", "other")
OUTBREAK_REPORT_WITHIN = timedelta(hours=24)  # domain rules §5b [default]
OUTBREAK_MIN_CASES = 2  # two or more residents with the same symptom within 72 h (or a notifiable disease)


@dataclass(frozen=True)
class MealWindows:
    """A home's meal windows (local times), in meal order."""

    windows: tuple[tuple[time, time], ...] = ((time(6), time(9)), (time(11), time(13, 30)), (time(17), time(19, 30)))


@dataclass(frozen=True)
class Occurrence:
    """One thing due in a period: its slot key (``""`` when the period has one) and its end."""

    slot: str
    end: datetime
    grace: timedelta

    @property
    def deadline(self) -> datetime:
        return self.end + self.grace


@dataclass(frozen=True)
class Placed:
    """Where a performed moment falls: the period key and the slot."""

    period: str
    slot: str


@dataclass(frozen=True)
class RoutineStatus:
    due: int
    done: int
    on_time: int
    overdue: bool
    missing: tuple[str, ...]  # the slots with no entry whose deadline has passed


_WINDOW = re.compile(r"\s*(\d{2}):(\d{2})\s*-\s*(\d{2}):(\d{2})\s*", re.ASCII)


def parse_window(text: str) -> tuple[time, time]:
    """``"06:00-09:00"`` → (06:00, 09:00); ValueError when malformed or not increasing. Only
    ``HH:MM-HH:MM`` (``time.fromisoformat`` alone would read ``09:00-10:00`` as 09:00 at UTC-10)."""
    found = _WINDOW.fullmatch(text)
    if found is None:
        raise ValueError(f"a window is written HH:MM-HH:MM: {text}")
    hours = [int(part) for part in found.groups()]
    start, end = time(hours[0], hours[1]), time(hours[2], hours[3])
    if not start < end:
        raise ValueError(f"a window must end after it starts: {text}")
    return start, end


def parse_slots(text: str) -> tuple[int, ...]:
    """``"22,0,2,4"`` → the night's slot hours in night order (evening hours first); ValueError
    when empty, repeated or outside 18:00–07:59."""
    hours = [int(part) for part in text.split(",") if part.strip()]
    if not hours or len(set(hours)) != len(hours) or any(not (18 <= hour <= 23 or 0 <= hour <= 7) for hour in hours):
        raise ValueError(f"night slots must be distinct hours from 18 to 7: {text}")
    return tuple(sorted(hours, key=lambda hour: (hour < 12, hour)))


def _local(day: date, at: time, zone: tzinfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone)


def period_key(frequency: str, day: date) -> str:
    """The period that contains ``day``."""
    if frequency in (MEAL, DAILY, NIGHTLY, EVENT):
        return day.isoformat()
    if frequency == MONTHLY:
        return f"{day.year:04d}-{day.month:02d}"
    if frequency == HALF_YEARLY:
        return f"{day.year:04d}-H{1 if day.month <= 6 else 2}"
    if frequency == YEARLY:
        return f"{day.year:04d}"
    raise ValueError(f"unknown frequency: {frequency}")


def period_bounds(frequency: str, day: date) -> tuple[date, date]:
    """The first and the last day of the period that contains ``day``."""
    if frequency in (MEAL, DAILY, NIGHTLY, EVENT):
        return day, day
    if frequency == MONTHLY:
        first = day.replace(day=1)
        following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        return first, following - timedelta(days=1)
    if frequency == HALF_YEARLY:
        if day.month <= 6:
            return date(day.year, 1, 1), date(day.year, 6, 30)
        return date(day.year, 7, 1), date(day.year, 12, 31)
    if frequency == YEARLY:
        return date(day.year, 1, 1), date(day.year, 12, 31)
    raise ValueError(f"unknown frequency: {frequency}")


def _night_windows(day: date, slots: Sequence[int], zone: tzinfo) -> list[tuple[str, datetime, datetime]]:
    """The night that starts on ``day``: (slot key, start, end) of each slot."""
    starts = []
    for hour in slots:
        on = day if hour >= 12 else day + timedelta(days=1)
        starts.append((str(hour), _local(on, time(hour), zone)))
    windows = []
    for index, (key, start) in enumerate(starts):
        end = starts[index + 1][1] if index + 1 < len(starts) else start + NIGHT_SLOT_LENGTH
        windows.append((key, start, end))
    return windows


def occurrences(
    frequency: str, day: date, zone: tzinfo, meals: MealWindows = MealWindows(), slots: Sequence[int] = (22, 0, 2, 4)
) -> list[Occurrence]:
    """What is due in the period that contains ``day`` (for ``nightly``: the night that starts on
    ``day``); nothing for ``event`` routines (a delivery is never overdue)."""
    if frequency == EVENT:
        return []
    if frequency == MEAL:
        return [
            Occurrence(name, _local(day, end, zone), SHORT_GRACE)
            for name, (_start, end) in zip(MEALS, meals.windows, strict=True)
        ]
    if frequency == NIGHTLY:
        return [Occurrence(key, end, SHORT_GRACE) for key, _start, end in _night_windows(day, slots, zone)]
    _first, last = period_bounds(frequency, day)
    end = _local(last + timedelta(days=1), time(0), zone)
    return [Occurrence("", end, SHORT_GRACE if frequency == DAILY else LONG_GRACE)]


def place(
    frequency: str,
    performed_at: datetime,
    zone: tzinfo,
    meals: MealWindows = MealWindows(),
    slots: Sequence[int] = (22, 0, 2, 4),
) -> Placed | None:
    """The period and slot a performed moment counts for; None for a night patrol outside the
    night's slots. A meal routine counts for the meal whose window contains the moment, or else
    the latest meal started before it (tableware disinfected after lunch is lunch's), or breakfast."""
    local = performed_at.astimezone(zone)
    day, moment = local.date(), local.time()
    if frequency == NIGHTLY:
        for night in (day - timedelta(days=1), day):
            for key, start, end in _night_windows(night, slots, zone):
                if start <= local < end:
                    return Placed(night.isoformat(), key)
        return None
    if frequency == MEAL:
        meal = MEALS[0]
        for name, (start, _end) in zip(MEALS, meals.windows, strict=True):
            if start <= moment:
                meal = name
        return Placed(day.isoformat(), meal)
    return Placed(period_key(frequency, day), "")


def deadline_of(
    frequency: str,
    placed: Placed,
    zone: tzinfo,
    meals: MealWindows = MealWindows(),
    slots: Sequence[int] = (22, 0, 2, 4),
) -> datetime | None:
    """The on-time deadline (end + grace) of the occurrence an entry was placed in (None for events)."""
    day = date.fromisoformat(placed.period[:10]) if len(placed.period) == 10 else _period_day(placed.period)
    for occurrence in occurrences(frequency, day, zone, meals, slots):
        if occurrence.slot == placed.slot:
            return occurrence.deadline
    return None


def _period_day(period: str) -> date:
    """A day inside a month, half-year or year key."""
    if len(period) == 7 and period[4] == "-" and period[5] != "H":
        return date(int(period[:4]), int(period[5:]), 1)
    if len(period) == 7:
        return date(int(period[:4]), 1 if period[6] == "1" else 7, 1)
    return date(int(period), 1, 1)


def is_late(recorded_at: datetime, deadline: datetime | None) -> bool:
    """Recorded after its occurrence's end plus the grace: back-filled (补录)."""
    return deadline is not None and recorded_at > deadline


def routine_status(due: Sequence[Occurrence], entries: Iterable[tuple[str, datetime]], now: datetime) -> RoutineStatus:
    """Count a period: ``entries`` are (slot, recorded_at) of the entries placed in it. A slot done
    twice counts once; on time when any of its entries was recorded by the deadline."""
    recorded: dict[str, list[datetime]] = {}
    for slot, recorded_at in entries:
        recorded.setdefault(slot, []).append(recorded_at)
    done = on_time = 0
    missing = []
    for occurrence in due:
        times = recorded.get(occurrence.slot)
        if times:
            done += 1
            on_time += any(moment <= occurrence.deadline for moment in times)
        elif now > occurrence.deadline:
            missing.append(occurrence.slot)
    return RoutineStatus(len(due), done, on_time, bool(missing), tuple(missing))


def check_performed_at(performed_at: datetime, now: datetime) -> str | None:
    """Why a performed moment is refused (None when fine): in the future, or too long ago."""
    if performed_at > now + FUTURE_TOLERANCE:
        return "future"
    if performed_at < now - timedelta(days=MAX_BACKFILL_DAYS):
        return "too_old"
    return None


def failed_items(answers: Sequence[dict]) -> list[dict]:
    return [answer for answer in answers if answer["result"] == FAIL]


def hazard_deadline(opened_on: date, major: bool, days_major: int, days_ordinary: int) -> date:
    """The day by which a hazard must be rectified: the county's days for its severity."""
    return opened_on + timedelta(days=days_major if major else days_ordinary)


def hazard_overdue(deadline: date, status: str, today: date) -> bool:
    return status != "closed" and today > deadline


def hazard_late(deadline: date, status: str, closed_on: date | None, today: date) -> bool:
    """For the rectification ledger's 是否逾期: not closed and past the deadline, or closed after it."""
    if status == "closed" and closed_on is not None:
        return closed_on > deadline
    return hazard_overdue(deadline, status, today)


def hazard_sort_key(major: bool, status: str, deadline: date, today: date, hazard_id: int) -> tuple:
    """A board's order: not closed first; among them overdue first, then major, then the nearest
    deadline; the oldest first on equal terms."""
    closed = status == "closed"
    return (closed, not hazard_overdue(deadline, status, today), not major, deadline, hazard_id)


def sample_too_light(grams: int) -> bool:
    return grams < MIN_SAMPLE_GRAMS


def discard_after(taken_at: datetime) -> datetime:
    return taken_at + SAMPLE_KEEP


def discarded_early(taken_at: datetime, discarded_at: datetime) -> bool:
    return discarded_at < discard_after(taken_at)


def certificate_valid(expires: date | None, day: date) -> bool:
    """A health certificate is valid through its expiry date; none recorded is not valid."""
    return expires is not None and expires >= day


def outbreak_late(onset_at: datetime, reported_at: datetime) -> bool:
    return reported_at - onset_at > OUTBREAK_REPORT_WITHIN


def licence_expired(expires_on: date, day: date) -> bool:
    """A licence that expired before ``day``: a major hazard (§5; valid through its expiry date)."""
    return expires_on < day
