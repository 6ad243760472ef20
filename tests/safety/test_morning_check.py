"""The morning check (晨检, issue 12 point 3): every kitchen worker on duty (from the roster, else
the cooks in post) checked; a fit mark for an expired health certificate refused naming the
person; off duty needs a symptom; staff of another home refused; nothing stored when refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend.core import dates
from backend.core.errors import Invalid
from backend.safety import services
from backend.safety.tables import MorningCheck, SafetyEntry
from tests.safety.food_helpers import add_cook, earlier_today, future_day, roster
from tests.safety.helpers import director_scope, entry_in, home_row


async def _counts(home_id: int) -> tuple[int, int]:
    entries = await SafetyEntry.select(SafetyEntry.id).where(SafetyEntry.home == home_id)
    checks = await MorningCheck.count().where(MorningCheck.entry.is_in([row["id"] for row in entries] or [0]))
    return len(entries), checks


async def _record(code: str, home: dict, checks: list[dict]):
    data = await entry_in(code, "morning_check", performed_at=earlier_today(0.25), details={"checks": checks})
    return await services.record_entry(director_scope(home), code, data)


async def test_fit_and_unfit_workers_are_stored(world):
    code = await world.home()
    home = await home_row(code)
    li, zhao = await add_cook(home["id"], "李厨", future_day()), await add_cook(home["id"], "赵厨", future_day())
    entry, created = await _record(
        code, home, [{"staff_id": li, "fit": True}, {"staff_id": zhao, "fit": False, "symptom": "fever", "note": "38.2℃"}]
    )
    assert created
    rows = await MorningCheck.select().where(MorningCheck.entry == entry.id).order_by(MorningCheck.staff)
    assert [(row["staff"], row["fit"], row["symptom"], row["note"]) for row in rows] == [
        (li, True, "", ""),
        (zhao, False, "fever", "38.2℃"),
    ]


@pytest.mark.parametrize("cert", [None, "expired"])
async def test_a_fit_mark_for_an_expired_certificate_is_refused_naming_the_person(world, cert):
    code = await world.home()
    home = await home_row(code)
    expires = dates.today() - timedelta(days=1) if cert else None
    wang = await add_cook(home["id"], "王厨", expires, staff_no="K007")
    with pytest.raises(Invalid) as refused:
        await _record(code, home, [{"staff_id": wang, "fit": True}])
    assert "K007 王厨" in refused.value.errors["details.checks[0].fit"]
    assert await _counts(home["id"]) == (0, 0)
    # sent off duty, the same worker is fine
    await _record(code, home, [{"staff_id": wang, "fit": False, "symptom": "other"}])
    assert await _counts(home["id"]) == (1, 1)


async def test_a_certificate_valid_through_today_may_be_fit(world):
    code = await world.home()
    home = await home_row(code)
    cook = await add_cook(home["id"], "周厨", dates.today())
    _entry, created = await _record(code, home, [{"staff_id": cook, "fit": True}])
    assert created


async def test_unfit_without_a_symptom_is_refused(world):
    code = await world.home()
    home = await home_row(code)
    cook = await add_cook(home["id"], "钱厨", future_day())
    for symptom in (None, "", "headache"):
        check = {"staff_id": cook, "fit": False} | ({"symptom": symptom} if symptom is not None else {})
        with pytest.raises(Invalid) as refused:
            await _record(code, home, [check])
        assert "details.checks[0].symptom" in refused.value.errors
    assert await _counts(home["id"]) == (0, 0)


async def test_staff_of_another_home_or_not_kitchen_staff_are_refused(world):
    code, other = await world.home(), await world.home()
    home, other_home = await home_row(code), await home_row(other)
    mine = await add_cook(home["id"], "孙厨", future_day())
    theirs = await add_cook(other_home["id"], "别院厨", future_day())
    carer = await add_cook(home["id"], "护理员", future_day(), post="carer")
    for stranger in (theirs, carer, 999_999):
        with pytest.raises(Invalid) as refused:
            await _record(code, home, [{"staff_id": mine, "fit": True}, {"staff_id": stranger, "fit": True}])
        assert set(refused.value.errors) == {"details.checks[1].staff_id"}
    assert await _counts(home["id"]) == (0, 0)


async def test_every_worker_on_duty_must_be_checked(world):
    code = await world.home()
    home = await home_row(code)
    first = await add_cook(home["id"], "吴厨", future_day())
    await add_cook(home["id"], "郑厨", future_day(), staff_no="K002")
    with pytest.raises(Invalid) as refused:
        await _record(code, home, [{"staff_id": first, "fit": True}])
    assert "K002 郑厨" in refused.value.errors["details.checks"]
    assert await _counts(home["id"]) == (0, 0)


async def test_the_roster_decides_who_is_on_duty(world):
    code = await world.home()
    home = await home_row(code)
    on_duty = await add_cook(home["id"], "冯厨", future_day())
    await add_cook(home["id"], "陈厨", future_day())  # in post but not on today's roster
    await roster(home["id"], dates.today(), [on_duty])
    _entry, created = await _record(code, home, [{"staff_id": on_duty, "fit": True}])
    assert created


async def test_the_entry_page_shows_who_was_checked_and_why_one_was_sent_off_duty(world, signed_in):
    code = await world.home()
    home = await home_row(code)
    li = await add_cook(home["id"], "李厨", future_day())
    wang = await add_cook(home["id"], "王厨", dates.today() - timedelta(days=2))
    entry, _ = await _record(code, home, [{"staff_id": li, "fit": True}, {"staff_id": wang, "fit": False}])
    results = (await services.morning_results([entry.id]))[entry.id]
    assert [(r["name"], r["fit"], r["symptom"]) for r in results] == [("李厨", True, ""), ("王厨", False, "health_certificate")]
    client, _user = await signed_in("director", home=code)
    page = await client.get(f"/homes/{code}/safety/entries/{entry.id}")
    section = page.text[page.text.index('id="morning-checks"') :]
    assert "李厨" in section and "合格上岗" in section and "王厨" in section and "健康证过期或未登记" in section
