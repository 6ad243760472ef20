"""Training records (issue 11 point 2): hours in tenths, the natural key (post, topic, date),
refusals naming the field with nothing written, scope, audit, and the untrained-carer mark."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from backend.core import dates
from backend.core.errors import Invalid, NotFound
from backend.core.tables import AuditEntry
from backend.registry import services as registry
from backend.staffing import services
from backend.staffing.schemas import StaffIn, TrainingIn
from backend.staffing.tables import TrainingRecord
from tests.staffing.test_staff import director_of


@pytest.fixture
async def posts(world, system):
    county = await world.county()
    mine, theirs = await world.home(county), await world.home(county)
    for code in (mine, theirs):
        await services.create_staff(
            system, code, StaffIn(staff_no="A001", name="李桂兰", post="carer", hired_on=date(2024, 1, 2))
        )
    return await registry.find_home(system, mine), await registry.find_home(system, theirs)


async def _records(home: dict) -> list:
    return await TrainingRecord.select().where(TrainingRecord.staff.home == home["id"]).order_by(TrainingRecord.id)


async def test_recording_training_makes_a_carer_trained(posts):
    mine, _theirs = posts
    scope = director_of(mine)
    assert (await services.get_staff(scope, mine["code"], "A001")).untrained_carer
    fire = await services.record_training(
        scope, mine["code"], "A001", TrainingIn(topic="fire", trained_on=date(2024, 3, 1), hours=2)
    )
    assert (fire.hours, fire.hours_tenths) == ("2.0", 20)
    assert (await services.get_staff(scope, mine["code"], "A001")).untrained_carer  # fire training is not care training
    care = await services.record_training(
        scope, mine["code"], "A001", TrainingIn(topic="care", trained_on=date(2024, 3, 2), hours=0.5, provider=" 县民政局 ")
    )
    assert (care.hours_tenths, care.provider, care.created_by) == (5, "县民政局", "director-test")
    staff = await services.get_staff(scope, mine["code"], "A001")
    assert staff.trained_carer and not staff.untrained_carer
    assert [t.topic for t in await services.list_training(scope, mine["code"], "A001")] == ["care", "fire"]
    actions = await AuditEntry.select(AuditEntry.entity_key).where(AuditEntry.action == "training.create")
    assert f"{mine['code']}/A001/care/2024-03-02" in {row["entity_key"] for row in actions}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"topic": "singing"}, "topic"),
        ({"hours": 1.25}, "hours"),
        ({"hours": 2000}, "hours"),
        ({"trained_on": dates.today() + timedelta(days=1)}, "trained_on"),
    ],
)
async def test_bad_training_is_refused_naming_the_field(posts, fields, field):
    mine, _theirs = posts
    before = await _records(mine)
    data = {"topic": "care", "trained_on": date(2024, 3, 1), "hours": 2.0, **fields}
    with pytest.raises(Invalid) as refused:
        await services.record_training(director_of(mine), mine["code"], "A001", TrainingIn(**data))
    assert set(refused.value.errors) == {field}
    assert await _records(mine) == before


async def test_the_same_topic_on_the_same_day_is_refused(posts):
    mine, _theirs = posts
    scope = director_of(mine)
    await services.record_training(scope, mine["code"], "A001", TrainingIn(topic="care", trained_on=date(2024, 3, 1), hours=2))
    before = await _records(mine)
    with pytest.raises(Invalid) as refused:
        await services.record_training(
            scope, mine["code"], "A001", TrainingIn(topic="care", trained_on=date(2024, 3, 1), hours=3)
        )
    assert set(refused.value.errors) == {"trained_on"}
    assert await _records(mine) == before


async def test_another_homes_post_is_not_found(posts):
    mine, theirs = posts
    before = await _records(theirs)
    with pytest.raises(NotFound):
        await services.record_training(
            director_of(mine), theirs["code"], "A001", TrainingIn(topic="care", trained_on=date(2024, 3, 1), hours=2)
        )
    with pytest.raises(NotFound):
        await services.list_training(director_of(mine), theirs["code"], "A001")
    with pytest.raises(NotFound):
        await services.record_training(
            director_of(mine), mine["code"], "NOBODY", TrainingIn(topic="care", trained_on=date(2024, 3, 1), hours=2)
        )
    assert await _records(theirs) == before
