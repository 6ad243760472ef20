"""Registry through the pages and the API: admins change it, others see their scope only."""

from tests.conftest import post_form


async def test_admin_creates_county_and_home_through_pages(signed_in):
    client, _admin = await signed_in("admin")
    response = await post_form(client, "/counties/new", {"code": "623001", "name": "示例县", "province": "甘肃省"})
    assert response.status_code in (200, 303), response.text
    page = await client.get("/counties/623001")
    assert page.status_code == 200
    assert "示例县" in page.text
    response = await post_form(client, "/homes/new", {"code": "SL-01", "name": "示例县敬老院", "county_code": "623001", "beds": "30"})
    assert response.status_code in (200, 303), response.text
    page = await client.get("/homes/SL-01")
    assert "示例县敬老院" in page.text


async def test_bad_home_form_is_refused_in_chinese_and_writes_nothing(signed_in, world):
    client, _admin = await signed_in("admin")
    county = await world.county()
    response = await post_form(client, "/homes/new", {"code": "bad code!", "name": "", "county_code": county, "beds": "-3"})
    assert response.status_code == 400
    assert "机构编码" in response.text or "A–Z" in response.text
    assert (await client.get("/homes/BAD CODE!")).status_code == 404


async def test_form_without_csrf_token_is_refused(signed_in):
    client, _admin = await signed_in("admin")
    response = await client.post("/counties/new", data={"code": "623002", "name": "无令牌县", "province": "甘肃省"})
    assert response.status_code == 403
    assert (await client.get("/counties/623002")).status_code == 404
