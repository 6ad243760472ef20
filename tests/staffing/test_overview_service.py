"""The numbers of the home's staffing page and of the county's view, through the services:
certificates expiring within 30 days (expired ones too, kitchen staff without one), carers
without care training, the month's non-compliant days, confirmed breaches; the county's homes
with their marks, sorted on the server, read with one ratio series call for all of them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend.core import dates
from backend.core.db import transaction
from backend.core.errors import Forbidden, Invalid, NotFound
from backend.core.security import Scope
from backend.staffing import rules, services
from backend.staffing.services import _county
from tests.staffing import ratio_helpers as h


async def test_certificates_untrained_carers_and_breaches_of_the_home(world, system):
    today = dates.today()
    county = await world.county()
    home = await world.home(county)
    long_ago = today - timedelta(days=300)
    await h.post(home, long_ago, post="cook", name="过期", health_cert_expires=today - timedelta(days=3))
    await h.post(home, long_ago, post="cook", name="无证")  # a kitchen worker without one
    await h.post(home, long_ago, name="二十天", health_cert_expires=today + timedelta(days=20))
    await h.post(home, long_ago, name="四十天", health_cert_expires=today + timedelta(days=40))
    await h.post(home, long_ago, left_on=today, name="已离职", health_cert_expires=today)
    trained = await h.post(home, long_ago, post="carer", name="已培训")
    await h.training(trained, "care")
    fire_only = await h.post(home, long_ago, post="carer", name="只有消防")
    await h.training(fire_only, "fire")
    later = await h.post(home, long_ago, post="carer", name="培训在后")
    await h.training(later, "care", today + timedelta(days=3))
    gone = await h.post(home, long_ago, left_on=today - timedelta(days=5), post="carer", name="走了的护理")
    assert gone.id

    overview = await services.home_overview(system, home)
    assert [(c.name, c.days_left, c.expired) for c in overview.certificates] == [
        ("无证", None, False),
        ("过期", -3, True),
        ("二十天", 20, False),
    ]
    assert [s.name for s in overview.untrained_carers] == ["只有消防", "培训在后"]
    assert (overview.staff_in_post, overview.carers_in_post) == (7, 3)
    assert overview.today.staff == 7 and overview.today.compliant  # nobody lives there yet
    assert overview.breaches == []

    # a breach someone confirmed is listed, newest first
    home_id = await h.home_id(home)
    for offset, subject in ((2, "先入住的人"), (5, "后入住的人")):
        day = rules.day_ratio(today + timedelta(days=offset), 11, 0, 1, 0, rules.RatioParameters(None, 10, None))
        async with transaction():
            await services.record_breach(system, home_id, services.BreachWarning(services.ADMISSION, day, "msg"), subject)
    overview = await services.home_overview(system, home)
    assert [(b["subject"], b["staff"], b["required_staff"]) for b in overview.breaches] == [
        ("后入住的人", 1, 2),
        ("先入住的人", 1, 2),
    ]


async def test_the_month_counts_its_days_below_the_ratio_up_to_today(world, system):
    today = dates.today()
    county = await world.county()
    home = await world.home(county)
    await h.residents_in(county, home, 11, today - timedelta(days=200))
    first = await h.post(home, today - timedelta(days=300))
    await h.post(home, today - timedelta(days=300))
    await h.leave(first, today, today)  # today only 1 of 2 needed
    overview = await services.home_overview(system, home)
    assert (overview.noncompliant_days, overview.days_counted) == (1, today.day)
    assert not overview.today.compliant and overview.today.shortfall == 1
    cells = {cell.day: cell.state for week in overview.weeks for cell in week}
    assert cells[today] == "bad"
    assert all(state == "ok" for day, state in cells.items() if day.month == today.month and day < today)
    assert all(state == "ok" for day, state in cells.items() if day.month == today.month and day > today)
    assert all(cell.projected == (cell.day > today) for week in overview.weeks for cell in week if cell.state != "outside")
    assert len(overview.chart) == services.CHART_DAYS and overview.chart[-1] == {
        "date": today,
        "staff": 1,
        "required_staff": 2,
        "compliant": False,
    }
    # last month: every day counted, none below
    last_month = dates.add_months(dates.month_of(today), -1)
    earlier = await services.home_overview(system, home, last_month)
    assert earlier.noncompliant_days == 0 and earlier.days_counted == (dates.month_of(today) - last_month).days
    assert earlier.today == overview.today


async def test_the_days_after_today_are_projected_from_the_leave_and_posts_recorded(world, system):
    """A leave approved for later and a post that ends later: those days show as projected below
    the ratio (and are counted apart from the days so far); the days so far are unchanged."""
    today = dates.today()
    county = await world.county()
    home = await world.home(county)
    await h.residents_in(county, home, 11, today - timedelta(days=200))
    next_month = dates.add_months(dates.month_of(today), 1)
    staying = await h.post(home, today - timedelta(days=300))
    await h.post(home, today - timedelta(days=300), left_on=next_month + timedelta(days=10))  # leaves on the 11th
    await h.leave(staying, next_month + timedelta(days=2), next_month + timedelta(days=3))  # the 3rd and 4th
    later = await services.home_overview(system, home, next_month)
    cells = {cell.day: cell for week in later.weeks for cell in week if cell.state != "outside"}
    bad = {day.day for day, cell in cells.items() if cell.state == "bad"}
    last = dates.add_months(next_month, 1) - timedelta(days=1)
    assert bad == {3, 4} | set(range(11, last.day + 1))
    assert all(cell.projected for cell in cells.values())
    assert (later.days_counted, later.projected_days, later.projected_bad_days) == (0, last.day, len(bad))
    # this month: today and the days before stay verdicts, as before
    now = await services.home_overview(system, home)
    assert (now.noncompliant_days, now.days_counted) == (0, today.day)
    assert now.projected_days == (dates.add_months(dates.month_of(today), 1) - timedelta(days=1)).day - today.day
    assert now.projected_bad_days == 0
    assert not any(cell.projected for week in now.weeks for cell in week if cell.day <= today)


async def test_out_of_scope_and_bad_input(world):
    county = await world.county()
    home = await world.home(county)
    elsewhere = await world.home()
    director = await world.user("director", home=home)
    with pytest.raises(NotFound):
        await services.home_overview(director.scope, elsewhere)
    with pytest.raises(Forbidden):
        await services.county_overview(director.scope, county)
    inspector = await world.user("inspector", county=county)
    with pytest.raises(NotFound):
        await services.county_overview(inspector.scope, (await world.county()))
    with pytest.raises(Invalid) as refused:
        await services.county_overview(inspector.scope, county, sort="beds")
    assert "sort" in refused.value.errors
    for bad in ("2026-13", "x", "99999-01"):
        with pytest.raises(Invalid):
            services.parse_month(bad)


async def test_the_county_view_numbers_marks_and_sorting(world, system, monkeypatch):
    today = dates.today()
    county = await world.county()
    long_ago = today - timedelta(days=300)
    full = await world.home(county, name="甲院")  # 3 staff, 1 trained carer, compliant
    await h.residents_in(county, full, 11, long_ago)
    await h.post(full, long_ago)
    carer = await h.post(full, long_ago, post="carer")
    await h.training(carer)
    await h.post(full, long_ago, post="carer")
    thin = await world.home(county, name="乙院")  # 2 staff, no trained carer, short 3 days ago and today
    await h.residents_in(county, thin, 11, long_ago)
    one = await h.post(thin, long_ago, post="carer")
    await h.post(thin, long_ago)
    await h.leave(one, today, today)
    three_ago = today - timedelta(days=3)
    if three_ago.month == today.month:
        await h.leave(one, three_ago, three_ago)
    empty = await world.home(county, name="丙院")  # nobody: compliant (0 residents need 0)
    calls = []
    real = _county.series_over

    async def counting(home_ids, ranges):
        calls.append(sorted(home_ids))
        return await real(home_ids, ranges)

    monkeypatch.setattr(_county, "series_over", counting)
    overview = await services.county_overview(system, county)
    assert len(calls) == 1 and len(calls[0]) == 3  # one series for all the homes
    rows = {home.code: home for home in overview.homes}
    assert [home.code for home in overview.homes] == sorted(rows)  # by code by default
    assert (rows[full].staff, rows[full].carers, rows[full].trained_carers) == (3, 2, 1)
    assert not rows[full].under_three_staff and not rows[full].no_trained_carer
    assert (rows[thin].staff, rows[thin].trained_carers) == (2, 0)
    assert rows[thin].under_three_staff and rows[thin].no_trained_carer
    assert rows[thin].today.staff == 1 and rows[thin].today.required_staff == 2
    assert rows[thin].noncompliant_days == (2 if three_ago.month == today.month else 1)
    assert rows[thin].days_counted == today.day
    assert rows[full].noncompliant_days == 0 and rows[empty].today.compliant
    by_ratio = await services.county_overview(system, county, sort="ratio")
    assert by_ratio.homes[0].code == thin
    by_staff = await services.county_overview(system, county, sort="-staff")
    assert [home.code for home in by_staff.homes] == [full, thin, empty]
    assert by_staff.sort == "-staff"
    # a past month is counted whole, and today's ratio is still today's
    last = dates.add_months(dates.month_of(today), -1)
    past = await services.county_overview(system, county, last)
    assert {home.code: home.days_counted for home in past.homes}[full] == (dates.month_of(today) - last).days
    assert {home.code: home.today.staff for home in past.homes}[thin] == 1
    # a future month: no day counted yet
    future = await services.county_overview(system, county, dates.add_months(dates.month_of(today), 2))
    assert all(home.days_counted == 0 and home.noncompliant_days == 0 for home in future.homes)


async def test_the_ratio_series_service_checks_its_range(world):
    home = await world.home()
    today = dates.today()
    system = Scope.system("test")
    result = await services.home_ratio(system, home, today, today)
    assert result.home == home and [day.day for day in result.days] == [today]
    for first, last, field in (
        (None, today, "from"),
        (today, None, "to"),
        (today, today - timedelta(days=1), "to"),
        (today - timedelta(days=services.MAX_DAYS), today, "to"),
    ):
        with pytest.raises(Invalid) as refused:
            await services.home_ratio(system, home, first, last)
        assert field in refused.value.errors
    assert (
        len((await services.home_ratio(system, home, today - timedelta(days=services.MAX_DAYS - 1), today)).days)
        == services.MAX_DAYS
    )
    with pytest.raises(NotFound):
        await services.home_ratio(system, "NO-SUCH", today, today)
