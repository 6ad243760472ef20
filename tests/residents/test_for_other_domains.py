"""What the residents domain offers the others (residents.services, "for the other domains"):
persons in scope by ID number, set-based histories and look-ups, and the effects of a death."""

from datetime import date

import pytest

from backend.core import dates
from backend.core.errors import Forbidden
from backend.registry import services as registry
from backend.residents import services
from backend.residents.schemas import AssessmentIn, ConditionChangeIn, PlacementIn, ResidentIn
from tests.residents.helpers import new_id, register_person

ALL_CAN = dict(eat=True, dress=True, transfer=True, toilet=True, walk=True, bathe=True)


async def _person(system, county, home=None, admitted_on=None):
    return await register_person(
        system,
        ResidentIn(
            id_number=new_id(),
            name="赵六",
            county_code=county,
            approved_on=date(2024, 1, 10),
            home_code=home,
            admitted_on=admitted_on or (date(2024, 2, 1) if home else None),
        ),
    )


async def test_persons_by_id_number_in_scope(world, system):
    county, other = await world.county(), await world.county()
    home = await world.home(county=county)
    placed, dispersed, elsewhere = (
        await _person(system, county, home),
        await _person(system, county),
        await _person(system, other),
    )
    numbers = {}
    for person in (placed, dispersed, elsewhere):
        numbers[person.id] = await services.reveal_id_number(system, person.id)
    inspector = await world.user("inspector", county=county)
    director = await world.user("director", home=home)
    found = await services.find_by_id_numbers(inspector.scope, [*numbers.values(), "", None])
    assert {row["id"] for row in found.values()} == {placed.id, dispersed.id}
    assert found[numbers[placed.id]]["home_code"] == home  # the columns of find_resident
    assert {row["id"] for row in (await services.find_by_id_numbers(director.scope, numbers.values())).values()} == {placed.id}
    assert {row["id"] for row in (await services.find_by_id_numbers(system, numbers.values())).values()} == set(numbers)
    county_id = found[numbers[placed.id]]["county_id"]
    assert await services.resident_ids(numbers.values(), county_id=county_id) == {
        numbers[placed.id]: placed.id,
        numbers[dispersed.id]: dispersed.id,
    }
    assert (await services.resident_ids([numbers[elsewhere.id]]))[numbers[elsewhere.id]] == elsewhere.id


async def test_histories_of_many_persons_at_once(world, system):
    county = await world.county()
    first, second = await world.home(county=county), await world.home(county=county)
    moved = await _person(system, county, first, admitted_on=date(2024, 3, 1))
    await services.record_placement(system, moved.id, PlacementIn(kind="transfer", event_date=date(2024, 6, 1), home_code=second))
    await services.record_assessment(system, moved.id, AssessmentIn(assessed_on=date(2024, 4, 1), assessor="评估员", **ALL_CAN))
    never = await _person(system, county)
    placements = await services.placement_histories([moved.id, never.id])
    assert [event.kind for event in sorted(placements[moved.id], key=lambda e: (e.on, e.seq))] == ["admit", "transfer"]
    assert placements[never.id] == []
    before_june = await services.placement_histories([moved.id], before=date(2024, 6, 1))
    assert [event.kind for event in before_june[moved.id]] == ["admit"]
    assessments = await services.assessment_histories([moved.id, never.id], before=date(2025, 1, 1))
    assert [record.tier for record in assessments[moved.id]] == ["self_care"] and assessments[never.id] == []
    assert (await services.assessment_histories([moved.id], before=date(2024, 4, 1)))[moved.id] == []


async def test_the_effects_of_a_death_in_the_register(world, system):
    county = await world.county()
    home = await world.home(county=county, beds=1)
    person = await _person(system, county, home)
    await services.report_condition_change(system, person.id, ConditionChangeIn(dates.today(), "护理员", "跌倒"))
    died_on = dates.today()
    await services.record_death_effects(system, person.id, died_on)
    after = await services.get_resident(system, person.id)
    assert after.status == "died" and after.died_on == died_on and after.home_code is None
    kinds = [event.kind for event in await services.placements(system, person.id)]
    assert kinds == ["admit", "discharge"]
    assert [task for task in await services.due_assessments(system, county_code=county) if task.resident_id == person.id] == []
    # The bed is free again: the home (1 bed) takes someone else.
    assert (await _person(system, county, home)).home_code == home
    # A second call (a correction) adds no second discharge.
    await services.record_death_effects(system, person.id, died_on)
    assert [event.kind for event in await services.placements(system, person.id)] == kinds


async def test_a_role_that_may_not_record_deaths_is_refused(world, system):
    county = await world.county()
    person = await _person(system, county)
    finance = await world.user("finance", county=county)
    with pytest.raises(Forbidden):
        await services.record_death_effects(finance.scope, person.id, dates.today())
    assert (await services.get_resident(system, person.id)).died_on is None
    assert (await registry.county_ids(finance.scope)) == {county: (await registry.county_ids(system, [county]))[county]}
