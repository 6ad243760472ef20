"""The phone entry form (issue 12 point 2): a double submit is one entry, a bad photo refuses
everything, a missing answer is named by its item, a correction keeps both; the entry page."""

from __future__ import annotations

import json
import re

from backend.safety.tables import SafetyEntry, SafetyHazard, SafetyPhoto
from tests.conftest import post_form
from tests.safety import images
from tests.safety.helpers import home_row, template


async def _form(client, code: str, query: str = "") -> tuple[str, str]:
    response = await client.get(f"/homes/{code}/safety/new/fire_patrol{query}")
    assert response.status_code == 200, response.text
    return response.text, re.search(r'name="client_id" value="([0-9a-f]{32})"', response.text)[1]


async def _answers(code: str, fail: dict[str, str] | None = None, skip: str | None = None) -> dict[str, str]:
    fail = fail or {}
    data = {"performed_at": "", "note": ""}
    for item in json.loads((await template(code, "fire_patrol"))["items"]):
        if item["key"] != skip:
            data[f"result.{item['key']}"] = "fail" if item["key"] in fail else "pass"
            data[f"note.{item['key']}"] = fail.get(item["key"], "")
    return data


async def _counts(home_id: int) -> tuple[int, int, int]:
    return (
        await SafetyEntry.count().where(SafetyEntry.home == home_id),
        await SafetyHazard.count().where(SafetyHazard.home == home_id),
        await SafetyPhoto.count().where(
            SafetyPhoto.entry.is_in(SafetyEntry.select(SafetyEntry.id).where(SafetyEntry.home == home_id))
        ),
    )


def _now_field(html: str) -> str:
    return re.search(r'name="performed_at" type="datetime-local" value="([^"]+)"', html)[1]


async def test_the_form_has_a_card_per_item_and_refuses_the_own_form_routines(world, signed_in):
    code = await world.home()
    client, _user = await signed_in("director", home=code)
    html, _client_id = await _form(client, code)
    items = json.loads((await template(code, "fire_patrol"))["items"])
    assert html.count('class="card se-item') == len(items)
    assert html.count('type="radio"') == 3 * len(items) and 'capture="environment"' in html
    for routine in ("food_sample", "morning_check", "no_such_routine"):
        assert (await client.get(f"/homes/{code}/safety/new/{routine}")).status_code == 404
    inspector, _user = await signed_in("inspector", county=(await home_row(code))["county_code"])
    assert (await inspector.get(f"/homes/{code}/safety/new/fire_patrol")).status_code == 403


async def test_a_double_submit_stores_one_entry_and_lands_on_it(world, signed_in):
    code = await world.home()
    home = await home_row(code)
    client, _user = await signed_in("director", home=code)
    html, client_id = await _form(client, code)
    data = await _answers(code, fail={"extinguishers": "压力不足"}) | {"client_id": client_id, "performed_at": _now_field(html)}
    photo = {"photo.extinguishers": ("IMG_1.jpg", images.jpeg(), "image/jpeg")}
    first = await post_form(client, f"/homes/{code}/safety/new/fire_patrol", data, files=photo)
    second = await post_form(client, f"/homes/{code}/safety/new/fire_patrol", data, files=photo)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert await _counts(home["id"]) == (1, 1, 1)
    page = await client.get(first.headers["location"])
    assert page.status_code == 200 and "压力不足" in page.text and "/hazards/" in page.text
    assert "/thumb" in page.text and "照片待补" not in page.text


async def test_a_bad_photo_refuses_the_whole_entry_by_its_item(world, signed_in):
    code = await world.home()
    home = await home_row(code)
    client, _user = await signed_in("director", home=code)
    html, client_id = await _form(client, code)
    data = await _answers(code, fail={"extinguishers": "压力不足", "exits_clear": "堆物"}) | {
        "client_id": client_id,
        "performed_at": _now_field(html),
    }
    files = {
        "photo.exits_clear": ("good.jpg", images.jpeg(), "image/jpeg"),
        "photo.extinguishers": ("fake.jpg", b"just some text, not a photo", "image/jpeg"),
    }
    before = images.files_on_disk()
    response = await post_form(client, f"/homes/{code}/safety/new/fire_patrol", data, files=files)
    assert response.status_code == 400
    assert re.search(r'id="e-photo-extinguishers">[^<]*fake\.jpg[^<]*JPEG', response.text)
    assert 'id="e-photo-exits_clear"' not in response.text
    assert f'value="{client_id}"' in response.text and "压力不足" in response.text  # answers kept
    assert await _counts(home["id"]) == (0, 0, 0)
    assert images.files_on_disk() == before


async def test_a_missing_answer_is_named_by_its_card(world, signed_in):
    code = await world.home()
    home = await home_row(code)
    client, _user = await signed_in("director", home=code)
    html, client_id = await _form(client, code)
    data = await _answers(code, skip="hydrants") | {"client_id": client_id, "performed_at": _now_field(html)}
    response = await post_form(client, f"/homes/{code}/safety/new/fire_patrol", data)
    assert response.status_code == 400 and 'id="e-item-hydrants"' in response.text
    # named at the top too, linking to its card (on a phone the card is screens further down)
    listed = re.search(r'<ul class="error" id="items-refused">(.*?)</ul>', response.text, re.S)
    assert listed and re.findall(r'href="#item-(\w+)"', listed.group(1)) == ["hydrants"]
    assert re.search(r'name="result.exits_clear" value="pass"\s+checked', response.text)
    assert await _counts(home["id"]) == (0, 0, 0)


async def test_a_correction_needs_a_reason_and_keeps_both(world, signed_in):
    code = await world.home()
    home = await home_row(code)
    client, _user = await signed_in("director", home=code)
    html, client_id = await _form(client, code)
    data = await _answers(code, fail={"hydrants": "被遮挡"}) | {"client_id": client_id, "performed_at": _now_field(html)}
    first = await post_form(client, f"/homes/{code}/safety/new/fire_patrol", data)
    entry_id = int(first.headers["location"].rsplit("/", 1)[1])
    entry_page = await client.get(first.headers["location"])
    assert f"/homes/{code}/safety/new/fire_patrol?corrects={entry_id}" in entry_page.text
    html, correction_id = await _form(client, code, f"?corrects={entry_id}")
    assert 'id="corrected"' in html and re.search(r'name="result.hydrants" value="fail"\s+checked', html)
    fixed = await _answers(code) | {"client_id": correction_id, "performed_at": _now_field(html), "corrects": str(entry_id)}
    no_reason = await post_form(client, f"/homes/{code}/safety/new/fire_patrol", fixed)
    assert no_reason.status_code == 400 and 'id="e-correction_reason"' in no_reason.text
    assert await SafetyEntry.count().where(SafetyEntry.home == home["id"]) == 1
    saved = await post_form(client, f"/homes/{code}/safety/new/fire_patrol", fixed | {"correction_reason": "误点不合格"})
    assert saved.status_code == 303
    correction = await client.get(saved.headers["location"])
    assert 'id="corrects"' in correction.text and "误点不合格" in correction.text
    original = await client.get(first.headers["location"])
    assert 'id="corrected-by"' in original.text
    assert await SafetyEntry.count().where(SafetyEntry.home == home["id"]) == 2
    assert (await client.get(f"/homes/{code}/safety/new/night_patrol?corrects={entry_id}")).status_code == 404


async def test_a_pending_photo_is_added_on_the_entry_page(world, signed_in):
    code, other = await world.home(), await world.home()
    client, _user = await signed_in("director", home=code)
    html, client_id = await _form(client, code)
    data = await _answers(code, fail={"electrical": "走廊充电"}) | {"client_id": client_id, "performed_at": _now_field(html)}
    location = (await post_form(client, f"/homes/{code}/safety/new/fire_patrol", data)).headers["location"]
    page = await client.get(location)
    assert "照片待补" in page.text and 'name="item_key" value="electrical"' in page.text
    entry_id = location.rsplit("/", 1)[1]
    bad = await post_form(
        client, f"{location}/photos", {"item_key": "electrical"}, files={"file": ("x.heic", b"GIF89a....", "image/heic")}
    )
    assert bad.status_code == 400 and "x.heic" in bad.text
    stranger, _user = await signed_in("director", home=other)
    refused = await post_form(
        stranger,
        f"/homes/{code}/safety/entries/{entry_id}/photos",
        {"item_key": "electrical"},
        files={"file": ("a.png", images.png(), "image/png")},
    )
    assert refused.status_code == 404
    added = await post_form(
        client, f"{location}/photos", {"item_key": "electrical"}, files={"file": ("a.png", images.png(), "image/png")}
    )
    assert added.status_code == 303
    assert "照片待补" not in (await client.get(location)).text
