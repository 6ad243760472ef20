"""Stipend rules as pure functions: the standard in force, entitlement, and reconciliation.

No clock, no database: the services load the rows of one county-month with a handful of
set-based queries and hand them here (interfaces.md §4, domain-rules.md §7–§8). Money is
integer fen; every comparison is exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from backend.core.dates import add_months, month_of
from backend.registry import rules as registry_rules
from backend.residents import rules as residents_rules
from backend.stipends.facts import FACT_FIELDS as FACT_FIELDS  # re-exported: the rules' facts
from backend.stipends.facts import Facts as Facts
from backend.stipends.facts import detail_text as detail_text

MODES = ("concentrated", "dispersed")
AREAS = registry_rules.AREAS  # a person's area (城乡类别): urban, rural
BOTH = "both"  # a standard row for both areas
STANDARD_AREAS = (*AREAS, BOTH)
# Why a line is MODE_MISMATCH (interfaces §4, in order): the mode it names, a home code for a
# dispersed person, the other mode's basic, the other mode's care for the person's tier.
MODE_EVIDENCE = ("named", "home_code", "basic", "care")
TIERS = residents_rules.TIERS
UNASSESSED = residents_rules.UNASSESSED
SOURCES = ("payments", "claims")

# Exclusive codes in order of precedence (the first that applies), then the two others.
EXCLUSIVE_CODES = (
    "INVALID_ID",
    "UNKNOWN_PERSON",
    "DUPLICATE_PAYMENT",
    "PAID_AFTER_DEATH",
    "NOT_ENTITLED",
    "MODE_MISMATCH",
    "UNASSESSED",
    "TIER_MISMATCH",
    "AMOUNT_MISMATCH",
)
CODES = (*EXCLUSIVE_CODES, "MISSING_PAYMENT", "NAME_MISMATCH")

AMOUNT_FIELDS = (
    "basic_concentrated",
    "basic_dispersed",
    "care_concentrated_self_care",
    "care_concentrated_partial",
    "care_concentrated_full_loss",
    "care_dispersed_self_care",
    "care_dispersed_partial",
    "care_dispersed_full_loss",
)


# --- standards ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StandardRow:
    """A county's monthly standard from ``effective_from`` (first day of a month) on, in fen.
    ``basic_floor``: legacy, no longer checked (the floors are ``floor_rules``)."""

    effective_from: date
    basic_concentrated: int
    basic_dispersed: int
    care_concentrated_self_care: int
    care_concentrated_partial: int
    care_concentrated_full_loss: int
    care_dispersed_self_care: int
    care_dispersed_partial: int
    care_dispersed_full_loss: int
    basic_floor: int | None = None
    area: str = BOTH  # urban, rural or both (domain-rules §8)

    @classmethod
    def of(cls, row: Mapping) -> StandardRow:
        """From a row of the ``standard`` table."""
        return cls(
            effective_from=row["effective_from"],
            **{name: row[name] for name in AMOUNT_FIELDS},
            basic_floor=row.get("basic_floor"),
            area=row.get("area") or BOTH,
        )

    def basic(self, mode: str) -> int:
        return getattr(self, f"basic_{mode}")

    def care(self, mode: str, tier: str) -> int:
        """The care amount for mode × tier; 0 when the person is unassessed (interfaces §4)."""
        if tier == UNASSESSED:
            return 0
        return getattr(self, f"care_{mode}_{tier}")


def standard_in_force(rows: Iterable[StandardRow], month: date, area: str | None = None) -> StandardRow | None:
    """The row in force for ``month`` for a person of ``area`` (domain-rules §8): the latest
    ``effective_from`` <= ``month`` among the rows for that area or for both, a row for the area
    winning a tie; None when there is none. ``area`` None: among all rows (the latest, a row for
    both winning a tie), what a county with one row per month has."""
    best: StandardRow | None = None
    for row in rows:
        if row.effective_from > month or (area is not None and row.area not in (area, BOTH)):
            continue
        if best is None or row.effective_from > best.effective_from:
            best = row
        elif row.effective_from == best.effective_from and _wins_tie(row, best, area):
            best = row
    return best


def _wins_tie(row: StandardRow, best: StandardRow, area: str | None) -> bool:
    if area is None:
        return row.area == BOTH and best.area != BOTH
    return row.area == area and best.area != area


def standards_in_force(rows: Iterable[StandardRow], month: date) -> dict[str, StandardRow]:
    """Area → the row in force for ``month`` for a person of that area (areas without one are
    left out): what reconciliation, claims and reports choose once per county-month."""
    rows = list(rows)
    out = {}
    for area in AREAS:
        row = standard_in_force(rows, month, area)
        if row is not None:
            out[area] = row
    return out


def person_area(registered: str | None, default_area: str) -> str:
    """A person's area: the register's, or the county's default area when the register leaves it
    empty (the default in force for the month: registry parameter ``default_area``)."""
    return registered if registered in AREAS else default_area


def standard_for(standards, area: str) -> StandardRow | None:
    """The row of ``standards`` (a StandardRow, or area → row) for a person of ``area``."""
    if isinstance(standards, StandardRow):
        return standards
    return standards.get(area)


# --- entitlement ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A register entry with the history that matters for one month."""

    id: int
    id_number: str
    name: str
    county_id: int
    county_code: str
    approved_on: date
    ended_on: date | None = None
    died_on: date | None = None
    placements: tuple[residents_rules.PlacementEvent, ...] = ()
    assessments: tuple[residents_rules.AssessmentRecord, ...] = ()
    extra_months_after_death: int = 0  # the parameter of the person's county on the day of death
    county_name: str = ""
    area: str = registry_rules.RURAL  # for the month: the register's, else the county's default then


@dataclass(frozen=True)
class Entitlement:
    entitled: bool
    reason: str  # why not: "", "died", "not_approved", "ended", "other_county"
    facts: Facts  # why not, as data (empty when entitled)
    mode: str
    tier: str
    basic: int
    care: int
    home_id: int | None = None
    area: str = registry_rules.RURAL
    has_standard: bool = True  # False: no standard row in force for the person's area

    @property
    def total(self) -> int:
        return self.basic + self.care if self.entitled else 0


def last_entitled_month(person: Person) -> date | None:
    if person.died_on is None:
        return None
    return residents_rules.last_entitled_month(person.died_on, person.extra_months_after_death)


def entitlement(person: Person, county_id: int, month: date, standards) -> Entitlement:
    """What ``person`` was entitled to for ``month`` (its first day) in county ``county_id``.

    Entitled iff registered in the county, month(approved_on) < month, month <= month of death +
    extra months when dead, and month <= month(ended_on) when ended. Mode and tier are those at
    the end of the day before the first day of the month, so every change counts from the
    following month (one dated on the 1st counts from the month after). ``standards``: the rows
    in force for the month (``standard_for``); the person's area picks theirs (amounts 0 and
    ``has_standard`` False when their area has none).
    """
    month = month_of(month)
    eve = month - timedelta(days=1)
    home_id = residents_rules.home_on(person.placements, eve)
    mode = "concentrated" if home_id is not None else "dispersed"
    tier = residents_rules.tier_on(person.assessments, eve)
    standard = standard_for(standards, person.area)
    basic, care = (standard.basic(mode), standard.care(mode, tier)) if standard is not None else (0, 0)
    last = last_entitled_month(person)
    reason, facts = "", Facts()
    if last is not None and month > last:
        reason, facts = "died", Facts(died_on=person.died_on, last_entitled_month=last)
    elif month_of(person.approved_on) >= month:
        reason = "not_approved"
        facts = Facts(reason=reason, approved_on=person.approved_on, entitled_from=add_months(month_of(person.approved_on), 1))
    elif person.ended_on is not None and month > month_of(person.ended_on):
        reason, facts = "ended", Facts(reason="ended", ended_on=person.ended_on)
    elif person.county_id != county_id:
        reason = "other_county"
        facts = Facts(reason=reason, registered_county=person.county_code, registered_county_name=person.county_name or None)
    return Entitlement(not reason, reason, facts, mode, tier, basic, care, home_id, person.area, standard is not None)


def areas_without_standard(persons: Iterable[Person], county_id: int, month: date, standards) -> list[str]:
    """The areas of the county's persons entitled for ``month`` that have no standard row in
    force (a run or a claim refuses then, naming them)."""
    missing = set()
    for person in persons:
        if person.county_id == county_id and standard_for(standards, person.area) is None:
            if entitlement(person, county_id, month, standards).entitled:
                missing.add(person.area)
    return sorted(missing)


# --- reconciliation (``_lines.py``; re-exported here: these are the rules') -------------------

from backend.stipends._lines import FindingRow as FindingRow  # noqa: E402
from backend.stipends._lines import Line as Line  # noqa: E402
from backend.stipends._lines import Result as Result  # noqa: E402
from backend.stipends._lines import classify as classify  # noqa: E402
from backend.stipends._lines import reconcile as reconcile  # noqa: E402
