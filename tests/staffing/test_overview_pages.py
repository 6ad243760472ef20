"""The staffing pages through the real app: the home's page (today's ratio in large type, the
month's calendar, the chart, certificates, untrained carers, links to staff, leave and duty) and
the county's view (sortable; homes under 3 staff and without a trained carer marked), for each
role that may see them, and 404 / 403 for those that may not."""

from __future__ import annotations

import re
from datetime import timedelta

from backend.core import dates
from backend.core.db import transaction
from backend.core.i18n import gettext as zh
from backend.staffing import rules, services
from backend.staffing.tables import StaffMember
from tests.staffing import ratio_helpers as h


async def staffed_home(world, county=None, residents=11, short=False):
    """``residents`` residents since 100 days ago; a manager, a trained carer and an untrained
    one; a cook whose health certificate expires in 5 days."""
    today = dates.today()
    county = county or await world.county()
    home = await world.home(county, name="城关敬老院")
    await h.residents_in(county, home, residents, today - timedelta(days=100))
    posts = [
        await h.post(home, today - timedelta(days=200), name="王院长"),
        await h.post(home, today - timedelta(days=200), post="carer", name="李护理"),
        await h.post(home, today - timedelta(days=20), post="carer", name="赵新人"),
        await h.post(
            home, today - timedelta(days=200), post="cook", name="张师傅", health_cert_expires=today + timedelta(days=5)
        ),
    ]
    await h.training(posts[1])
    if short:  # three of the four on leave today: 1 in post, 2 needed
        for row in posts[:2] + posts[3:]:
            await h.leave(row, today, today)
    return county, home


def ratio_line(staff: int, required: int) -> str:
    return zh("Today {staff} staff / {required} needed").format(staff=staff, required=required)


async def test_the_director_sees_today_the_calendar_the_chart_and_what_to_renew(world, signed_in):
    county, home = await staffed_home(world)
    client, user = await signed_in("director", home=home)
    day = rules.day_ratio(dates.today(), 11, 0, 1, 0, rules.RatioParameters(None, 10, None))
    async with transaction():  # a breach the director was warned of and confirmed
        await services.record_breach(user.scope, await h.home_id(home), services.BreachWarning("leave", day, "msg"), "李护理")
    response = await client.get(f"/homes/{home}/staffing")
    assert response.status_code == 200, response.text
    text = response.text
    assert ratio_line(4, 2) in text
    assert zh("Meets the staff ratio") in text
    assert "张师傅" in text and "赵新人" in text
    untrained = text.split('id="untrained"')[1].split("</section>")[0]
    assert "赵新人" in untrained and "李护理" not in untrained
    for path in ("staff", "leave", "duty"):
        assert f'href="/homes/{home}/{path}"' in text
    assert "<svg" in text and 'class="staff-line"' in text
    today = dates.today()
    assert f'data-date="{today.isoformat()}"' in text
    previous = dates.month_text(dates.add_months(dates.month_of(today), -1))
    assert f"?month={previous}" in text
    assert 'style="' not in text  # the CSP allows no inline style
    for section in ("certificates", "untrained"):  # people's names are headed 姓名, not 名称 (a home's)
        table = text.split(f'id="{section}"')[1].split("</section>")[0]
        assert f">{zh('Full name')}<" in table and f">{zh('Name')}<" not in table
    breaches = text.split('id="breaches"')[1].split("</section>")[0]
    assert "李护理" in breaches and zh("{staff} staff / {required} needed").format(staff=1, required=2) in breaches


async def test_a_day_below_the_ratio_is_shown_in_the_calendar_and_in_large_type(world, signed_in):
    county, home = await staffed_home(world, short=True)
    client, _user = await signed_in("director", home=home)
    text = (await client.get(f"/homes/{home}/staffing")).text
    assert ratio_line(1, 2) in text
    assert zh("Below the staff ratio: {n} more needed").format(n=1) in text
    today = dates.today()
    assert re.search(rf'class="day bad today" data-date="{today.isoformat()}"', text)
    assert text.count('class="breach"') >= 1


async def test_another_month_and_a_bad_month(world, signed_in):
    county, home = await staffed_home(world)
    client, _user = await signed_in("director", home=home)
    earlier = dates.add_months(dates.month_of(dates.today()), -3)
    response = await client.get(f"/homes/{home}/staffing?month={dates.month_text(earlier)}")
    assert response.status_code == 200
    assert f'data-date="{earlier.isoformat()}"' in response.text
    bad = await client.get(f"/homes/{home}/staffing?month=2026-13")
    assert bad.status_code == 400 and zh("Not a valid month (write 2026-11).") in bad.text


async def test_who_may_open_the_home_page(world, signed_in):
    county, home = await staffed_home(world)
    other_county = await world.county()
    other_home = await world.home(county)
    for role, where, status in (
        ("inspector", {"county": county}, 200),
        ("finance", {"county": county}, 200),
        ("admin", {}, 200),
        ("director", {"home": other_home}, 404),
        ("inspector", {"county": other_county}, 404),
        ("assessor", {"county": county}, 403),
    ):
        client, _user = await signed_in(role, **where)
        response = await client.get(f"/homes/{home}/staffing")
        assert response.status_code == status, (role, where)
        if status == 200:
            assert ratio_line(4, 2) in response.text


async def test_the_county_view_marks_and_sorts_the_homes(world, signed_in):
    county, good = await staffed_home(world)
    _county, short = await staffed_home(world, county=county, short=True)
    small = await world.home(county, name="小敬老院")
    await h.post(small, dates.today() - timedelta(days=30), post="carer", name="孤单护理")
    client, _user = await signed_in("inspector", county=county)
    response = await client.get(f"/counties/{county}/staffing")
    assert response.status_code == 200, response.text
    text = response.text
    rows = {
        code: re.search(rf'<tr class="[^"]*" data-home="{code}">(.*?)</tr>', text, re.S).group(1) for code in (good, short, small)
    }
    assert f'<tr class="below-row" data-home="{short}">' in text
    assert zh("fewer than {few} staff").format(few=3) in rows[small]
    assert zh("no trained carer") in rows[small]
    assert zh("no trained carer") not in rows[good]
    assert "1 / 2" in rows[short] and "4 / 2" in rows[good] and "1 / 0" in rows[small]
    # sorted by today's ratio: the home most short first; by staff, descending: the small one last
    order = re.findall(r'data-home="([^"]+)"', (await client.get(f"/counties/{county}/staffing?sort=ratio")).text)
    assert order[0] == short
    order = re.findall(r'data-home="([^"]+)"', (await client.get(f"/counties/{county}/staffing?sort=-staff")).text)
    assert order[-1] == small
    bad = await client.get(f"/counties/{county}/staffing?sort=nonsense")
    assert bad.status_code == 400
    assert zh("This sort order is unknown: the homes are shown by home code.") in bad.text
    assert "code, name" not in bad.text  # the API's keys are for programs, not the page
    assert re.findall(r'data-home="([^"]+)"', bad.text) == sorted(re.findall(r'data-home="([^"]+)"', bad.text))
    assert 'style="' not in text


async def test_who_may_open_the_county_view(world, signed_in):
    county, home = await staffed_home(world)
    other_county = await world.county()
    for role, where, status in (
        ("inspector", {"county": county}, 200),
        ("finance", {"county": county}, 200),
        ("admin", {}, 200),
        ("director", {"home": home}, 403),  # the home's own page is theirs
        ("assessor", {"county": county}, 403),
        ("inspector", {"county": other_county}, 404),
    ):
        client, _user = await signed_in(role, **where)
        response = await client.get(f"/counties/{county}/staffing")
        assert response.status_code == status, (role, where, response.status_code)


async def test_navigation_and_the_staffing_index(world, signed_in):
    county, home = await staffed_home(world)
    director, _user = await signed_in("director", home=home)
    assert f'href="/homes/{home}/staffing"' in (await director.get("/")).text
    assert (await director.get("/staffing")).headers["location"] == f"/homes/{home}/staffing"
    inspector, _user = await signed_in("inspector", county=county)
    assert f'href="/counties/{county}/staffing"' in (await inspector.get("/")).text
    assert (await inspector.get("/staffing")).headers["location"] == f"/counties/{county}/staffing"
    admin, _user = await signed_in("admin")
    assert 'href="/staffing"' in (await admin.get("/")).text
    index = await admin.get("/staffing")
    assert index.status_code == 200 and f'href="/counties/{county}/staffing"' in index.text
    assessor, _user = await signed_in("assessor", county=county)
    assert "/staffing" not in (await assessor.get("/")).text


async def test_a_leave_approved_for_later_shows_as_projected_in_the_calendar(world, signed_in):
    """The month's days after today carry the projected verdict (lighter, 预计), and the summary
    counts the days so far and the later days projected below the ratio apart."""
    county, home = await staffed_home(world)
    today = dates.today()
    next_month = dates.add_months(dates.month_of(today), 1)
    client, _user = await signed_in("director", home=home)
    # three of the four on leave on the 2nd of next month: 1 in post, 2 needed
    home_id = await h.home_id(home)
    for row in await StaffMember.objects().where(StaffMember.home == home_id).where(StaffMember.name != "赵新人"):
        await h.leave(row, next_month + timedelta(days=1), next_month + timedelta(days=1))
    text = (await client.get(f"/homes/{home}/staffing?month={dates.month_text(next_month)}")).text
    day = (next_month + timedelta(days=1)).isoformat()
    assert re.search(rf'class="day bad projected" data-date="{day}"', text)
    assert zh("projected: below the ratio") in text
    last = (dates.add_months(next_month, 1) - timedelta(days=1)).day
    summary = zh("No day of this month has passed yet; {projected} of {days} days projected below the ratio.")
    assert summary.format(projected=1, days=last) in text
    this_month = (await client.get(f"/homes/{home}/staffing")).text
    assert f'class="day ok today" data-date="{today.isoformat()}"' in this_month
    month_end = dates.add_months(dates.month_of(today), 1) - timedelta(days=1)
    if today < month_end:
        assert (
            zh("Up to today {bad} of {days} days below the ratio; {projected} more days projected below the ratio").format(
                bad=0, days=today.day, projected=0
            )
            in this_month
        )
        tomorrow = (today + timedelta(days=1)).isoformat()
        assert f'class="day ok projected" data-date="{tomorrow}"' in this_month
