"""The admission queue and the concentration rate of dependent persons, as pure functions (no
clock, no database): domain-rules §1 ("Homes should admit first those who have partly or fully
lost self-care ability", [law] 国发〔2016〕14号) and §2 ("Priority admission").

The queue: a dispersed person's application waits in the county's queue, ordered by the care
tier in force (full loss, then partial, then self-care, then unassessed), then by the date of
application, then by the application's id (the order it was recorded: a stable tie-break).

The concentration rate of dependent persons (失能半失能特困人员集中供养率) of a county for a
month [default: how the law is silent on the count, see ``counted_on``]: the persons in tiers
partial + full loss who live in a home ÷ all persons in those two tiers, each taken **at the end
of the month's last day** (for the month in progress: at the end of today), with the tier and
the placement in force at that moment.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from backend.residents import rules

TIER_ORDER = ("full_loss", "partial", "self_care", rules.UNASSESSED)
APPLICANTS = ("self", "township", "county")  # 本人 / 乡镇(街道) / 县民政局
OPEN_STATUSES = ("open", "offered")
STATUSES = (*OPEN_STATUSES, "admitted", "withdrawn")
DEPENDENT_TIERS = ("full_loss", "partial")


def queue_key(tier: str, applied_on: date, application_id: int) -> tuple[int, date, int]:
    """The sort key of an application in the county's queue: tier first (an unknown tier sorts
    with the unassessed), then the application date, then the id."""
    rank = TIER_ORDER.index(tier) if tier in TIER_ORDER else len(TIER_ORDER) - 1
    return (rank, applied_on, application_id)


@dataclass(frozen=True)
class PersonHistory:
    """What the rate needs of one person of the county: the register dates and both ledgers."""

    approved_on: date
    ended_on: date | None = None
    died_on: date | None = None
    placements: tuple[rules.PlacementEvent, ...] = ()
    assessments: tuple[rules.AssessmentRecord, ...] = ()


def counted_on(person: PersonHistory, day: date) -> bool:
    """Is the person in the county's tekun population at the end of ``day``? Approved (认定) on
    or before it, support not ended on or before it, alive at its end. A person whose support
    ended (or who died) on ``day`` itself is no longer counted."""
    if person.approved_on > day:
        return False
    if person.ended_on is not None and person.ended_on <= day:
        return False
    return person.died_on is None or person.died_on > day


@dataclass(frozen=True)
class RateOn:
    """The rate at the end of ``day``: per dependent tier, persons and those concentrated."""

    day: date
    persons: dict[str, int] = field(default_factory=dict)  # tier → persons counted
    concentrated: dict[str, int] = field(default_factory=dict)  # tier → of them, in a home

    @property
    def dependent(self) -> int:
        return sum(self.persons.values())

    @property
    def dependent_concentrated(self) -> int:
        return sum(self.concentrated.values())

    @property
    def rate(self) -> float | None:
        """Concentrated ÷ dependent (None when the county has no dependent person)."""
        return self.dependent_concentrated / self.dependent if self.dependent else None


def concentration_on(people: Iterable[PersonHistory], day: date) -> RateOn:
    """The concentration rate of dependent persons at the end of ``day``."""
    persons = dict.fromkeys(DEPENDENT_TIERS, 0)
    concentrated = dict.fromkeys(DEPENDENT_TIERS, 0)
    for person in people:
        if not counted_on(person, day):
            continue
        tier = rules.tier_on(person.assessments, day)
        if tier not in persons:
            continue
        persons[tier] += 1
        if rules.home_on(person.placements, day) is not None:
            concentrated[tier] += 1
    return RateOn(day=day, persons=persons, concentrated=concentrated)


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def counting_day(month: date, today: date) -> date:
    """The moment a month is counted at: its last day, or today for the month in progress."""
    return min(month_end(month), today)
