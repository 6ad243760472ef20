"""The duty roster page and API: the gaps are shown before saving and a confirmation saves them;
a roster without gaps saves at once; refusals write nothing; copy last week; readers see it
without a form; another home is 404; the "今日待办" item for an uncovered night; the API answers
the gaps and is in the OpenAPI schema."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from markupsafe import escape

from backend.core import dates, todo
from backend.core.i18n import gettext as zh
from backend.core.security import Scope
from backend.registry import services as registry
from backend.staffing import services
from backend.staffing.roster_schemas import ShiftIn
from backend.staffing.tables import RosterShift
from backend.staffing.views.duty import uncovered_nights_soon
from tests.conftest import csrf_of
from tests.staffing.roster_helpers import add_post, home_id, monday


def week_form(week, day_ids, night_ids, empty_nights=()):
    """The form a director submits: every chip ticked as asked (a list of (name, value) pairs)."""
    pairs = []
    for offset in range(7):
        day = week + timedelta(days=offset)
        pairs += [(f"{day.isoformat()}.day", str(i)) for i in day_ids]
        if offset not in empty_nights:
            pairs += [(f"{day.isoformat()}.night", str(i)) for i in night_ids]
    return pairs


async def _post_pairs(client, path, pairs):
    body = urlencode([*pairs, ("_csrf_token", csrf_of(client))])
    return await client.post(path, content=body, headers={"content-type": "application/x-www-form-urlencoded"})


async def _setup(world, system, signed_in):
    code = await world.home(name="值班院")
    hid = await home_id(system, code)
    a, b = await add_post(hid, "王值班"), await add_post(hid, "李夜班")
    client, _user = await signed_in("director", home=code)
    return code, hid, a, b, client


async def test_gaps_are_shown_before_saving_then_confirmed(world, system, signed_in):
    code, hid, a, b, client = await _setup(world, system, signed_in)
    week = monday(1)
    path = f"/homes/{code}/duty?week={week.isoformat()}"
    page = await client.get(path)
    assert page.status_code == 200 and "王值班" in page.text and 'name="' + f"{week.isoformat()}.night" in page.text

    pairs = week_form(week, [a], [b], empty_nights=(3,))  # Thursday night left empty
    first = await _post_pairs(client, path, pairs)
    assert first.status_code == 200 and 'id="duty-gaps"' in first.text
    thursday = services.day_label(week + timedelta(days=3))
    assert zh("{day}: nobody is on the night shift.").format(day=thursday) in first.text
    assert await RosterShift.count().where(RosterShift.home == hid) == 0  # nothing saved yet
    assert f'value="{a}" checked' in first.text  # what was ticked is kept

    key = f"{(week + timedelta(days=3)).isoformat()}:night:empty:0:0"
    stale = await _post_pairs(client, path, [*pairs, ("confirmed", "yes"), ("gaps_seen", "another")])
    assert stale.status_code == 200 and 'id="duty-gaps"' in stale.text
    assert await RosterShift.count().where(RosterShift.home == hid) == 0
    saved = await _post_pairs(client, path, [*pairs, ("confirmed", "yes"), ("gaps_seen", key)])
    assert saved.status_code == 303 and saved.headers["location"] == path
    assert await RosterShift.count().where(RosterShift.home == hid) == 13
    shown = await client.get(path)
    assert 'id="duty-open"' in shown.text and thursday in shown.text


async def test_a_week_without_gaps_saves_at_once_and_copy_last_week(world, system, signed_in):
    code, hid, a, b, client = await _setup(world, system, signed_in)
    week = monday(0)
    saved = await _post_pairs(client, f"/homes/{code}/duty?week={week.isoformat()}", week_form(week, [a], [b]))
    assert saved.status_code == 303
    assert await RosterShift.count().where(RosterShift.home == hid) == 14
    following = week + timedelta(days=7)
    copied = await client.get(f"/homes/{code}/duty?week={following.isoformat()}&copy=last")
    assert copied.status_code == 200 and 'id="duty-copied"' in copied.text
    assert copied.text.count(f'value="{b}" checked') == 7 and copied.text.count(f'value="{a}" checked') == 7
    assert await RosterShift.count().where(RosterShift.home == hid) == 14  # the copy is not saved


async def test_refused_submissions_write_nothing(world, system, signed_in):
    code, hid, a, b, client = await _setup(world, system, signed_in)
    stranger = await add_post(await home_id(system, await world.home()), "外院人")
    week = monday(1)
    path = f"/homes/{code}/duty?week={week.isoformat()}"
    bad = await _post_pairs(client, path, [*week_form(week, [a], [b]), (f"{week.isoformat()}.night", str(stranger))])
    assert bad.status_code == 400 and str(escape(zh("A person on this shift is not on this home's staff."))) in bad.text
    junk = await _post_pairs(client, path, [(f"{week.isoformat()}.day", "x1")])
    assert junk.status_code == 400
    not_monday = await _post_pairs(
        client, f"/homes/{code}/duty?week={(week + timedelta(days=1)).isoformat()}", week_form(week, [a], [b])
    )
    assert not_monday.status_code == 400
    assert await RosterShift.count().where(RosterShift.home == hid) == 0


async def test_another_day_of_a_week_leads_to_its_week(world, system, signed_in):
    code, _hid, _a, _b, client = await _setup(world, system, signed_in)
    week = monday(1)
    wednesday = week + timedelta(days=2)
    answer = await client.get(f"/homes/{code}/duty?week={wednesday.isoformat()}")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/homes/{code}/duty?week={week.isoformat()}#day-{wednesday.isoformat()}"
    copied = await client.get(f"/homes/{code}/duty?week={wednesday.isoformat()}&copy=last")
    assert copied.headers["location"] == f"/homes/{code}/duty?week={week.isoformat()}&copy=last#day-{wednesday.isoformat()}"
    assert (await client.get(f"/homes/{code}/duty?week={week.isoformat()}")).status_code == 200
    assert (await client.get(f"/homes/{code}/duty?week=2026-13-01")).status_code == 400


async def test_readers_and_other_homes(world, system, signed_in):
    code, hid, a, b, _client = await _setup(world, system, signed_in)
    county = (await registry.find_home(system, code))["county_code"]
    inspector, _ = await signed_in("inspector", county=county)
    page = await inspector.get(f"/homes/{code}/duty")
    assert page.status_code == 200 and 'id="duty-form"' not in page.text
    assert (await _post_pairs(inspector, f"/homes/{code}/duty", week_form(monday(), [a], [b]))).status_code == 403
    other, _ = await signed_in("director", home=await world.home())
    assert (await other.get(f"/homes/{code}/duty")).status_code == 404
    assert (await _post_pairs(other, f"/homes/{code}/duty", week_form(monday(), [a], [b]))).status_code == 404
    assert await RosterShift.count().where(RosterShift.home == hid) == 0


async def test_the_todo_item_for_tonight_and_tomorrow(world, system, signed_in):
    code, hid, a, b, client = await _setup(world, system, signed_in)
    row = await registry.find_home(system, code)
    director = Scope(user_id=None, username="d", role="director", county_id=row["county_id"], home_id=hid)
    today = dates.today()
    items = await uncovered_nights_soon(director)
    assert [(i.kind, i.urgency, i.due) for i in items] == [
        ("night_uncovered", todo.TODAY, today),
        ("night_uncovered", todo.SOON, today + timedelta(days=1)),
    ]
    assert items[0].href == f"/homes/{code}/duty?week={services.monday_of(today).isoformat()}#day-{today.isoformat()}"
    overview = await client.get("/")
    assert zh("Nobody is on duty tonight") in overview.text
    assert 'id="duty-panel"' in overview.text and f'href="/homes/{code}/duty"' in overview.text  # the way to the week
    await services.save_week(system, code, services.monday_of(today), [ShiftIn(day=today, shift="night", staff_ids=[b])])
    items = await uncovered_nights_soon(director)
    assert [i.due for i in items] == [today + timedelta(days=1)]  # tonight is covered now
    county_scope = Scope(user_id=None, username="i", role="inspector", county_id=row["county_id"])
    assert await uncovered_nights_soon(county_scope) == []


async def test_the_api_reads_and_replaces_a_week(world, system, signed_in, bearer):
    code, hid, a, b, client = await _setup(world, system, signed_in)
    user = await world.user("director", home=code)
    headers = await bearer(user)
    week = monday(1)
    body = {"shifts": [{"day": (week + timedelta(days=i)).isoformat(), "shift": "night", "staff_ids": [b]} for i in range(6)]}
    put = await client.put(f"/api/v1/homes/{code}/duty?week={week.isoformat()}", json=body, headers=headers)
    assert put.status_code == 200, put.text
    answer = put.json()
    assert answer["saved"] and [(g["day"], g["kind"]) for g in answer["gaps"]] == [
        ((week + timedelta(days=6)).isoformat(), "empty")
    ]
    assert await RosterShift.count().where(RosterShift.home == hid) == 6
    got = (await client.get(f"/api/v1/homes/{code}/duty?week={week.isoformat()}", headers=headers)).json()
    assert got["shifts"][1]["staff"][0]["name"] == "李夜班" and len(got["gaps"]) == 1
    stranger = await add_post(await home_id(system, await world.home()), "外")
    refused = await client.put(
        f"/api/v1/homes/{code}/duty?week={week.isoformat()}",
        json={"shifts": [{"day": week.isoformat(), "shift": "day", "staff_ids": [stranger]}]},
        headers=headers,
    )
    assert refused.status_code == 400 and f"{week.isoformat()}.day" in refused.json()["errors"]
    assert (
        await client.get(f"/api/v1/homes/{code}/duty?week={(week + timedelta(days=2)).isoformat()}", headers=headers)
    ).status_code == 400
    assert await RosterShift.count().where(RosterShift.home == hid) == 6
    other = await world.user("director", home=await world.home())
    assert (await client.get(f"/api/v1/homes/{code}/duty", headers=await bearer(other))).status_code == 404


def test_the_api_is_in_the_openapi_schema(app):
    paths = app.openapi_schema.to_schema()["paths"]
    for path, method in (
        ("/api/v1/homes/{code}/duty", "get"),
        ("/api/v1/homes/{code}/duty", "put"),
        ("/api/v1/homes/{code}/leave", "get"),
        ("/api/v1/homes/{code}/leave", "post"),
        ("/api/v1/homes/{code}/leave/{leave_id}/return", "post"),
        ("/api/v1/homes/{code}/leave/{leave_id}/cancel", "post"),
    ):
        assert "staffing" in paths[path][method]["tags"], path
