"""Stipend rules as pure functions: the standard in force, entitlement, and reconciliation.

No clock, no database: the services load the rows of one county-month with a handful of
set-based queries and hand them here (interfaces.md §4, domain-rules.md §7–§8). Money is
integer fen; every comparison is exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from backend.core import citizen_id
from backend.core.dates import add_months, month_of
from backend.residents import rules as residents_rules
from backend.stipends.facts import FACT_FIELDS as FACT_FIELDS  # re-exported: the rules' facts
from backend.stipends.facts import Facts as Facts
from backend.stipends.facts import detail_text as detail_text

MODES = ("concentrated", "dispersed")
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

    @classmethod
    def of(cls, row: Mapping) -> StandardRow:
        """From a row of the ``standard`` table."""
        return cls(
            effective_from=row["effective_from"],
            **{name: row[name] for name in AMOUNT_FIELDS},
            basic_floor=row.get("basic_floor"),
        )

    def basic(self, mode: str) -> int:
        return getattr(self, f"basic_{mode}")

    def care(self, mode: str, tier: str) -> int:
        """The care amount for mode × tier; 0 when the person is unassessed (interfaces §4)."""
        if tier == UNASSESSED:
            return 0
        return getattr(self, f"care_{mode}_{tier}")


def standard_in_force(rows: Iterable[StandardRow], month: date) -> StandardRow | None:
    """The row with the latest ``effective_from`` <= ``month``; None when there is none."""
    best: StandardRow | None = None
    for row in rows:
        if row.effective_from <= month and (best is None or row.effective_from > best.effective_from):
            best = row
    return best


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

    @property
    def total(self) -> int:
        return self.basic + self.care if self.entitled else 0


def last_entitled_month(person: Person) -> date | None:
    if person.died_on is None:
        return None
    return residents_rules.last_entitled_month(person.died_on, person.extra_months_after_death)


def entitlement(person: Person, county_id: int, month: date, standard: StandardRow) -> Entitlement:
    """What ``person`` was entitled to for ``month`` (its first day) in county ``county_id``.

    Entitled iff registered in the county, month(approved_on) < month, month <= month of death +
    extra months when dead, and month <= month(ended_on) when ended. Mode and tier are those at
    the end of the day before the first day of the month, so every change counts from the
    following month (one dated on the 1st counts from the month after).
    """
    month = month_of(month)
    eve = month - timedelta(days=1)
    home_id = residents_rules.home_on(person.placements, eve)
    mode = "concentrated" if home_id is not None else "dispersed"
    tier = residents_rules.tier_on(person.assessments, eve)
    basic, care = standard.basic(mode), standard.care(mode, tier)
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
    return Entitlement(not reason, reason, facts, mode, tier, basic, care, home_id)


# --- reconciliation -------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """A payment or claim line as imported (``id_number`` and ``name`` as given)."""

    payment_ref: str
    id_number: str
    name: str
    county_id: int
    county_code: str
    basic: int
    care: int
    support_mode: str = ""  # "", concentrated, dispersed
    home_code: str = ""

    @property
    def id_key(self) -> str:
        return citizen_id.normalise(self.id_number)

    @property
    def paid(self) -> int:
        return self.basic + self.care


@dataclass(frozen=True)
class FindingRow:
    code: str
    id_number: str
    name: str
    payment_ref: str | None
    expected: int
    paid: int
    facts: Facts

    @property
    def difference(self) -> int:
        return self.paid - self.expected

    @property
    def detail(self) -> str:
        return detail_text(self.code, self.facts)


@dataclass
class Result:
    lines: int = 0
    paid: int = 0
    expected: int = 0
    overpaid: int = 0
    underpaid: int = 0
    findings: list[FindingRow] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(CODES, 0)
        for finding in self.findings:
            counts[finding.code] += 1
        return counts


def _mode_named(line: Line, ent: Entitlement, standard: StandardRow) -> str | None:
    """The other mode when the line pays or claims it instead of the person's mode."""
    other = MODES[1] if ent.mode == MODES[0] else MODES[0]
    if line.support_mode and line.support_mode != ent.mode:
        return other
    if line.basic == standard.basic(other) and line.basic != standard.basic(ent.mode):
        return other
    return None


def classify(
    line: Line,
    person: Person | None,
    first_ref: str | None,
    county_id: int,
    month: date,
    standard: StandardRow,
) -> tuple[str | None, int, Facts]:
    """The exclusive code of one line (None: nothing wrong), the expected amount and the facts.

    ``first_ref``: the earliest payment_ref (sort order) of the lines for the same ID and month
    in any county; this line is a duplicate when it is not that one.
    """
    paid = {"paid_basic": line.basic, "paid_care": line.care}
    problem = citizen_id.id_problem(line.id_key)
    if problem is not None:
        return "INVALID_ID", 0, Facts(id_problem=problem.code, **paid)
    if person is None:
        return "UNKNOWN_PERSON", 0, Facts(**paid)
    if first_ref is not None and first_ref != line.payment_ref:
        return "DUPLICATE_PAYMENT", 0, Facts(other_payment_ref=first_ref, **paid)
    ent = entitlement(person, county_id, month, standard)
    if not ent.entitled:
        code = "PAID_AFTER_DEATH" if ent.reason == "died" else "NOT_ENTITLED"
        return code, 0, replace(ent.facts, **paid)
    return _classify_entitled(line, ent, month, standard)


def _classify_entitled(line: Line, ent: Entitlement, month: date, standard: StandardRow) -> tuple[str | None, int, Facts]:
    """``classify`` for a line paying a person entitled for the month."""
    expected = ent.total
    facts = Facts(
        register_mode=ent.mode,
        register_tier=ent.tier,
        expected_basic=ent.basic,
        expected_care=ent.care,
        paid_basic=line.basic,
        paid_care=line.care,
    )
    other = _mode_named(line, ent, standard)
    if other is not None:
        return "MODE_MISMATCH", expected, replace(facts, paid_mode=other)
    if line.care > 0 and ent.tier == UNASSESSED:
        return "UNASSESSED", expected, replace(facts, assessed_before=month)
    if line.care != ent.care:
        paid_tiers = [tier for tier in TIERS if tier != ent.tier and standard.care(ent.mode, tier) == line.care]
        if paid_tiers:
            return "TIER_MISMATCH", expected, replace(facts, paid_tier=paid_tiers[0])
    if line.paid != expected:
        return "AMOUNT_MISMATCH", expected, facts
    return None, expected, Facts()


def reconcile(
    lines: Iterable[Line],
    month_lines: Iterable[Line],
    persons: Mapping[str, Person],
    county_id: int,
    month: date,
    standard: StandardRow,
) -> Result:
    """Reconcile ``lines`` (those of county ``county_id`` for ``month``) against the register.

    ``month_lines``: every line of the same source and month whose ID appears in ``lines``, in
    any county (for DUPLICATE_PAYMENT). ``persons``: by normalised ID number, every person of the
    county plus every person named by a line. Findings come in payment_ref order, then the
    missing payments by ID number.
    """
    month = month_of(month)
    first_ref: dict[str, str] = {}
    for other in month_lines:
        key = other.id_key
        if key not in first_ref or other.payment_ref < first_ref[key]:
            first_ref[key] = other.payment_ref
    result = Result()
    paid_ids: set[str] = set()
    for line in sorted(lines, key=lambda item: item.payment_ref):
        if line.county_id != county_id:
            continue
        key = line.id_key
        paid_ids.add(key)
        person = persons.get(key)
        code, expected, facts = classify(line, person, first_ref.get(key), county_id, month, standard)
        result.lines += 1
        result.paid += line.paid
        result.expected += expected
        difference = line.paid - expected
        if difference > 0:
            result.overpaid += difference
        else:
            result.underpaid -= difference
        if code is not None:
            result.findings.append(FindingRow(code, line.id_number, line.name, line.payment_ref, expected, line.paid, facts))
        if person is not None and line.name.strip() != person.name.strip():
            result.findings.append(
                FindingRow(
                    "NAME_MISMATCH",
                    line.id_number,
                    line.name,
                    line.payment_ref,
                    expected,
                    line.paid,
                    Facts(register_name=person.name.strip()),
                )
            )
    for key in sorted(persons):
        person = persons[key]
        if person.county_id != county_id or key in paid_ids:
            continue
        ent = entitlement(person, county_id, month, standard)
        if not ent.entitled:
            continue
        result.expected += ent.total
        result.underpaid += ent.total
        result.findings.append(
            FindingRow(
                "MISSING_PAYMENT",
                person.id_number,
                person.name,
                None,
                ent.total,
                0,
                Facts(register_mode=ent.mode, register_tier=ent.tier, expected_basic=ent.basic, expected_care=ent.care),
            )
        )
    return result
