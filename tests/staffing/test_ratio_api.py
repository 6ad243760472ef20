"""The ratio series and the county's staffing view in the JSON API (tag ``staffing``): the §5
shape, bad ranges 400 naming the parameter, another home or county 404, in the OpenAPI schema."""

from __future__ import annotations

from datetime import timedelta

from backend.core import dates
from tests.staffing import ratio_helpers as h


async def test_the_ratio_series_has_the_shape_of_interfaces_section_5(world, client, bearer):
    today = dates.today()
    county = await world.county()
    home = await world.home(county)
    await h.residents_in(county, home, 11, today - timedelta(days=30))
    await h.post(home, today - timedelta(days=1))  # hired yesterday: 1 of 2 on both days
    await h.post(home, today, post="carer")  # and a carer from today: 2 of 2
    director = await world.user("director", home=home)
    headers = await bearer(director)
    first = (today - timedelta(days=1)).isoformat()
    response = await client.get(f"/api/v1/homes/{home}/staffing-ratio?from={first}&to={today.isoformat()}", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "home": home,
        "days": [
            {"date": first, "residents": 11, "dependent_residents": 0, "staff": 1, "carers": 0,
             "required_staff": 2, "required_carers": None, "compliant": False, "shortfall": 1},
            {"date": today.isoformat(), "residents": 11, "dependent_residents": 0, "staff": 2, "carers": 1,
             "required_staff": 2, "required_carers": None, "compliant": True, "shortfall": 0},
        ],
    }  # fmt: skip


async def test_bad_ranges_are_400_and_other_homes_404(world, client, bearer):
    home = await world.home()
    elsewhere = await world.home()
    director = await world.user("director", home=home)
    headers = await bearer(director)
    base = f"/api/v1/homes/{home}/staffing-ratio"
    today = dates.today()
    for query, field in (
        (f"?from={today}&to={today - timedelta(days=1)}", "to"),
        (f"?to={today}", "from"),
        (f"?from={today}", "to"),
        (f"?from=2026-02-30&to={today}", "from"),
        ("?from=2020-01-01&to=2026-01-01", "to"),
    ):
        response = await client.get(base + query, headers=headers)
        assert response.status_code == 400, (query, response.text)
        assert field in response.text, query
    response = await client.get(f"/api/v1/homes/{elsewhere}/staffing-ratio?from={today}&to={today}", headers=headers)
    assert response.status_code == 404


async def test_the_county_overview_in_the_api(world, client, bearer):
    today = dates.today()
    county = await world.county()
    home = await world.home(county)
    await h.residents_in(county, home, 3, today - timedelta(days=30))
    carer = await h.post(home, today - timedelta(days=60), post="carer")
    await h.training(carer)
    inspector = await world.user("inspector", county=county)
    headers = await bearer(inspector)
    response = await client.get(f"/api/v1/counties/{county}/staffing?sort=-staff", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["county"], body["month"], body["sort"]) == (county, dates.month_text(dates.month_of(today)), "-staff")
    (row,) = body["homes"]
    assert row["code"] == home and row["today"]["date"] == today.isoformat()
    assert (row["staff"], row["carers"], row["trained_carers"], row["under_three_staff"], row["no_trained_carer"]) == (
        1, 1, 1, True, False,
    )  # fmt: skip
    assert row["today"]["required_staff"] == 1 and row["today"]["compliant"] is True
    assert (await client.get(f"/api/v1/counties/{county}/staffing?month=2026-13", headers=headers)).status_code == 400
    assert (await client.get(f"/api/v1/counties/{county}/staffing?sort=beds", headers=headers)).status_code == 400
    other = await world.user("inspector", county=await world.county())
    assert (await client.get(f"/api/v1/counties/{county}/staffing", headers=await bearer(other))).status_code == 404
    director = await world.user("director", home=home)
    assert (await client.get(f"/api/v1/counties/{county}/staffing", headers=await bearer(director))).status_code == 403


async def test_both_routes_are_in_the_openapi_schema_under_staffing(client):
    schema = (await client.get("/api/schema/openapi.json")).json()
    ratio = schema["paths"]["/api/v1/homes/{code}/staffing-ratio"]["get"]
    assert ratio["tags"] == ["staffing"]
    assert {parameter["name"] for parameter in ratio["parameters"]} >= {"code", "from", "to"}
    county = schema["paths"]["/api/v1/counties/{code}/staffing"]["get"]
    assert county["tags"] == ["staffing"]
    day = schema["components"]["schemas"]["DayRatioOut"]
    assert list(day["properties"]) == [
        "date", "residents", "dependent_residents", "staff", "carers",
        "required_staff", "required_carers", "compliant", "shortfall",
    ]  # fmt: skip
