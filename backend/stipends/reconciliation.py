"""The reconciliation engine: what ``services.reconcile`` runs, for one county or many at once.

A month of a province is ~120,000 lines, of which fewer than 1 % differ from the register.
So the work is split in two (benchmarks/RESULTS.md has the figures):

1. **One set-based query** gives, for every line of the month, the few facts that decide whether
   the line is *certainly clean*: whether the ID names a person registered in the line's county
   and entitled for the month, whether the names are equal, whether another line of the month
   names the same ID, and the mode and tier in force (the placement and the assessment before the
   first day of the month). Python compares the amounts with the standard (a dict lookup per
   line) and counts the clean lines.
2. Every other line, and every person of the county whom no line of the county pays, goes through
   the pure rules (``rules.reconcile``) with the full history loaded for just those persons.

A clean line is one on which ``rules.classify`` would find nothing and expect what was paid:
the ID names a register entry (the register only holds IDs that pass the checks), no other line
of the month names it, the person is registered in the line's county, approved before the month,
not ended before it, alive on its first day, with exactly the register's name, and the line's
mode (if given) and amounts are those of the standard for the person's mode and tier. Anything
less certain (a trailing space in a name, a death in an earlier month) is left to the rules, so
the findings are exactly those of the rules alone (tests/stipends/test_engine.py compares both).

The fingerprint of a run covers everything that can change its result: the month's lines of the
county (count, sums, ids, last import time), every line and person the rules looked at with
their histories, and the standard. A change to the register that leaves every line clean and
every amount the same does not change the result and does not make the run stale.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from backend.core import dates
from backend.core.bulk import chunks, fetch_tuples
from backend.core.db import without_jit
from backend.core.ledger import canonical
from backend.registry import rules as registry_rules
from backend.registry import services as registry
from backend.residents import rules as residents_rules
from backend.residents.tables import Resident
from backend.stipends import rules
from backend.stipends.tables import Standard, StipendLine

# Per line: the facts that decide "certainly clean" (each correlated subquery appears once).
# Parameters: the month's first day five times, the source, the first day again.
_LINE_FACTS = """
SELECT l.id, l.county, l.basic_amount, l.care_amount, l.support_mode,
       CASE WHEN r.county = l.county AND r.approved_on < {}
                 AND (r.ended_on IS NULL OR r.ended_on >= {})
                 AND (r.died_on IS NULL OR r.died_on >= {})
                 AND l.name = r.name
                 AND NOT EXISTS (SELECT 1 FROM stipend_line o
                                 WHERE o.source = l.source AND o.month = l.month AND o.id_key = l.id_key AND o.id <> l.id)
            THEN 1 ELSE 0 END AS ok,
       (SELECT p.kind FROM placement p WHERE p.resident = r.id AND p.event_date < {}
         ORDER BY p.event_date DESC, p.seq DESC LIMIT 1) AS kind,
       (SELECT a.tier FROM assessment a WHERE a.resident = r.id AND a.assessed_on < {}
         ORDER BY a.assessed_on DESC, a.seq DESC LIMIT 1) AS tier
FROM stipend_line l LEFT JOIN resident r ON r.id_number = l.id_key
WHERE l.source = {} AND l.month = {} AND l.county IN (COUNTIES)
"""

# The month's lines of each county, summed: any line added, corrected or re-imported changes it.
_LINE_TOTALS = """
SELECT county, count(*) AS n, sum(basic_amount) AS basic, sum(care_amount) AS care, sum(id) AS ids,
       max(imported_at) AS last_import
FROM stipend_line WHERE source = {} AND month = {} AND county IN (COUNTIES) GROUP BY county
"""

# A person who may be entitled for the month (its first day three times, the last parameter the
# earliest day of death still entitled: ``may_be_entitled``). Who is entitled is decided by
# ``rules.entitlement``; this only narrows the register down to the candidates.
_MAY_BE_ENTITLED = "r.approved_on < {} AND (r.ended_on IS NULL OR r.ended_on >= {}) AND (r.died_on IS NULL OR r.died_on >= {})"

# Persons of the counties who may be entitled for the month and whom no line of their county names.
# Parameters: those of _MAY_BE_ENTITLED, the source, the first day.
_UNPAID = """
SELECT r.id FROM resident r
WHERE r.county IN (COUNTIES) AND """ + _MAY_BE_ENTITLED + """
  AND NOT EXISTS (SELECT 1 FROM stipend_line l
                  WHERE l.source = {} AND l.month = {} AND l.county = r.county AND l.id_key = r.id_number)
"""


def may_be_entitled(month: date) -> tuple[str, tuple]:
    """The SQL condition over ``resident r`` for "may be entitled for ``month``" and its parameters:
    approved before the month, not ended before it, and not dead for longer than the largest
    ``extra_months_after_death`` a county may set."""
    since = dates.add_months(month, -registry_rules.PARAMETER_RANGES["extra_months_after_death"][1])
    return _MAY_BE_ENTITLED, (month, month, since)


_LINE_COLUMNS = (
    "SELECT l.id, l.payment_ref, l.id_number, l.id_key, l.name, l.county, c.code AS county_code, l.basic_amount, "
    "l.care_amount, l.support_mode, l.home_code FROM stipend_line l JOIN county c ON c.id = l.county WHERE "
)


def _ints(values) -> str:
    """Integer ids read from the database, written into the SQL (a parameter per id costs the
    query builder more than the query itself); never an empty list."""
    return ",".join(str(int(value)) for value in values) or "0"


def _text(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


@dataclass
class CountyMonth:
    """One county's inputs for one month and source."""

    county_id: int
    standard: rules.StandardRow | None
    clean_lines: int = 0
    clean_paid: int = 0
    totals: list = field(default_factory=list)  # [count, basic, care, ids, last import] of all its lines
    lines: list[rules.Line] = field(default_factory=list)  # its lines the rules look at
    group_lines: list[rules.Line] = field(default_factory=list)  # every line of the month naming their IDs
    persons: dict[str, rules.Person] = field(default_factory=dict)  # persons the rules look at, by ID
    fingerprint: str = ""

    def result(self, month: date) -> rules.Result:
        """The rules over the lines that need them, plus the clean lines (expected = paid)."""
        result = rules.reconcile(self.lines, self.group_lines, self.persons, self.county_id, month, self.standard)
        result.lines += self.clean_lines
        result.paid += self.clean_paid
        result.expected += self.clean_paid
        return result


async def _standards(county_ids: list[int], month: date) -> dict[int, rules.StandardRow | None]:
    rows = await Standard.select().where(Standard.county.is_in(county_ids) & (Standard.effective_from <= month))
    by_county: dict[int, list[rules.StandardRow]] = defaultdict(list)
    for row in rows:
        by_county[row["county"]].append(rules.StandardRow.of(row))
    return {county: rules.standard_in_force(items, month) for county, items in by_county.items()}


def _expected(standard: rules.StandardRow) -> dict[tuple[bool, str | None], tuple[int, int, str]]:
    """(placed in a home?, tier or None) → (basic, care, mode) of the standard."""
    out = {}
    for placed in (True, False):
        mode = "concentrated" if placed else "dispersed"
        for tier in (*rules.TIERS, None):
            out[placed, tier] = (standard.basic(mode), standard.care(mode, tier or rules.UNASSESSED), mode)
    return out


async def _raw(sql: str, county_ids: list[int], *args) -> list[dict]:
    return await StipendLine.raw(sql.replace("COUNTIES", _ints(county_ids)), *args)


def _line(row: dict) -> rules.Line:
    return rules.Line(row["payment_ref"], row["id_number"], row["name"], row["county"], row["county_code"],
                      row["basic_amount"], row["care_amount"], row["support_mode"] or "", row["home_code"] or "")


async def person_histories(where: str, args: tuple, month: date) -> tuple[dict[int, rules.Person], list, list]:
    """Persons matching ``where`` (SQL over ``resident r``) with their placements and assessments
    before ``month``, by id; and those placement and assessment rows."""
    rows = await Resident.raw(
        "SELECT r.id, r.id_number, r.name, r.county, c.code AS county_code, r.approved_on, r.ended_on, r.died_on "
        "FROM resident r JOIN county c ON c.id = r.county WHERE " + where, *args
    )
    placement_rows, assessment_rows = [], []
    for chunk in chunks(sorted(row["id"] for row in rows), 5000):
        ids = _ints(chunk)
        placement_rows += await Resident.raw(
            f"SELECT resident, event_date, seq, kind, home FROM placement WHERE resident IN ({ids}) AND event_date < {{}}", month
        )
        assessment_rows += await Resident.raw(
            f"SELECT resident, assessed_on, seq, tier FROM assessment WHERE resident IN ({ids}) AND assessed_on < {{}}", month
        )
    placements = defaultdict(list)
    for row in placement_rows:
        placements[row["resident"]].append(residents_rules.PlacementEvent(row["event_date"], row["seq"], row["kind"], row["home"]))
    assessments = defaultdict(list)
    for row in assessment_rows:
        assessments[row["resident"]].append(residents_rules.AssessmentRecord(row["assessed_on"], row["seq"], row["tier"]))
    # extra_months_after_death: the parameter of the person's county in force on the day of death.
    parameter_rows: dict[int, list] = {}
    defaults = registry_rules.default_parameters()
    persons = {}
    for row in rows:
        extra = 0
        if row["died_on"] is not None:
            if row["county"] not in parameter_rows:
                parameter_rows[row["county"]] = await registry._parameter_rows(row["county"])
            extra = registry_rules.parameters_in_force(parameter_rows[row["county"]], row["died_on"], defaults).extra_months_after_death
        persons[row["id"]] = rules.Person(
            id=row["id"], id_number=row["id_number"], name=row["name"], county_id=row["county"],
            county_code=row["county_code"], approved_on=row["approved_on"], ended_on=row["ended_on"],
            died_on=row["died_on"], placements=tuple(placements[row["id"]]),
            assessments=tuple(assessments[row["id"]]), extra_months_after_death=extra,
        )
    return persons, placement_rows, assessment_rows


async def load(county_ids: list[int], month: date, source: str) -> dict[int, CountyMonth]:
    """The inputs of each county in ``county_ids`` for ``month`` (its first day) and ``source``,
    in a fixed number of queries whatever the number of counties. Run it inside a transaction
    (on SQLite every query then shares one connection)."""
    month = dates.month_of(month)
    await without_jit()
    standards = await _standards(county_ids, month)
    out = {county: CountyMonth(county, standards.get(county)) for county in county_ids}
    expected = {county: _expected(standard) for county, standard in standards.items() if standard is not None}
    # 1. Every line of the month: clean, or one for the rules.
    needs_rules: list[int] = []
    facts = await fetch_tuples(_LINE_FACTS.replace("COUNTIES", _ints(county_ids)), month, month, month, month, month, source, month)
    for line_id, county_id, paid_basic, paid_care, paid_mode, ok, kind, tier in facts:
        table = expected.get(county_id)
        if ok and table is not None:
            basic, care, mode = table.get((kind in residents_rules.INTO_A_HOME, tier), (None, None, None))
            if basic == paid_basic and care == paid_care and paid_mode in ("", None, mode):
                county = out[county_id]
                county.clean_lines += 1
                county.clean_paid += basic + care
                continue
        needs_rules.append(line_id)
    del facts
    for row in await _raw(_LINE_TOTALS, county_ids, source, month):
        out[row["county"]].totals = [row["n"], row["basic"], row["care"], row["ids"], str(row["last_import"])]
    # 2. The lines for the rules, and every line of the month naming the same IDs (any county).
    line_rows = []
    for chunk in chunks(sorted(needs_rules), 5000):
        line_rows += await StipendLine.raw(_LINE_COLUMNS + f"l.id IN ({_ints(chunk)})")
    keys = sorted({row["id_key"] for row in line_rows})
    group_rows: dict[int, dict] = {row["id"]: row for row in line_rows}
    for chunk in chunks(keys, 900):
        marks = ",".join("{}" for _ in chunk)
        for row in await StipendLine.raw(
            _LINE_COLUMNS + f"l.source = {{}} AND l.month = {{}} AND l.id_key IN ({marks})", source, month, *chunk
        ):
            group_rows.setdefault(row["id"], row)
    # 3. The persons those lines name, and the counties' persons no line of their county pays.
    unpaid = [row["id"] for row in await _raw(_UNPAID, county_ids, *may_be_entitled(month)[1], source, month)]
    person_ids = set(unpaid)
    for chunk in chunks(keys, 900):
        marks = ",".join("{}" for _ in chunk)
        person_ids.update(row["id"] for row in await Resident.raw(f"SELECT id FROM resident WHERE id_number IN ({marks})", *chunk))
    persons: dict[int, rules.Person] = {}
    history: dict[int, tuple[list, list]] = defaultdict(lambda: ([], []))
    for chunk in chunks(sorted(person_ids), 5000):
        found, placed, assessed = await person_histories(f"r.id IN ({_ints(chunk)})", (), month)
        persons.update(found)
        for row in placed:
            history[row["resident"]][0].append([_text(row["event_date"]), row["seq"], row["kind"], row["home"] or 0])
        for row in assessed:
            history[row["resident"]][1].append([_text(row["assessed_on"]), row["seq"], row["tier"]])
    by_number = {person.id_number: person for person in persons.values()}
    # Per county: its lines for the rules, the lines naming the same IDs, the persons they name
    # and its persons whom nothing pays.
    rows_by_key: dict[str, list[dict]] = defaultdict(list)
    for row in group_rows.values():
        rows_by_key[row["id_key"]].append(row)
    own_rows: dict[int, list[dict]] = defaultdict(list)
    for row in line_rows:
        own_rows[row["county"]].append(row)
    unpaid_by_county: dict[int, list[rules.Person]] = defaultdict(list)
    for person_id in unpaid:
        unpaid_by_county[persons[person_id].county_id].append(persons[person_id])
    for county_id, county in out.items():
        own = own_rows[county_id]
        county.lines = [_line(row) for row in own]
        county.group_lines = [_line(row) for key in sorted({row["id_key"] for row in own}) for row in rows_by_key[key]]
        for line in county.group_lines:
            person = by_number.get(line.id_key)
            if person is not None:
                county.persons[person.id_number] = person
        for person in unpaid_by_county[county_id]:
            county.persons[person.id_number] = person
        county.fingerprint = _fingerprint(county, month, source, history)
    return out


def _fingerprint(county: CountyMonth, month: date, source: str, history: dict[int, tuple[list, list]]) -> str:
    standard = county.standard
    payload = {
        "source": source,
        "county": county.county_id,
        "month": month.isoformat(),
        "totals": county.totals,
        "clean": [county.clean_lines, county.clean_paid],
        "lines": sorted(
            [line.payment_ref, line.id_number, line.name, line.county_id, line.basic, line.care, line.support_mode, line.home_code]
            for line in county.group_lines
        ),
        "persons": sorted(
            [p.id, p.id_number, p.name, p.county_id, _text(p.approved_on), _text(p.ended_on), _text(p.died_on),
             p.extra_months_after_death, sorted(history[p.id][0]), sorted(history[p.id][1])]
            for p in county.persons.values()
        ),
        "standard": None if standard is None
        else [_text(standard.effective_from)] + [getattr(standard, name) for name in rules.AMOUNT_FIELDS],
    }
    return hashlib.sha256(canonical(payload).encode("utf-8")).hexdigest()
