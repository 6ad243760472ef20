"""The engine (clean lines decided by one set-based query, the rest through the rules) finds
exactly what the rules find over every line of the month and every person of the register.

A seeded random register of two counties (placements, transfers and discharges, assessments,
deaths, ends of support, approvals after the month, some of them on the 1st or the last day of a
month) and payment lines that are right or wrong in every way §4 names, reconciled by the
service and by the reference below, which hands the pure rules everything without pre-filtering.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from backend.core import dates
from backend.core.db import transaction
from backend.registry.tables import County
from backend.residents.schemas import ResidentIn
from backend.residents.services import for_stipends
from backend.residents.tables import Resident
from backend.stipends import reconciliation, rules, services
from backend.stipends.tables import Standard
from tests.residents.helpers import new_id, register_person
from tests.stipends.helpers import (
    ALL_CAN,
    FULL_LOSS,
    PARTIAL,
    SYSTEM,
    assess,
    end_support,
    import_lines,
    import_standard,
    place,
    record_death,
)

MONTHS = (date(2026, 6, 1), date(2026, 7, 1))
HEADER = ["payment_ref", "id_number", "name", "county_code", "month", "basic_amount", "care_amount", "support_mode", "home_code"]
AREAS = ("", "urban", "rural")  # by serial: the county's default (rural), or given


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


LAST_DAY = date(2026, 10, 31)  # nothing is dated in the future


def some_day(rng: random.Random, first: date, last: date) -> date:
    """A day between the two (and not after LAST_DAY), often the 1st or the last day of a month
    (the edges of §4)."""
    last = max(first, min(last, LAST_DAY))
    day = first + timedelta(days=rng.randrange((last - first).days + 1))
    edge = rng.random()
    start = day.replace(day=1)
    end = dates.add_months(start, 1) - timedelta(days=1)
    if edge < 0.25 and first <= start:
        return start
    if edge < 0.4 and end <= last:
        return end
    return day


async def register(rng: random.Random, county: str, homes: list[str], serial: int) -> int:
    approved = some_day(rng, date(2025, 1, 1), date(2026, 7, 31))
    created = await register_person(
        SYSTEM,
        ResidentIn(
            id_number=new_id(rng.choice("MF"), born=date(1930 + serial % 60, 1 + serial % 12, 1 + serial % 28)),
            name=rng.choice(["张三", "李四", "王五", "赵六", "陈七"]) + str(serial),
            county_code=county,
            approved_on=approved,
            home_code=None,
            admitted_on=None,
            area=AREAS[serial % 3],
        ),
    )
    # Placement history after approval: admit, maybe transfer, maybe discharge.
    day = approved
    if rng.random() < 0.6:
        day = some_day(rng, day, day + timedelta(days=200))
        first, second = rng.sample(homes, 2)
        await place(created.id, "admit", day, first)
        if rng.random() < 0.3:
            day = some_day(rng, day, day + timedelta(days=150))
            await place(created.id, "transfer", day, second)
        if rng.random() < 0.3:
            day = some_day(rng, day, day + timedelta(days=150))
            await place(created.id, "discharge", day)
    for _ in range(rng.choice([0, 1, 1, 2, 3])):
        await assess(
            created.id, some_day(rng, approved, approved + timedelta(days=400)), rng.choice([ALL_CAN, PARTIAL, FULL_LOSS])
        )
    if rng.random() < 0.12:
        await record_death(created.id, some_day(rng, max(day, date(2026, 4, 1)), date(2026, 8, 31)))
    elif rng.random() < 0.06:
        await end_support(created.id, some_day(rng, max(day, date(2026, 4, 1)), date(2026, 8, 31)))
    return created.id


async def everything(month: date) -> tuple[dict[str, rules.Person], list[rules.Line], dict[int, dict[str, rules.StandardRow]]]:
    """Every person, every line of the month and every county's standards in force (by area),
    unfiltered."""
    async with transaction():
        everyone = [row["id"] for row in await Resident.select(Resident.id)]
        records = await for_stipends.person_records(everyone, month)
        persons = {person.id: person for person in await reconciliation.persons_of(records.values(), month)}
        lines = [
            reconciliation._line(row)
            for row in await Resident.raw(reconciliation._LINE_COLUMNS + "l.source = {} AND l.month = {}", "payments", month)
        ]
    standards = {}
    for row in await Standard.select():
        standards.setdefault(row["county"], []).append(
            rules.StandardRow(
                effective_from=row["effective_from"], area=row["area"], **{name: row[name] for name in rules.AMOUNT_FIELDS}
            )
        )
    in_force = {county: rules.standards_in_force(rows, month) for county, rows in standards.items()}
    return {p.id_number: p for p in persons.values()}, lines, in_force


def _ways(line, rng, person, ent, standard, county, other_county) -> list:
    """(upper bound of the roll, the lines to write; None: none) for an entitled person: most
    paid right, the rest wrong in one way each (rng drawn only by the way chosen)."""
    number, name, basic, care = person.id_number, person.name, ent.basic, ent.care
    other_mode = "dispersed" if ent.mode == "concentrated" else "concentrated"
    home = f"H{ent.home_id}" if ent.home_id else ""

    def twice():
        line(number, name, county, basic, care)
        line(number, name, rng.choice([county, other_county]), basic, care)

    return [
        (0.5, lambda: line(number, name, county, basic, care, rng.choice(["", ent.mode]), rng.choice(["", home]))),  # right
        (0.55, None),  # missing
        (0.59, lambda: line(number, name, county, standard.basic(other_mode), care)),  # other mode's basic
        (0.62, lambda: line(number, name, county, basic, care, other_mode)),  # other mode named
        (0.64, lambda: line(number, name, county, basic, standard.care(other_mode, ent.tier))),  # other mode's care
        (0.67, lambda: line(number, name, county, basic, care, "", home or "H9")),  # a home code (wrong when dispersed)
        (0.72, lambda: line(number, name, county, basic, rng.choice([standard.care(ent.mode, t) for t in rules.TIERS]))),
        (0.75, lambda: line(number, name, county, basic + rng.choice([-1, 1, 5000]), care)),  # odd amount
        (0.79, lambda: line(number, name + rng.choice([" ", "　", ""]), county, basic, care)),  # trailing spaces
        (0.82, lambda: line(number, "别人", county, basic, care)),  # another name
        (0.86, twice),
        (0.89, lambda: line(number, name, other_county, basic, care)),  # paid by the other county
        (0.91, lambda: line(number.lower(), name, county, basic, care)),  # lower-case x: same key
        (1.01, lambda: line(number, name, county, basic, care)),
    ]


def payment_rows(
    rng: random.Random, month: date, persons: dict[str, rules.Person], standards, codes: dict[int, str]
) -> list[list]:
    """Lines for the month: most right, the rest wrong in one of the ways §4 names."""
    rows: list[list] = []
    serial = 0

    def line(number, name, county, basic, care, mode="", home=""):
        nonlocal serial
        serial += 1
        rows.append(
            [
                f"P{month:%Y%m}-{rng.randrange(10**6):06d}-{serial:04d}",
                number,
                name,
                county,
                f"{month:%Y-%m}",
                yuan(basic),
                yuan(care),
                mode,
                home,
            ]
        )

    for person in sorted(persons.values(), key=lambda p: p.id_number):
        if person.county_id not in codes:
            continue  # another test's
        ent = rules.entitlement(person, person.county_id, month, standards[person.county_id])
        standard = rules.standard_for(standards[person.county_id], person.area)
        county = codes[person.county_id]
        other_county = [code for key, code in codes.items() if key != person.county_id][0]
        roll = rng.random()
        if not ent.entitled:
            if roll < 0.5:
                line(person.id_number, person.name, county, ent.basic, ent.care)  # paid though not entitled
            continue
        write = next(way for bound, way in _ways(line, rng, person, ent, standard, county, other_county) if roll < bound)
        if write is not None:
            write()
    for county in codes.values():
        line(new_id(born=date(1950, 2, 2)), "外人", county, 60000, 0)  # unknown person
        bad = new_id(born=date(1951, 3, 3))
        line(bad[:-1] + ("0" if bad[-1] != "0" else "1"), "错号", county, 60000, 0)  # checksum fails
        line("12345", "短号", county, 60000, 0)
    rng.shuffle(rows)
    return rows


async def test_the_engine_finds_exactly_what_the_rules_find_over_everything(world):
    rng = random.Random(20261123)
    codes = {}
    homes = {}
    for index in range(2):
        code = await world.county()
        county_id = (await County.select(County.id).where(County.code == code).first())["id"]
        codes[county_id] = code
        homes[code] = [await world.home(county=code, beds=200) for _ in range(2)]
        if index == 0:  # rows for both, and an urban row that a later row for both replaces in July
            await import_standard(code)
            await import_standard(code, "2026-01", area="城市", basic_concentrated="720.00", basic_dispersed="560.00")
            await import_standard(code, "2026-07", basic_concentrated="650.00", care_dispersed_partial="220.00")
        else:  # Anhui-like: urban and rural rows, one basic for both modes, care by mode; in July a
            # rural row and a row for both from the same month (the rural row wins for rural persons)
            same = {"care_dispersed_self_care": "60.60", "care_dispersed_partial": "404.00", "care_dispersed_full_loss": "707.00"}
            await import_standard(code, "2025-01", area="城市", basic_concentrated="1210.00", basic_dispersed="1210.00", **same)
            await import_standard(code, "2025-01", area="农村", basic_concentrated="917.00", basic_dispersed="917.00", **same)
            await import_standard(code, "2026-07", area="农村", basic_concentrated="930.00", basic_dispersed="930.00", **same)
            await import_standard(code, "2026-07", area="全部", basic_concentrated="1250.00", basic_dispersed="1250.00")
    serial = 0
    for code in codes.values():
        for _ in range(45):
            serial += 1
            await register(rng, code, homes[code], serial)
    seen_codes: set[str] = set()
    seen_evidence: set[str | None] = set()
    seen_areas: set[str] = set()
    for month in MONTHS:
        persons, _, standards = await everything(month)
        result = await import_lines(payment_rows(rng, month, persons, standards, codes), header=HEADER)
        assert result.ok, result
        persons, lines, standards = await everything(month)
        for county_id, code in codes.items():
            report = await services.reconcile(SYSTEM, code, month)
            reference = rules.reconcile(lines, lines, persons, county_id, month, standards[county_id])
            got = [(f.code, f.payment_ref, f.id_number, f.name, f.expected, f.paid, f.detail) for f in report.findings]
            want = [
                (f.code, f.payment_ref, f.id_number, f.name, yuan(f.expected), yuan(f.paid), f.detail) for f in reference.findings
            ]
            assert got == want
            assert (
                report.summary.lines,
                report.summary.paid,
                report.summary.expected,
                report.summary.overpaid,
                report.summary.underpaid,
            ) == (
                reference.lines,
                yuan(reference.paid),
                yuan(reference.expected),
                yuan(reference.overpaid),
                yuan(reference.underpaid),
            )
            # Both counties at once give the same as one by one.
            seen_codes.update(f.code for f in reference.findings)
            seen_evidence.update(f.facts.mode_evidence for f in reference.findings if f.code == "MODE_MISMATCH")
            seen_areas.update(f.facts.register_area for f in reference.findings if f.facts.register_area)
        together = await services.reconcile_counties(SYSTEM, list(codes.values()), month)
        for report in together:
            county_id = next(key for key, code in codes.items() if code == report.county)
            reference = rules.reconcile(lines, lines, persons, county_id, month, standards[county_id])
            assert len(report.findings) == len(reference.findings) and report.summary.lines == reference.lines
    # The random month exercised every code (otherwise the comparison proves less than it says).
    assert seen_codes == set(rules.CODES), set(rules.CODES) - seen_codes
    assert seen_evidence == set(rules.MODE_EVIDENCE), seen_evidence  # each of the four signs of a wrong mode
    assert seen_areas == set(rules.AREAS)
    # And most lines took the fast path, so both paths were compared.
    async with transaction():
        inputs = await reconciliation.load(list(codes), MONTHS[-1], "payments")
    for county in inputs.values():
        assert county.clean_lines > len(county.lines) > 0
