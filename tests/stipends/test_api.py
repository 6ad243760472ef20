"""The stipend API: finance of the county reconciles and reads runs; other counties are 404."""

from datetime import date

from tests.stipends.helpers import import_lines, import_standard, person, record_death


async def test_finance_reconciles_through_the_api(world, signed_in, bearer, client):
    county = await world.county()
    home = await world.home(county=county, beds=100)
    await import_standard(county)
    p = await person(county, home)
    await import_lines([["API-1", p["id_number"], p["name"], county, "2026-06", "600", "300"]])
    _client, finance = await signed_in("finance", county=county)
    headers = await bearer(finance)
    base = f"/api/v1/counties/{county}"
    standards = await client.get(f"{base}/standards", headers=headers)
    assert standards.status_code == 200 and standards.json()[0]["basic_concentrated"] == "600.00"
    created = await client.post(f"{base}/stipend-runs", headers=headers, json={"month": "2026-06"})
    assert created.status_code == 201, created.text
    doc = created.json()
    assert list(doc) == ["county", "month", "run_id", "summary", "findings"] and doc["findings"] == []
    run = await client.get(f"{base}/stipend-runs/{doc['run_id']}", headers=headers)
    assert run.status_code == 200 and run.json()["stale"] is False
    await record_death(p["id"], date(2026, 5, 2))
    assert (await client.get(f"{base}/stipend-runs/{doc['run_id']}", headers=headers)).json()["stale"] is True
    report = await client.get(f"{base}/stipend-runs/{doc['run_id']}/report", headers=headers)
    assert report.status_code == 200 and report.json() == doc
    listed = await client.get(f"{base}/stipend-runs?month=2026-06", headers=headers)
    assert [item["run_id"] for item in listed.json()] == [doc["run_id"]]
    bad = await client.post(f"{base}/stipend-runs", headers=headers, json={"month": "June"})
    assert bad.status_code == 400 and "month" in bad.text


async def test_other_counties_and_directors_are_kept_out(world, signed_in, bearer, client):
    county = await world.county()
    other = await world.county()
    home = await world.home(county=county)
    await import_standard(county)
    _c, finance = await signed_in("finance", county=county)
    headers = await bearer(finance)
    run = (await client.post(f"/api/v1/counties/{county}/stipend-runs", headers=headers, json={"month": "2026-06"})).json()
    _c, outsider = await signed_in("finance", county=other)
    outsider_headers = await bearer(outsider)
    assert (await client.get(f"/api/v1/counties/{county}/standards", headers=outsider_headers)).status_code == 404
    assert (
        await client.get(f"/api/v1/counties/{other}/stipend-runs/{run['run_id']}", headers=outsider_headers)
    ).status_code == 404
    assert (
        await client.post(f"/api/v1/counties/{county}/stipend-runs", headers=outsider_headers, json={"month": "2026-06"})
    ).status_code == 404
    _c, director = await signed_in("director", home=home)
    director_headers = await bearer(director)
    assert (await client.get(f"/api/v1/counties/{county}/stipend-runs", headers=director_headers)).status_code == 403


async def test_the_api_carries_each_findings_facts_as_data(world, signed_in, bearer, client, app):
    county = await world.county()
    home = await world.home(county=county, beds=100)
    await import_standard(county)
    p = await person(county, home)  # concentrated, partial: 600.00 + 300.00
    dead = await person(county, home, name="李四", died_on=date(2026, 4, 14))
    await import_lines(
        [
            ["FACTS-1", p["id_number"], p["name"], county, "2026-06", "600", "500"],
            ["FACTS-2", dead["id_number"], dead["name"], county, "2026-06", "600", "300"],
        ]
    )
    _client, finance = await signed_in("finance", county=county)
    headers = await bearer(finance)
    base = f"/api/v1/counties/{county}"
    created = (await client.post(f"{base}/stipend-runs", headers=headers, json={"month": "2026-06"})).json()
    by_ref = {f["payment_ref"]: f for f in created["findings"]}
    assert by_ref["FACTS-1"]["code"] == "TIER_MISMATCH" and by_ref["FACTS-1"]["facts"] == {
        "register_mode": "concentrated",
        "register_tier": "partial",
        "paid_tier": "full_loss",
        "expected_basic": "600.00",
        "expected_care": "300.00",
        "paid_basic": "600.00",
        "paid_care": "500.00",
        "register_area": "rural",
    }
    assert by_ref["FACTS-2"]["facts"] == {
        "died_on": "2026-04-14",
        "last_entitled_month": "2026-04",
        "paid_basic": "600.00",
        "paid_care": "300.00",
    }
    # The stored report and the review state carry the same facts.
    report = (await client.get(f"{base}/stipend-runs/{created['run_id']}/report", headers=headers)).json()
    assert [f["facts"] for f in report["findings"]] == [f["facts"] for f in created["findings"]]
    review = (await client.get(f"{base}/stipend-runs/{created['run_id']}/review", headers=headers)).json()
    assert [f["facts"] for f in review["findings"]] == [f["facts"] for f in created["findings"]]
    # Documented in the OpenAPI schema: the facts are a schema of their own, named in both findings.
    schema = (await client.get("/api/schema/openapi.json")).json()["components"]["schemas"]
    facts = next(value for name, value in schema.items() if name.endswith("FindingFacts"))
    assert {"died_on", "paid_tier", "register_mode", "expected_basic", "paid_care", "other_payment_ref"} <= set(
        facts["properties"]
    )
    for name in ("FindingOut", "FindingReviewOut"):
        finding = next(value for key, value in schema.items() if key.endswith(name))
        assert "facts" in finding["properties"], name
