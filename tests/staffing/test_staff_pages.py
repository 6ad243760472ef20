"""The staff register's pages through the real app (session, CSRF): the list with its marks, the
add form (a kitchen worker without a health certificate comes back with the field named and
nothing written), the post's page with its forms, ending a post with the confirmation step when
the ratio would break, recording a training, and 404 for the director of another home."""

from __future__ import annotations

from datetime import date, timedelta

from backend.core import citizen_id, dates
from backend.registry import services as registry
from backend.residents.schemas import ResidentIn
from backend.staffing import services
from backend.staffing.schemas import StaffIn, TrainingIn
from backend.staffing.tables import RatioBreach, StaffMember
from tests.conftest import post_form
from tests.residents.helpers import new_id, register_person

NEW = {"staff_no": "A001", "name": "李桂兰", "post": "carer", "employment": "contract", "hired_on": "2024-01-02"}


async def _setting(world, system, signed_in):
    county = await world.county()
    home = await world.home(county, name="甲敬老院")
    client, _user = await signed_in("director", home=home)
    return county, home, client


async def test_the_list_marks_certificates_and_untrained_carers(world, system, signed_in):
    _county, home, client = await _setting(world, system, signed_in)
    number = new_id("F")
    await services.create_staff(
        system, home, StaffIn(staff_no="A001", name="李桂兰", post="carer", hired_on=date(2024, 1, 2), id_number=number)
    )
    await services.create_staff(system, home, StaffIn(staff_no="A002", name="周护理", post="carer", hired_on=date(2024, 1, 2)))
    await services.record_training(system, home, "A002", TrainingIn(topic="care", trained_on=date(2024, 2, 1), hours=8))
    soon = dates.today() + timedelta(days=7)
    await services.create_staff(
        system, home, StaffIn(staff_no="K1", name="王师傅", post="cook", hired_on=date(2024, 1, 2), health_cert_expires=soon)
    )
    await services.create_staff(
        system,
        home,
        StaffIn(staff_no="K2", name="赵师傅", post="cook", hired_on=date(2024, 1, 2), health_cert_expires=date(2024, 6, 1)),
    )
    await services.create_staff(
        system,
        home,
        StaffIn(
            staff_no="M1", name="钱会计", post="manager", hired_on=date(2024, 1, 2), left_on=date(2024, 9, 1), left_reason="辞职"
        ),
    )
    page = await client.get(f"/homes/{home}/staff")
    assert page.status_code == 200
    text = page.text
    current, former = text.split('id="former-staff"')
    assert "李桂兰" in current and "钱会计" in former and "钱会计" not in current
    row = lambda no: text.split(f'id="staff-{no}"')[1].split("</tr>")[0]  # noqa: E731
    assert 'class="bad untrained"' in row("A001") and 'class="good trained"' not in row("A001")
    assert 'class="good trained"' in row("A002") and "untrained" not in row("A002")
    assert 'data-health="expiring"' in row("K1") and 'data-health="expired"' in row("K2")
    assert number not in text and f'href="/homes/{home}/staff/new"' in text
    detail = await client.get(f"/homes/{home}/staff/A001")
    assert detail.status_code == 200 and citizen_id.mask(number) in detail.text and number not in detail.text


async def test_adding_a_post_and_a_kitchen_worker_without_a_health_certificate(world, system, signed_in):
    _county, home, client = await _setting(world, system, signed_in)
    assert (await client.get(f"/homes/{home}/staff/new")).status_code == 200
    refused = await post_form(client, f"/homes/{home}/staff/new", {**NEW, "post": "cook"})
    assert refused.status_code == 400
    assert 'id="e-health_cert_expires"' in refused.text
    assert "炊事岗位须填写健康证到期日期" in refused.text  # in Chinese, next to the field
    home_id = (await registry.find_home(system, home))["id"]
    assert await StaffMember.count().where(StaffMember.home == home_id) == 0
    saved = await post_form(client, f"/homes/{home}/staff/new", NEW)
    assert saved.status_code == 303 and saved.headers["location"] == f"/homes/{home}/staff/A001"
    posted = await services.get_staff(system, home, "A001")
    assert (posted.name, posted.post, posted.employment) == ("李桂兰", "carer", "contract")


async def test_editing_keeps_the_id_number_when_left_empty(world, system, signed_in):
    _county, home, client = await _setting(world, system, signed_in)
    number = new_id("M")
    await services.create_staff(
        system, home, StaffIn(staff_no="A001", name="李桂兰", post="carer", hired_on=date(2024, 1, 2), id_number=number)
    )
    edit = {"name": "李桂芳", "post": "security", "hired_on": "2024-01-02", "fire_operator_cert": "yes", "id_number": ""}
    saved = await post_form(client, f"/homes/{home}/staff/A001", edit)
    assert saved.status_code == 303
    home_id = (await registry.find_home(system, home))["id"]
    row = await StaffMember.select().where((StaffMember.home == home_id) & (StaffMember.staff_no == "A001")).first()
    assert (row["name"], row["post"], row["fire_operator_cert"], row["id_number"]) == ("李桂芳", "security", True, number)


async def test_ending_a_post_asks_for_confirmation_when_the_ratio_breaks(world, system, signed_in):
    county, home, client = await _setting(world, system, signed_in)
    for _ in range(11):
        await register_person(
            system,
            ResidentIn(
                id_number=new_id(),
                name="对象",
                county_code=county,
                approved_on=date(2024, 1, 1),
                home_code=home,
                admitted_on=date(2024, 1, 5),
            ),
        )
    for no in ("A1", "A2"):
        await services.create_staff(system, home, StaffIn(staff_no=no, name="员工", post="manager", hired_on=date(2024, 1, 2)))
    home_id = (await registry.find_home(system, home))["id"]
    today = dates.today().isoformat()
    first = await post_form(client, f"/homes/{home}/staff/A2/end", {"left_on": today, "left_reason": "辞职"})
    assert first.status_code == 200 and 'id="breach-warning"' in first.text
    assert 'name="confirmed" value="yes"' in first.text and 'name="left_reason" value="辞职"' in first.text
    assert (await services.get_staff(system, home, "A2")).left_on is None
    assert await RatioBreach.count().where(RatioBreach.home == home_id) == 0
    confirmed = await post_form(
        client, f"/homes/{home}/staff/A2/end", {"left_on": today, "left_reason": "辞职", "confirmed": "yes"}
    )
    assert confirmed.status_code == 303
    assert (await services.get_staff(system, home, "A2")).left_on == dates.today()
    assert await RatioBreach.count().where(RatioBreach.home == home_id) == 1


async def test_recording_a_training_on_the_post_page(world, system, signed_in):
    _county, home, client = await _setting(world, system, signed_in)
    await services.create_staff(system, home, StaffIn(staff_no="A001", name="李桂兰", post="carer", hired_on=date(2024, 1, 2)))
    bad = await post_form(
        client, f"/homes/{home}/staff/A001/training", {"topic": "care", "trained_on": "2024-03-01", "hours": "0"}
    )
    assert bad.status_code == 400 and 'id="e-hours"' in bad.text
    bad = await post_form(
        client, f"/homes/{home}/staff/A001/training", {"topic": "care", "trained_on": "2024-03-01", "hours": "1.25"}
    )
    assert bad.status_code == 400 and 'id="e-hours"' in bad.text
    assert await services.list_training(system, home, "A001") == []
    ok = await post_form(
        client,
        f"/homes/{home}/staff/A001/training",
        {"topic": "care", "trained_on": "2024-03-01", "hours": "1.5", "provider": "县民政局"},
    )
    assert ok.status_code == 303
    records = await services.list_training(system, home, "A001")
    assert [(r.topic, r.hours_tenths, r.provider) for r in records] == [("care", 15, "县民政局")]
    again = await post_form(
        client, f"/homes/{home}/staff/A001/training", {"topic": "care", "trained_on": "2024-03-01", "hours": "2"}
    )
    assert again.status_code == 400 and 'id="e-trained_on"' in again.text
    assert not (await services.get_staff(system, home, "A001")).untrained_carer


async def test_the_director_of_another_home_gets_404(world, system, signed_in):
    county = await world.county()
    mine, theirs = await world.home(county), await world.home(county)
    await services.create_staff(system, theirs, StaffIn(staff_no="A001", name="李桂兰", post="carer", hired_on=date(2024, 1, 2)))
    client, _user = await signed_in("director", home=mine)
    for path in (f"/homes/{theirs}/staff", f"/homes/{theirs}/staff/new", f"/homes/{theirs}/staff/A001"):
        assert (await client.get(path)).status_code == 404, path
    for path, data in (
        (f"/homes/{theirs}/staff/new", NEW),
        (f"/homes/{theirs}/staff/A001", {"name": "改", "post": "carer", "hired_on": "2024-01-02"}),
        (f"/homes/{theirs}/staff/A001/end", {"left_on": "2024-05-01", "left_reason": "x"}),
        (f"/homes/{theirs}/staff/A001/training", {"topic": "fire", "trained_on": "2024-05-01", "hours": "2"}),
    ):
        assert (await post_form(client, path, data)).status_code == 404, path
    post_out = await services.get_staff(system, theirs, "A001")
    assert post_out.name == "李桂兰" and post_out.left_on is None
    assert await services.list_training(system, theirs, "A001") == []
    assert (await client.get(f"/homes/{mine}/staff")).status_code == 200
