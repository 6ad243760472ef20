"""The three compliance reports as PDFs (issue 13, point 5): the text pdfplumber extracts holds
the headings, the home names and the figures counted by hand in tests/reports/builder_world.py;
homes needing attention come first; no English code; 第 1 页 共 N 页; WeasyPrint logs no
missing glyph (𠀀 is in no installed font: the report prints □ and says so; 䶮 is covered)."""

from __future__ import annotations

import re

import pytest

from backend.core import dates
from backend.core.errors import Invalid, NotFound
from backend.core.security import Scope
from backend.reports import builders
from tests.reports.builder_world import SYSTEM, World, build_world
from tests.reports.pdf_text import ENGLISH_CODE, glyph_warnings, render_pdf


@pytest.fixture
async def county(world) -> World:
    return await build_world(world)


def _common_checks(rendered, title: str) -> None:
    assert title in rendered.text
    assert glyph_warnings(rendered) == []
    # Song-style serif, Simplified Chinese forms only (the chart too: no Japanese variant, no fallback font)
    assert rendered.fonts == {"Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold"}
    pages = len(rendered.pages)
    assert f"第1页共{pages}页" in rendered.text and f"第{pages}页共{pages}页" in rendered.text
    today = dates.today()
    assert f"制表日期：{today.year}年{today.month}月{today.day}日" in rendered.text
    for role in ("经办人", "审核人", "单位盖章"):
        assert role in rendered.text
    assert ENGLISH_CODE.findall(" ".join(rendered.pages)) == []


async def test_home_monthly_pdf_holds_the_hand_counted_figures(county: World):
    template, context = await builders.build("home-monthly", county.inspector(), county.key, county.homes["a"])
    rendered = render_pdf(template, context)
    _common_checks(rendered, "特困人员供养服务机构月度运行情况报表")
    text, n = rendered.text, county.days
    month = f"{county.first.year}年{county.first.month}月"
    assert f"填报单位：城关敬老院报告期：{month}" in text
    assert "䶮川县" in text  # covered by the font: printed as it is, no note
    assert "生僻字" not in text
    # occupancy and tiers: p1 partial and p2 not assessed at the month's end (d died on day 15)
    assert "在院特困人员2人，核定床位40张，床位使用率5.0%" in text
    assert "具备生活自理能力部分丧失生活自理能力完全丧失生活自理能力未评估合计01012" in text
    # staff ratio: in post days 1–20
    assert f"本月统计{n}天，达标20天，未达标{n - 20}天" in text
    last = county.last
    assert f"{last.month}月21日" in text and f"{last.month}月{last.day}日" in text  # the days short listed
    # ledgers: fire patrol 10/9/8 (80.0 %), night patrol 8/8/8, total 18/17/16 (88.9 %)
    assert "防火巡查10981180.0%" in text
    assert "夜间巡查88800100.0%" in text
    assert "合计1817161188.9%" in text
    # failed item and hazards at the month's end
    assert "疏散通道、楼梯间畅通，无堆放杂物" in text
    assert "消防通道堵塞重大" in text and "厨房排烟罩油污一般" in text
    assert "灭火器过期" not in text  # closed on day 9
    assert text.count("未逾期") == 1 and "待整改逾期" in text
    # the death on day 15 at noon, reported today: late against the 24 hours
    died = county.first.replace(day=15)
    assert f"赵三{died.year}年{died.month}月{died.day}日12:00" in text and "24超时" in text
    # stipends: ¥899.99 paid for ¥900.00; two not paid
    assert "王一" in text and "¥900.00¥899.99-¥0.01" in text
    assert "李二" in text and "¥600.00¥0.00-¥600.00" in text
    assert "合计¥2,400.00¥899.99-¥1,500.01" in text
    assert "王一金额不符" in text and "李二漏发" in text and "赵三漏发" in text


async def test_county_monthly_pdf_puts_homes_needing_attention_first(county: World):
    template, context = await builders.build("county-monthly", county.inspector(), county.key, county.county)
    rendered = render_pdf(template, context)
    _common_checks(rendered, "特困人员供养服务机构月度调度表")
    text, n = rendered.text, county.days
    assert "填报单位：䶮川县民政局" in text
    assert "纳入调度的特困人员供养服务机构3家，需关注2家（其中有预警指标的2家）" in text
    # 𠀀 is in no font: printed as □, with the note
    assert "□村敬老院" in text and "U+20000" in text and "生僻字" in text
    # the rows: 城关 (4 reds) before 河湾 (1 red) before □村 (none)
    rows = text[: text.index("全县合计")]
    assert rows.index("城关敬老院") < rows.index("河湾敬老院") < rows.index("□村敬老院")
    assert f"城关敬老院20／{n}预警88.9%（16／18）关注1／1预警1／1预警3预警2" in text
    assert f"河湾敬老院{n}／{n}正常75.0%（3／4）预警0／0正常0／0正常0正常3" in text
    assert f"□村敬老院{n}／{n}正常100.0%（10／10）正常0／0正常0／0正常0正常1" in text
    # the totals are sums of counts: 29 / 32 = 90.6 %, not the mean of 88.9, 75 and 100
    assert f"全县合计{20 + 2 * n}／{3 * n}" in text and "90.6%（29／32）" in text
    # the ranking
    ranking = text[text.index("台账按时完成率排名") :]
    assert ranking.index("1□村敬老院") < ranking.index("2城关敬老院") < ranking.index("3河湾敬老院")
    assert context["orientation"] == "landscape"


async def test_county_quarterly_bulletin_cites_the_homes(county: World):
    quarter = f"{county.first.year}-Q{(county.first.month - 1) // 3 + 1}"
    template, context = await builders.build("county-quarterly", SYSTEM, quarter, county.county)
    rendered = render_pdf(template, context)
    _common_checks(rendered, "特困人员供养服务机构运行情况季度通报")
    text = rendered.text
    month = county.first.month
    assert "全县3家特困人员供养服务机构纳入监测" in text
    assert "安全台账按时完成率为90.6%（按时29项，应完成32项）" in text  # the tasks are all in the one month
    assert "主要指标逐月情况" in text and "通报机构" in text
    cited = text[text.index("三、通报机构") : text.index("四、工作要求")]
    assert "城关敬老院" in cited and "河湾敬老院" in cited and "□村敬老院" not in cited
    assert cited.index("城关敬老院") < cited.index("河湾敬老院")
    reasons = {row["name"]: row["reasons"] for row in context["cited"]}
    assert list(reasons) == ["城关敬老院", "河湾敬老院"]
    assert f"{month}月人员配比、安全隐患、死亡报告、供养金核对预警" in reasons["城关敬老院"]
    assert reasons["河湾敬老院"] == [f"{month}月台账按时完成预警", "本季度台账按时完成率全县最低（75.0%）"]


async def test_scope_and_bad_input(county: World, world):
    other = await world.county("别县")
    director = Scope(user_id=None, username="d", role="director", county_id=county.county_id, home_id=county.ids["a"])
    with pytest.raises(NotFound):
        await builders.build("county-monthly", director, county.key, county.county)
    with pytest.raises(NotFound):
        await builders.build("home-monthly", director, county.key, county.homes["b"])
    with pytest.raises(NotFound):
        await builders.build("county-monthly", county.inspector(), county.key, other)
    template, context = await builders.build("home-monthly", director, county.key, county.homes["a"])
    assert template == "reports/home_monthly.html" and context["unit"] == "城关敬老院"
    with pytest.raises(Invalid, match="2026-11"):
        await builders.build("county-monthly", SYSTEM, "2026/13", county.county)
    with pytest.raises(Invalid, match="2026-Q4"):
        await builders.build("county-quarterly", SYSTEM, county.key, county.county)
    with pytest.raises(Invalid):
        await builders.build("no-such-kind", SYSTEM, county.key, county.county)
    assert {"home-monthly", "county-monthly", "county-quarterly"} <= set(builders.BUILDERS)
    assert re.fullmatch(r"\d{4}-\d{2}", county.key)


async def test_a_month_not_begun_and_a_month_without_data_still_build(county: World):
    from backend.reports.render import report_html

    ahead = dates.add_months(dates.month_of(dates.today()), 1)
    for key in (f"{ahead:%Y-%m}", "2020-01"):
        for kind, unit in (("home-monthly", county.homes["a"]), ("county-monthly", county.county)):
            template, context = await builders.build(kind, SYSTEM, key, unit)
            html = report_html(template, context)
            assert "本月无应完成的台账事项" in html or "—" in html
    template, context = await builders.build("home-monthly", SYSTEM, f"{ahead:%Y-%m}", county.homes["a"])
    assert context["counted_to"] is None and context["ratio"]["days"] == 0
    assert "报告期尚未开始" in report_html(template, context)
