"""What the registry offers the other domains (registry.services, "for the other domains"):
set-based look-ups by id or code, the scope's counties, and the parameters in force."""

from datetime import timedelta

from backend.core import dates
from backend.registry import rules, services
from backend.registry.schemas import ParametersIn


async def test_county_ids_are_the_scopes_counties(world, system):
    first, second = await world.county(), await world.county()
    inspector = await world.user("inspector", county=first)
    everything = await services.county_ids(system)
    assert {first, second} <= set(everything)
    assert await services.county_ids(inspector.scope) == {first: everything[first]}
    # Asked by code: an unknown code and one out of scope are absent, not an error.
    assert await services.county_ids(inspector.scope, [first, second, "999999"]) == {first: everything[first]}
    assert await services.county_ids(system, [second]) == {second: everything[second]}


async def test_homes_and_counties_by_key_in_one_answer(world, system):
    county = await world.county(name="查询县")
    homes = [await world.home(county=county, beds=10 + n) for n in range(3)]
    by_code = await services.homes_by_code(homes + ["NO-SUCH-HOME", ""])
    assert sorted(by_code) == sorted(homes)
    county_id = (await services.county_ids(system, [county]))[county]
    assert {row["county"] for row in by_code.values()} == {county_id}
    assert [by_code[code]["beds"] for code in homes] == [10, 11, 12]
    by_id = await services.homes_by_id([row["id"] for row in by_code.values()] + [None])
    assert {row["code"] for row in by_id.values()} == set(homes)
    assert set(homes) <= set(await services.homes_by_code())  # None: every home
    counties = await services.counties_by_id([county_id])
    assert counties[county_id]["code"] == county and counties[county_id]["name"] == "查询县"


async def test_parameters_in_force_by_county_id(world, system):
    county = await world.county()
    county_id = (await services.county_ids(system, [county]))[county]
    defaults = rules.default_parameters()
    assert await services.parameters_in_force(county_id, dates.today()) == defaults
    later = dates.today() + timedelta(days=30)
    await services.set_parameters(
        system,
        county,
        ParametersIn(
            effective_from=later,
            residents_per_staff=8,
            death_report_deadline_hours=48,
            extra_months_after_death=1,
            inspections_per_year=4,
        ),
    )
    assert (
        await services.parameters_in_force(county_id, dates.today())
    ).death_report_deadline_hours == defaults.death_report_deadline_hours
    assert (await services.parameters_in_force(county_id, later)).death_report_deadline_hours == 48
    other = await world.county()
    other_id = (await services.county_ids(system, [other]))[other]
    history = await services.county_parameters([county_id, other_id])
    assert [row.effective_from for row in history[county_id]] == [later]
    assert history[other_id] == []
    assert (await services.parameters_on(system, county, later)).extra_months_after_death == 1
