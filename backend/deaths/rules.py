"""Death rules as pure functions (domain-rules §7, interfaces §6). No clock, no database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime


def minutes_to_report(died_at: datetime, reported_at: datetime) -> int:
    """Whole minutes from death to report (seconds dropped). Both are aware instants."""
    return int((reported_at - died_at).total_seconds() // 60)


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
