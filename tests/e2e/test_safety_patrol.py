"""A director records the day's fire patrol on a phone (390×844) in Chromium: one item failed
with a note and a photo, the rest passed with big buttons; the entry page shows the photo and
the hazard it opened; the same form sent three times at once (a double tap) and again after going
back to it is one entry."""

from __future__ import annotations

import json

from backend.safety.tables import SafetyEntry, SafetyHazard, SafetyPhoto
from tests.e2e.helpers import horizontal_overflow, log_in
from tests.safety import images
from tests.safety.helpers import home_row, template

PHONE = (390, 844)
SEND_TWICE = """async () => {
  const form = document.getElementById('entry-form');
  const data = new FormData(form);
  const answers = await Promise.all([1, 2].map(() => fetch(form.action, {method: 'POST', body: data, redirect: 'manual'})));
  return answers.map(answer => answer.type);
}"""


async def test_director_records_the_fire_patrol_on_a_phone(world, new_page):
    code = await world.home(name="城关镇敬老院")
    home = await home_row(code)
    director = await world.user("director", home=code)
    items = json.loads((await template(code, "fire_patrol"))["items"])

    page = await new_page(viewport=PHONE)
    await log_in(page, director.username)
    await page.goto(f"/homes/{code}/safety/new/fire_patrol")
    assert await horizontal_overflow(page) == 0, "the patrol form scrolls sideways on a phone"
    box = await page.locator("#item-exits_clear .se-choice.pass span").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 88, box
    for item in items:
        await page.click(f"#item-{item['key']} .se-choice.{'fail' if item['key'] == 'extinguishers' else 'pass'}")
    await page.fill("#n-extinguishers", "二楼灭火器压力不足")
    await page.set_input_files(
        "#p-extinguishers", files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": images.jpeg()}]
    )
    assert await page.is_checked("#item-extinguishers input[value=fail]")

    # a double tap: the browser sends the same form twice at once, then the real tap lands
    assert await page.evaluate(SEND_TWICE) == ["opaqueredirect", "opaqueredirect"]
    async with page.expect_navigation():
        await page.click("#entry-form button[type=submit]")
    assert "/safety/entries/" in page.url, page.url
    assert await SafetyEntry.count().where(SafetyEntry.home == home["id"]) == 1
    assert await SafetyHazard.count().where(SafetyHazard.home == home["id"]) == 1
    entry = await SafetyEntry.select(SafetyEntry.id).where(SafetyEntry.home == home["id"]).first()
    assert page.url.endswith(f"/homes/{code}/safety/entries/{entry['id']}")
    assert await SafetyPhoto.count().where(SafetyPhoto.entry == entry["id"]) == 1

    hazards = await page.inner_text("#hazards")
    assert "灭火器在位" in hazards and "待整改" in hazards, hazards
    assert "二楼灭火器压力不足" in await page.inner_text("#item-extinguishers")
    assert "照片待补" not in await page.content()
    width = await page.evaluate("() => document.querySelector('#item-extinguishers .se-photos img').naturalWidth")
    assert width == 320, "the thumbnail did not load"
    assert await horizontal_overflow(page) == 0, "the entry page scrolls sideways on a phone"
    entry_url = page.url

    # back to the form (the browser puts the answers back) and send it again: the same entry
    await page.go_back()
    assert "/safety/new/fire_patrol" in page.url
    assert await page.is_checked("#item-extinguishers input[value=fail]")
    async with page.expect_navigation():
        await page.click("#entry-form button[type=submit]")
    assert page.url == entry_url, page.url
    assert "此记录已保存过" in await page.content()
    assert await SafetyEntry.count().where(SafetyEntry.home == home["id"]) == 1
    assert await SafetyHazard.count().where(SafetyHazard.home == home["id"]) == 1

    async with page.expect_navigation():
        await page.click("#hazards a")
    assert f"/homes/{code}/hazards/" in page.url
