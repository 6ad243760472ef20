"""The on-time rate and task API (issue 13 point 3) against the hand-counted fixture of
tests/inspections/rates_world.py: a home's rates by routine, a county's per home with its total
the sum of the counts (never the mean of the percentages), the province's per county; 400
naming the bad parameter; 404 outside the scope; listed in OpenAPI."""

from __future__ import annotations

import pytest

from tests.inspections.rates_world import rates_world


@pytest.fixture
async def w(world):
    return await rates_world(world)


def _counts(body: dict) -> tuple[int, int, int, int, int]:
    return body["expected"], body["done"], body["on_time"], body["late"], body["missed"]


async def test_a_homes_rates_by_routine_match_the_hand_count(w, world, bearer, client):
    headers = await bearer(await world.user("director", home=w.home_a))
    response = await client.get(f"/api/v1/homes/{w.home_a}/on-time-rates?from={w.month}&to={w.month}", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert _counts(body["total"]) == (7, 6, 5, 1, 1)
    assert body["total"]["on_time_rate"] == pytest.approx(5 / 7)
    assert body["total"]["done_rate"] == pytest.approx(6 / 7)
    routines = {r["routine"]: r for r in body["routines"]}
    assert _counts(routines["fire_patrol"]["total"]) == (3, 2, 1, 1, 1)
    assert _counts(routines["night_patrol"]["total"]) == (4, 4, 4, 0, 0)
    assert routines["fire_patrol"]["label"] and routines["fire_patrol"]["label"] != "fire_patrol"  # the checklist's title
    assert [m["month"] for m in routines["fire_patrol"]["months"]] == [w.month]


async def test_the_county_total_is_the_sum_of_counts_not_the_mean_of_rates(w, world, bearer, client):
    headers = await bearer(await world.user("inspector", county=w.county_x))
    response = await client.get(f"/api/v1/counties/{w.county_x}/on-time-rates?from={w.month}&to={w.month}", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert _counts(body["total"]) == (8, 6, 5, 1, 2)
    assert body["total"]["on_time_rate"] == pytest.approx(5 / 8)  # 62.5 %, not (5/7 + 0) / 2 = 35.7 %
    assert body["total"]["on_time_rate"] != pytest.approx((5 / 7 + 0) / 2)
    homes = {h["home"]: h for h in body["homes"]}
    assert set(homes) == {w.home_a, w.home_b}
    assert _counts(homes[w.home_a]["counts"]) == (7, 6, 5, 1, 1) and homes[w.home_a]["overdue"] == 1
    assert _counts(homes[w.home_b]["counts"]) == (1, 0, 0, 0, 1) and homes[w.home_b]["overdue"] == 1
    assert [h["home"] for h in body["homes"]] == [w.home_b, w.home_a]  # worst on-time rate first
    assert body["overdue"] == 2


async def test_the_province_sums_its_counties(w, world, bearer, client):
    headers = await bearer(await world.user("admin"))
    response = await client.get(f"/api/v1/on-time-rates?from={w.month}&to={w.month}", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    counties = {c["county"]: c for c in body["counties"]}
    assert _counts(counties[w.county_x]["counts"]) == (8, 6, 5, 1, 2)
    assert _counts(counties[w.county_y]["counts"]) == (1, 1, 1, 0, 0)
    # the whole database may hold other tests' counties: the total is the sum of every county's counts
    assert body["total"]["expected"] == sum(c["counts"]["expected"] for c in body["counties"])
    assert body["total"]["on_time"] == sum(c["counts"]["on_time"] for c in body["counties"])
    inspector = await bearer(await world.user("inspector", county=w.county_x))
    assert (await client.get("/api/v1/on-time-rates", headers=inspector)).status_code == 403


async def test_a_homes_tasks_by_status(w, world, bearer, client):
    headers = await bearer(await world.user("director", home=w.home_a))
    overdue = (await client.get(f"/api/v1/homes/{w.home_a}/tasks?status=overdue", headers=headers)).json()
    assert [t["id"] for t in overdue] == [w.overdue_a] and overdue[0]["overdue"] is True
    done = (await client.get(f"/api/v1/homes/{w.home_a}/tasks?status=done", headers=headers)).json()
    assert len(done) == 3 and sum(t["late"] for t in done) == 1
    everything = (await client.get(f"/api/v1/homes/{w.home_a}/tasks", headers=headers)).json()
    assert len(everything) == 6  # the cancelled one is listed, with its status
    open_now = (await client.get(f"/api/v1/homes/{w.home_a}/tasks?status=open", headers=headers)).json()
    assert [t["id"] for t in open_now] == [w.today_task]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-13", "from"),
        ("to=26-01", "to"),
        ("from=2026-05&to=2026-01", "from"),
        ("from=2020-01&to=2026-01", "from"),
    ],
)
async def test_bad_months_are_400_naming_the_parameter(w, world, bearer, client, query, field):
    headers = await bearer(await world.user("admin"))
    for path in (
        f"/api/v1/homes/{w.home_a}/on-time-rates",
        f"/api/v1/counties/{w.county_x}/on-time-rates",
        "/api/v1/on-time-rates",
    ):
        response = await client.get(f"{path}?{query}", headers=headers)
        assert response.status_code == 400, (path, response.text)
        assert field in response.json()["errors"], response.text


async def test_bad_status_sort_and_day_are_400_naming_them(w, world, bearer, client):
    headers = await bearer(await world.user("admin"))
    response = await client.get(f"/api/v1/homes/{w.home_a}/tasks?status=late", headers=headers)
    assert response.status_code == 400 and "status" in response.json()["errors"]
    response = await client.get(f"/api/v1/counties/{w.county_x}/on-time-rates?sort=mean", headers=headers)
    assert response.status_code == 400 and "sort" in response.json()["errors"]
    response = await client.get(f"/api/v1/homes/{w.home_a}/tasks?due_from=yesterday", headers=headers)
    assert response.status_code == 400 and "due_from" in response.text


async def test_outside_the_scope_is_404(w, world, bearer, client):
    director = await bearer(await world.user("director", home=w.home_a))
    inspector = await bearer(await world.user("inspector", county=w.county_x))
    for headers, path in [
        (director, f"/api/v1/homes/{w.home_b}/on-time-rates"),
        (director, f"/api/v1/homes/{w.home_b}/tasks"),
        (inspector, f"/api/v1/homes/{w.home_c}/on-time-rates"),
        (inspector, f"/api/v1/homes/{w.home_c}/tasks"),
        (inspector, f"/api/v1/counties/{w.county_y}/on-time-rates"),
        (inspector, f"/api/v1/counties/{w.county_y}/inspection-plan"),
    ]:
        assert (await client.get(path, headers=headers)).status_code == 404, path
    # a director sees their home only; the county's view is not theirs (their role may not)
    assert (await client.get(f"/api/v1/counties/{w.county_x}/on-time-rates", headers=director)).status_code == 403


async def test_the_routes_are_in_openapi(client):
    paths = (await client.get("/api/schema/openapi.json")).json()["paths"]
    for path in (
        "/api/v1/homes/{code}/on-time-rates",
        "/api/v1/counties/{code}/on-time-rates",
        "/api/v1/on-time-rates",
        "/api/v1/homes/{code}/tasks",
        "/api/v1/homes/{code}/inspection-visits",
        "/api/v1/counties/{code}/inspection-plan",
    ):
        assert path in paths, path
    names = {p["name"] for p in paths["/api/v1/on-time-rates"]["get"]["parameters"]}
    assert {"from", "to"} <= names
