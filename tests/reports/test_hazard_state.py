"""The home-monthly report's hazards open at the month's end (review of issue 13, point 5): the
state they had then (待整改 / 待县级核验, 逾期 or not), not today's; one closed after the month
says when ("已于…销号"), never "已销号" as if it had been closed in the month."""

from __future__ import annotations

from datetime import time, timedelta

from backend.core import dates
from backend.reports import builders
from backend.safety.tables import SafetyHazard
from tests.reports.builder_world import build_world, hazard
from tests.reports.pdf_text import render_pdf


async def test_a_hazard_closed_after_the_month_shows_its_state_at_the_month_end(world):
    county = await build_world(world)
    home_id, today = county.ids["a"], dates.today()
    day = lambda n: county.first + timedelta(days=n - 1)  # noqa: E731
    await hazard(home_id, "应急照明灯损坏", False, day(2), day(4), closed_on=today)  # overdue at the end
    await hazard(home_id, "配电箱未上锁", False, day(20), county.last + timedelta(days=10), closed_on=today)
    await SafetyHazard.update({SafetyHazard.fixed_at: dates.combine_local(day(25), time(10))}).where(
        SafetyHazard.title == "配电箱未上锁"
    )
    template, context = await builders.build("home-monthly", county.inspector(), county.key, county.homes["a"])
    rows = {row["title"]: row for row in context["hazards"]}
    assert (rows["应急照明灯损坏"]["status"], rows["应急照明灯损坏"]["overdue"]) == ("待整改", True)
    assert (rows["配电箱未上锁"]["status"], rows["配电箱未上锁"]["overdue"]) == ("待县级核验", False)
    assert rows["应急照明灯损坏"]["closed_later"] == today and rows["消防通道堵塞"]["closed_later"] is None
    assert "灭火器过期" not in rows  # closed in the month: not open at its end
    text = render_pdf(template, context).text
    closed = f"已于{today.year}年{today.month}月{today.day}日销号"
    assert f"待整改（{closed}）逾期" in text and f"待县级核验（{closed}）未逾期" in text
    assert "已销号" not in text.replace(closed, "")
