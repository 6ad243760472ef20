"""Entitlement edges (interfaces §4): approval, death, placements and assessments dated on the
first or last day of a month, a standard changing mid-year, extra months after death.

Entitlement is read through MISSING_PAYMENT: an entitled person with no line is reported with
the expected amount; a person not entitled is not reported at all."""

from datetime import date, timedelta

from backend.core import dates
from backend.registry import services as registry
from backend.registry.schemas import ParametersIn
from backend.residents.tables import Resident
from backend.stipends import services
from tests.stipends.helpers import (
    PARTIAL,
    SYSTEM,
    assess,
    import_lines,
    import_standard,
    person,
    place,
)


async def expected_missing(county: str, month: date) -> dict[str, str]:
    report = await services.reconcile(SYSTEM, county, month)
    return {f.id_number: f.expected for f in report.findings if f.code == "MISSING_PAYMENT"}


async def county_with_standard(world):
    county = await world.county()
    home = await world.home(county=county, beds=100)
    await import_standard(county)
    return county, home


async def test_approval_on_the_last_day_of_a_month_entitles_from_the_next(world):
    county, _ = await county_with_standard(world)
    p = await person(county, approved_on=date(2026, 5, 31), assessed=None)
    assert p["id_number"] not in await expected_missing(county, date(2026, 5, 1))
    assert (await expected_missing(county, date(2026, 6, 1)))[p["id_number"]] == "450.00"


async def test_approval_on_the_first_day_of_a_month_entitles_from_the_next(world):
    county, _ = await county_with_standard(world)
    p = await person(county, approved_on=date(2026, 6, 1), assessed=None)
    assert p["id_number"] not in await expected_missing(county, date(2026, 6, 1))
    assert p["id_number"] in await expected_missing(county, date(2026, 7, 1))


async def test_death_on_the_first_and_on_the_last_day_of_a_month(world):
    county, home = await county_with_standard(world)
    first = await person(county, home, died_on=date(2026, 6, 1))
    last = await person(county, home, died_on=date(2026, 6, 30))
    june = await expected_missing(county, date(2026, 6, 1))
    assert june[first["id_number"]] == june[last["id_number"]] == "900.00"
    july = await expected_missing(county, date(2026, 7, 1))
    assert first["id_number"] not in july and last["id_number"] not in july
    await import_lines([["DX-1", last["id_number"], last["name"], county, "2026-07", "600", "300"]])
    report = await services.reconcile(SYSTEM, county, date(2026, 7, 1))
    assert [(f.code, f.detail) for f in report.findings] == [("PAID_AFTER_DEATH", "died 2026-06-30")]


async def test_placement_changes_on_the_first_count_from_the_next_month(world):
    county, home = await county_with_standard(world)
    p = await person(county)  # dispersed, partial
    await place(p["id"], "admit", date(2026, 6, 1), home)
    await place(p["id"], "discharge", date(2026, 8, 1))
    got = {m: (await expected_missing(county, date(2026, m, 1)))[p["id_number"]] for m in (6, 7, 8, 9)}
    assert got == {6: "650.00", 7: "900.00", 8: "900.00", 9: "650.00"}


async def test_placement_on_the_last_day_counts_from_the_next_month(world):
    county, home = await county_with_standard(world)
    p = await person(county)
    await place(p["id"], "admit", date(2026, 5, 31), home)
    assert (await expected_missing(county, date(2026, 5, 1)))[p["id_number"]] == "650.00"
    assert (await expected_missing(county, date(2026, 6, 1)))[p["id_number"]] == "900.00"


async def test_assessment_on_the_first_applies_from_the_next_month(world):
    county, home = await county_with_standard(world)
    p = await person(county, home, assessed=None)
    await assess(p["id"], date(2026, 6, 1), PARTIAL)
    assert (await expected_missing(county, date(2026, 6, 1)))[p["id_number"]] == "600.00"  # unassessed: no care
    assert (await expected_missing(county, date(2026, 7, 1)))[p["id_number"]] == "900.00"


async def test_a_standard_changing_mid_year(world):
    county, home = await county_with_standard(world)
    result = await import_standard(county, "2026-07", basic_concentrated="700.00", care_concentrated_partial="320.50")
    assert result.created == 1
    p = await person(county, home)
    assert (await expected_missing(county, date(2026, 6, 1)))[p["id_number"]] == "900.00"
    assert (await expected_missing(county, date(2026, 7, 1)))[p["id_number"]] == "1020.50"
    assert (await expected_missing(county, date(2026, 12, 1)))[p["id_number"]] == "1020.50"
    june = await services.standard_for(SYSTEM, county, date(2026, 6, 15))
    assert june.effective_from == "2025-01" and june.basic_concentrated == "600.00"


async def test_extra_months_after_death(world):
    """With extra_months_after_death = 1 the month after death is still owed, not the one after."""
    with_extra, home = await county_with_standard(world)
    without, other_home = await county_with_standard(world)
    in_force = dates.today() + timedelta(days=1)
    await registry.set_parameters(SYSTEM, with_extra, ParametersIn(
        effective_from=in_force, residents_per_staff=10, death_report_deadline_hours=24,
        extra_months_after_death=1, inspections_per_year=4,
    ))
    died = in_force + timedelta(days=2)
    death_month = dates.month_of(died)
    a = await person(with_extra, home)
    b = await person(without, other_home)
    for p in (a, b):
        await Resident.update({Resident.died_on: died}).where(Resident.id == p["id"])
    after = dates.add_months(death_month, 1)
    assert a["id_number"] in await expected_missing(with_extra, death_month)
    assert a["id_number"] in await expected_missing(with_extra, after)
    assert a["id_number"] not in await expected_missing(with_extra, dates.add_months(death_month, 2))
    assert b["id_number"] in await expected_missing(without, death_month)
    assert b["id_number"] not in await expected_missing(without, after)


async def test_a_parameter_change_that_matters_makes_a_run_stale(world):
    county, home = await county_with_standard(world)
    in_force = dates.today() + timedelta(days=1)

    def params(extra: int) -> ParametersIn:
        return ParametersIn(effective_from=in_force, residents_per_staff=10, death_report_deadline_hours=24,
                            extra_months_after_death=extra, inspections_per_year=4)

    await registry.set_parameters(SYSTEM, county, params(1))
    p = await person(county, home)
    died = in_force + timedelta(days=2)
    await Resident.update({Resident.died_on: died}).where(Resident.id == p["id"])
    run = await services.reconcile(SYSTEM, county, dates.add_months(dates.month_of(died), 1))
    assert [f.code for f in run.findings] == ["MISSING_PAYMENT"]
    await registry.set_parameters(SYSTEM, county, params(1))  # same value again: not stale
    assert await services.is_stale(SYSTEM, run.run_id) is False
    await registry.set_parameters(SYSTEM, county, params(0))
    assert await services.is_stale(SYSTEM, run.run_id) is True
