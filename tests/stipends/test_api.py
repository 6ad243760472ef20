"""The stipend API: finance of the county reconciles and reads runs; other counties are 404."""


from tests.stipends.helpers import import_lines, import_standard, person


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
    await import_lines([["API-1", p["id_number"], p["name"], county, "2026-06", "600", "500"]])  # a corrected line
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
    assert (await client.get(f"/api/v1/counties/{other}/stipend-runs/{run['run_id']}", headers=outsider_headers)).status_code == 404
    assert (await client.post(f"/api/v1/counties/{county}/stipend-runs", headers=outsider_headers, json={"month": "2026-06"})).status_code == 404
    _c, director = await signed_in("director", home=home)
    director_headers = await bearer(director)
    assert (await client.get(f"/api/v1/counties/{county}/stipend-runs", headers=director_headers)).status_code == 403
