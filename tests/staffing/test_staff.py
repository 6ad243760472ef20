"""The staff register's services (issue 11 point 1): add, edit, end a post; the refusals name the
field and write nothing (the tables are compared before and after); scope; audit; the departure
warning and the confirmed breach (point 5)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from backend.core import dates
from backend.core.errors import Forbidden, Invalid, NotFound
from backend.core.security import Scope
from backend.core.tables import AuditEntry
from backend.registry import services as registry
from backend.residents.schemas import ResidentIn
from backend.staffing import services
from backend.staffing.schemas import StaffIn, StaffPatch
from backend.staffing.tables import RatioBreach, StaffMember, TrainingRecord
from tests.residents.helpers import new_id, register_person

LONG_AGO = date(2024, 1, 2)


def director_of(home: dict) -> Scope:
    return Scope(user_id=None, username="director-test", role="director", county_id=home["county_id"], home_id=home["id"])


def inspector_of(county_id: int) -> Scope:
    return Scope(user_id=None, username="inspector-test", role="inspector", county_id=county_id)


def post(staff_no: str = "A001", **fields) -> StaffIn:
    return StaffIn(**{"staff_no": staff_no, "name": "李桂兰", "post": "carer", "hired_on": LONG_AGO, **fields})


async def state() -> tuple:
    staff = await StaffMember.select().order_by(StaffMember.id)
    training = await TrainingRecord.select().order_by(TrainingRecord.id)
    breaches = await RatioBreach.select().order_by(RatioBreach.id)
    return staff, training, breaches


async def audit_actions(key: str) -> list[str]:
    rows = await AuditEntry.select(AuditEntry.action).where(AuditEntry.entity_key == key).order_by(AuditEntry.id)
    return [row["action"] for row in rows]


@pytest.fixture
async def homes(world, system):
    county = await world.county()
    a, b = await world.home(county, name="甲敬老院"), await world.home(county, name="乙敬老院")
    other_county = await world.county()
    c = await world.home(other_county, name="外县敬老院")
    return {name: await registry.find_home(system, code) for name, code in (("a", a), ("b", b), ("c", c))}


async def test_add_edit_and_list_a_post(homes, system):
    a = homes["a"]
    scope = director_of(a)
    number = new_id("F")
    created = await services.create_staff(scope, a["code"], post(id_number=number, carer_cert="junior", employment="contract"))
    assert created.staff_no == "A001" and created.current and created.untrained_carer and not created.trained_carer
    assert created.id_number_masked == number[:6] + "********" + number[-4:]
    await services.create_staff(
        scope, a["code"], post("B002", name="王师傅", post="cook", health_cert_expires=dates.today() + timedelta(days=10))
    )
    await services.create_staff(
        scope, a["code"], post("C003", name="赵会计", post="manager", left_on=date(2024, 6, 1), left_reason="辞职")
    )
    changed = await services.update_staff(scope, a["code"], "A001", StaffPatch(name="李桂芳", fire_operator_cert=True))
    assert changed.name == "李桂芳" and changed.fire_operator_cert and changed.id_number_masked.endswith(number[-4:])
    listed = await services.list_staff(scope, a["code"])
    assert [p.staff_no for p in listed] == ["A001", "B002", "C003"]
    assert [p.current for p in listed] == [True, True, False]
    assert listed[1].health_cert_state == "expiring"
    assert [p.staff_no for p in await services.list_staff(scope, a["code"], include_former=False)] == ["A001", "B002"]
    assert await audit_actions(f"{a['code']}/A001") == ["staff.create", "staff.update"]


async def test_a_kitchen_worker_without_a_health_certificate_date_is_refused(homes):
    a = homes["a"]
    before = await state()
    with pytest.raises(Invalid) as refused:
        await services.create_staff(director_of(a), a["code"], post(post="cook"))
    assert set(refused.value.errors) == {"health_cert_expires"}
    assert "健康证" in refused.value.errors["health_cert_expires"] or "health" in refused.value.errors["health_cert_expires"]
    assert await state() == before
    # an edit that moves a post to the kitchen is refused the same way
    await services.create_staff(director_of(a), a["code"], post())
    before = await state()
    with pytest.raises(Invalid) as refused:
        await services.update_staff(director_of(a), a["code"], "A001", StaffPatch(post="cook"))
    assert set(refused.value.errors) == {"health_cert_expires"}
    assert await state() == before


async def test_one_id_in_two_homes_only_with_dates_that_do_not_overlap(homes):
    a, b, c = homes["a"], homes["b"], homes["c"]
    number = new_id("M")
    await services.create_staff(director_of(a), a["code"], post(id_number=number, left_on=date(2025, 1, 1), left_reason="调动"))
    before = await state()
    # the inspector of the county sees both homes: the message names home A and its dates
    with pytest.raises(Invalid) as refused:
        await services.create_staff(
            inspector_of(b["county_id"]), b["code"], post("X9", id_number=number, hired_on=date(2024, 12, 1))
        )
    assert set(refused.value.errors) == {"id_number"}
    assert "甲敬老院" in refused.value.errors["id_number"] and "2024" in refused.value.errors["id_number"]
    # the director of home C (another county) is told "another home", nothing more
    with pytest.raises(Invalid) as refused:
        await services.create_staff(director_of(c), c["code"], post("X9", id_number=number, hired_on=date(2024, 12, 31)))
    message = refused.value.errors["id_number"]
    assert "甲敬老院" not in message and a["code"] not in message and "2024" not in message
    assert await state() == before
    # the day the first post ends, the second may begin
    moved = await services.create_staff(director_of(c), c["code"], post("X9", id_number=number, hired_on=date(2025, 1, 1)))
    assert moved.current
    # an edit that stretches the first post into the second is refused too
    before = await state()
    with pytest.raises(Invalid) as refused:
        await services.update_staff(director_of(a), a["code"], "A001", StaffPatch(left_on=date(2025, 2, 1)))
    assert set(refused.value.errors) == {"id_number"} and "甲" not in refused.value.errors["id_number"]
    assert await state() == before


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"staff_no": "A 1"}, "staff_no"),
        ({"staff_no": "new"}, "staff_no"),
        ({"name": " "}, "name"),
        ({"post": "driver"}, "post"),
        ({"employment": "volunteer"}, "employment"),
        ({"carer_cert": "master"}, "carer_cert"),
        ({"id_number": "620102199001011234"}, "id_number"),
        ({"hired_on": date(2099, 1, 1)}, "hired_on"),
        ({"left_on": date(2023, 1, 1)}, "left_on"),
    ],
)
async def test_bad_posts_are_refused_naming_the_field(homes, fields, field):
    a = homes["a"]
    before = await state()
    data = {"staff_no": "A001", "name": "李桂兰", "post": "carer", "hired_on": LONG_AGO, **fields}
    with pytest.raises(Invalid) as refused:
        await services.create_staff(director_of(a), a["code"], StaffIn(**data))
    assert field in refused.value.errors
    assert await state() == before


async def test_hired_on_may_be_up_to_ninety_days_ahead(homes):
    a = homes["a"]
    ahead = await services.create_staff(director_of(a), a["code"], post(hired_on=dates.today() + timedelta(days=90)))
    assert ahead.current  # not yet in post, but not a former post either
    with pytest.raises(Invalid):
        await services.create_staff(director_of(a), a["code"], post("A2", hired_on=dates.today() + timedelta(days=91)))


async def test_a_staff_number_is_unique_per_home(homes):
    a, b = homes["a"], homes["b"]
    await services.create_staff(director_of(a), a["code"], post())
    before = await state()
    with pytest.raises(Invalid) as refused:
        await services.create_staff(director_of(a), a["code"], post(name="另一人"))
    assert set(refused.value.errors) == {"staff_no"}
    assert await state() == before
    await services.create_staff(director_of(b), b["code"], post())  # another home may use it


async def test_out_of_scope_is_not_found_and_finance_may_not_write(homes, system):
    a, b = homes["a"], homes["b"]
    await services.create_staff(system, b["code"], post())
    before = await state()
    with pytest.raises(NotFound):
        await services.create_staff(director_of(a), b["code"], post("Z1"))
    with pytest.raises(NotFound):
        await services.update_staff(director_of(a), b["code"], "A001", StaffPatch(name="改"))
    with pytest.raises(NotFound):
        await services.end_staff(director_of(a), b["code"], "A001", dates.today(), "辞职")
    with pytest.raises(NotFound):
        await services.get_staff(director_of(a), b["code"], "A001")
    with pytest.raises(NotFound):
        await services.list_staff(director_of(a), b["code"])
    with pytest.raises(NotFound):
        await services.create_staff(inspector_of(homes["c"]["county_id"]), a["code"], post("Z1"))
    finance = Scope(user_id=None, username="f", role="finance", county_id=a["county_id"])
    with pytest.raises(Forbidden):
        await services.create_staff(finance, a["code"], post("Z1"))
    assert len(await services.list_staff(finance, b["code"])) == 1  # finance may read its county
    assert await state() == before


async def test_ending_a_post_needs_a_reason_and_is_audited(homes):
    a = homes["a"]
    scope = director_of(a)
    await services.create_staff(scope, a["code"], post())
    await services.create_staff(scope, a["code"], post("A2"))
    before = await state()
    with pytest.raises(Invalid) as refused:
        await services.end_staff(scope, a["code"], "A001", dates.today(), " ")
    assert set(refused.value.errors) == {"left_reason"}
    with pytest.raises(Invalid) as refused:
        await services.end_staff(scope, a["code"], "A001", date(2023, 1, 1), "辞职")
    assert set(refused.value.errors) == {"left_on"}
    assert await state() == before
    ended = await services.end_staff(scope, a["code"], "A001", dates.today(), "辞职")
    assert not ended.current and ended.left_reason == "辞职"
    assert await audit_actions(f"{a['code']}/A001") == ["staff.create", "staff.end"]
    with pytest.raises(Invalid) as refused:
        await services.end_staff(scope, a["code"], "A001", dates.today(), "再次")
    assert set(refused.value.errors) == {"left_on"}
    # a PATCH setting left_on ends the post as well
    await services.update_staff(scope, a["code"], "A2", StaffPatch(left_on=dates.today(), left_reason="退休"))
    assert await audit_actions(f"{a['code']}/A2") == ["staff.create", "staff.end"]


async def _residents(system, home: dict, county_code: str, count: int) -> None:
    for _ in range(count):
        await register_person(
            system,
            ResidentIn(
                id_number=new_id(),
                name="测试对象",
                county_code=county_code,
                approved_on=date(2024, 1, 1),
                home_code=home["code"],
                admitted_on=date(2024, 1, 5),
            ),
        )


async def test_a_departure_that_breaks_the_ratio_is_warned_and_the_confirmed_breach_recorded(homes, system):
    a = homes["a"]
    scope = director_of(a)
    await _residents(system, a, a["county_code"], 11)  # 11 residents need 2 staff
    await services.create_staff(scope, a["code"], post())
    await services.create_staff(scope, a["code"], post("A2", name="张护理"))
    left_on = dates.today() + timedelta(days=3)
    before = await state()
    with pytest.raises(Invalid) as refused:
        await services.end_staff(scope, a["code"], "A2", left_on, "辞职")
    assert set(refused.value.errors) == {"confirm_breach"}
    message = refused.value.errors["confirm_breach"]
    assert "2" in message and "1" in message
    assert await state() == before  # nothing written, no breach recorded
    with pytest.raises(Invalid):  # the same through a PATCH
        await services.update_staff(scope, a["code"], "A2", StaffPatch(left_on=left_on, left_reason="辞职"))
    assert await state() == before
    ended = await services.end_staff(scope, a["code"], "A2", left_on, "辞职", confirm_breach=True)
    assert ended.left_on == left_on
    breaches = await RatioBreach.select().where(RatioBreach.home == a["id"])
    assert len(breaches) == 1
    breach = breaches[0]
    assert (breach["cause"], breach["first_day"], breach["staff"], breach["required_staff"]) == ("departure", left_on, 1, 2)
    assert breach["confirmed_by"] == "director-test" and "A2" in breach["subject"]
    actions = [row["action"] for row in await AuditEntry.select(AuditEntry.action).order_by(AuditEntry.id)]
    assert actions[-2:] == ["staff.end", "staffing.breach_confirmed"]


async def test_a_departure_that_keeps_the_ratio_asks_nothing(homes, system):
    a = homes["a"]
    scope = director_of(a)
    await _residents(system, a, a["county_code"], 5)
    await services.create_staff(scope, a["code"], post())
    await services.create_staff(scope, a["code"], post("A2"))
    await services.end_staff(scope, a["code"], "A2", dates.today(), "辞职")
    assert await RatioBreach.count().where(RatioBreach.home == a["id"]) == 0


async def test_the_audit_record_of_an_edit_keeps_only_what_changed(homes):
    import json

    a = homes["a"]
    scope = director_of(a)
    await services.create_staff(scope, a["code"], post("E001", name="钱桂兰"))
    await services.update_staff(scope, a["code"], "E001", StaffPatch(name="钱桂芳"))
    key = f"{a['code']}/E001"
    row = await AuditEntry.select().where((AuditEntry.entity_key == key) & (AuditEntry.action == "staff.update")).first()
    before, after = (json.loads(value) if isinstance(value, str) else value for value in (row["before"], row["after"]))
    assert (before, after) == ({"name": "钱桂兰"}, {"name": "钱桂芳"})
