"""Residents rules as pure functions: care tier, placements on a date, working-day deadlines.

No clock, no database: everything comes in as arguments (domain-rules.md §1, §2, §9).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from backend.core.dates import add_months, month_of
from backend.core.workdays import add_working_days

ITEMS = ("eat", "dress", "transfer", "toilet", "walk", "bathe")
TIERS = ("self_care", "partial", "full_loss")
UNASSESSED = "unassessed"


def care_tier(can_do: Mapping[str, bool]) -> str:
    """The care tier from the six self-care answers (True = can do it alone).

    Source: 《特困人员认定办法》 (民发〔2021〕43号) Chapter 5 — all six can be done: 具备生活自理能力
    (``self_care``); one to three cannot: 部分丧失 (``partial``); four to six cannot: 完全丧失
    (``full_loss``). The tier is derived, never typed in (domain-rules §2).
    """
    missing = [item for item in ITEMS if item not in can_do]
    if missing:
        raise ValueError(f"answers missing for: {', '.join(missing)}")
    cannot = sum(1 for item in ITEMS if not can_do[item])
    if cannot == 0:
        return "self_care"
    if cannot <= 3:
        return "partial"
    return "full_loss"


@dataclass(frozen=True)
class PlacementEvent:
    """One placement event. ``kind``: admit, transfer, discharge. ``seq`` orders same-day events."""

    on: date
    seq: int
    kind: str
    home_id: int | None


INTO_A_HOME = ("admit", "transfer")  # placement kinds after which the person lives in a home


def home_on(events: Iterable[PlacementEvent], day: date) -> int | None:
    """The home the person lived in at the end of ``day`` (None: not placed, i.e. dispersed).

    Events dated ``day`` count (end of day), in the order they were recorded (``seq``).
    """
    current: int | None = None
    for event in sorted(events, key=lambda e: (e.on, e.seq)):
        if event.on > day:
            break
        current = event.home_id if event.kind in INTO_A_HOME else None
    return current


def homes_during(events: Iterable[PlacementEvent], day: date) -> frozenset[int]:
    """The homes the person lived in at some moment of ``day``: the one at the end of the day
    before, and each home an event of ``day`` placed them in (so the day of leaving and the day
    of arriving both count). Empty: dispersed all day.

    This is the write scope of a director (docs/architecture.md, "Scope for writes"): something
    dated ``day`` is recorded for a person by the director of a home in this set only.
    """
    ordered = sorted(events, key=lambda e: (e.on, e.seq))
    current: int | None = None
    homes: set[int] = set()
    for event in ordered:
        if event.on > day:
            break
        if event.on == day and current is not None:
            homes.add(current)
        current = event.home_id if event.kind in INTO_A_HOME else None
    if current is not None:
        homes.add(current)
    return frozenset(homes)


def mode_on(events: Iterable[PlacementEvent], day: date) -> str:
    """``concentrated`` if placed in a home at the end of ``day``, else ``dispersed``."""
    return "concentrated" if home_on(events, day) is not None else "dispersed"


@dataclass(frozen=True)
class AssessmentRecord:
    assessed_on: date
    seq: int
    tier: str


def tier_on(assessments: Iterable[AssessmentRecord], day: date) -> str:
    """The tier in force on ``day``: the latest assessment on or before it (domain-rules §2);
    ``unassessed`` when there is none. Two on the same day: the later recorded wins."""
    best: AssessmentRecord | None = None
    for record in assessments:
        if record.assessed_on <= day and (best is None or (record.assessed_on, record.seq) > (best.assessed_on, best.seq)):
            best = record
    return best.tier if best else UNASSESSED


def reassessment_due(reported_on: date, working_days: int, holidays: frozenset[date], make_up_days: frozenset[date]) -> date:
    """A condition-change report must be re-assessed within ``working_days`` working days
    (10 by law: 《特困人员认定办法》 Chapter 5; domain-rules §2)."""
    return add_working_days(reported_on, working_days, holidays, make_up_days)


def annual_review_due(last_assessed_on: date, years: int = 1) -> date:
    """The next annual review: ``years`` after the last assessment (29 Feb → 28 Feb).
    [local] the support certificate's 年审栏; default one year (domain-rules §2)."""
    try:
        return last_assessed_on.replace(year=last_assessed_on.year + years)
    except ValueError:
        return last_assessed_on.replace(year=last_assessed_on.year + years, day=28)


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


REASSESSMENT_WORKING_DAYS = 10
"""Re-assessment after a reported change within 10 working days (《特困人员认定办法》 Chapter 5;
domain-rules §2). Law, not a county setting."""


def last_entitled_month(died_on: date, extra_months_after_death: int) -> date:
    """The last month (its first day) a person who died on ``died_on`` is entitled to the stipend:
    the month of death plus the county's ``extra_months_after_death`` (interfaces §4)."""
    if extra_months_after_death < 0:
        raise ValueError("extra_months_after_death must not be negative")
    return add_months(month_of(died_on), extra_months_after_death)
