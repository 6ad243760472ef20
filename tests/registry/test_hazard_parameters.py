"""The days to rectify a hazard are county parameters (issue 12; domain-rules §6 [default]):
defaults 1 (major) and 7 (ordinary) with their source, set on the parameters form (refused
outside 0–365, nothing stored), shown on the county page, kept when a client leaves them out."""

from __future__ import annotations

from datetime import timedelta

from backend.core import dates
from backend.registry import rules, services
from backend.registry.schemas import ParametersIn
from tests.conftest import post_form

BASE = dict(residents_per_staff=10, death_report_deadline_hours=24, extra_months_after_death=0, inspections_per_year=4)
FIELDS = {
    "residents_per_staff": "10",
    "death_report_deadline_hours": "24",
    "extra_months_after_death": "0",
    "inspections_per_year": "4",
    "admission_assessment_max_age_days": "90",
    "default_area": "rural",
}


def test_the_defaults_and_their_source():
    defaults = rules.default_parameters()
    assert (defaults.hazard_days_major, defaults.hazard_days_ordinary) == (1, 7)
    table = rules.default_table()
    assert table["hazard_days_major"]["source"].startswith("domain-rules §6 [default]")
    assert table["hazard_days_ordinary"]["source"].startswith("domain-rules §6 [default]")
    assert rules.PARAMETER_RANGES["hazard_days_major"] == (0, 365)


async def test_the_form_sets_them_and_refuses_bad_values(signed_in, world, system):
    client, _admin = await signed_in("admin")
    county = await world.county()
    form = await client.get(f"/counties/{county}/parameters")
    assert 'name="hazard_days_major"' in form.text and 'name="hazard_days_ordinary"' in form.text
    assert 'name="hazard_days_major" type="number" value="1"' in form.text
    fields = {**FIELDS, "effective_from": dates.today().isoformat()}
    bad = await post_form(
        client, f"/counties/{county}/parameters", {**fields, "hazard_days_major": "-1", "hazard_days_ordinary": "400"}
    )
    assert bad.status_code == 400 and "不得小于 0" in bad.text and "不得大于 365" in bad.text
    assert await services.parameter_history(system, county) == []
    good = await post_form(
        client, f"/counties/{county}/parameters", {**fields, "hazard_days_major": "0", "hazard_days_ordinary": "10"}
    )
    assert good.status_code == 303
    today = await services.parameters_on(system, county, dates.today())
    assert (today.hazard_days_major, today.hazard_days_ordinary) == (0, 10)
    shown = await client.get(f"/counties/{county}")
    assert "重大隐患 0 天 · 一般隐患 10 天" in shown.text
    again = await client.get(f"/counties/{county}/parameters")
    assert 'name="hazard_days_major" type="number" value="0"' in again.text  # a 0 is shown, not emptied
    # a form sent without them (an older page) keeps the values in force
    tomorrow = dates.today() + timedelta(days=1)
    kept = await post_form(client, f"/counties/{county}/parameters", {**FIELDS, "effective_from": tomorrow.isoformat()})
    assert kept.status_code == 303
    later = await services.parameters_on(system, county, tomorrow)
    assert (later.hazard_days_major, later.hazard_days_ordinary) == (0, 10)


async def test_left_out_they_keep_the_values_in_force_and_change_only_from_their_date(world, system):
    county = await world.county()
    start = dates.today() + timedelta(days=3)
    await services.set_parameters(
        system, county, ParametersIn(effective_from=start, **BASE, hazard_days_major=2, hazard_days_ordinary=14)
    )
    later = start + timedelta(days=20)
    await services.set_parameters(system, county, ParametersIn(effective_from=later, **{**BASE, "inspections_per_year": 2}))
    kept = await services.parameters_on(system, county, later)
    assert (kept.inspections_per_year, kept.hazard_days_major, kept.hazard_days_ordinary) == (2, 2, 14)
    before = await services.parameters_on(system, county, dates.today())
    assert (before.hazard_days_major, before.hazard_days_ordinary) == (1, 7)
    out = await services.current_parameters(system, county)
    assert (out.hazard_days_major, out.hazard_days_ordinary) == (1, 7)
