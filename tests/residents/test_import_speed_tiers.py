"""The assessments import computes the cached tier of the persons it touches from the rows in
memory (the assessments recorded before and the new ones) instead of a correlated UPDATE: the
register must read exactly what ``refresh_state`` computes from the ledgers, with earlier,
later and same-day records already present; open re-assessment tasks are still closed."""

from datetime import date

import pytest

from backend.core.errors import Forbidden
from backend.core.exchange import ExchangeError
from backend.core.ledger import verify_all
from backend.core.security import Scope
from backend.importers import run_import
from backend.registry.tables import County, Home
from backend.residents import services
from backend.residents.schemas import AssessmentIn, ConditionChangeIn
from backend.residents.services import RegisterFilter
from backend.residents.services._common import refresh_state
from backend.residents.tables import Assessment, ReassessmentTask, Resident
from tests.residents.helpers import new_id
from tests.residents.test_imports import ASSESSMENT_HEADERS, RESIDENT_HEADERS, as_csv

ALL_CAN = dict.fromkeys(("eat", "dress", "transfer", "toilet", "walk", "bathe"), True)
PARTIAL = {**ALL_CAN, "bathe": False, "walk": False, "dress": False}
FULL = {**PARTIAL, "eat": False}


def answers(can: dict) -> list[str]:
    return ["能" if can[item] else "不能" for item in ("eat", "dress", "transfer", "toilet", "walk", "bathe")]


async def register_rows() -> list[tuple]:
    return [tuple(row.values()) for row in await Resident.select().order_by(Resident.id)]


async def test_imported_tiers_are_what_refresh_state_computes(world, system):
    county = await world.county()
    home = await world.home(county=county, beds=10)
    people = [
        new_id("M", date(1946, 3, 2)),
        new_id("F", date(1950, 8, 9)),
        new_id("F", date(1940, 1, 1)),
        new_id("M", date(1941, 2, 2)),
    ]
    await run_import(
        system,
        "residents",
        "r.csv",
        as_csv(
            RESIDENT_HEADERS,
            [
                [people[0], "王德福", "男", county, "2020-05-10", "集中", home, "2020-06-01", "", ""],
                [people[1], "李秀英", "女", county, "2020-01-15", "分散", "", "", "", ""],
                [people[2], "赵桂兰", "女", county, "2020-03-01", "分散", "", "", "", ""],
                [people[3], "钱四", "男", county, "2020-03-01", "分散", "", "", "", ""],
            ],
        ),
    )
    ids = {
        row["id_number"]: row["id"]
        for row in await Resident.select(Resident.id, Resident.id_number).where(Resident.id_number.is_in(people))
    }
    a, b, c, d = (ids[number] for number in people)
    # A: two records of one day (a correction), the later one in force.
    await services.record_assessment(system, a, AssessmentIn(assessed_on=date(2024, 8, 1), **PARTIAL))
    await services.record_assessment(system, a, AssessmentIn(assessed_on=date(2024, 8, 1), **FULL))
    # B: a later record already there; a condition change opens a task.
    await services.record_assessment(system, b, AssessmentIn(assessed_on=date(2025, 12, 1), **ALL_CAN))
    await services.report_condition_change(system, b, ConditionChangeIn(reported_on=date(2025, 11, 3), reported_by="护理员"))
    # D: assessed before, not in the file.
    await services.record_assessment(system, d, AssessmentIn(assessed_on=date(2023, 1, 1), **PARTIAL))
    result = await run_import(
        system,
        "assessments",
        "a.csv",
        as_csv(
            ASSESSMENT_HEADERS,
            [
                [people[0], "2024-08-01", *answers(FULL), ""],  # same as the record in force: unchanged
                [people[0], "2024-03-01", *answers(ALL_CAN), "王燕"],  # earlier: the tier stays full_loss
                [people[1], "2025-11-10", *answers(PARTIAL), ""],  # closes the task; 2025-12-01 stays latest
                [people[1], "2025-01-01", *answers(FULL), ""],
                [people[2], "2025-06-01", *answers(PARTIAL), "x"],  # first assessment
                [people[2], "2024-06-01", *answers(FULL), "x"],
            ],
        ),
    )
    assert (result.created, result.unchanged) == (5, 1)
    imported = await register_rows()
    by_id = {row["id"]: row for row in await Resident.select(Resident.id, Resident.tier, Resident.last_assessed_on)}
    assert (by_id[a]["tier"], by_id[a]["last_assessed_on"]) == ("full_loss", date(2024, 8, 1))
    assert (by_id[b]["tier"], by_id[b]["last_assessed_on"]) == ("self_care", date(2025, 12, 1))
    assert (by_id[c]["tier"], by_id[c]["last_assessed_on"]) == ("partial", date(2025, 6, 1))
    assert (by_id[d]["tier"], by_id[d]["last_assessed_on"]) == ("partial", date(2023, 1, 1))
    for person in (a, b, c, d):
        await refresh_state(person)
    assert await register_rows() == imported  # the ledgers say the same
    task = await ReassessmentTask.select().where(ReassessmentTask.resident == b).first()
    done = (
        await Assessment.select(Assessment.id)
        .where((Assessment.resident == b) & (Assessment.assessed_on == date(2025, 11, 10)))
        .first()
    )
    assert (task["done_on"], task["assessment"]) == (date(2025, 11, 10), done["id"])
    assert await verify_all() is None


async def test_a_person_assessed_later_than_the_file_keeps_that_tier(world, system):
    county = await world.county()
    number = new_id("F", date(1944, 4, 4))
    await run_import(
        system,
        "residents",
        "r.csv",
        as_csv(RESIDENT_HEADERS, [[number, "孙兰", "女", county, "2019-01-01", "分散", "", "", "", ""]]),
    )
    person = (await services.search_register(system, RegisterFilter(search=number))).items[0]
    await services.record_assessment(system, person.id, AssessmentIn(assessed_on=date(2026, 1, 5), **FULL))
    await run_import(system, "assessments", "a.csv", as_csv(ASSESSMENT_HEADERS, [[number, "2026-01-04", *answers(ALL_CAN), ""]]))
    after = (await services.search_register(system, RegisterFilter(search=number))).items[0]
    assert (after.tier, after.last_assessed_on) == ("full_loss", date(2026, 1, 5))


async def test_the_county_imports_assessments_a_director_may_not(world, system):
    county = await world.county()
    home = await world.home(county=county, beds=10)
    other = await world.home(county=county, beds=10)
    inside, outside, dispersed = new_id("M", date(1945, 1, 1)), new_id("F", date(1946, 1, 1)), new_id("F", date(1947, 1, 1))
    await run_import(
        system,
        "residents",
        "r.csv",
        as_csv(
            RESIDENT_HEADERS,
            [
                [inside, "周一", "男", county, "2020-01-01", "集中", home, "2020-02-01", "", ""],
                [outside, "吴二", "女", county, "2020-01-01", "集中", other, "2020-02-01", "", ""],
                [dispersed, "郑三", "女", county, "2020-01-01", "分散", "", "", "", ""],
            ],
        ),
    )
    home_id = (await Home.select(Home.id).where(Home.code == home).first())["id"]
    county_id = (await County.select(County.id).where(County.code == county).first())["id"]
    director = Scope(user_id=None, username="director.t", role="director", county_id=county_id, home_id=home_id)
    rows = [[number, "2025-03-03", *answers(PARTIAL), ""] for number in (inside, outside, dispersed)]
    with pytest.raises(Forbidden):  # the assessments file is the county's (interfaces §3)
        await run_import(director, "assessments", "a.csv", as_csv(ASSESSMENT_HEADERS, rows[:1]))
    assessor = Scope(user_id=None, username="assessor.t", role="assessor", county_id=county_id)
    result = await run_import(assessor, "assessments", "a.csv", as_csv(ASSESSMENT_HEADERS, rows))
    assert result.created == 3
    inspector = Scope(user_id=None, username="inspector.t", role="inspector", county_id=county_id + 10_000)
    with pytest.raises(ExchangeError) as refused:
        await run_import(inspector, "assessments", "a.csv", as_csv(ASSESSMENT_HEADERS, rows[1:]))
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "身份证号"), (3, "身份证号")]
