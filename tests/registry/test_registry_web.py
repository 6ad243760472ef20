"""Registry through the pages and the API: admins change it, others see their scope only."""

from tests.conftest import FIXED_COUNTY_CODES, RANDOM_COUNTY_CODES, post_form

# Fixed codes of this module: from the range the county generator never draws from.
NEW_COUNTY, REFUSED_COUNTY = "990001", "990002"


def test_the_fixed_codes_are_outside_the_random_range():
    for code in (NEW_COUNTY, REFUSED_COUNTY):
        assert int(code) in FIXED_COUNTY_CODES and int(code) not in RANDOM_COUNTY_CODES


async def test_admin_creates_county_and_home_through_pages(signed_in):
    client, _admin = await signed_in("admin")
    response = await post_form(client, "/counties/new", {"code": NEW_COUNTY, "name": "示例县", "province": "甘肃省"})
    assert response.status_code in (200, 303), response.text
    page = await client.get(f"/counties/{NEW_COUNTY}")
    assert page.status_code == 200
    assert "示例县" in page.text
    response = await post_form(
        client, "/homes/new", {"code": "SL-01", "name": "示例县敬老院", "county_code": NEW_COUNTY, "beds": "30"}
    )
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
    response = await client.post("/counties/new", data={"code": REFUSED_COUNTY, "name": "无令牌县", "province": "甘肃省"})
    assert response.status_code == 403
    assert (await client.get(f"/counties/{REFUSED_COUNTY}")).status_code == 404
