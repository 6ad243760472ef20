"""A county's own checklist versions (issue 12 point 1): a new version for one county leaves the
other counties and the national default alone, is what that county's homes use from then on,
and leaves the entries recorded before with their own labels, items and counts. Only an
administrator makes one; a bad edit is refused naming the field, with nothing written."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from backend.core import dates
from backend.core.errors import Forbidden, Invalid, NotFound
from backend.core.security import Scope
from backend.core.tables import AuditEntry
from backend.registry import services as registry
from backend.safety import services
from backend.safety.services import TemplateEditIn, TemplateItemIn
from backend.safety.tables import SafetyTemplate
from tests.conftest import post_form
from tests.safety.helpers import director_scope, entry_in, home_row


def _edit(row: dict, **changes) -> TemplateEditIn:
    """The template row's items as an edit (``changes``: ``title``, ``items`` as dicts)."""
    items = changes.pop("items", json.loads(row["items"]))
    return TemplateEditIn(title=changes.pop("title", row["title"]), items=[TemplateItemIn(**item) for item in items])


async def _default(routine: str = "fire_patrol") -> dict:
    return await SafetyTemplate.select().where(SafetyTemplate.county.is_null() & (SafetyTemplate.routine == routine)).first()


async def _snapshot() -> list[dict]:
    return await SafetyTemplate.select().order_by(SafetyTemplate.id)


async def _audit_count() -> int:
    return await AuditEntry.count().where(AuditEntry.action == "safety.template_version")


async def test_a_new_version_for_one_county_leaves_the_other_county_and_the_default_alone(world, system):
    mine, theirs = await world.county(), await world.county()
    my_home, their_home = await world.home(mine), await world.home(theirs)
    default = await _default()
    items = json.loads(default["items"])
    relabelled = [{**items[0], "label": "安全出口、疏散通道畅通无堵塞"}, *items[1:]]
    made = await services.new_template_version(system, mine, "fire_patrol", _edit(default, items=relabelled))
    assert (made.version, made.county, made.frequency) == (default["version"] + 1, mine, "daily")
    assert made.items[0].label == "安全出口、疏散通道畅通无堵塞"

    assert await _default() == default  # the national default's row is untouched
    mine_home, theirs_home = await home_row(my_home), await home_row(their_home)
    in_force = await services.templates_in_force([mine_home["county_id"], theirs_home["county_id"]])
    assert in_force[mine_home["county_id"]]["fire_patrol"]["id"] == made.id
    assert in_force[theirs_home["county_id"]]["fire_patrol"]["id"] == default["id"]
    assert in_force[mine_home["county_id"]]["night_patrol"]["county"] is None  # other routines unchanged

    listed = {t.routine: t for t in await services.county_templates(system, mine)}
    assert listed["fire_patrol"].own and listed["fire_patrol"].in_force.version == made.version
    assert [v.version for v in listed["fire_patrol"].versions] == [made.version, default["version"]]
    assert not {t.routine: t for t in await services.county_templates(system, theirs)}["fire_patrol"].own

    # a second edit is version + 1 again, counted from the county's own latest
    again = await services.new_template_version(system, mine, "fire_patrol", _edit(default, title="每日防火巡查"))
    assert again.version == made.version + 1 and again.title == "每日防火巡查"

    audit = (
        await AuditEntry.select()
        .where((AuditEntry.action == "safety.template_version") & (AuditEntry.entity_key == str(made.id)))
        .first()
    )
    after = json.loads(audit["after"])
    assert after["county"] == mine and after["routine"] == "fire_patrol" and after["template_version"] == made.version
    assert after["items_relabelled"] == [items[0]["key"]] and "items_removed" not in after


async def test_entries_recorded_before_a_new_version_keep_their_version(world, system):
    code = await world.home()
    home = await home_row(code)
    county = (await registry.counties_by_id([home["county_id"]]))[home["county_id"]]["code"]
    now = dates.now_utc()
    entry, _ = await services.record_entry(director_scope(home), code, await entry_in(code, performed_at=now), now=now)
    old_labels = [(answer.key, answer.label) for answer in entry.items]
    old_status = await services.safety_status(director_scope(home), code, dates.local(now).date(), now=now)

    default = await _default()
    items = json.loads(default["items"])
    dropped = items[-1]["key"]
    edited = [{**items[0], "label": "新的标签"}, *items[1:-1], {"key": "charging_room", "label": "电动车集中充电", "major": True}]
    made = await services.new_template_version(system, county, "fire_patrol", _edit(default, items=edited))
    assert made.version == 2 and [item.key for item in made.items][-1] == "charging_room"

    shown = await services.get_entry(director_scope(home), code, entry.id)
    assert shown.template_version == 1
    assert [(answer.key, answer.label) for answer in shown.items] == old_labels
    assert dropped in {answer.key for answer in shown.items} and "charging_room" not in {a.key for a in shown.items}
    status = await services.safety_status(director_scope(home), code, dates.local(now).date(), now=now)
    patrol = {r.routine: r for r in status.routines}["fire_patrol"]
    assert (patrol.due, patrol.done, patrol.on_time) == (1, 1, 1)
    assert status.routines == old_status.routines

    # the next entry answers the new version's items
    new_entry = await entry_in(code, performed_at=now)
    assert [answer.key for answer in new_entry.items] == [item["key"] for item in edited]
    recorded, _ = await services.record_entry(director_scope(home), code, new_entry, now=now)
    assert recorded.template_version == 2 and recorded.items[0].label == "新的标签"


async def test_only_an_administrator_makes_a_version(world, system):
    county = await world.county()
    code = await world.home(county)
    home = await home_row(code)
    default = await _default()
    inspector = Scope(user_id=None, username="inspector.test", role="inspector", county_id=home["county_id"])
    for scope in (director_scope(home), inspector):
        with pytest.raises(Forbidden):
            await services.new_template_version(scope, county, "fire_patrol", _edit(default, title="改"))
    assert await SafetyTemplate.count().where(SafetyTemplate.county == home["county_id"]) == 0


async def test_a_non_administrator_is_refused_over_http(world, signed_in, bearer):
    county = await world.county()
    code = await world.home(county)
    before = await _snapshot()
    for role, extra in (("director", {"home": code}), ("inspector", {"county": county})):
        client, user = await signed_in(role, **extra)
        assert (await client.get(f"/safety/templates?county={county}")).status_code in (403, 404)
        assert (await client.get(f"/safety/templates/{county}/fire_patrol/edit")).status_code in (403, 404)
        response = await post_form(client, f"/safety/templates/{county}/fire_patrol/edit", {"rows": "0", "title": "改"})
        assert response.status_code in (403, 404)
        headers = await bearer(user)
        body = {"title": "改", "items": [{"key": "exits_clear", "label": "通道"}]}
        response = await client.post(f"/api/v1/counties/{county}/safety-templates/fire_patrol", json=body, headers=headers)
        assert response.status_code in (403, 404)
    assert await _snapshot() == before


async def test_an_administrator_edits_through_the_page_and_the_api(world, signed_in, bearer):
    county = await world.county()
    client, admin = await signed_in("admin")
    page = await client.get(f"/safety/templates?county={county}")
    assert page.status_code == 200 and "fire_patrol" in page.text
    form = await client.get(f"/safety/templates/{county}/fire_patrol/edit")
    assert form.status_code == 200
    default = await _default()
    items = json.loads(default["items"])
    data = {"title": default["title"], "rows": str(len(items) + 1)}
    for index, item in enumerate(items):
        data |= {f"key_{index}": item["key"], f"old_{index}": "yes", f"label_{index}": item["label"]}
        data |= {f"position_{index}": str(len(items) - index + 1)}  # reversed, after the new one
        data |= {f"major_{index}": "yes" if item["major"] else "", f"photo_{index}": "yes" if item["photo_on_fail"] else ""}
    data |= {"remove_0": "yes", f"key_{len(items)}": "oxygen_pipes", f"label_{len(items)}": "氧气管道完好"}
    data[f"position_{len(items)}"] = "1"
    response = await post_form(client, f"/safety/templates/{county}/fire_patrol/edit", data)
    assert response.status_code == 303, response.text
    made = (
        await SafetyTemplate.select()
        .where(SafetyTemplate.routine == "fire_patrol")
        .order_by(SafetyTemplate.id, ascending=False)
        .first()
    )
    keys = [item["key"] for item in json.loads(made["items"])]
    assert keys == ["oxygen_pipes", *[item["key"] for item in reversed(items[1:])]]
    assert made["version"] == 2 and made["frequency"] == "daily"
    page = await client.get(f"/safety/templates?county={county}")
    assert page.status_code == 200 and "历次版本" in page.text and "本县版本" in page.text
    form = await client.get(f"/safety/templates/{county}/fire_patrol/edit")
    assert form.status_code == 200 and "现行：第 2 版" in form.text and "氧气管道完好" in form.text

    headers = await bearer(admin)
    listed = await client.get(f"/api/v1/counties/{county}/safety-templates", headers=headers)
    assert listed.status_code == 200
    patrol = next(t for t in listed.json() if t["routine"] == "fire_patrol")
    assert patrol["own"] and patrol["in_force"]["version"] == 2 and len(patrol["versions"]) == 2
    body = {"title": "巡查", "items": [{"key": "exits_clear", "label": "通道畅通", "major": False, "photo_on_fail": True}]}
    response = await client.post(f"/api/v1/counties/{county}/safety-templates/fire_patrol", json=body, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["version"] == 3 and [item["key"] for item in response.json()["items"]] == ["exits_clear"]
    bad = await client.post(
        f"/api/v1/counties/{county}/safety-templates/fire_patrol", json={"title": "巡查", "items": []}, headers=headers
    )
    assert bad.status_code == 400 and "items" in bad.text
    assert (
        await client.post(f"/api/v1/counties/{county}/safety-templates/no_such", json=body, headers=headers)
    ).status_code == 404
    assert (
        await client.post("/api/v1/counties/999999/safety-templates/fire_patrol", json=body, headers=headers)
    ).status_code == 404


def _item(key: str, label: str = "检查项", **flags) -> dict:
    return {"key": key, "label": label, **flags}


@pytest.mark.parametrize(
    ("title", "items", "field"),
    [
        ("巡查", [], "items"),
        ("   ", [_item("exits_clear")], "title"),
        ("巡查" * 51, [_item("exits_clear")], "title"),
        ("巡查", [_item("Exits")], "items[0].key"),
        ("巡查", [_item("exits-clear")], "items[0].key"),
        ("巡查", [_item("")], "items[0].key"),
        ("巡查", [_item("a" * 41)], "items[0].key"),
        ("巡查", [_item("exits_clear"), _item("exits_clear")], "items[1].key"),
        ("巡查", [_item("exits_clear", "  ")], "items[0].label"),
        ("巡查", [_item("exits_clear", "长" * 101)], "items[0].label"),
    ],
)
async def test_bad_edits_are_refused_naming_the_field_and_nothing_is_written(world, system, title, items, field):
    county = await world.county()
    before, audits = await _snapshot(), await _audit_count()
    with pytest.raises(Invalid) as refused:
        await services.new_template_version(
            system, county, "fire_patrol", TemplateEditIn(title=title, items=[TemplateItemIn(**item) for item in items])
        )
    assert field in refused.value.errors
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in message) for message in refused.value.errors.values())
    assert await _snapshot() == before and await _audit_count() == audits


async def test_limits_hold_at_their_edges(world, system):
    county = await world.county()
    made = await services.new_template_version(
        system, county, "fire_patrol", TemplateEditIn(title="巡" * 100, items=[TemplateItemIn(key="a" * 40, label="长" * 100)])
    )
    assert made.version == 2 and len(made.title) == 100


async def test_an_edit_that_changes_nothing_and_an_unknown_routine_are_refused(world, system):
    county = await world.county()
    default = await _default()
    before = await _snapshot()
    with pytest.raises(Invalid) as refused:
        await services.new_template_version(system, county, "fire_patrol", _edit(default))
    assert "items" in refused.value.errors
    with pytest.raises(NotFound):
        await services.new_template_version(system, county, "no_such_routine", _edit(default))
    with pytest.raises(NotFound):
        await services.new_template_version(system, "999999", "fire_patrol", _edit(default))
    assert await _snapshot() == before


async def test_the_page_refuses_a_bad_row_next_to_it_and_writes_nothing(world, signed_in):
    county = await world.county()
    client, _admin = await signed_in("admin")
    before = await _snapshot()
    default = await _default()
    items = json.loads(default["items"])
    data = {"title": default["title"], "rows": str(len(items) + 1)}
    for index, item in enumerate(items):
        data |= {
            f"key_{index}": item["key"],
            f"old_{index}": "yes",
            f"label_{index}": item["label"],
            f"position_{index}": str(index + 1),
        }
    data |= {f"key_{len(items)}": "Bad Key", f"label_{len(items)}": "新项目", f"position_{len(items)}": "x"}
    response = await post_form(client, f"/safety/templates/{county}/fire_patrol/edit", data)
    assert response.status_code == 400
    assert f'id="e-position_{len(items)}"' in response.text
    data[f"position_{len(items)}"] = "99"
    response = await post_form(client, f"/safety/templates/{county}/fire_patrol/edit", data)
    assert response.status_code == 400 and f'id="e-key_{len(items)}"' in response.text
    assert "Bad Key" in response.text  # what was typed is shown again
    # every item removed: at least one is needed
    data = {"title": default["title"], "rows": str(len(items))}
    for index, item in enumerate(items):
        data |= {f"key_{index}": item["key"], f"old_{index}": "yes", f"label_{index}": item["label"], f"remove_{index}": "yes"}
    response = await post_form(client, f"/safety/templates/{county}/fire_patrol/edit", data)
    assert response.status_code == 400 and 'id="e-items"' in response.text
    assert await _snapshot() == before


async def test_a_version_made_later_does_not_change_yesterday_s_late_mark(world, system):
    """An entry's period, slot and late mark are stored: a later version cannot move them."""
    code = await world.home()
    home = await home_row(code)
    county = (await registry.counties_by_id([home["county_id"]]))[home["county_id"]]["code"]
    now = dates.now_utc()
    entry, _ = await services.record_entry(
        director_scope(home), code, await entry_in(code, performed_at=now - timedelta(days=3)), now=now
    )
    assert entry.late
    await services.new_template_version(system, county, "fire_patrol", _edit(await _default(), title="新巡查"))
    shown = await services.get_entry(director_scope(home), code, entry.id)
    assert shown.late and shown.title != "新巡查" and shown.period == entry.period


async def test_a_correction_answers_the_version_the_corrected_entry_was_recorded_with(world, system, signed_in):
    """A new county version removes an item and adds one; correcting an entry of version 1 shows
    and takes version 1's items (the page and the service), a new entry takes the new version."""
    county = await world.county()
    code = await world.home(county)
    home = await home_row(code)
    scope = director_scope(home)
    first, _ = await services.record_entry(scope, code, await entry_in(code, fail={"control_room": "无人值班"}))
    default = await _default()
    items = [item for item in json.loads(default["items"]) if item["key"] != "control_room"]
    items.append({"key": "ebike_charging", "label": "无室内电动车充电", "major": True, "photo_on_fail": True})
    await services.new_template_version(system, county, "fire_patrol", _edit(default, items=items))
    old_items = [item["key"] for item in json.loads(default["items"])]
    assert [item.key for item in (await services.entry_template(scope, code, first.id)).items] == old_items
    client, _user = await signed_in("director", home=code)
    form = await client.get(f"/homes/{code}/safety/new/fire_patrol?corrects={first.id}")
    assert 'id="item-control_room"' in form.text and 'id="item-ebike_charging"' not in form.text
    fix = await entry_in(code, corrects=first.id, correction_reason="已有人值班")  # answers the new version's items
    with pytest.raises(Invalid) as refused:
        await services.record_entry(scope, code, fix)
    assert "items.control_room" in refused.value.errors
    import uuid

    from backend.safety.schemas import AnswerIn, EntryIn

    answers = [AnswerIn(key=key, result="pass") for key in old_items]
    corrected, _ = await services.record_entry(
        scope,
        code,
        EntryIn(
            client_id=uuid.uuid4().hex,
            routine="fire_patrol",
            performed_at=first.performed_at,
            items=answers,
            corrects=first.id,
            correction_reason="已有人值班",
        ),
    )
    assert corrected.template_version == first.template_version == 1
    newer, _ = await services.record_entry(scope, code, await entry_in(code))
    assert newer.template_version == 2
