"""The entries API (interfaces §7): templates in force, recording an entry idempotently by
client_id (201 then 200), field errors, scope, a home's entries and one entry, photos after."""

from __future__ import annotations

import json
import uuid

from backend.core import dates
from backend.safety.tables import SafetyEntry, SafetyHazard, SafetyPhoto
from tests.safety import images
from tests.safety.helpers import home_row, template


async def _body(code: str, fail: dict[str, str] | None = None, skip: str | None = None) -> dict:
    row = await template(code, "fire_patrol")
    fail = fail or {}
    items = [
        {
            "key": item["key"],
            "result": "fail" if item["key"] in fail else "pass",
            **({"note": fail[item["key"]]} if item["key"] in fail else {}),
        }
        for item in json.loads(row["items"])
        if item["key"] != skip
    ]
    return {"client_id": uuid.uuid4().hex, "routine": "fire_patrol", "performed_at": dates.now_utc().isoformat(), "items": items}


async def _director(world, bearer, code: str) -> dict:
    return await bearer(await world.user("director", home=code))


async def test_the_templates_in_force_as_interfaces_7_shows_them(world, bearer, client):
    code = await world.home()
    response = await client.get(f"/api/v1/homes/{code}/safety-templates", headers=await _director(world, bearer, code))
    assert response.status_code == 200
    templates = {row["routine"]: row for row in response.json()}
    assert {"fire_patrol", "night_patrol", "food_sample", "disinfection"} <= set(templates)
    patrol = templates["fire_patrol"]
    assert patrol["version"] == 1 and patrol["frequency"] == "daily"
    assert set(patrol["items"][0]) == {"key", "label", "major", "photo_on_fail"}
    exits = {item["key"]: item for item in patrol["items"]}["exit_doors_unlocked"]
    assert exits["major"] is True and exits["photo_on_fail"] is True and exits["label"]


async def test_an_entry_is_201_then_200_for_the_same_client_id(world, bearer, client):
    code = await world.home()
    headers = await _director(world, bearer, code)
    home = await home_row(code)
    body = await _body(code, fail={"extinguishers": "二楼灭火器压力不足"})
    first = await client.post(f"/api/v1/homes/{code}/safety-entries", json=body, headers=headers)
    assert first.status_code == 201, first.text
    entry = first.json()
    assert entry["client_id"] == body["client_id"] and entry["failed"] == 1 and entry["photo_pending"] is True
    assert [hazard["item_key"] for hazard in entry["hazards"]] == ["extinguishers"]
    again = await client.post(f"/api/v1/homes/{code}/safety-entries", json=body, headers=headers)
    assert again.status_code == 200 and again.json()["id"] == entry["id"]
    assert await SafetyEntry.count().where(SafetyEntry.home == home["id"]) == 1
    assert await SafetyHazard.count().where(SafetyHazard.home == home["id"]) == 1
    one = await client.get(f"/api/v1/homes/{code}/safety-entries/{entry['id']}", headers=headers)
    assert one.status_code == 200 and one.json()["hazards"][0]["id"] == entry["hazards"][0]["id"]
    listed = await client.get(f"/api/v1/homes/{code}/safety-entries?routine=fire_patrol&from={dates.today()}", headers=headers)
    assert [row["id"] for row in listed.json()] == [entry["id"]]
    assert (await client.get(f"/api/v1/homes/{code}/safety-entries?routine=night_patrol", headers=headers)).json() == []


async def test_a_missing_item_is_400_naming_it_and_nothing_is_stored(world, bearer, client):
    code = await world.home()
    home = await home_row(code)
    response = await client.post(
        f"/api/v1/homes/{code}/safety-entries",
        json=await _body(code, skip="hydrants"),
        headers=await _director(world, bearer, code),
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["items.hydrants"] and "消火栓" in errors["items.hydrants"]
    assert await SafetyEntry.count().where(SafetyEntry.home == home["id"]) == 0


async def test_another_homes_director_gets_404_and_nothing_is_stored(world, bearer, client):
    code, other = await world.home(), await world.home()
    home = await home_row(code)
    stranger = await _director(world, bearer, other)
    response = await client.post(f"/api/v1/homes/{code}/safety-entries", json=await _body(code), headers=stranger)
    assert response.status_code == 404
    assert await SafetyEntry.count().where(SafetyEntry.home == home["id"]) == 0
    assert (await client.get(f"/api/v1/homes/{code}/safety-templates", headers=stranger)).status_code == 404
    assert (await client.get(f"/api/v1/homes/{code}/safety-entries", headers=stranger)).status_code == 404


async def test_an_inspector_reads_but_does_not_record(world, bearer, client):
    county = await world.county()
    code = await world.home(county=county)
    inspector = await bearer(await world.user("inspector", county=county))
    assert (await client.get(f"/api/v1/homes/{code}/safety-entries", headers=inspector)).status_code == 200
    response = await client.post(f"/api/v1/homes/{code}/safety-entries", json=await _body(code), headers=inspector)
    assert response.status_code == 403


async def test_a_photo_is_sent_after_its_entry(world, bearer, client):
    code, other = await world.home(), await world.home()
    headers = await _director(world, bearer, code)
    entry = (
        await client.post(
            f"/api/v1/homes/{code}/safety-entries", json=await _body(code, fail={"exits_clear": "堆放杂物"}), headers=headers
        )
    ).json()
    url = f"/api/v1/safety-entries/{entry['id']}/photos"
    stranger = await _director(world, bearer, other)
    before = images.files_on_disk()
    refused = await client.post(
        url, files={"file": ("a.jpg", images.jpeg(), "image/jpeg")}, data={"item_key": "exits_clear"}, headers=stranger
    )
    assert refused.status_code == 404
    fake = await client.post(
        url, files={"file": ("a.jpg", b"not a photo at all", "image/jpeg")}, data={"item_key": "exits_clear"}, headers=headers
    )
    assert fake.status_code == 400 and "JPEG" in fake.json()["errors"]["file"]
    assert images.files_on_disk() == before and await SafetyPhoto.count().where(SafetyPhoto.entry == entry["id"]) == 0
    sent = await client.post(
        url, files={"file": ("a.jpg", images.jpeg(), "image/jpeg")}, data={"item_key": "exits_clear"}, headers=headers
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["item_key"] == "exits_clear" and sent.json()["content_type"] == "image/jpeg"
    after = await client.get(f"/api/v1/homes/{code}/safety-entries/{entry['id']}", headers=headers)
    assert after.json()["photo_pending"] is False
