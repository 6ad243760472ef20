"""The admission queue's pages and API, and the concentration rate on the county page and in the
API (the rules themselves: test_queue.py and test_concentration_rate.py)."""

import re
from datetime import date, timedelta

import pytest

from backend.core import dates
from backend.residents import services
from backend.residents.queue_schemas import ApplicationIn, OfferIn
from backend.residents.schemas import AssessmentIn, ResidentIn
from tests.conftest import post_form
from tests.residents.helpers import new_id, register_person

FULL_LOSS = dict(eat=False, dress=False, transfer=False, toilet=False, walk=True, bathe=True)
PARTIAL = dict(eat=True, dress=True, transfer=True, toilet=True, walk=True, bathe=False)


def ago(days: int) -> date:
    return dates.today() - timedelta(days=days)


@pytest.fixture
async def county_with_queue(world, system, signed_in, bearer):
    county = await world.county(name="轮候县")
    home = await world.home(county=county, beds=3, name="轮候敬老院")
    client, inspector = await signed_in("inspector", county=county)

    async def person(answers, name):
        out = await register_person(
            system, ResidentIn(id_number=new_id(), name=name, county_code=county, approved_on=date(2024, 3, 1))
        )
        await services.record_assessment(inspector.scope, out.id, AssessmentIn(assessed_on=ago(3), assessor="县医院", **answers))
        return out

    return {
        "county": county,
        "home": home,
        "client": client,
        "inspector": inspector,
        "headers": await bearer(inspector),
        "person": person,
    }


async def test_record_offer_and_admit_through_the_pages(county_with_queue, system):
    c = county_with_queue
    client, county = c["client"], c["county"]
    person = await c["person"](FULL_LOSS, "钱七")
    page = await client.get(f"/counties/{county}/admission-queue")
    assert page.status_code == 200 and "入住轮候" in page.text and "无人轮候" in page.text
    form = await client.get(f"/counties/{county}/admission-queue/new")
    assert form.status_code == 200 and "申请人" in form.text

    id_number = await services.reveal_id_number(system, person.id)
    bad = await post_form(
        client,
        f"/counties/{county}/admission-queue/new",
        {"id_number": new_id(), "applicant": "self", "applied_on": ago(2).isoformat()},
    )
    assert bad.status_code == 400 and "本县特困人员名册中没有这个身份证号" in bad.text
    saved = await post_form(
        client,
        f"/counties/{county}/admission-queue/new",
        {
            "id_number": id_number,
            "applicant": "self",
            "applied_on": ago(2).isoformat(),
            "preferred_home_code": c["home"],
            "note": "本人申请",
        },
    )
    assert saved.status_code == 303
    again = await post_form(
        client,
        f"/counties/{county}/admission-queue/new",
        {"id_number": id_number, "applicant": "township", "applied_on": ago(1).isoformat()},
    )
    assert again.status_code == 400 and "已有一份未办结的入住申请" in again.text

    [application] = await services.admission_queue(c["inspector"].scope, county)
    page = await client.get(f"/counties/{county}/admission-queue")
    assert "钱七" in page.text and "完全丧失" in page.text and f"/admission-applications/{application.id}/offer" in page.text
    offer_form = await client.get(f"/admission-applications/{application.id}/offer")
    assert offer_form.status_code == 200 and "轮候敬老院" in offer_form.text
    offered = await post_form(
        client, f"/admission-applications/{application.id}/offer", {"home_code": c["home"], "offered_on": ago(1).isoformat()}
    )
    assert offered.status_code == 303
    assert (await client.get(f"/admission-applications/{application.id}/offer")).status_code == 200
    refused = await post_form(
        client, f"/admission-applications/{application.id}/offer", {"home_code": c["home"], "offered_on": ago(1).isoformat()}
    )
    assert refused.status_code == 400 and "当前的状态不能办理这一步" in refused.text

    early = await post_form(client, f"/admission-applications/{application.id}/accept", {"admitted_on": ago(2).isoformat()})
    assert early.status_code == 400 and "早于安排入住日期" in early.text
    admitted = await post_form(
        client, f"/admission-applications/{application.id}/accept", {"admitted_on": dates.today().isoformat()}
    )
    assert admitted.status_code == 303
    now = await services.get_resident(system, person.id)
    assert now.home_code == c["home"] and now.mode == "concentrated"
    page = await client.get(f"/counties/{county}/admission-queue")
    assert "最近办结" in page.text and "已入住" in page.text
    assert (await client.get(f"/admission-applications/{application.id}/nonsense")).status_code == 404


async def test_a_refused_admission_is_shown_and_nothing_changes(county_with_queue, world, system):
    c = county_with_queue
    person = await c["person"](PARTIAL, "孙八")
    application = await services.record_application(
        c["inspector"].scope, ApplicationIn(resident_id=person.id, applicant="township", applied_on=ago(5))
    )
    await services.offer_place(c["inspector"].scope, application.id, OfferIn(home_code=c["home"], offered_on=ago(4)))
    for index in range(3):
        await register_person(
            system,
            ResidentIn(
                id_number=new_id(),
                name=f"住{index}",
                county_code=c["county"],
                approved_on=date(2024, 3, 1),
                home_code=c["home"],
                admitted_on=date(2024, 4, 1),
            ),
        )
    response = await post_form(
        c["client"], f"/admission-applications/{application.id}/accept", {"admitted_on": ago(1).isoformat()}
    )
    assert response.status_code == 400 and "该院已满" in response.text and "3" in response.text
    assert (await services.get_application(system, application.id)).status == "offered"
    assert (await services.get_resident(system, person.id)).mode == "dispersed"


async def test_the_county_page_shows_the_rate_of_the_last_twelve_months(county_with_queue, signed_in, world):
    c = county_with_queue
    await c["person"](FULL_LOSS, "李九")  # dependent, dispersed: 0 of 1
    page = await c["client"].get(f"/counties/{c['county']}")
    assert page.status_code == 200 and "集中供养率" in page.text
    panel = page.text[page.text.index('id="concentration-rate"') :]
    this_month = dates.today()
    assert f"{this_month.year}年{this_month.month}月" in panel
    assert len(re.findall(r"<tr>", panel.split("</table>")[0])) == 1 + 12  # the header and twelve months
    assert "0.0%" in panel
    director, _user = await signed_in("director", home=c["home"])
    assert (await director.get(f"/counties/{c['county']}")).status_code == 403


async def test_the_api(county_with_queue, client, system, bearer, world):
    c = county_with_queue
    headers = c["headers"]
    person = await c["person"](PARTIAL, "周十")
    created = await client.post(
        "/api/v1/admission-applications",
        headers=headers,
        json={"resident_id": person.id, "applicant": "county", "applied_on": ago(2).isoformat()},
    )
    assert created.status_code == 201, created.text
    application = created.json()
    assert application["position"] == 1 and application["tier"] == "partial" and "*" in application["id_number_masked"]
    second = await client.post(
        "/api/v1/admission-applications",
        headers=headers,
        json={"resident_id": person.id, "applicant": "self", "applied_on": ago(1).isoformat()},
    )
    assert second.status_code == 400 and "resident_id" in second.json()["errors"]
    listed = await client.get(f"/api/v1/counties/{c['county']}/admission-queue", headers=headers)
    assert [item["id"] for item in listed.json()] == [application["id"]]
    offer = await client.post(
        f"/api/v1/admission-applications/{application['id']}/offer",
        headers=headers,
        json={"home_code": c["home"], "offered_on": ago(1).isoformat()},
    )
    assert offer.status_code == 200 and offer.json()["status"] == "offered"
    declined = await client.post(
        f"/api/v1/admission-applications/{application['id']}/decline",
        headers=headers,
        json={"on": ago(1).isoformat(), "reason": "暂不入住"},
    )
    assert declined.json()["status"] == "open" and declined.json()["offers_declined"] == 1
    withdrawn = await client.post(
        f"/api/v1/admission-applications/{application['id']}/withdraw",
        headers=headers,
        json={"on": ago(0).isoformat(), "reason": "本人撤回"},
    )
    assert withdrawn.json()["status"] == "withdrawn"
    one = await client.get(f"/api/v1/admission-applications/{application['id']}", headers=headers)
    assert one.json()["close_reason"] == "本人撤回"

    month = f"{dates.today():%Y-%m}"
    rate = await client.get(f"/api/v1/counties/{c['county']}/concentration-rate?from={month}&to={month}", headers=headers)
    assert rate.status_code == 200, rate.text
    [row] = rate.json()["months"]
    assert (row["month"], row["dependent"], row["concentrated"], row["rate"]) == (month, 1, 0, 0.0)
    default = await client.get(f"/api/v1/counties/{c['county']}/concentration-rate", headers=headers)
    assert len(default.json()["months"]) == 12
    bad = await client.get(f"/api/v1/counties/{c['county']}/concentration-rate?from=2025-13", headers=headers)
    assert bad.status_code == 400
    outsider = await world.user("inspector", county=await world.county())
    assert (
        await client.get(f"/api/v1/counties/{c['county']}/concentration-rate", headers=await bearer(outsider))
    ).status_code == 404
    schema = (await client.get("/api/schema/openapi.json")).json()
    assert "/api/v1/counties/{code}/concentration-rate" in schema["paths"]
    assert "/api/v1/admission-applications/{application_id}/accept" in schema["paths"]
