"""The residents JSON API: scoped, masked, validated; full IDs only to roles that need them."""

from datetime import date

from backend.core.tables import AuditEntry
from tests.conftest import make_client
from tests.residents.helpers import new_id, register_person


async def test_register_admit_assess_and_read_back(app, world, bearer):
    county = await world.county()
    home = await world.home(county=county, beds=5)
    inspector = await world.user("inspector", county=county)
    headers = await bearer(inspector)
    async with make_client(app) as client:
        number = new_id("F")
        created = await client.post(
            "/api/v1/residents",
            headers=headers,
            json={
                "id_number": number,
                "name": "王秀兰",
                "county_code": county,
                "approved_on": "2024-01-05",
                "home_code": home,
                "admitted_on": "2024-02-01",
                # registered with a home: never assessed by the county, so an emergency admission
                "emergency_reason": "独居老人突发失能，村委会送来",
            },
        )
        assert created.status_code == 201, created.text
        person = created.json()
        assert person["id_number_masked"] == number[:6] + "********" + number[-4:]
        assert number not in created.text
        assessed = await client.post(
            f"/api/v1/residents/{person['id']}/assessments",
            headers=headers,
            json={
                "assessed_on": "2024-02-01",
                "eat": True,
                "dress": False,
                "transfer": True,
                "toilet": True,
                "walk": True,
                "bathe": False,
            },
        )
        assert assessed.status_code == 201 and assessed.json()["tier"] == "partial"
        state = await client.get(f"/api/v1/residents/{person['id']}/state", headers=headers, params={"on": "2024-01-31"})
        assert state.json() == {"day": "2024-01-31", "mode": "dispersed", "home_code": None, "tier": "unassessed"}
        listing = await client.get("/api/v1/residents", headers=headers, params={"home": home})
        assert listing.json()["total"] == 1 and listing.json()["tier_counts"]["partial"] == 1
        assert number not in listing.text


async def test_bad_input_is_refused_with_fields_and_nothing_is_written(app, world, bearer):
    county = await world.county()
    inspector = await world.user("inspector", county=county)
    headers = await bearer(inspector)
    async with make_client(app) as client:
        good = new_id("M")
        bad = good[:17] + ("0" if good[17] != "0" else "1")  # wrong check digit
        response = await client.post(
            "/api/v1/residents",
            headers=headers,
            json={
                "id_number": bad,
                "name": "赵六",
                "county_code": county,
                "approved_on": "2024-01-05",
            },
        )
        assert response.status_code == 400
        assert "id_number" in response.json()["errors"]
        missing = await client.post("/api/v1/residents", headers=headers, json={"name": "赵六"})
        assert missing.status_code == 400
        listing = await client.get("/api/v1/residents", headers=headers, params={"q": "赵六"})
        assert listing.json()["total"] == 0


async def test_full_id_needs_the_role_and_is_audited(app, world, bearer, system):
    from backend.residents.schemas import ResidentIn

    county = await world.county()
    home = await world.home(county=county)
    number = new_id("M")
    person = await register_person(
        system,
        ResidentIn(
            id_number=number,
            name="钱七",
            county_code=county,
            approved_on=date(2024, 1, 1),
            home_code=home,
            admitted_on=date(2024, 1, 2),
        ),
    )
    director = await bearer(await world.user("director", home=home))
    finance = await bearer(await world.user("finance", county=county))
    async with make_client(app) as client:
        assert (await client.post(f"/api/v1/residents/{person.id}/id-number", headers=director)).status_code == 403
        before = await AuditEntry.count().where(AuditEntry.action == "resident.view_id")
        shown = await client.post(f"/api/v1/residents/{person.id}/id-number", headers=finance)
        assert shown.status_code == 200 and shown.json() == {"id_number": number}
        assert await AuditEntry.count().where(AuditEntry.action == "resident.view_id") == before + 1


async def test_the_api_refuses_dates_before_approval_and_writes_nothing(app, world, bearer):
    county = await world.county()
    home = await world.home(county=county)
    headers = await bearer(await world.user("inspector", county=county))
    async with make_client(app) as client:
        early = await client.post(
            "/api/v1/residents",
            headers=headers,
            json={
                "id_number": new_id("M"),
                "name": "早入住",
                "county_code": county,
                "approved_on": "2024-03-01",
                "home_code": home,
                "admitted_on": "2024-02-29",
            },
        )
        assert early.status_code == 400 and "admitted_on" in early.json()["errors"]
        created = await client.post(
            "/api/v1/residents",
            headers=headers,
            json={
                "id_number": new_id("F"),
                "name": "周九",
                "county_code": county,
                "approved_on": "2024-03-01",
            },
        )
        person = created.json()["id"]
        for path, body, field in (
            ("placements", {"kind": "admit", "event_date": "2024-02-29", "home_code": home}, "event_date"),
            ("condition-changes", {"reported_on": "2024-02-29", "note": "跌倒"}, "reported_on"),
        ):
            refused = await client.post(f"/api/v1/residents/{person}/{path}", headers=headers, json=body)
            assert refused.status_code == 400 and field in refused.json()["errors"], refused.text
        answers = dict.fromkeys(("eat", "dress", "transfer", "toilet", "walk", "bathe"), True)
        assessed = await client.post(
            f"/api/v1/residents/{person}/assessments", headers=headers, json={"assessed_on": "2024-03-01", **answers}
        )
        assert assessed.status_code == 201, assessed.text  # an admission needs a county assessment first
        on_the_day = await client.post(
            f"/api/v1/residents/{person}/placements",
            headers=headers,
            json={"kind": "admit", "event_date": "2024-03-01", "home_code": home},
        )
        assert on_the_day.status_code == 201, on_the_day.text
        history = await client.get(f"/api/v1/residents/{person}/placements", headers=headers)
        assert [event["event_date"] for event in history.json()] == ["2024-03-01"]
        listing = await client.get("/api/v1/residents", headers=headers, params={"q": "早入住"})
        assert listing.json()["total"] == 0
