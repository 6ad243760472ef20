"""The reconciliation engine: what ``services.reconcile`` runs, for one county or many at once.

A month of a province is ~120,000 lines, of which fewer than 1 % differ from the register.
So the work is split in two (benchmarks/RESULTS.md has the figures):

1. **One set-based query** gives, for every line of the month, the few facts that decide whether
   the line is *certainly clean*: whether another line of the month names the same ID (the
   lines' side, written here), and whether the ID names a person registered in the line's
   county, entitled for the month, with exactly that name, with the mode and tier in force (the
   placement and the assessment before the first day of the month): the register's side, added
   to our query by the residents domain (``residents.services.for_stipends.month_states_of``),
   so the database still makes one pass. Python compares the amounts with the standard row of the
   person's area (urban, rural, or empty for the county's default: a dict lookup per line keyed
   by area, mode and tier) and counts the clean lines.
2. Every other line, and every person of the county whom no line of the county pays, goes through
   the pure rules (``rules.reconcile``) with the full history loaded for just those persons.

A clean line is one on which ``rules.classify`` would find nothing and expect what was paid:
the ID names a register entry (the register only holds IDs that pass the checks), no other line
of the month names it, the person is registered in the line's county, approved before the month,
not ended before it, alive on its first day, with exactly the register's name, and the line's
mode (if given) and amounts are those of the standard for the person's area, mode and tier, and
with no home code unless the person was placed in a home. Anything less certain (a trailing
space in a name, a death in an earlier month) is left to the rules, so the findings are exactly
those of the rules alone (tests/stipends/test_engine.py compares both).

The fingerprint of a run covers everything that can change its result: the month's lines of the
county (count, sums, ids, last import time), every line and person the rules looked at with
their histories and areas, the county's default area and the standards in force. A change to
the register that leaves every line clean and every amount the same does not change the result
and does not make the run stale.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from backend.core import dates
from backend.core.bulk import chunks
from backend.core.db import without_jit
from backend.core.ledger import canonical
from backend.registry import rules as registry_rules
from backend.registry import services as registry
from backend.residents.services import for_stipends as register
from backend.stipends import rules
from backend.stipends.tables import Standard, StipendLine

# The counties' lines of the month with what decides "certainly clean" on the lines' side
# (whether another line of the month, in any county, names the same ID): the query the register
# adds each named person's state to (``register.month_states_of``, the same single pass as one
# joined query). Parameters: the source, the month's first day.
_LINE_FACTS = """
SELECT l.id, l.county, l.id_key, l.name, l.basic_amount, l.care_amount, l.support_mode, l.home_code,
       CASE WHEN EXISTS (SELECT 1 FROM stipend_line o
                         WHERE o.source = l.source AND o.month = l.month AND o.id_key = l.id_key AND o.id <> l.id)
            THEN 1 ELSE 0 END AS shared
FROM stipend_line l
WHERE l.source = {} AND l.month = {} AND l.county IN (COUNTIES)
"""
_KEPT = ("id", "county", "basic_amount", "care_amount", "support_mode", "home_code", "shared")

# The (county, ID) pairs the month's lines name (parameters: the source, the first day): the
# persons no line of their own county names are the unpaid ones (``register.unnamed_candidates``).
_LINES_NAMING = "SELECT l.county, l.id_key FROM stipend_line l WHERE l.source = {} AND l.month = {}"

# The month's lines of each county, summed: any line added, corrected or re-imported changes it.
_LINE_TOTALS = """
SELECT county, count(*) AS n, sum(basic_amount) AS basic, sum(care_amount) AS care, sum(id) AS ids,
       max(imported_at) AS last_import
FROM stipend_line WHERE source = {} AND month = {} AND county IN (COUNTIES) GROUP BY county
"""


def died_since(month: date) -> date:
    """The earliest day of death for which a person may still be entitled for ``month``: the
    largest ``extra_months_after_death`` a county may set, back from the month. Who is entitled
    is decided by ``rules.entitlement``; this only narrows the register down to the candidates."""
    return dates.add_months(month, -registry_rules.PARAMETER_RANGES["extra_months_after_death"][1])


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
    standards: dict[str, rules.StandardRow]  # area → the row in force for the month (none: left out)
    default_area: str = registry_rules.RURAL  # the county's, for a person the register gives none
    clean_lines: int = 0
    clean_paid: int = 0
    totals: list = field(default_factory=list)  # [count, basic, care, ids, last import] of all its lines
    lines: list[rules.Line] = field(default_factory=list)  # its lines the rules look at
    group_lines: list[rules.Line] = field(default_factory=list)  # every line of the month naming their IDs
    persons: dict[str, rules.Person] = field(default_factory=dict)  # persons the rules look at, by ID
    fingerprint: str = ""

    def result(self, month: date) -> rules.Result:
        """The rules over the lines that need them, plus the clean lines (expected = paid)."""
        result = rules.reconcile(self.lines, self.group_lines, self.persons, self.county_id, month, self.standards)
        result.lines += self.clean_lines
        result.paid += self.clean_paid
        result.expected += self.clean_paid
        return result

    def missing_areas(self, month: date) -> list[str]:
        """The areas of the county's entitled persons without a standard row in force (every
        such person is one the rules look at: no line of theirs is clean)."""
        return rules.areas_without_standard(self.persons.values(), self.county_id, month, self.standards)


async def _standards(county_ids: list[int], month: date) -> dict[int, dict[str, rules.StandardRow]]:
    rows = await Standard.select().where(Standard.county.is_in(county_ids) & (Standard.effective_from <= month))
    by_county: dict[int, list[rules.StandardRow]] = defaultdict(list)
    for row in rows:
        by_county[row["county"]].append(rules.StandardRow.of(row))
    return {county: rules.standards_in_force(items, month) for county, items in by_county.items()}


def _expected(
    standards: dict[str, rules.StandardRow], default_area: str
) -> dict[tuple[str, bool, str | None], tuple[int, int, str]]:
    """(the register's area, "" for the county's default; placed in a home?; tier or None) →
    (basic, care, mode) of the row in force for that area; areas without one are left out."""
    out = {}
    for registered in ("", *rules.AREAS):
        standard = standards.get(rules.person_area(registered, default_area))
        if standard is None:
            continue
        for placed in (True, False):
            mode = "concentrated" if placed else "dispersed"
            for tier in (*rules.TIERS, None):
                out[registered, placed, tier] = (standard.basic(mode), standard.care(mode, tier or rules.UNASSESSED), mode)
    return out


async def _raw(sql: str, county_ids: list[int], *args) -> list[dict]:
    return await StipendLine.raw(sql.replace("COUNTIES", _ints(county_ids)), *args)


def _line(row: dict) -> rules.Line:
    return rules.Line(
        row["payment_ref"],
        row["id_number"],
        row["name"],
        row["county"],
        row["county_code"],
        row["basic_amount"],
        row["care_amount"],
        row["support_mode"] or "",
        row["home_code"] or "",
    )


class CountyParameters:
    """The parameters of counties on a day, each county's history read once (one query per 500
    counties): ``extra_months_after_death`` on the day of death, and ``default_area`` (the area
    of a person the register gives none) for a month. Read with no scope: the parameters of a
    person's county decide their entitlement even when a line of another county names them."""

    def __init__(self) -> None:
        self._rows: dict[int, list[registry_rules.Parameters]] = {}
        self._defaults = registry_rules.default_parameters()

    async def load(self, county_ids: Iterable[int]) -> CountyParameters:
        wanted = sorted(set(county_ids) - set(self._rows))
        if wanted:
            self._rows.update(await registry.county_parameters(wanted))
        return self

    def on(self, county_id: int, day: date) -> registry_rules.Parameters:
        return registry_rules.parameters_in_force(self._rows.get(county_id, []), day, self._defaults)

    def default_area(self, county_id: int, month: date) -> str:
        """The county's default area for ``month``: the parameter in force on its first day."""
        return self.on(county_id, dates.month_of(month)).default_area


async def persons_of(
    records: Iterable[register.PersonRecord], month: date, parameters: CountyParameters | None = None
) -> list[rules.Person]:
    """The register's records as the rules' persons for ``month``: each with the extra months of
    their county (on the day of death) and their area (the register's, else the county's
    default for the month)."""
    records = list(records)
    parameters = await (parameters or CountyParameters()).load(record.county_id for record in records)
    out = []
    for record in records:
        months = parameters.on(record.county_id, record.died_on).extra_months_after_death if record.died_on is not None else 0
        out.append(
            rules.Person(
                id=record.id,
                id_number=record.id_number,
                name=record.name,
                county_id=record.county_id,
                county_code=record.county_code,
                approved_on=record.approved_on,
                ended_on=record.ended_on,
                died_on=record.died_on,
                placements=record.placements,
                assessments=record.assessments,
                extra_months_after_death=months,
                county_name=record.county_name,
                area=rules.person_area(record.area, parameters.default_area(record.county_id, month)),
            )
        )
    return out


async def county_persons(county_id: int, month: date) -> dict[str, rules.Person]:
    """The county's persons who may be entitled for ``month``, with their histories, by ID number
    (the claims generator and the demo read them). Inside a transaction or ``db.reading()``."""
    records = await register.person_records(await register.candidates([county_id], month, died_since(month)), month)
    return {person.id_number: person for person in await persons_of(records.values(), month)}


def _history(records: Iterable[register.PersonRecord]) -> dict[int, tuple[list, list]]:
    """Each person's placements and assessments as the fingerprint writes them."""
    return {
        record.id: (
            [[_text(event.on), event.seq, event.kind, event.home_id or 0] for event in record.placements],
            [[_text(item.assessed_on), item.seq, item.tier] for item in record.assessments],
        )
        for record in records
    }


def _sort_lines(facts: list, expected: dict, out: dict[int, CountyMonth]) -> list[int]:
    """Count the clean lines into their county; the ids of the others (for the rules).
    ``facts``: rows of ``_KEPT`` followed by the register's ``current``, ``placed``, ``tier`` and
    ``area``; placed 1/0 finds the (area, True/False, tier) key of ``expected`` (equal and
    equally hashed). A home code on the line of a person not placed is never clean."""
    needs_rules: list[int] = []
    for line_id, county_id, paid_basic, paid_care, paid_mode, home_code, shared, current, placed, tier, area in facts:
        table = expected.get(county_id)
        if current and not shared and table is not None and (placed or not home_code):
            basic, care, mode = table.get((area, placed, tier), (None, None, None))
            if basic == paid_basic and care == paid_care and paid_mode in ("", None, mode):
                county = out[county_id]
                county.clean_lines += 1
                county.clean_paid += basic + care
                continue
        needs_rules.append(line_id)
    return needs_rules


async def _group_rows(needs_rules: list[int], source: str, month: date) -> tuple[list[dict], dict[int, dict]]:
    """The lines for the rules, and every line of the month naming the same IDs (any county)."""
    line_rows: list[dict] = []
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
    return line_rows, group_rows


def _distribute(
    out: dict[int, CountyMonth],
    line_rows: list[dict],
    group_rows: dict[int, dict],
    unpaid: list[int],
    persons: dict[int, rules.Person],
) -> None:
    """Per county: its lines for the rules, the lines naming the same IDs, the persons they name
    and its persons whom nothing pays."""
    by_number = {person.id_number: person for person in persons.values()}
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


async def load(county_ids: list[int], month: date, source: str) -> dict[int, CountyMonth]:
    """The inputs of each county in ``county_ids`` for ``month`` (its first day) and ``source``,
    in a fixed number of queries whatever the number of counties. Run it inside a transaction
    (on SQLite every query then shares one connection)."""
    month = dates.month_of(month)
    await without_jit()
    standards = await _standards(county_ids, month)
    parameters = await CountyParameters().load(county_ids)
    out = {
        county: CountyMonth(county, standards.get(county, {}), parameters.default_area(county, month)) for county in county_ids
    }
    expected = {county: _expected(item.standards, item.default_area) for county, item in out.items() if item.standards}
    # 1. The counties' persons who may be entitled, and every line of the month: clean, or one
    #    for the rules.
    named = _LINE_FACTS.replace("COUNTIES", _ints(county_ids))
    facts = await register.month_states_of(named, (source, month), _KEPT, month)
    needs_rules = _sort_lines(facts, expected, out)
    del facts
    for row in await _raw(_LINE_TOTALS, county_ids, source, month):
        out[row["county"]].totals = [row["n"], row["basic"], row["care"], row["ids"], str(row["last_import"])]
    # 2. The lines for the rules, and every line of the month naming the same IDs (any county).
    line_rows, group_rows = await _group_rows(needs_rules, source, month)
    # 3. The persons those lines name, and the counties' persons no line of their county pays.
    unpaid = await register.unnamed_candidates(county_ids, month, died_since(month), _LINES_NAMING, (source, month))
    named_ids = await register.resident_ids({row["id_key"] for row in line_rows})
    records = await register.person_records([*unpaid, *named_ids.values()], month)
    persons = {person.id: person for person in await persons_of(records.values(), month, parameters)}
    _distribute(out, line_rows, group_rows, unpaid, persons)
    history = _history(records.values())
    for county in out.values():
        county.fingerprint = _fingerprint(county, month, source, history)
    return out


def _fingerprint(county: CountyMonth, month: date, source: str, history: dict[int, tuple[list, list]]) -> str:
    payload = {
        "source": source,
        "county": county.county_id,
        "month": month.isoformat(),
        "totals": county.totals,
        "clean": [county.clean_lines, county.clean_paid],
        "lines": sorted(
            [
                line.payment_ref,
                line.id_number,
                line.name,
                line.county_id,
                line.basic,
                line.care,
                line.support_mode,
                line.home_code,
            ]
            for line in county.group_lines
        ),
        "persons": sorted(
            [
                p.id,
                p.id_number,
                p.name,
                p.county_id,
                _text(p.approved_on),
                _text(p.ended_on),
                _text(p.died_on),
                p.extra_months_after_death,
                p.area,
                sorted(history[p.id][0]),
                sorted(history[p.id][1]),
            ]
            for p in county.persons.values()
        ),
        "default_area": county.default_area,
        "standards": {
            area: [_text(row.effective_from), row.area] + [getattr(row, name) for name in rules.AMOUNT_FIELDS]
            for area, row in sorted(county.standards.items())
        },
    }
    return hashlib.sha256(canonical(payload).encode("utf-8")).hexdigest()
