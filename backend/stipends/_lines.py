"""Reconciliation of payment or claim lines against the register (interfaces §4): the pure
second half of ``rules`` (re-exported there; read it from ``rules``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from backend.core import citizen_id
from backend.core.dates import month_of
from backend.stipends.facts import Facts, detail_text
from backend.stipends.rules import CODES, MODES, TIERS, UNASSESSED, Entitlement, Person, StandardRow, entitlement, standard_for


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
    """What shows the line pays or claims the other mode (``MODE_EVIDENCE``), None when nothing
    does (interfaces §4, in order): the mode it names; a home code for a person dispersed for
    the month; the other mode's basic and not this one's; care > 0 that is the other mode's care
    for the person's tier and not this mode's (caught where both modes share a basic)."""
    other = MODES[1] if ent.mode == MODES[0] else MODES[0]
    if line.support_mode and line.support_mode != ent.mode:
        return "named"
    if line.home_code and ent.mode == "dispersed":
        return "home_code"
    if line.basic == standard.basic(other) and line.basic != standard.basic(ent.mode):
        return "basic"
    if line.care > 0 and line.care == standard.care(other, ent.tier) and line.care != standard.care(ent.mode, ent.tier):
        return "care"
    return None


def classify(
    line: Line,
    person: Person | None,
    first_ref: str | None,
    county_id: int,
    month: date,
    standards,
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
    ent = entitlement(person, county_id, month, standards)
    if not ent.entitled:
        code = "PAID_AFTER_DEATH" if ent.reason == "died" else "NOT_ENTITLED"
        return code, 0, replace(ent.facts, **paid)
    standard = standard_for(standards, ent.area)
    if standard is None:  # the services refuse such a month first (areas_without_standard)
        raise ValueError(f"no standard in force for area {ent.area}")
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
        register_area=ent.area,
    )
    evidence = _mode_named(line, ent, standard)
    if evidence is not None:
        other = MODES[1] if ent.mode == MODES[0] else MODES[0]
        return "MODE_MISMATCH", expected, replace(facts, paid_mode=other, mode_evidence=evidence)
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
    standards,
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
        code, expected, facts = classify(line, person, first_ref.get(key), county_id, month, standards)
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
        ent = entitlement(person, county_id, month, standards)
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
                Facts(
                    register_mode=ent.mode,
                    register_tier=ent.tier,
                    expected_basic=ent.basic,
                    expected_care=ent.care,
                    register_area=ent.area,
                ),
            )
        )
    return result
