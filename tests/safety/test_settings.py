"""A home's meal windows, night-patrol hours and canteen (domain rules §6b): good values saved
(normalised) with one audit record, bad ones refused in Chinese by the field with nothing
written; without a canteen the food routines are not due; who may change them."""

from __future__ import annotations

import json
import re
from datetime import time, timedelta

from backend.core import dates
from backend.core.tables import AuditEntry
from backend.safety import services
from backend.safety.tables import SafetyHomeSetting
from tests.conftest import post_form
from tests.safety.helpers import director_scope, home_row

GOOD = {
    "breakfast": "6:30-8:30",
    "lunch": "11:30 - 13:00",
    "dinner": "17:00-18:30",
    "night_slots": "0, 22, 2",
    "has_canteen": "yes",
}


async def _state(home_id: int, code: str):
    rows = await SafetyHomeSetting.select().where(SafetyHomeSetting.home == home_id)
    audits = await AuditEntry.count().where((AuditEntry.action == "safety.settings") & (AuditEntry.entity_key == code))
    return [{k: row[k] for k in ("breakfast", "lunch", "dinner", "night_slots", "has_canteen")} for row in rows], audits


async def test_good_settings_are_saved_normalised_and_audited(world, signed_in):
    code = await world.home()
    home = await home_row(code)
    client, _user = await signed_in("director", home=code)
    page = await client.get(f"/homes/{code}/safety/settings")
    assert page.status_code == 200 and 'value="06:00-09:00"' in page.text and 'id="settings-defaults"' in page.text
    response = await post_form(client, f"/homes/{code}/safety/settings", GOOD)
    assert response.status_code == 303, response.text
    rows, audits = await _state(home["id"], code)
    assert rows == [
        {
            "breakfast": "06:30-08:30",
            "lunch": "11:30-13:00",
            "dinner": "17:00-18:30",
            "night_slots": "22,0,2",
            "has_canteen": True,
        }
    ]
    assert audits == 1
    # the day's night patrol now has three slots, the meals end earlier
    today = await services.today_page(director_scope(home), code)
    night = {r.routine: r for r in today.routines}["night_patrol"]
    assert night.due == 3 and [chip.slot for chip in night.chips] == ["22", "0", "2"]
    # a change records only what changed, with before and after
    response = await post_form(client, f"/homes/{code}/safety/settings", {**GOOD, "night_slots": "22,0,2,4"})
    assert response.status_code == 303
    record = (
        await AuditEntry.select()
        .where((AuditEntry.action == "safety.settings") & (AuditEntry.entity_key == code))
        .order_by(AuditEntry.seq, ascending=False)
        .first()
    )
    assert json.loads(record["before"]) == {"night_slots": "22,0,2"} and json.loads(record["after"]) == {
        "night_slots": "22,0,2,4"
    }
    # the same values again: nothing written
    response = await post_form(client, f"/homes/{code}/safety/settings", {**GOOD, "night_slots": "22,0,2,4"})
    assert response.status_code == 303
    assert (await _state(home["id"], code))[1] == 2


BAD = [
    ({"breakfast": "9:00-8:00"}, "breakfast", "结束时间须晚于开始时间"),
    ({"breakfast": "breakfast"}, "breakfast", "时:分"),
    ({"lunch": "25:00-26:00"}, "lunch", "时:分"),
    ({"lunch": "08:00-12:00"}, "lunch", "不能重叠"),
    ({"dinner": "12:00-14:00"}, "dinner", "不能重叠"),
    ({"breakfast": ""}, "breakfast", "必填"),
    ({"night_slots": "22,22"}, "night_slots", "每个时点只写一次"),
    ({"night_slots": "12"}, "night_slots", "18 点"),
    ({"night_slots": "abc"}, "night_slots", "逗号"),
    ({"night_slots": "22;0"}, "night_slots", "逗号"),
    ({"night_slots": "9" * 41}, "night_slots", "40"),
]


async def test_bad_windows_and_slots_are_refused_by_the_field_and_nothing_is_written(world, signed_in):
    code = await world.home()
    home = await home_row(code)
    client, _user = await signed_in("director", home=code)
    assert (await post_form(client, f"/homes/{code}/safety/settings", GOOD)).status_code == 303
    before = await _state(home["id"], code)
    for change, name, words in BAD:
        response = await post_form(client, f"/homes/{code}/safety/settings", {**GOOD, **change})
        assert response.status_code == 400, change
        message = re.search(rf'id="e-{name}">([^<]*)<', response.text)
        assert message and words in message[1], (change, message and message[1])
        assert await _state(home["id"], code) == before, change
    # the refusal shows what was typed again
    response = await post_form(client, f"/homes/{code}/safety/settings", {**GOOD, "breakfast": "9:00-8:00"})
    assert 'value="9:00-8:00"' in response.text


async def test_the_service_checks_the_same(world):
    values, errors = services.check_settings("06:00-09:00", "09:00-13:00", "17:00-19:30", "22,0,2,4")
    assert errors == {} and values["lunch"] == "09:00-13:00"  # touching windows do not overlap
    _values, errors = services.check_settings("06:00-09:00", "08:59-13:00", "13:00-12:00", "7,6")
    assert set(errors) == {"lunch", "dinner"}


async def test_without_a_canteen_the_food_routines_are_not_due(world, signed_in):
    code = await world.home()
    home = await home_row(code)
    client, _user = await signed_in("director", home=code)
    response = await post_form(client, f"/homes/{code}/safety/settings", {**GOOD, "has_canteen": ""})
    assert response.status_code == 303
    day = dates.today() - timedelta(days=2)
    page = await services.today_page(director_scope(home), code, day, now=dates.combine_local(day + timedelta(days=1), time(12)))
    routines = {r.routine for r in page.routines}
    assert not routines & services.FOOD_ROUTINES
    assert {"fire_patrol", "disinfection"} <= routines
    html = (await client.get(f"/homes/{code}/safety")).text
    assert 'id="group-food"' not in html and 'id="group-fire"' in html
    assert not [item for item in await services.due_today(director_scope(home)) if item.routine in services.FOOD_ROUTINES]


async def test_who_may_change_the_settings(world, signed_in):
    county = await world.county()
    code, other = await world.home(county=county), await world.home(county=county)
    home = await home_row(code)
    director, _user = await signed_in("director", home=code)
    assert (await director.get(f"/homes/{other}/safety/settings")).status_code == 404
    assert (await post_form(director, f"/homes/{other}/safety/settings", GOOD)).status_code == 404
    inspector, _user = await signed_in("inspector", county=county)
    assert (await inspector.get(f"/homes/{code}/safety/settings")).status_code == 403
    assert (await post_form(inspector, f"/homes/{code}/safety/settings", GOOD)).status_code == 403
    admin, _user = await signed_in("admin")
    assert (await post_form(admin, f"/homes/{code}/safety/settings", GOOD)).status_code == 303
    assert len((await _state(home["id"], code))[0]) == 1
    assert (await _state((await home_row(other))["id"], other)) == ([], 0)
