"""On-site inspections (现场检查, domain rules §6): the county's inspector records a visit (one
audit record), a correction is a new visit with a reason; a bad, future or too old day, a visit
outside the scope (404) and a director (403) are refused with nothing written; the visit shows on
the home's tasks page and in the county's plan."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend.core import dates
from backend.core.tables import AuditEntry
from backend.inspections import page_rules, rules
from backend.inspections.tables import InspectionVisit
from tests.conftest import post_form


@pytest.fixture
async def place(world):
    county = await world.county(name="检查县")
    home = await world.home(county, name="受检敬老院")
    other = await world.home(county, name="未检敬老院")
    outside = await world.home(name="外县敬老院")
    return county, home, other, outside


async def _visits() -> int:
    return await InspectionVisit.count()


async def _audits(action: str) -> int:
    return await AuditEntry.count().where(AuditEntry.action == action)


async def test_an_inspector_records_a_visit_and_its_correction(place, world, bearer, client):
    county, home, _other, _outside = place
    headers = await bearer(await world.user("inspector", county=county))
    today = dates.today().isoformat()
    before = await _audits("inspection_visit.record")
    response = await client.post(
        f"/api/v1/homes/{home}/inspection-visits", json={"visited_on": today, "findings": "消防通道畅通"}, headers=headers
    )
    assert response.status_code == 201, response.text
    visit = response.json()
    assert visit["home"] == home and visit["findings"] == "消防通道畅通" and visit["corrected_by"] is None
    assert await _audits("inspection_visit.record") == before + 1

    missing_reason = await client.post(
        f"/api/v1/homes/{home}/inspection-visits",
        json={"visited_on": today, "findings": "补充", "corrects": visit["id"]},
        headers=headers,
    )
    assert missing_reason.status_code == 400 and "reason" in missing_reason.json()["errors"]
    corrected = await client.post(
        f"/api/v1/homes/{home}/inspection-visits",
        json={"visited_on": today, "findings": "消防通道畅通；灭火器过期一具", "corrects": visit["id"], "reason": "漏记一项"},
        headers=headers,
    )
    assert corrected.status_code == 201, corrected.text
    again = await client.post(
        f"/api/v1/homes/{home}/inspection-visits",
        json={"visited_on": today, "findings": "再改", "corrects": visit["id"], "reason": "再改"},
        headers=headers,
    )
    assert again.status_code == 400 and "corrects" in again.json()["errors"]
    listed = (await client.get(f"/api/v1/homes/{home}/inspection-visits", headers=headers)).json()
    by_id = {v["id"]: v for v in listed}
    assert by_id[visit["id"]]["corrected_by"] == corrected.json()["id"]
    assert await _audits("inspection_visit.correct") >= 1


@pytest.mark.parametrize(
    ("day", "status"),
    [("2026-02-30", 400), ("not a day", 400), ("future", 400), ("too old", 400)],
)
async def test_bad_days_are_refused_and_nothing_is_written(place, world, bearer, client, day, status):
    county, home, _other, _outside = place
    headers = await bearer(await world.user("inspector", county=county))
    today = dates.today()
    if day == "future":
        day = (today + timedelta(days=1)).isoformat()
    elif day == "too old":
        day = (page_rules.previous_period(rules.QUARTERLY, today)[1] - timedelta(days=1)).isoformat()
    count = await _visits()
    response = await client.post(
        f"/api/v1/homes/{home}/inspection-visits", json={"visited_on": day, "findings": "x"}, headers=headers
    )
    assert response.status_code == status, response.text
    assert "visited_on" in response.text
    assert await _visits() == count


async def test_outside_the_scope_is_404_and_a_director_is_refused(place, world, bearer, client):
    county, home, _other, outside = place
    inspector = await bearer(await world.user("inspector", county=county))
    director = await bearer(await world.user("director", home=home))
    body = {"visited_on": dates.today().isoformat(), "findings": "x"}
    count = await _visits()
    assert (await client.post(f"/api/v1/homes/{outside}/inspection-visits", json=body, headers=inspector)).status_code == 404
    assert (await client.post(f"/api/v1/homes/{home}/inspection-visits", json=body, headers=director)).status_code == 403
    assert await _visits() == count
    assert (await client.get(f"/api/v1/homes/{outside}/inspection-visits", headers=inspector)).status_code == 404


async def test_the_form_records_a_visit_and_the_plan_shows_it(place, signed_in):
    county, home, other, _outside = place
    client, _user = await signed_in("inspector", county=county)
    form = await client.get(f"/homes/{home}/inspections/new")
    assert form.status_code == 200 and 'name="findings"' in form.text
    refused = await post_form(client, f"/homes/{home}/inspections/new", {"visited_on": dates.today().isoformat(), "findings": ""})
    assert refused.status_code == 400 and 'id="e-findings"' in refused.text
    saved = await post_form(
        client, f"/homes/{home}/inspections/new", {"visited_on": dates.today().isoformat(), "findings": "厨房卫生良好"}
    )
    assert saved.status_code == 303, saved.text
    tasks = (await client.get(f"/homes/{home}/tasks")).text
    assert "厨房卫生良好" in tasks
    plan = (await client.get(f"/counties/{county}/inspections")).text
    assert f'data-home="{home}" data-status="done"' in plan
    assert f'data-home="{other}" data-status="overdue"' in plan  # no visit last quarter either
    assert plan.index(f'data-home="{other}"') < plan.index(f'data-home="{home}"')  # overdue first


async def test_a_director_sees_visits_but_may_not_record_one(place, signed_in):
    _county, home, _other, _outside = place
    client, _user = await signed_in("director", home=home)
    assert (await client.get(f"/homes/{home}/inspections/new")).status_code == 403
    refused = await post_form(
        client, f"/homes/{home}/inspections/new", {"visited_on": dates.today().isoformat(), "findings": "x"}
    )
    assert refused.status_code == 403


async def test_a_visit_makes_the_periods_onsite_inspection_task_done(place, world, system):
    from backend.inspections import services
    from backend.inspections.rate_schemas import VisitIn
    from backend.inspections.tables import Task

    county, home, _other, _outside = place
    await services.generate_tasks(dates.today())
    inspector = await world.user("inspector", county=county)
    home_row = await services.home_tasks(system, home)
    onsite = [task for task in home_row if task.routine == "onsite_inspection" and task.period_start <= dates.today()]
    assert onsite and onsite[-1].status == "open" and onsite[-1].label == "现场检查"
    await services.record_inspection_visit(inspector.scope, home, VisitIn(visited_on=dates.today(), findings="正常"))
    row = await Task.select(Task.status, Task.done, Task.on_time).where(Task.id == onsite[-1].id).first()
    assert row == {"status": "done", "done": 1, "on_time": 1}


async def test_the_task_generator_counts_a_correction_in_place_of_the_visit_it_corrects(place, world):
    """The pages count a correction instead of the visit it corrects; so does the generator: the
    corrected day, recorded when the visit first was (a late correction does not make it late)."""
    from backend.inspections import services
    from backend.inspections.rate_schemas import VisitIn
    from backend.inspections.services._sources import _visits_in_force
    from backend.registry.tables import Home

    county, home, _other, _outside = place
    inspector = await world.user("inspector", county=county)
    today = dates.today()
    first = await services.record_inspection_visit(inspector.scope, home, VisitIn(visited_on=today, findings="正常"))
    second = await services.record_inspection_visit(
        inspector.scope,
        home,
        VisitIn(visited_on=today - timedelta(days=1), findings="正常", corrects=first.id, reason="日期记错"),
    )
    home_id = (await Home.select(Home.id).where(Home.code == home).first())["id"]
    rows = await InspectionVisit.select().where(InspectionVisit.id.is_in([first.id, second.id])).order_by(InspectionVisit.id)
    in_force = await _visits_in_force([home_id], today - timedelta(days=400))
    assert in_force == {home_id: [(today - timedelta(days=1), rows[0]["recorded_at"])]}
