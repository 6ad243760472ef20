"""Death rules as pure functions (domain-rules §7, interfaces §6). No clock, no database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo


def counted_from(died_at: datetime, time_known: bool, zone: tzinfo) -> datetime:
    """The instant the report deadline runs from (domain-rules §7, interfaces §6): the time of
    death; when only the date is known (``time_known`` false), the end of that day in ``zone``
    (TEKUN_TIMEZONE), i.e. 00:00 of the next day there. ``died_at`` is an aware instant."""
    if time_known:
        return died_at
    next_day = died_at.astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(next_day, time.min, tzinfo=zone).astimezone(UTC)


def minutes_to_report(died_at: datetime, reported_at: datetime) -> int:
    """Whole minutes from ``died_at`` (the instant counted from: see ``counted_from``) to the
    report, seconds dropped; 0 for a report made before it (a death known by its date reported
    on that same day). Both are aware instants."""
    return max(0, int((reported_at - died_at).total_seconds() // 60))


def hours_text(minutes: int) -> float:
    """Hours with one decimal, as interfaces §6 shows them (23 h 54 min → 23.9)."""
    return round(minutes / 60, 1)


def is_late(died_at: datetime, reported_at: datetime, deadline_hours: int) -> bool:
    """Late when more time than the deadline passed between death and report (exact to the
    second: 24 h 00 min is on time, 24 h 00 min 01 s is late). The deadline is the county's
    ``death_report_deadline_hours`` in force on the day of death (default 24: the law says
    "promptly", 认定办法 Art. 25)."""
    return (reported_at - died_at).total_seconds() > deadline_hours * 3600


@dataclass(frozen=True)
class Timing:
    minutes: int  # whole minutes from the instant counted from to the report
    hours: float  # the same with one decimal (interfaces §6 ``hours_to_report``)
    late: bool


def report_timing(died_at: datetime, time_known: bool, reported_at: datetime, deadline_hours: int, zone: tzinfo) -> Timing:
    """Hours to report and lateness of a death report, counted from the time of death or, for a
    death known by its date only, from the end of that day (``counted_from``): a death on 10
    March (date only) reported on 11 March at 10:00 is 10 h, on time under a 24 h deadline."""
    start = counted_from(died_at, time_known, zone)
    minutes = minutes_to_report(start, reported_at)
    return Timing(minutes, hours_text(minutes), is_late(start, reported_at, deadline_hours))


@dataclass(frozen=True)
class SubsidyRow:
    effective_from: date
    amount: int  # fen


def subsidy_in_force(rows: Iterable[SubsidyRow], day: date, default: int) -> int:
    """The funeral subsidy (fen) of the row with the latest ``effective_from`` on or before
    ``day``; ``default`` when there is none."""
    best: SubsidyRow | None = None
    for row in rows:
        if row.effective_from <= day and (best is None or row.effective_from > best.effective_from):
            best = row
    return best.amount if best else default
