"""The inspection pages (issue 13 points 3 and 6) against the hand-counted fixture of
tests/inspections/rates_world.py: a director's tasks page (today, overdue, the month's rates by
routine), the county's compliance view (the county's figure the sum of counts: 62.5 %, never the
35.7 % an average would give; worst first), the county page's panel, the province view; scope."""

from __future__ import annotations

import re

import pytest

from tests.inspections.rates_world import add_task, ids_of, rates_world


@pytest.fixture
async def w(world):
    return await rates_world(world)


def _row(html: str, attribute: str, value: str) -> str:
    match = re.search(rf'<tr data-{attribute}="{re.escape(value)}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no row for {value}"
    return match.group(1)


async def test_a_directors_tasks_page_shows_today_overdue_and_the_months_rates(w, signed_in):
    client, _user = await signed_in("director", home=w.home_a)
    response = await client.get(f"/homes/{w.home_a}/tasks")
    assert response.status_code == 200, response.text
    html = response.text
    today = html.split('id="due-today"')[1].split("</ul>")[0]
    assert f'data-task="{w.today_task}"' in today
    overdue = html.split('id="overdue-tasks"')[1].split("</ul>")[0]
    assert f'data-task="{w.overdue_a}"' in overdue and today.count("data-task=") == 1
    month = html.split(f'id="month-{w.month}"')[1].split("</details>")[0]
    fire = _row(month, "routine", "fire_patrol")
    assert re.findall(r'class="num">(?:<span class="late-mark">)?([^<]+)<', fire)[:4] == ["3", "2", "1", "1"]
    assert "33.3%" in fire  # 1 on time of 3
    night = _row(month, "routine", "night_patrol")
    assert "100.0%" in night
    assert "71.4%" in html.split('id="rate-total"')[1].split("</ul>")[0]  # 5 of 7 over the months shown
    assert "record-visit" not in html and "/inspections/new" not in html  # a director records no visit
    assert (await client.get(f"/homes/{w.home_b}/tasks")).status_code == 404
    assert (await client.get(f"/counties/{w.county_x}/compliance")).status_code == 403


async def test_the_county_compliance_view_sums_counts_and_sorts_worst_first(w, signed_in):
    client, _user = await signed_in("inspector", county=w.county_x)
    response = await client.get(f"/counties/{w.county_x}/compliance?from={w.month}&to={w.month}")
    assert response.status_code == 200, response.text
    html = response.text
    total = html.split('id="county-total"')[0].rsplit("<ul", 1)[1] + html.split('id="county-total"')[1].split("</ul>")[0]
    assert 'data-expected="8"' in total and 'data-done="6"' in total and 'data-on-time="5"' in total
    assert "62.5%" in total and "35.7%" not in html
    assert html.index(f'data-home="{w.home_b}"') < html.index(f'data-home="{w.home_a}"')  # 0 % before 71.4 %
    assert "71.4%" in _row(html, "home", w.home_a)
    by_name = (await client.get(f"/counties/{w.county_x}/compliance?from={w.month}&to={w.month}&sort=name")).text
    first, second = (w.home_b, w.home_a) if "乙敬老院" < "甲敬老院" else (w.home_a, w.home_b)
    assert by_name.index(f'data-home="{first}"') < by_name.index(f'data-home="{second}"')
    assert w.home_c not in html
    # the inspector also opens a home's tasks page, not another county's
    assert (await client.get(f"/homes/{w.home_a}/tasks")).status_code == 200
    assert (await client.get(f"/homes/{w.home_c}/tasks")).status_code == 404
    assert (await client.get(f"/counties/{w.county_y}/compliance")).status_code == 404


async def test_bad_months_and_sort_on_the_page_say_which(w, signed_in):
    client, _user = await signed_in("inspector", county=w.county_x)
    response = await client.get(f"/counties/{w.county_x}/compliance?from=2026-13&sort=mean")
    assert response.status_code == 400
    assert "from:" in response.text and "sort:" in response.text


async def test_the_county_page_has_the_compliance_panel(w, signed_in):
    client, _user = await signed_in("inspector", county=w.county_x)
    html = (await client.get(f"/counties/{w.county_x}")).text
    assert 'id="compliance-panel"' in html and f"/counties/{w.county_x}/compliance" in html


async def test_the_province_view_puts_counties_side_by_side(w, signed_in):
    client, _user = await signed_in("admin")
    response = await client.get(f"/province?from={w.month}&to={w.month}")
    assert response.status_code == 200, response.text
    html = response.text
    x = _row(html, "county", w.county_x)
    assert "62.5%" in x and f"/reports?county={w.county_x}&amp;kind=county-monthly" in x
    assert "100.0%" in _row(html, "county", w.county_y)
    assert 'href="/province"' in html  # in the administrator's navigation
    inspector, _user = await signed_in("inspector", county=w.county_x)
    assert (await inspector.get("/province")).status_code == 403


async def test_the_directors_todo_lists_overdue_and_todays_tasks(w, signed_in):
    from backend.core.i18n import gettext as zh

    client, _user = await signed_in("director", home=w.home_a)
    html = (await client.get("/")).text
    assert zh("Tasks overdue: {n}").format(n=1) in html
    assert zh("Tasks due today: {n} left").format(n=1) in html
    assert f"/homes/{w.home_a}/tasks" in html


async def test_one_label_gives_one_number_on_the_tasks_page_the_todo_and_the_notice(w, signed_in):
    """Due today, periods running, overdue (every one, no window): the same on the tasks page, the
    director's 今日待办 and the daily notice; the overdue grouped by routine behind a <details>."""
    from datetime import time, timedelta

    from backend.core import dates
    from backend.inspections.tables import OPEN, OVERDUE, Task
    from backend.notices import services as notices
    from tests.notices.helpers import morning

    today = dates.today()
    for back in range(1, 32):  # 31 morning checks missed, the latest yesterday
        await add_task(w.home_a, "morning_check", today - timedelta(days=back), 1, 0, 0, OVERDUE)
    home_id, county_id = await ids_of(w.home_a)
    due = dates.combine_local(today + timedelta(days=21), time(0))
    running = Task(
        home=home_id, county=county_id, source="safety", routine="monthly_check", period="P",
        period_start=today - timedelta(days=5), period_end=today + timedelta(days=20), month=f"{today:%Y-%m}",
        due_at=due, deadline=due + timedelta(days=3), expected=1, done=0, on_time=0, status=OPEN,
        created_at=dates.now_utc(), updated_at=dates.now_utc(),
    )  # fmt: skip
    await running.save()

    client, user = await signed_in("director", home=w.home_a)
    html = (await client.get(f"/homes/{w.home_a}/tasks")).text
    counts = html.split('id="task-counts"')[1].split("</ul>")[0]
    assert re.findall(r"<strong[^>]*>([^<]+)</strong>", counts) == ["1 项", "1 项", "32 项"]
    assert f'data-task="{running.id}"' in html.split('id="running-tasks"')[1].split("</ul>")[0]
    today_block = html.split('id="due-today"')[1].split("</ul>")[0]
    assert f"{today.month}月{today.day}日前" in today_block and "00:00" not in today_block
    overdue = html.split('id="overdue-tasks"')[1].split('<h2 id="rates">')[0]
    yesterday = today - timedelta(days=1)
    day = (
        f"{yesterday.month}月{yesterday.day}日"
        if yesterday.year == today.year
        else f"{yesterday:%Y}年{yesterday.month}月{yesterday.day}日"
    )
    first, second = overdue.split('data-routine="')[1:3]
    assert first.startswith('morning_check" data-count="31"') and "：31 次未按期完成，" in first and f"最近 {day}" in first
    assert first.count("data-task=") == 31 and "<details>" in first
    assert second.startswith('fire_patrol" data-count="1"')

    dashboard = (await client.get("/")).text
    for label in ("逾期任务 32 项", "今日到期任务 1 项", "本期进行中任务 1 项"):
        assert label in dashboard

    await notices.send_notices(morning())
    [notice] = await notices.list_notices(user.scope)
    assert notice.text.endswith("：今日到期任务 1 项，逾期任务 32 项。")
