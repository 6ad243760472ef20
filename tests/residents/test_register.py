"""Register, placements with history, beds, assessments, tasks, masking and scope."""

from datetime import date, timedelta

import pytest

from backend.core import dates
from backend.core.errors import Forbidden, Invalid, NotFound
from backend.core.ledger import verify_all
from backend.core.tables import AuditEntry
from backend.residents import services
from backend.residents.schemas import AssessmentIn, ConditionChangeIn, PlacementIn, ResidentIn
from tests.residents.helpers import new_id, register_person

ALL_CAN = dict(eat=True, dress=True, transfer=True, toilet=True, walk=True, bathe=True)


@pytest.fixture
def register(system):
    async def make(
        county: str,
        home: str | None = None,
        admitted_on: date | None = None,
        approved_on: date = date(2024, 1, 10),
        gender="M",
        name="张三",
    ):
        return await register_person(
            system,
            ResidentIn(
                id_number=new_id(gender),
                name=name,
                county_code=county,
                approved_on=approved_on,
                home_code=home,
                admitted_on=admitted_on or (date(2024, 2, 1) if home else None),
            ),
        )

    return make


async def test_register_with_admission_masks_the_id(world, register, system):
    county = await world.county()
    home = await world.home(county=county)
    person = await register(county, home)
    assert person.mode == "concentrated" and person.home_code == home and person.status == "in_home"
    assert "*" in person.id_number_masked and len(person.id_number_masked) == 18
    assert person.tier == "unassessed"


async def test_id_problems_are_refused_with_their_own_message(world, system):
    county = await world.county()
    good = new_id("F")
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(Invalid) as invalid:
        await services.register_resident(
            system, ResidentIn(id_number=bad_check, name="李四", county_code=county, approved_on=date(2024, 1, 1))
        )
    assert "id_number" in invalid.value.errors
    with pytest.raises(Invalid) as invalid:
        await services.register_resident(
            system, ResidentIn(id_number=good, name="李四", county_code=county, approved_on=date(2024, 1, 1), gender="M")
        )
    assert "gender" in invalid.value.errors


async def test_a_full_home_refuses_admission_naming_its_beds(world, register, system):
    county = await world.county()
    home = await world.home(county=county, beds=2)
    await register(county, home)
    await register(county, home)
    dispersed = await register(county)
    await services.record_assessment(system, dispersed.id, AssessmentIn(assessed_on=date(2024, 12, 20), **ALL_CAN))
    with pytest.raises(Invalid) as invalid:
        await services.record_placement(
            system, dispersed.id, PlacementIn(kind="admit", event_date=date(2025, 1, 1), home_code=home)
        )
    assert "2" in invalid.value.errors["home_code"]
    assert (await services.get_resident(system, dispersed.id)).mode == "dispersed"


async def test_history_answers_where_and_in_which_mode_on_any_day(world, register, system):
    county = await world.county()
    first, second = await world.home(county=county), await world.home(county=county)
    person = await register(county, first, admitted_on=date(2024, 3, 1))
    await services.record_placement(
        system, person.id, PlacementIn(kind="transfer", event_date=date(2024, 6, 1), home_code=second)
    )
    await services.record_placement(system, person.id, PlacementIn(kind="discharge", event_date=date(2024, 9, 1)))
    # a re-admission needs a county assessment at most 90 days old (test_admission.py)
    await services.record_assessment(system, person.id, AssessmentIn(assessed_on=date(2024, 8, 15), **ALL_CAN))
    await services.record_placement(system, person.id, PlacementIn(kind="admit", event_date=date(2024, 9, 1), home_code=first))
    states = {
        day: await services.state_on(system, person.id, day)
        for day in (date(2024, 2, 29), date(2024, 3, 1), date(2024, 5, 31), date(2024, 6, 1), date(2024, 9, 1))
    }
    assert states[date(2024, 2, 29)].mode == "dispersed"
    assert states[date(2024, 3, 1)].home_code == first
    assert states[date(2024, 5, 31)].home_code == first
    assert states[date(2024, 6, 1)].home_code == second
    assert states[date(2024, 9, 1)].home_code == first  # discharge then re-admission the same day
    assert [p.kind for p in await services.placements(system, person.id)] == ["admit", "transfer", "discharge", "admit"]
    with pytest.raises(Invalid):  # before the last event: history is not rewritten
        await services.record_placement(system, person.id, PlacementIn(kind="discharge", event_date=date(2024, 8, 1)))
    with pytest.raises(Invalid):  # admitting someone already placed
        await services.record_placement(
            system, person.id, PlacementIn(kind="admit", event_date=date(2024, 10, 1), home_code=second)
        )
    with pytest.raises(Invalid):  # future dates
        await services.record_placement(
            system, person.id, PlacementIn(kind="discharge", event_date=dates.today() + timedelta(days=1))
        )
    assert await verify_all() is None


async def test_tier_is_derived_and_the_latest_on_or_before_a_day_applies(world, register, system):
    county = await world.county()
    person = await register(county, await world.home(county=county))
    await services.record_assessment(system, person.id, AssessmentIn(assessed_on=date(2024, 2, 1), **ALL_CAN))
    partial = {**ALL_CAN, "bathe": False, "walk": False, "dress": False}
    await services.record_assessment(system, person.id, AssessmentIn(assessed_on=date(2024, 8, 1), **partial))
    full = {**partial, "eat": False}
    saved = await services.record_assessment(system, person.id, AssessmentIn(assessed_on=date(2024, 8, 1), **full))
    assert saved.tier == "full_loss"
    assert (await services.state_on(system, person.id, date(2024, 1, 31))).tier == "unassessed"
    assert (await services.state_on(system, person.id, date(2024, 7, 31))).tier == "self_care"
    assert (await services.state_on(system, person.id, date(2024, 8, 1))).tier == "full_loss"
    assert (await services.get_resident(system, person.id)).tier == "full_loss"


async def test_a_condition_change_opens_a_task_due_in_ten_working_days_closed_by_an_assessment(world, register, system):
    county = await world.county()
    home = await world.home(county=county)
    person = await register(county, home)
    reported = date(2025, 11, 3)  # a Monday
    due = await services.report_condition_change(system, person.id, ConditionChangeIn(reported_on=reported, reported_by="护理员"))
    assert due == date(2025, 11, 17)
    overdue = await services.due_assessments(system, home_code=home, overdue_only=True)
    assert ("reassessment", person.id) in {(task.kind, task.resident_id) for task in overdue}
    await services.record_assessment(system, person.id, AssessmentIn(assessed_on=date(2025, 11, 10), **ALL_CAN))
    after = await services.due_assessments(system, home_code=home)
    assert ("reassessment", person.id) not in {(task.kind, task.resident_id) for task in after}


async def test_full_id_is_for_roles_that_need_it_and_every_view_is_audited(world, register, signed_in):
    county = await world.county()
    home = await world.home(county=county)
    person = await register(county, home)
    _client, director = await signed_in("director", home=home)
    with pytest.raises(Forbidden):
        await services.reveal_id_number(director.scope, person.id)
    _client, finance = await signed_in("finance", county=county)
    before = await AuditEntry.count().where(AuditEntry.action == "resident.view_id")
    number = await services.reveal_id_number(finance.scope, person.id)
    assert len(number) == 18 and "*" not in number
    assert await AuditEntry.count().where(AuditEntry.action == "resident.view_id") == before + 1


async def test_a_director_sees_only_people_placed_in_the_home(world, register, signed_in):
    county = await world.county()
    mine, other = await world.home(county=county), await world.home(county=county)
    ours = await register(county, mine)
    theirs = await register(county, other)
    _client, director = await signed_in("director", home=mine)
    assert (await services.get_resident(director.scope, ours.id)).id == ours.id
    with pytest.raises(NotFound):
        await services.get_resident(director.scope, theirs.id)
    page = await services.search_register(director.scope, services.RegisterFilter())
    assert {item.id for item in page.items} == {ours.id}
    with pytest.raises(NotFound):
        await services.record_assessment(director.scope, theirs.id, AssessmentIn(assessed_on=date(2025, 1, 1), **ALL_CAN))
