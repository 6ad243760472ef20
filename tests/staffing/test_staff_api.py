"""The staffing API (issue 11 point 7): staff and training under /api/v1/homes/{code}/staff, with
bearer tokens; refusals are 400 naming the field, nothing written; out of scope 404; the
departure warning answers 400 naming ``confirm_breach`` until confirmed; IDs masked; the
routes are in the OpenAPI schema under the tag ``staffing``."""

from __future__ import annotations

from datetime import date, timedelta

from backend.core import citizen_id, dates
from backend.registry import services as registry
from backend.residents.schemas import ResidentIn
from backend.staffing import services
from backend.staffing.tables import RatioBreach, StaffMember, TrainingRecord
from tests.residents.helpers import new_id, register_person

BODY = {"staff_no": "A001", "name": "李桂兰", "post": "carer", "hired_on": "2024-01-02"}


async def _setting(world, signed_in, bearer):
    """A home and its director's client and bearer headers."""
    county = await world.county()
    home = await world.home(county, name="甲敬老院")
    client, user = await signed_in("director", home=home)
    return county, home, client, await bearer(user)


async def _count(system, home):
    home_id = (await registry.find_home(system, home))["id"]
    staff = await StaffMember.count().where(StaffMember.home == home_id)
    training = await TrainingRecord.count().where(TrainingRecord.staff.home == home_id)
    return staff, training


async def test_staff_and_training_through_the_api(world, system, signed_in, bearer):
    _county, home, client, headers = await _setting(world, signed_in, bearer)
    number = new_id("F")
    created = await client.post(f"/api/v1/homes/{home}/staff", headers=headers, json={**BODY, "id_number": number})
    assert created.status_code == 201, created.text
    assert created.json()["id_number_masked"] == citizen_id.mask(number) and number not in created.text
    assert created.json()["untrained_carer"] is True
    listed = await client.get(f"/api/v1/homes/{home}/staff", headers=headers)
    assert [p["staff_no"] for p in listed.json()] == ["A001"] and number not in listed.text
    one = await client.get(f"/api/v1/homes/{home}/staff/A001", headers=headers)
    assert one.status_code == 200 and one.json()["name"] == "李桂兰"
    changed = await client.patch(f"/api/v1/homes/{home}/staff/A001", headers=headers, json={"carer_cert": "senior"})
    assert changed.status_code == 200 and changed.json()["carer_cert"] == "senior"
    trained = await client.post(
        f"/api/v1/homes/{home}/staff/A001/training",
        headers=headers,
        json={"topic": "care", "trained_on": "2024-02-01", "hours": 1.5},
    )
    assert trained.status_code == 201, trained.text
    assert (trained.json()["hours"], trained.json()["hours_tenths"]) == ("1.5", 15)
    records = await client.get(f"/api/v1/homes/{home}/staff/A001/training", headers=headers)
    assert [r["topic"] for r in records.json()] == ["care"]
    assert (await client.get(f"/api/v1/homes/{home}/staff/A001", headers=headers)).json()["trained_carer"] is True
    ended = await client.patch(
        f"/api/v1/homes/{home}/staff/A001", headers=headers, json={"left_on": dates.today().isoformat(), "left_reason": "辞职"}
    )
    assert ended.status_code == 200 and ended.json()["current"] is False
    current = await client.get(f"/api/v1/homes/{home}/staff?include_former=false", headers=headers)
    assert current.json() == []


async def test_bad_input_is_400_naming_the_field_and_writes_nothing(world, system, signed_in, bearer):
    _county, home, client, headers = await _setting(world, signed_in, bearer)
    before = await _count(system, home)
    kitchen = await client.post(f"/api/v1/homes/{home}/staff", headers=headers, json={**BODY, "post": "cook"})
    assert kitchen.status_code == 400 and set(kitchen.json()["errors"]) == {"health_cert_expires"}
    bad_no = await client.post(f"/api/v1/homes/{home}/staff", headers=headers, json={**BODY, "staff_no": "a/b"})
    assert bad_no.status_code == 400
    hours = await client.post(f"/api/v1/homes/{home}/staff", headers=headers, json=BODY)
    assert hours.status_code == 201
    for bad in (
        {"topic": "care", "trained_on": "2024-02-01", "hours": 0},
        {"topic": "care", "trained_on": "2024-02-01", "hours": 1.25},
    ):
        refused = await client.post(f"/api/v1/homes/{home}/staff/A001/training", headers=headers, json=bad)
        assert refused.status_code == 400, bad
    assert await _count(system, home) == (before[0] + 1, before[1])


async def test_the_departure_warning_through_the_api(world, system, signed_in, bearer):
    county, home, client, headers = await _setting(world, signed_in, bearer)
    for _ in range(11):
        await register_person(
            system,
            ResidentIn(
                id_number=new_id(),
                name="对象",
                county_code=county,
                approved_on=date(2024, 1, 1),
                home_code=home,
                admitted_on=date(2024, 1, 5),
            ),
        )
    for no in ("A1", "A2"):
        assert (
            await client.post(f"/api/v1/homes/{home}/staff", headers=headers, json={**BODY, "staff_no": no})
        ).status_code == 201
    left_on = (dates.today() + timedelta(days=1)).isoformat()
    refused = await client.patch(
        f"/api/v1/homes/{home}/staff/A2", headers=headers, json={"left_on": left_on, "left_reason": "辞职"}
    )
    assert refused.status_code == 400 and set(refused.json()["errors"]) == {"confirm_breach"}
    assert (await services.get_staff(system, home, "A2")).left_on is None
    home_id = (await registry.find_home(system, home))["id"]
    assert await RatioBreach.count().where(RatioBreach.home == home_id) == 0
    confirmed = await client.patch(
        f"/api/v1/homes/{home}/staff/A2",
        headers=headers,
        json={"left_on": left_on, "left_reason": "辞职", "confirm_breach": True},
    )
    assert confirmed.status_code == 200 and confirmed.json()["left_on"] == left_on
    assert await RatioBreach.count().where(RatioBreach.home == home_id) == 1


async def test_another_home_is_404_and_finance_may_only_read(world, system, signed_in, bearer):
    county, home, client, headers = await _setting(world, signed_in, bearer)
    theirs = await world.home(county)
    await services.create_staff(system, theirs, services_in())
    before = await _count(system, theirs)
    for method, path, body in (
        ("GET", f"/api/v1/homes/{theirs}/staff", None),
        ("GET", f"/api/v1/homes/{theirs}/staff/A001", None),
        ("GET", f"/api/v1/homes/{theirs}/staff/A001/training", None),
        ("POST", f"/api/v1/homes/{theirs}/staff", {**BODY, "staff_no": "B1"}),
        ("PATCH", f"/api/v1/homes/{theirs}/staff/A001", {"name": "改"}),
        ("POST", f"/api/v1/homes/{theirs}/staff/A001/training", {"topic": "fire", "trained_on": "2024-02-01", "hours": 2}),
    ):
        response = await client.request(method, path, headers=headers, json=body)
        assert response.status_code == 404, (method, path, response.status_code)
    assert await _count(system, theirs) == before
    finance, user = await signed_in("finance", county=county)
    finance_headers = await bearer(user)
    assert (await finance.get(f"/api/v1/homes/{theirs}/staff", headers=finance_headers)).status_code == 200
    forbidden = await finance.post(f"/api/v1/homes/{theirs}/staff", headers=finance_headers, json={**BODY, "staff_no": "B1"})
    assert forbidden.status_code == 403
    assert await _count(system, theirs) == before


def services_in():
    from backend.staffing.schemas import StaffIn

    return StaffIn(staff_no="A001", name="李桂兰", post="carer", hired_on=date(2024, 1, 2))


async def test_the_routes_are_in_the_openapi_schema_under_staffing(client):
    schema = (await client.get("/api/schema/openapi.json")).json()
    paths = schema["paths"]
    for path, methods in (
        ("/api/v1/homes/{code}/staff", {"get", "post"}),
        ("/api/v1/homes/{code}/staff/{staff_no}", {"get", "patch"}),
        ("/api/v1/homes/{code}/staff/{staff_no}/training", {"get", "post"}),
    ):
        assert methods <= set(paths[path]), path
        assert all(paths[path][method]["tags"] == ["staffing"] for method in methods)
    assert "StaffIn" in str(schema["components"]["schemas"])
