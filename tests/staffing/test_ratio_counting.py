"""Who counts on a day (domain-rules §3), through the real register and the set-based service:
hired today counts, left yesterday does not, whole-day leave removes the person, a resident
admitted today counts, one who died or was discharged yesterday does not."""

from __future__ import annotations

from datetime import datetime, timedelta

from backend.core import dates
from backend.deaths import services as deaths
from backend.deaths.schemas import DeathIn
from backend.registry import services as registry
from backend.residents import services as residents
from backend.residents.schemas import PlacementIn, ResidentIn
from backend.staffing import services
from backend.staffing.tables import StaffLeave, StaffMember
from tests.residents.helpers import new_id, register_person


async def _person(system, county, home, admitted_on):
    data = ResidentIn(
        id_number=new_id(),
        name="测试对象",
        county_code=county,
        approved_on=admitted_on - timedelta(days=30),
        home_code=home,
        admitted_on=admitted_on,
    )
    return await register_person(system, data)


async def _post(home_id, staff_no, hired_on, left_on=None, post="manager"):
    now = dates.now_utc()
    row = StaffMember(
        home=home_id,
        staff_no=staff_no,
        name=f"员工{staff_no}",
        post=post,
        hired_on=hired_on,
        left_on=left_on,
        created_at=now,
        updated_at=now,
    )
    await row.save()
    return row.id


async def test_counting_the_day_of_arrival_and_the_day_after_leaving(world, system):
    county = await world.county()
    home = await world.home(county)
    home_id = (await registry.find_home(system, home))["id"]
    today = dates.today()
    yesterday = today - timedelta(days=1)
    long_ago = today - timedelta(days=200)

    staying = await _person(system, county, home, long_ago)
    await _person(system, county, home, today)  # admitted today: counts today
    discharged = await _person(system, county, home, long_ago)
    await residents.record_placement(system, discharged.id, PlacementIn(kind="discharge", event_date=yesterday))
    died = await _person(system, county, home, long_ago)
    await deaths.report_death(
        system, died.id, DeathIn(died_at=datetime.combine(yesterday, datetime.min.time()).replace(hour=9), place="院内")
    )
    assert staying.id

    await _post(home_id, "A1", long_ago)
    await _post(home_id, "A2", today)  # hired today: counts today
    await _post(home_id, "A3", long_ago, left_on=today)  # left: not in post from left_on
    on_leave = await _post(home_id, "A4", long_ago, post="carer")
    await StaffLeave(
        staff=on_leave, first_day=today, last_day=today, approved_by="院长", recorded_at=dates.now_utc(), recorded_by="test"
    ).save()

    series = (await services.ratio_series_for([home_id], yesterday, today))[home_id]
    before, now = series
    assert (before.residents, now.residents) == (3, 2)  # yesterday the discharged and the dead still had their beds
    assert (before.staff, now.staff) == (3, 2)  # A1, A3, A4 yesterday; A1, A2 today
    assert (before.carers, now.carers) == (1, 0)
    assert now.required_staff == 1 and now.compliant


async def test_an_admission_that_would_break_the_ratio_is_warned_of(world, system):
    county = await world.county()
    home = await world.home(county)
    home_id = (await registry.find_home(system, home))["id"]
    today = dates.today()
    for _ in range(10):
        await _person(system, county, home, today - timedelta(days=100))
    await _post(home_id, "B1", today - timedelta(days=100))
    assert (await services.ratio_series_for([home_id], today, today))[home_id][0].compliant
    warning = await services.check_change(home_id, services.ADMISSION, services.ProjectedChange(on=today, admit=1))
    assert warning is not None and (warning.day.required_staff, warning.day.staff, warning.day.day) == (2, 1, today)
    assert "2" in warning.message and "1" in warning.message
    await _post(home_id, "B2", today - timedelta(days=100))
    assert await services.check_change(home_id, services.ADMISSION, services.ProjectedChange(on=today, admit=1)) is None


def test_overlapping_collector_pauses_restore_it_when_the_last_ends():
    import gc

    from backend.staffing.services._ratio import paused_collector

    assert gc.isenabled()
    first, second = paused_collector(), paused_collector()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first request ends while the second still reads
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()
