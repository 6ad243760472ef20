"""The kitchen staff on duty (for the safety domain's morning check): the roster's cooks on the
day's shifts, or, when no roster is saved for that day, the cooks in post and not on leave."""

from __future__ import annotations

from datetime import date, timedelta

from backend.core import dates
from backend.staffing import services
from tests.safety.food_helpers import add_cook, leave, roster
from tests.staffing.roster_helpers import home_id


async def test_the_roster_gives_the_cooks_on_duty(world, system):
    home = await home_id(system, await world.home())
    day = dates.today()
    cook, other_cook = await add_cook(home, "甲厨", day), await add_cook(home, "乙厨", None)
    carer = await add_cook(home, "丙护", day, post="carer")
    await roster(home, day, [cook, carer])
    await roster(home, day, [cook], shift="night")
    people = await services.kitchen_staff_on_duty(home, day)
    assert [(p["id"], p["name"], p["health_cert_expires"], p["on_leave"], p["rostered"]) for p in people] == [
        (cook, "甲厨", day, False, True)
    ]
    assert other_cook not in {p["id"] for p in people}
    # a rostered cook on leave is listed as on leave
    await leave(cook, day, day)
    assert [(p["id"], p["on_leave"]) for p in await services.kitchen_staff_on_duty(home, day)] == [(cook, True)]


async def test_without_a_roster_the_cooks_in_post_and_not_on_leave(world, system):
    home = await home_id(system, await world.home())
    day = dates.today()
    first, second = await add_cook(home, "丁厨", None), await add_cook(home, "戊厨", day)
    away = await add_cook(home, "己厨", day)
    await add_cook(home, "庚护", day, post="carer")
    await leave(away, day - timedelta(days=1), day + timedelta(days=1))
    await roster(home, day + timedelta(days=1), [first])  # another day's roster does not count
    people = await services.kitchen_staff_on_duty(home, day)
    assert sorted(p["id"] for p in people) == sorted([first, second])
    assert not any(p["rostered"] or p["on_leave"] for p in people)


async def test_a_cook_not_yet_hired_or_gone_is_not_on_duty(world, system):
    from backend.staffing.tables import StaffMember

    home = await home_id(system, await world.home())
    gone = await add_cook(home, "辛厨", None)
    await StaffMember.update({StaffMember.left_on: date(2021, 1, 1)}).where(StaffMember.id == gone)
    assert await services.kitchen_staff_on_duty(home, dates.today()) == []
