"""The leave page and API: recording (refusals next to their field, nothing written), the
confirmation step before a leave that breaks the staff ratio (then the breach recorded), 销假 and
cancelling from the page, readers without a form, another home 404; the API's 400 naming
``confirm_breach`` and its confirmed second call."""

from __future__ import annotations

import re
from datetime import timedelta

from markupsafe import escape

from backend.core import dates
from backend.core.i18n import gettext as zh
from backend.registry import services as registry
from backend.residents.schemas import ResidentIn
from backend.staffing.tables import RatioBreach, StaffLeave
from tests.conftest import post_form
from tests.residents.helpers import new_id, register_person
from tests.staffing.roster_helpers import add_post, home_id


async def _leave_rows(staff_id: int) -> list[dict]:
    return await StaffLeave.select().where(StaffLeave.staff == staff_id).order_by(StaffLeave.id)


async def _one_resident(system, county, code):
    today = dates.today()
    await register_person(
        system,
        ResidentIn(
            id_number=new_id(),
            name="住院者",
            county_code=county,
            approved_on=today - timedelta(days=60),
            home_code=code,
            admitted_on=today - timedelta(days=30),
        ),
    )


async def test_record_return_and_cancel_on_the_page(world, system, signed_in):
    code = await world.home()
    staff = await add_post(await home_id(system, code), "周护理")
    client, user = await signed_in("director", home=code)
    page = await client.get(f"/homes/{code}/leave")
    assert page.status_code == 200 and 'id="leave-form"' in page.text and "周护理" in page.text
    today = dates.today()
    form = {"staff_id": str(staff), "first_day": today.isoformat(), "last_day": (today + timedelta(days=3)).isoformat()}

    missing = await post_form(client, f"/homes/{code}/leave", form)  # no approver
    assert missing.status_code == 400 and 'id="e-approved_by"' in missing.text
    backwards = await post_form(
        client, f"/homes/{code}/leave", {**form, "approved_by": "院长", "last_day": (today - timedelta(days=1)).isoformat()}
    )
    assert (
        backwards.status_code == 400
        and str(escape(zh("The last day of leave cannot be before its first day."))) in backwards.text
    )
    assert await _leave_rows(staff) == []

    saved = await post_form(client, f"/homes/{code}/leave", {**form, "approved_by": "院长", "reason": "病假"})
    assert saved.status_code == 303
    (row,) = await _leave_rows(staff)
    assert (row["approved_by"], row["reason"], row["recorded_by"]) == ("院长", "病假", user.username)
    listed = (await client.get(f"/homes/{code}/leave")).text
    # a heading above the list, not a caption (a caption stacked one character a line on a
    # phone), and the reason kept on the phone's card (no "rest" cell)
    assert "<caption" not in listed and 'id="leave-list-title"' in listed
    assert re.search(r'<td data-label="[^"]*" class="\s*">病假</td>', listed), "the reason is left out on a phone"
    overlapping = await post_form(client, f"/homes/{code}/leave", {**form, "approved_by": "院长"})
    assert overlapping.status_code == 400 and 'id="e-first_day"' in overlapping.text

    early = await post_form(
        client, f"/homes/{code}/leave/{row['id']}/return", {"returned_on": (today + timedelta(days=9)).isoformat()}
    )
    assert early.status_code == 400 and (await _leave_rows(staff))[0]["returned_on"] is None
    back = await post_form(
        client, f"/homes/{code}/leave/{row['id']}/return", {"returned_on": (today + timedelta(days=1)).isoformat()}
    )
    assert back.status_code == 303 and (await _leave_rows(staff))[0]["returned_on"] == today + timedelta(days=1)
    cancel = await post_form(client, f"/homes/{code}/leave/{row['id']}/cancel")
    assert cancel.status_code == 303 and (await _leave_rows(staff))[0]["cancelled_at"] is not None


async def test_the_page_asks_before_a_leave_breaks_the_ratio(world, system, signed_in):
    county = await world.county()
    code = await world.home(county)
    hid = await home_id(system, code)
    await _one_resident(system, county, code)
    staff = await add_post(hid, "孤身院长", post="manager")
    client, _user = await signed_in("director", home=code)
    today = dates.today()
    form = {"staff_id": str(staff), "first_day": today.isoformat(), "last_day": today.isoformat(), "approved_by": "民政局"}
    first = await post_form(client, f"/homes/{code}/leave", form)
    assert first.status_code == 200 and 'role="alertdialog"' in first.text and 'name="confirmed" value="yes"' in first.text
    assert await _leave_rows(staff) == [] and await RatioBreach.count().where(RatioBreach.home == hid) == 0
    confirmed = await post_form(client, f"/homes/{code}/leave", {**form, "confirmed": "yes"})
    assert confirmed.status_code == 303
    assert len(await _leave_rows(staff)) == 1
    assert await RatioBreach.count().where(RatioBreach.home == hid) == 1


async def test_readers_and_other_homes(world, system, signed_in):
    code = await world.home()
    staff = await add_post(await home_id(system, code), "吴")
    county = (await registry.find_home(system, code))["county_code"]
    inspector, _ = await signed_in("inspector", county=county)
    page = await inspector.get(f"/homes/{code}/leave")
    assert page.status_code == 200 and 'id="leave-form"' not in page.text
    form = {
        "staff_id": str(staff),
        "first_day": dates.today().isoformat(),
        "last_day": dates.today().isoformat(),
        "approved_by": "x",
    }
    assert (await post_form(inspector, f"/homes/{code}/leave", form)).status_code == 403
    other, _ = await signed_in("director", home=await world.home())
    assert (await other.get(f"/homes/{code}/leave")).status_code == 404
    assert (await post_form(other, f"/homes/{code}/leave", form)).status_code == 404
    assert await _leave_rows(staff) == []


async def test_the_leave_api(world, system, signed_in, bearer):
    county = await world.county()
    code = await world.home(county)
    hid = await home_id(system, code)
    await _one_resident(system, county, code)
    staff = await add_post(hid, "郑")
    client, _ = await signed_in("director", home=code)
    headers = await bearer(await world.user("director", home=code))
    today = dates.today()
    body = {"staff_id": staff, "first_day": today.isoformat(), "last_day": today.isoformat(), "approved_by": "院长"}
    refused = await client.post(f"/api/v1/homes/{code}/leave", json=body, headers=headers)
    assert refused.status_code == 400 and "confirm_breach" in refused.json()["errors"]
    assert await _leave_rows(staff) == []
    backwards = await client.post(
        f"/api/v1/homes/{code}/leave", json={**body, "last_day": (today - timedelta(days=1)).isoformat()}, headers=headers
    )
    assert backwards.status_code == 400 and "last_day" in backwards.json()["errors"]
    created = await client.post(f"/api/v1/homes/{code}/leave", json={**body, "confirm_breach": True}, headers=headers)
    assert created.status_code == 201, created.text
    leave = created.json()
    assert leave["breach"] and leave["name"] == "郑"
    listed = (await client.get(f"/api/v1/homes/{code}/leave", headers=headers)).json()
    assert [item["id"] for item in listed] == [leave["id"]]
    back = await client.post(
        f"/api/v1/homes/{code}/leave/{leave['id']}/return", json={"returned_on": today.isoformat()}, headers=headers
    )
    assert back.status_code == 200 and back.json()["ends_on"] is None
    cancelled = await client.post(f"/api/v1/homes/{code}/leave/{leave['id']}/cancel", headers=headers)
    assert cancelled.status_code == 200 and cancelled.json()["cancelled"]
    other = await bearer(await world.user("director", home=await world.home()))
    assert (await client.get(f"/api/v1/homes/{code}/leave", headers=other)).status_code == 404
    assert (await client.post(f"/api/v1/homes/{code}/leave/{leave['id']}/cancel", headers=other)).status_code == 404
