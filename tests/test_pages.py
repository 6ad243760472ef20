"""Health, error pages in Chinese without stack traces, the language switch, parameters."""

from datetime import date, timedelta

import pytest

from backend.core import dates
from backend.core.errors import Invalid
from backend.registry import services
from backend.registry.schemas import ParametersIn
from tests.conftest import post_form


async def test_health_reports_the_database(client):
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


async def test_not_found_and_forbidden_pages_are_chinese_and_plain(signed_in, world):
    client, _user = await signed_in("director", home=await world.home())
    missing = await client.get("/homes/NO-SUCH-HOME")
    assert missing.status_code == 404
    assert "找不到" in missing.text or "不存在" in missing.text
    assert "Traceback" not in missing.text
    forbidden = await client.get("/counties")
    assert forbidden.status_code == 403
    assert "Traceback" not in forbidden.text
    assert "<html" in forbidden.text


async def test_unknown_api_route_answers_json_404(client):
    response = await client.get("/api/v1/nothing-here")
    assert response.status_code in (401, 404)
    assert response.headers["content-type"].startswith("application/json")


async def test_the_language_switch_sets_a_cookie_and_only_follows_local_paths(client):
    response = await client.get("/lang/en?next=/login")
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert (await client.get("/login")).text.count("Sign in") >= 1
    evil = await client.get("/lang/zh_CN?next=//evil.example/")
    assert evil.headers["location"] == "/"


async def test_parameters_never_rewrite_the_past(world, system):
    county = await world.county()
    values = dict(
        residents_per_staff=8,
        death_report_deadline_hours=12,
        extra_months_after_death=1,
        inspections_per_year=6,
        dependents_per_carer=3,
    )
    with pytest.raises(Invalid) as invalid:
        await services.set_parameters(system, county, ParametersIn(effective_from=dates.today() - timedelta(days=1), **values))
    assert "effective_from" in invalid.value.errors
    start = dates.today() + timedelta(days=10)
    await services.set_parameters(system, county, ParametersIn(effective_from=start, **values))
    assert (await services.parameters_on(system, county, start - timedelta(days=1))).residents_per_staff == 10
    on_start = await services.parameters_on(system, county, start)
    assert (on_start.residents_per_staff, on_start.dependents_per_carer) == (8, 3)
    await services.set_parameters(system, county, ParametersIn(effective_from=start, **{**values, "residents_per_staff": 7}))
    history = await services.parameter_history(system, county)
    assert [(row.effective_from, row.residents_per_staff) for row in history] == [(start, 7)]


async def test_parameter_form_refuses_bad_numbers_in_place(signed_in, world):
    client, _admin = await signed_in("admin")
    county = await world.county()
    response = await post_form(
        client,
        f"/counties/{county}/parameters",
        {
            "effective_from": date.today().isoformat(),
            "residents_per_staff": "0",
            "death_report_deadline_hours": "abc",
            "extra_months_after_death": "0",
            "inspections_per_year": "4",
        },
    )
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text
    assert (
        await services.parameter_history(__import__("backend.core.security", fromlist=["Scope"]).Scope.system(), county)
    ) == []
    page = await client.get(f"/counties/{county}")
    assert "本地设置" in page.text and "并非国家法规" in page.text


async def test_admission_age_and_default_area_are_county_parameters(signed_in, world):
    client, _admin = await signed_in("admin")
    county = await world.county()
    fields = {
        "effective_from": dates.today().isoformat(),
        "residents_per_staff": "10",
        "death_report_deadline_hours": "24",
        "extra_months_after_death": "0",
        "inspections_per_year": "4",
    }
    page = await client.get(f"/counties/{county}/parameters")
    assert 'name="admission_assessment_max_age_days"' in page.text and 'name="default_area"' in page.text
    bad = await post_form(
        client,
        f"/counties/{county}/parameters",
        {**fields, "admission_assessment_max_age_days": "0", "default_area": "suburban"},
    )
    assert bad.status_code == 400
    assert "请选择城市或农村" in bad.text and "不得小于 1" in bad.text
    system = __import__("backend.core.security", fromlist=["Scope"]).Scope.system()
    assert await services.parameter_history(system, county) == []
    good = await post_form(
        client,
        f"/counties/{county}/parameters",
        {**fields, "admission_assessment_max_age_days": "60", "default_area": "urban"},
    )
    assert good.status_code == 303
    today = await services.parameters_on(system, county, dates.today())
    assert (today.admission_assessment_max_age_days, today.default_area) == (60, "urban")
    shown = await client.get(f"/counties/{county}")
    assert "不超过 60 天" in shown.text and "城市" in shown.text


async def test_parameters_left_out_keep_the_values_in_force(world, system):
    """A client that predates the two parameters of issue 10 (its body lacks them) keeps the
    county's values: it must not reset the default area to rural (money) or the assessment age."""
    county = await world.county()
    base = dict(residents_per_staff=10, death_report_deadline_hours=24, extra_months_after_death=0, inspections_per_year=4)
    start = dates.today() + timedelta(days=5)
    await services.set_parameters(
        system,
        county,
        ParametersIn(effective_from=start, **base, admission_assessment_max_age_days=120, default_area="urban"),
    )
    later = start + timedelta(days=30)
    await services.set_parameters(
        system, county, ParametersIn(effective_from=later, **{**base, "death_report_deadline_hours": 12})
    )
    kept = await services.parameters_on(system, county, later)
    assert (kept.death_report_deadline_hours, kept.admission_assessment_max_age_days, kept.default_area) == (12, 120, "urban")


async def test_an_unexpected_error_shows_a_plain_500_page(signed_in, monkeypatch):
    client, _admin = await signed_in("admin")

    async def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    # The one place a failure is simulated: nothing real fails on demand.
    monkeypatch.setattr(services, "list_homes", broken)
    response = await client.get("/homes")
    assert response.status_code == 500
    assert "secret internal detail" not in response.text and "Traceback" not in response.text
    assert "<html" in response.text
