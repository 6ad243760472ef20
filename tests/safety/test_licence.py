"""The canteen licence (食品经营许可证, issue 12 point 3): the latest recorded is in force; expired
is one major hazard per home (idempotent, from the record and from the scheduler's daily job)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend.core import dates
from backend.core.errors import Invalid, NotFound
from backend.core.ledger import recent_audit
from backend.safety import services
from backend.safety.tables import CanteenLicence, SafetyHazard
from scheduler import jobs
from tests.safety.helpers import director_scope, home_row


async def _licence_hazards(home_id: int) -> list[dict]:
    return await SafetyHazard.select().where((SafetyHazard.home == home_id) & (SafetyHazard.source == "licence"))


async def test_a_licence_in_force_is_not_a_hazard(world):
    code = await world.home()
    home = await home_row(code)
    scope = director_scope(home)
    status = await services.licence_status(scope, code)
    assert status.current is None and status.has_canteen
    out = await services.record_licence(scope, code, services.LicenceIn(number="JY16201000001", expires_on=dates.today()))
    assert not out.expired
    assert await services.open_licence_hazards() == []
    assert await _licence_hazards(home["id"]) == []
    assert any(row["action"] == "safety.licence" for row in await recent_audit(10))


async def test_an_expired_licence_opens_one_major_hazard(world):
    code = await world.home()
    home = await home_row(code)
    scope = director_scope(home)
    yesterday = dates.today() - timedelta(days=1)
    out = await services.record_licence(scope, code, services.LicenceIn(number="JY1620", expires_on=yesterday))
    assert out.expired
    hazards = await _licence_hazards(home["id"])
    assert len(hazards) == 1
    hazard = hazards[0]
    assert hazard["major"] and hazard["title"] == "食品经营许可证已过期" and hazard["status"] == "open"
    assert hazard["deadline"] == dates.today() + timedelta(days=1)
    # idempotent: the daily job and a second record open no other
    assert hazard["id"] not in await services.open_licence_hazards()
    await services.record_licence(scope, code, services.LicenceIn(number="JY1620", expires_on=yesterday))
    assert len(await _licence_hazards(home["id"])) == 1
    assert (await services.licence_status(scope, code)).hazard_id == hazard["id"]


async def test_the_daily_job_opens_the_hazard_when_a_licence_expires(world):
    code = await world.home()
    home = await home_row(code)
    scope = director_scope(home)
    await services.record_licence(scope, code, services.LicenceIn(number="JY0001", expires_on=dates.today()))
    assert await _licence_hazards(home["id"]) == []
    tomorrow = dates.today() + timedelta(days=1)
    opened = await jobs.open_licence_hazards(today=tomorrow)
    hazards = await _licence_hazards(home["id"])
    assert len(hazards) == 1 and hazards[0]["id"] in opened and hazards[0]["major"]
    assert hazards[0]["deadline"] == tomorrow + timedelta(days=1)
    again = await jobs.open_licence_hazards(today=tomorrow)
    assert hazards[0]["id"] not in again and len(await _licence_hazards(home["id"])) == 1


async def test_a_renewed_licence_is_in_force(world):
    code = await world.home()
    home = await home_row(code)
    scope = director_scope(home)
    await services.record_licence(scope, code, services.LicenceIn(number="OLD", expires_on=dates.today() - timedelta(days=400)))
    await services.record_licence(scope, code, services.LicenceIn(number="NEW", expires_on=dates.today() + timedelta(days=400)))
    status = await services.licence_status(scope, code)
    assert status.current.number == "NEW" and not status.current.expired and [h.number for h in status.history] == ["OLD"]
    before = len(await _licence_hazards(home["id"]))
    await services.open_licence_hazards()
    assert len(await _licence_hazards(home["id"])) == before  # the renewed licence is in force


async def test_a_blank_number_is_refused_and_nothing_stored(world):
    code = await world.home()
    home = await home_row(code)
    with pytest.raises(Invalid) as refused:
        await services.record_licence(director_scope(home), code, services.LicenceIn(number="  ", expires_on=dates.today()))
    assert "number" in refused.value.errors
    assert await CanteenLicence.count().where(CanteenLicence.home == home["id"]) == 0


async def test_another_homes_director_is_refused(world):
    code, other = await world.home(), await world.home()
    other_home = await home_row(other)
    with pytest.raises(NotFound):
        await services.record_licence(director_scope(other_home), code, services.LicenceIn(number="X1", expires_on=dates.today()))


async def test_the_record_and_the_daily_job_at_once_open_one_hazard(world):
    import asyncio

    code = await world.home()
    home = await home_row(code)
    yesterday = dates.today() - timedelta(days=1)
    await CanteenLicence.insert(
        CanteenLicence(home=home["id"], number="JY-RACE", expires_on=yesterday, recorded_at=dates.now_utc(), recorded_by="test")
    )
    await asyncio.gather(services.open_licence_hazards(), services.open_licence_hazards(), jobs.open_licence_hazards())
    assert len(await _licence_hazards(home["id"])) == 1


async def test_a_home_without_a_canteen_gets_no_licence_hazard(world):
    code = await world.home()
    home = await home_row(code)
    scope = director_scope(home)
    await services.save_settings(scope, code, "06:00-09:00", "11:00-13:30", "17:00-19:30", "22,0,2,4", False)
    yesterday = dates.today() - timedelta(days=1)
    await services.record_licence(scope, code, services.LicenceIn(number="JY1620", expires_on=yesterday))
    await services.open_licence_hazards()
    assert await _licence_hazards(home["id"]) == []
    # the canteen opens again: the expired licence is a major hazard
    await services.save_settings(scope, code, "06:00-09:00", "11:00-13:30", "17:00-19:30", "22,0,2,4", True)
    await services.open_licence_hazards()
    assert len(await _licence_hazards(home["id"])) == 1


async def test_the_licence_in_force_sent_again_is_not_a_second_record(world):
    import asyncio

    code = await world.home()
    home = await home_row(code)
    scope = director_scope(home)
    data = services.LicenceIn(number="JY16201", expires_on=dates.today() + timedelta(days=100))
    await asyncio.gather(*(services.record_licence(scope, code, data) for _ in range(3)))
    await services.record_licence(scope, code, data)
    assert await CanteenLicence.count().where(CanteenLicence.home == home["id"]) == 1
    renewed = services.LicenceIn(number="JY16201", expires_on=dates.today() + timedelta(days=465))
    await services.record_licence(scope, code, renewed)
    assert await CanteenLicence.count().where(CanteenLicence.home == home["id"]) == 2
