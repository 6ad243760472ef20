"""Entitlement edges (interfaces §4): approval, death, placements and assessments dated on the
first or last day of a month, a standard changing mid-year, extra months after death.

Entitlement is read through MISSING_PAYMENT: an entitled person with no line is reported with
the expected amount; a person not entitled is not reported at all."""

from datetime import date, timedelta

from backend.core import dates
from backend.registry import services as registry
from backend.registry.schemas import ParametersIn
from backend.stipends import services
from tests.stipends.helpers import (
    PARTIAL,
    SYSTEM,
    assess,
    end_support,
    import_lines,
    import_standard,
    person,
    place,
    record_death,
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


def _params(effective_from: date, extra: int, residents_per_staff: int = 10) -> ParametersIn:
    return ParametersIn(
        effective_from=effective_from,
        residents_per_staff=residents_per_staff,
        death_report_deadline_hours=24,
        extra_months_after_death=extra,
        inspections_per_year=4,
    )


# Built as the application builds it: a parameter takes effect today at the earliest and a death
# is reported for today at the latest, so the deaths here are today's, under today's rule.


async def test_extra_months_after_death(world):
    """With extra_months_after_death = 1 the month after death is still owed, not the one after."""
    with_extra, home = await county_with_standard(world)
    without, other_home = await county_with_standard(world)
    today = dates.today()
    await registry.set_parameters(SYSTEM, with_extra, _params(today, extra=1))
    death_month = dates.month_of(today)
    a = await person(with_extra, home)
    b = await person(without, other_home)
    for p in (a, b):
        await record_death(p["id"], today)
    after = dates.add_months(death_month, 1)
    assert a["id_number"] in await expected_missing(with_extra, death_month)
    assert a["id_number"] in await expected_missing(with_extra, after)
    assert a["id_number"] not in await expected_missing(with_extra, dates.add_months(death_month, 2))
    assert b["id_number"] in await expected_missing(without, death_month)
    assert b["id_number"] not in await expected_missing(without, after)


async def test_a_parameter_change_that_matters_makes_a_run_stale(world):
    county, home = await county_with_standard(world)
    quiet, quiet_home = await county_with_standard(world)
    today = dates.today()
    next_month = dates.add_months(dates.month_of(today), 1)
    runs = {}
    for code, where in ((county, home), (quiet, quiet_home)):
        p = await person(code, where)
        await record_death(p["id"], today)
        runs[code] = await services.reconcile(SYSTEM, code, next_month)
        assert runs[code].findings == []  # the default rule: nothing owed after the month of death
    # A rule from tomorrow on is not the one in force on the day of death: not stale.
    await registry.set_parameters(SYSTEM, county, _params(today + timedelta(days=1), extra=1))
    assert await services.is_stale(SYSTEM, runs[county].run_id) is False
    # Today's rule: one more month owed, the run is stale.
    await registry.set_parameters(SYSTEM, county, _params(today, extra=1))
    assert await services.is_stale(SYSTEM, runs[county].run_id) is True
    assert [f.code for f in (await services.reconcile(SYSTEM, county, next_month)).findings] == ["MISSING_PAYMENT"]
    # Today's rule changing something else (the staff ratio) changes nothing owed: not stale.
    await registry.set_parameters(SYSTEM, quiet, _params(today, extra=0, residents_per_staff=8))
    assert await services.is_stale(SYSTEM, runs[quiet].run_id) is False


async def test_support_ended_mid_month_is_still_paid_for_that_month(world):
    """Ended on the 15th of June: entitled for June, the full amount in the mode of June (the stay
    that ends with the support counts from the next month), and not for July."""
    county, home = await county_with_standard(world)
    placed = await person(county, home)  # concentrated, partial: 600 + 300
    at_home = await person(county)  # dispersed, partial: 450 + 200
    for p in (placed, at_home):
        await end_support(p["id"], date(2026, 6, 15))
    june = await expected_missing(county, date(2026, 6, 1))
    assert june[placed["id_number"]] == "900.00" and june[at_home["id_number"]] == "650.00"
    july = await expected_missing(county, date(2026, 7, 1))
    assert placed["id_number"] not in july and at_home["id_number"] not in july
    # Paid in full for June: clean; paid for July: not entitled.
    await import_lines(
        [
            ["END-6", placed["id_number"], placed["name"], county, "2026-06", "600", "300"],
            ["END-7", placed["id_number"], placed["name"], county, "2026-07", "600", "300"],
        ]
    )
    june_report = await services.reconcile(SYSTEM, county, date(2026, 6, 1))
    assert [f.code for f in june_report.findings if f.id_number == placed["id_number"]] == []
    july_report = await services.reconcile(SYSTEM, county, date(2026, 7, 1))
    assert [f.code for f in july_report.findings if f.id_number == placed["id_number"]] == ["NOT_ENTITLED"]
