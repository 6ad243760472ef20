"""The concentration rate of dependent persons (domain-rules §2): persons in tiers partial + full
loss who live in a home ÷ all persons in those tiers, at the end of each month's last day, with
the tier and placement in force then; the dead, the ended and the not yet approved left out.
A fixture county of ten persons, the rate worked out by hand below, month by month across an
admission in the middle of a month, a death, an end of support and a re-assessment on a
month's last day."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from backend.core import dates
from backend.core.db import ENGINE
from backend.core.errors import Forbidden, Invalid, NotFound
from backend.deaths import services as deaths
from backend.deaths.schemas import DeathIn
from backend.residents import services
from backend.residents.queue_rules import PersonHistory, concentration_on, counted_on, counting_day
from backend.residents.rules import AssessmentRecord, PlacementEvent
from backend.residents.schemas import AssessmentIn, PlacementIn, ResidentIn
from tests.residents.helpers import new_id

ANSWERS = {
    "self_care": dict(eat=True, dress=True, transfer=True, toilet=True, walk=True, bathe=True),
    "partial": dict(eat=True, dress=True, transfer=True, toilet=True, walk=False, bathe=False),
    "full_loss": dict(eat=False, dress=False, transfer=False, toilet=False, walk=True, bathe=True),
}
D = date


@pytest.fixture
async def county_of_ten(world, system):
    county = await world.county(name="集中率县")
    home = await world.home(county=county, beds=20)
    elsewhere = await world.county(name="邻县")
    inspector = (await world.user("inspector", county=county)).scope
    far_inspector = (await world.user("inspector", county=elsewhere)).scope

    async def person(tier, county_code=county, approved_on=D(2024, 6, 1), assessed_on=D(2024, 12, 1), admitted_on=None):
        who = inspector if county_code == county else far_inspector
        out = await services.register_resident(
            system, ResidentIn(id_number=new_id(), name="赵六", county_code=county_code, approved_on=approved_on)
        )
        if tier is not None:
            await services.record_assessment(
                who, out.id, AssessmentIn(assessed_on=assessed_on, assessor="县民政局", reason="admission", **ANSWERS[tier])
            )
        if admitted_on is not None:  # admitted within 90 days of the county's assessment
            await services.record_placement(who, out.id, PlacementIn(kind="admit", event_date=admitted_on, home_code=home))
        return out

    p1 = await person("full_loss", admitted_on=D(2024, 12, 10))  # concentrated throughout
    await person("full_loss")  # p2: dispersed throughout
    await person("partial", admitted_on=D(2025, 2, 15))  # p3: admitted in the middle of February
    p4 = await person("partial", admitted_on=D(2024, 12, 10))  # concentrated, dies 10 March
    p5 = await person("self_care", admitted_on=D(2024, 12, 10))  # p5: not dependent
    await person(None)  # p6: never assessed
    await person("partial", county_code=elsewhere)  # p7: another county
    p8 = await person("self_care")  # re-assessed full loss on 31 March (the month's last day)
    p9 = await person("partial")  # support ends on 30 April (the month's last day)
    await person("partial", approved_on=D(2025, 2, 1), assessed_on=D(2025, 2, 1))  # p10: approved in February
    await services.record_assessment(
        inspector, p8.id, AssessmentIn(assessed_on=D(2025, 3, 31), assessor="县医院", **ANSWERS["full_loss"])
    )
    await deaths.report_death(
        inspector, p4.id, DeathIn(died_at=datetime.combine(D(2025, 3, 10), time(8), tzinfo=ZoneInfo("Asia/Shanghai")))
    )
    await services.end_support(system, p9.id, D(2025, 4, 30), "迁出本县")
    return {
        "county": county,
        "home": home,
        "inspector": inspector,
        "far_inspector": far_inspector,
        "p1": p1,
        "p5": p5,
        "person": person,
    }


# (month, dependent, concentrated, full loss (persons, concentrated), partial (persons, concentrated)), by hand:
#   end of January:  p1 FL home, p2 FL, p3 PA, p4 PA home, p9 PA            → 2 of 5
#   end of February: + p3 now in a home, + p10 approved                      → 3 of 6
#   end of March:    - p4 dead, + p8 full loss from the 31st                 → 2 of 6
#   end of April:    - p9 (support ended on the 30th)                        → 2 of 5
EXPECTED = [
    ("2025-01", 5, 2, (2, 1), (3, 1)),
    ("2025-02", 6, 3, (2, 1), (4, 2)),
    ("2025-03", 6, 2, (3, 1), (3, 1)),
    ("2025-04", 5, 2, (3, 1), (2, 1)),
]


async def test_the_rate_month_by_month_as_worked_out_by_hand(county_of_ten):
    out = await services.concentration_rates(county_of_ten["inspector"], county_of_ten["county"], D(2025, 1, 1), D(2025, 4, 1))
    assert out.county_name == "集中率县"
    got = [
        (
            m.month,
            m.dependent,
            m.concentrated,
            (m.tiers[0].persons, m.tiers[0].concentrated),
            (m.tiers[1].persons, m.tiers[1].concentrated),
        )
        for m in out.months
    ]
    assert got == EXPECTED
    assert [m.tiers[0].tier for m in out.months] == ["full_loss"] * 4
    assert [m.counted_on for m in out.months] == [D(2025, 1, 31), D(2025, 2, 28), D(2025, 3, 31), D(2025, 4, 30)]
    assert [m.rate for m in out.months] == [2 / 5, 3 / 6, 2 / 6, 2 / 5]
    # before anyone was dependent: no rate, not zero
    [empty] = (
        await services.concentration_rates(county_of_ten["inspector"], county_of_ten["county"], D(2024, 5, 1), D(2024, 5, 1))
    ).months
    assert (empty.dependent, empty.concentrated, empty.rate) == (0, 0, None)


async def test_the_homes_own_observation_does_not_count(county_of_ten, world):
    """A director's six answers are the home's care observation (domain rules §2): they never set
    the tier, so they never make a person dependent for the rate either."""
    director = (await world.user("director", home=county_of_ten["home"])).scope
    observed = await services.record_assessment(
        director, county_of_ten["p5"].id, AssessmentIn(assessed_on=D(2024, 12, 20), **ANSWERS["full_loss"])
    )
    assert observed.authority == "home"
    out = await services.concentration_rates(county_of_ten["inspector"], county_of_ten["county"], D(2025, 1, 1), D(2025, 4, 1))
    assert [(m.month, m.dependent, m.concentrated) for m in out.months] == [row[:3] for row in EXPECTED]


async def test_the_month_in_progress_is_counted_at_the_end_of_today(county_of_ten):
    out = await services.last_twelve_months(county_of_ten["inspector"], county_of_ten["county"])
    assert len(out.months) == 12
    assert out.months[-1].month == f"{dates.today():%Y-%m}" and out.months[-1].counted_on == dates.today()
    assert counting_day(D(2026, 2, 1), D(2026, 2, 10)) == D(2026, 2, 10)
    assert counting_day(D(2024, 2, 1), D(2026, 2, 10)) == D(2024, 2, 29)
    with pytest.raises(Invalid) as invalid:
        next_month = dates.add_months(dates.month_of(dates.today()), 1)
        await services.concentration_rates(county_of_ten["inspector"], county_of_ten["county"], next_month, next_month)
    assert "to" in invalid.value.errors
    with pytest.raises(Invalid) as invalid:
        await services.concentration_rates(county_of_ten["inspector"], county_of_ten["county"], D(2025, 3, 1), D(2025, 2, 1))
    assert "from" in invalid.value.errors


async def test_the_rate_reads_a_fixed_number_of_queries(county_of_ten, monkeypatch):
    count = 0
    engine = type(ENGINE)  # patched on the class: PostgresEngine has read-only attributes
    original = engine.run_querystring

    async def counted(self, *args, **kwargs):
        nonlocal count
        count += 1
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(engine, "run_querystring", counted)

    async def queries() -> int:
        nonlocal count
        count = 0
        await services.concentration_rates(county_of_ten["inspector"], county_of_ten["county"], D(2025, 1, 1), D(2025, 4, 1))
        return count

    before = await queries()
    monkeypatch.setattr(engine, "run_querystring", original)
    for _ in range(6):
        await county_of_ten["person"]("partial", admitted_on=D(2025, 1, 20))
    monkeypatch.setattr(engine, "run_querystring", counted)
    assert 3 <= before <= 6  # the register, placements, assessments (and the county look-ups)
    assert await queries() == before
    feb = (
        await services.concentration_rates(county_of_ten["inspector"], county_of_ten["county"], D(2025, 2, 1), D(2025, 2, 1))
    ).months[0]
    assert (feb.dependent, feb.concentrated) == (12, 9)


async def test_scope(county_of_ten, world, system):
    county = county_of_ten["county"]
    with pytest.raises(NotFound):
        await services.concentration_rates(county_of_ten["far_inspector"], county, D(2025, 1, 1), D(2025, 1, 1))
    finance = (await world.user("finance", county=county)).scope
    assert (await services.concentration_rates(finance, county, D(2025, 1, 1), D(2025, 1, 1))).months[0].dependent == 5
    assert (await services.concentration_rates(system, county, D(2025, 1, 1), D(2025, 1, 1))).months[0].dependent == 5
    director = (await world.user("director", home=await world.home(county=county))).scope
    with pytest.raises(Forbidden):
        await services.concentration_rates(director, county, D(2025, 1, 1), D(2025, 1, 1))


def test_who_is_counted_at_the_end_of_a_day():
    day = D(2025, 3, 31)
    assert counted_on(PersonHistory(approved_on=day), day)
    assert not counted_on(PersonHistory(approved_on=day + timedelta(days=1)), day)
    assert not counted_on(PersonHistory(approved_on=D(2020, 1, 1), died_on=day), day)
    assert counted_on(PersonHistory(approved_on=D(2020, 1, 1), died_on=day + timedelta(days=1)), day)
    assert not counted_on(PersonHistory(approved_on=D(2020, 1, 1), ended_on=day), day)
    assert counted_on(PersonHistory(approved_on=D(2020, 1, 1), ended_on=day + timedelta(days=1)), day)
    # a transfer keeps the person concentrated; a discharge on the day makes them dispersed at its end
    partial = (AssessmentRecord(D(2025, 1, 1), 1, "partial"),)
    moved = PersonHistory(
        approved_on=D(2020, 1, 1),
        placements=(PlacementEvent(D(2025, 1, 2), 1, "admit", 7), PlacementEvent(D(2025, 2, 2), 2, "transfer", 8)),
        assessments=partial,
    )
    left = PersonHistory(
        approved_on=D(2020, 1, 1),
        placements=(PlacementEvent(D(2025, 1, 2), 3, "admit", 7), PlacementEvent(day, 4, "discharge", None)),
        assessments=partial,
    )
    rate = concentration_on([moved, left], day)
    assert (rate.dependent, rate.dependent_concentrated, rate.rate) == (2, 1, 0.5)
    assert concentration_on([moved, left], day - timedelta(days=1)).rate == 1.0
