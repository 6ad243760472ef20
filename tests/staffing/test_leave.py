"""Leave (请销假) through the services: recording, 销假, cancelling, every refusal (field named,
nothing written), scope, the audit, and the warning before a leave breaks the staff ratio (the
confirmed breach recorded with the leave)."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

import pytest

from backend.core import dates
from backend.core.errors import Forbidden, Invalid, NotFound
from backend.core.security import Scope
from backend.core.tables import AuditEntry
from backend.registry import services as registry
from backend.residents.schemas import ResidentIn
from backend.staffing import services
from backend.staffing.roster_schemas import LeaveIn
from backend.staffing.tables import RatioBreach, StaffLeave
from tests.residents.helpers import new_id, register_person
from tests.staffing.roster_helpers import add_post, counts, home_id


async def scope_of(system, role: str, code: str) -> Scope:
    """A director of the home ``code``, or an inspector of its county."""
    row = await registry.find_home(system, code)
    return Scope(
        user_id=None,
        username=f"{role}-test",
        role=role,
        county_id=row["county_id"],
        home_id=row["id"] if role == "director" else None,
    )


@pytest.fixture
async def home(world, system):
    code = await world.home()
    return code, await home_id(system, code)


def leave(staff_id, first, last, **extra) -> LeaveIn:
    return LeaveIn(staff_id=staff_id, first_day=first, last_day=last, approved_by="院长王明", **extra)


async def _audits(action: str, key: str) -> list[dict]:
    return await AuditEntry.select().where(AuditEntry.action == action, AuditEntry.entity_key == key)


async def test_record_return_and_cancel_are_written_and_audited(home, system):
    code, hid = home
    staff = await add_post(hid, "李芳")
    today = dates.today()
    saved = await services.record_leave(system, code, leave(staff, today, today + timedelta(days=4), reason="探亲"))
    assert (saved.name, saved.approved_by, saved.recorded_by, saved.ends_on) == (
        "李芳",
        "院长王明",
        system.username,
        today + timedelta(days=4),
    )
    assert [item.id for item in await services.leave_on(system, code, today + timedelta(days=2))] == [saved.id]
    assert len(await _audits("leave.create", str(saved.id))) == 1

    returned = await services.return_from_leave(system, code, saved.id, today + timedelta(days=2))
    assert returned.ends_on == today + timedelta(days=1)  # came back on day 3: the leave ends the day before
    assert await services.leave_on(system, code, today + timedelta(days=2)) == []
    assert [item.id for item in await services.leave_on(system, code, today + timedelta(days=1))] == [saved.id]
    assert len(await _audits("leave.return", str(saved.id))) == 1

    cancelled = await services.cancel_leave(system, code, saved.id)
    assert cancelled.cancelled and await services.leave_on(system, code, today) == []
    assert len(await _audits("leave.cancel", str(saved.id))) == 1
    # a cancelled leave removes no one from the ratio's count either
    series = (await services.ratio_series_for([hid], today, today))[hid]
    assert series[0].staff == 1


async def test_refusals_name_the_field_and_write_nothing(home, world, system):
    code, hid = home
    today = dates.today()
    staff = await add_post(hid, "张强", hired_on=today - timedelta(days=10), left_on=today + timedelta(days=20))
    other_home = await home_id(system, await world.home())
    stranger = await add_post(other_home, "外人")
    await services.record_leave(system, code, leave(staff, today, today + timedelta(days=2)))
    before = await counts()

    cases = [
        (leave(staff, today + timedelta(days=5), today + timedelta(days=4)), "last_day"),
        (leave(staff, today, date(9999, 12, 31)), "last_day"),
        (leave(staff, today - timedelta(days=11), today - timedelta(days=9)), "first_day"),  # before the hire
        (leave(staff, today + timedelta(days=15), today + timedelta(days=20)), "last_day"),  # left_on is not in post
        (leave(staff, today + timedelta(days=2), today + timedelta(days=3)), "first_day"),  # overlaps the first
        (
            LeaveIn(staff_id=staff, first_day=today + timedelta(days=6), last_day=today + timedelta(days=6), approved_by="  "),
            "approved_by",
        ),
    ]
    for data, field in cases:
        with pytest.raises(Invalid) as refused:
            await services.record_leave(system, code, data)
        assert field in refused.value.errors, (data, refused.value.errors)
    with pytest.raises(NotFound):  # a post of another home
        await services.record_leave(system, code, leave(stranger, today, today))
    assert await counts() == before


async def test_return_bounds_and_double_actions(home, system):
    code, hid = home
    today = dates.today()
    staff = await add_post(hid, "赵敏")
    saved = await services.record_leave(system, code, leave(staff, today, today + timedelta(days=2)))
    for bad in (today - timedelta(days=1), today + timedelta(days=4)):
        with pytest.raises(Invalid) as refused:
            await services.return_from_leave(system, code, saved.id, bad)
        assert "returned_on" in refused.value.errors
    # the day after the last day is allowed (came back as planned), and the leave is then whole
    back = await services.return_from_leave(system, code, saved.id, today + timedelta(days=3))
    assert back.ends_on == today + timedelta(days=2)
    with pytest.raises(Invalid):
        await services.return_from_leave(system, code, saved.id, today + timedelta(days=1))
    await services.cancel_leave(system, code, saved.id)
    with pytest.raises(Invalid) as refused:
        await services.cancel_leave(system, code, saved.id)
    assert "leave" in refused.value.errors
    # after the cancel, the same days may be taken again
    again = await services.record_leave(system, code, leave(staff, today, today))
    assert again.id != saved.id


async def test_a_leave_of_another_home_is_not_found_and_readers_cannot_write(home, world, system):
    code, hid = home
    other = await world.home()
    staff = await add_post(hid, "钱多")
    saved = await services.record_leave(system, code, leave(staff, dates.today(), dates.today()))
    scope = await scope_of(system, "director", other)
    for call in (
        services.list_leave(scope, code),
        services.record_leave(scope, code, leave(staff, dates.today(), dates.today())),
        services.cancel_leave(scope, code, saved.id),
    ):
        with pytest.raises(NotFound):
            await call
    with pytest.raises(NotFound):  # the leave id through a home the director does direct
        await services.cancel_leave(scope, other, saved.id)
    inspector = await scope_of(system, "inspector", code)
    assert [item.id for item in await services.list_leave(inspector, code)] == [saved.id]  # a reader
    with pytest.raises(Forbidden):
        await services.cancel_leave(inspector, code, saved.id)
    assert not (await StaffLeave.select().where(StaffLeave.id == saved.id).first())["cancelled_at"]


async def test_a_leave_below_the_ratio_asks_for_confirmation_then_records_the_breach(world, system):
    county = await world.county()
    code = await world.home(county)
    hid = await home_id(system, code)
    today = dates.today()
    await register_person(
        system,
        ResidentIn(
            id_number=new_id(),
            name="对象甲",
            county_code=county,
            approved_on=today - timedelta(days=60),
            home_code=code,
            admitted_on=today - timedelta(days=30),
        ),
    )
    only = await add_post(hid, "唯一员工", post="manager")
    before = await counts()
    with pytest.raises(Invalid) as refused:
        await services.record_leave(system, code, leave(only, today + timedelta(days=1), today + timedelta(days=2)))
    message = refused.value.errors["confirm_breach"]
    assert "1" in message and "0" in message  # needs 1 staff, has 0
    assert await counts() == before and await RatioBreach.count().where(RatioBreach.home == hid) == 0

    saved = await services.record_leave(
        system, code, leave(only, today + timedelta(days=1), today + timedelta(days=2), confirm_breach=True)
    )
    assert saved.breach == message
    breaches = await RatioBreach.select().where(RatioBreach.home == hid)
    assert [(b["cause"], b["subject"], b["first_day"], b["staff"], b["required_staff"]) for b in breaches] == [
        ("leave", "S唯一员工 唯一员工", today + timedelta(days=1), 0, 1)
    ]
    assert breaches[0]["confirmed_by"] == system.username


async def test_two_leaves_at_once_cannot_both_pass_the_ratio_check(world, system):
    """Two leaves of one home recorded at the same time: the ratio check runs inside the write
    transaction (the home's row locked on PostgreSQL), so the second sees the first and is asked
    to confirm the breach instead of both being told "compliant"."""
    county = await world.county()
    code = await world.home(county)
    hid = await home_id(system, code)
    today = dates.today()
    await register_person(
        system,
        ResidentIn(
            id_number=new_id(),
            name="对象乙",
            county_code=county,
            approved_on=today - timedelta(days=60),
            home_code=code,
            admitted_on=today - timedelta(days=30),
        ),
    )
    first = await add_post(hid, "员工一", post="manager")
    second = await add_post(hid, "员工二", post="manager")
    day = today + timedelta(days=3)
    results = await asyncio.gather(
        services.record_leave(system, code, leave(first, day, day)),
        services.record_leave(system, code, leave(second, day, day)),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, Invalid)]
    saved = [r for r in results if not isinstance(r, BaseException)]
    assert len(saved) == 1 and len(refused) == 1, results
    assert set(refused[0].errors) == {"confirm_breach"}
    assert await StaffLeave.count().where(StaffLeave.staff.is_in([first, second])) == 1
    assert await RatioBreach.count().where(RatioBreach.home == hid) == 0


async def test_the_overlap_refusal_and_the_audit_name_the_person_in_words(home, system):
    code, hid = home
    staff = await add_post(hid, "王强", staff_no="A07")
    day = dates.today() + timedelta(days=5)
    saved = await services.record_leave(system, code, leave(staff, day, day))
    with pytest.raises(Invalid) as refused:
        await services.record_leave(system, code, leave(staff, day, day))
    assert (
        refused.value.errors["first_day"]
        == f"此人已于 {day.year}年{day.month}月{day.day}日 至 {day.year}年{day.month}月{day.day}日 请假。"
    )
    (entry,) = await _audits("leave.create", str(saved.id))
    assert json.loads(entry["after"])["staff"] == "A07 王强"
