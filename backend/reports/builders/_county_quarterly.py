"""``county-quarterly``: the quarter's bulletin (季度通报) of a county: each indicator month by
month with its trend, the homes cited (a red light in any month, or the worst on-time rate of
the quarter), and a short text in the style of a bulletin."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from backend.core import dates
from backend.core.security import Scope
from backend.inspections import rules as inspection_rules
from backend.reports import rules
from backend.reports.builders import register
from backend.reports.builders._common import TREND_WORDS, county_in_scope, glyphs, period_of
from backend.reports.builders._county_monthly import INDICATORS, county_homes, figure_cells
from backend.reports.builders._gather import gather, total

KIND = "county-quarterly"
TEMPLATE = "reports/county_quarterly.html"
INDICATOR_WORDS = {
    "ratio": "人员配比",
    "on_time": "台账按时完成",
    "hazards": "安全隐患",
    "deaths": "死亡报告",
    "findings": "供养金核对",
}


def _share(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


def _percent(value: Fraction | None) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"


@register(KIND)
async def build_county_quarterly(scope: Scope, period_key: str, unit_code: str) -> tuple[str, dict[str, Any]]:
    period = period_of(KIND, period_key)
    county = await county_in_scope(scope, unit_code)
    today = dates.today()
    homes = await county_homes(scope, county)
    data = await gather(scope, homes, period, today)
    missing = await glyphs([county["name"], *(home["name"] for home in homes.values())])

    def clean(text: str) -> str:
        return rules.replace_missing(text, missing)

    months = list(period.months)
    totals = [total(month, (data.figures[home_id][month] for home_id in homes)) for month in months]
    ratio = [_share(t.compliant_days, t.days) for t in totals]
    on_time = [_share(t.counts.on_time, t.counts.expected) for t in totals]
    trends = [
        {
            "name": "人员配比达标率（达标天数÷统计天数）",
            "values": [_percent(v) for v in ratio],
            "trend": TREND_WORDS[rules.trend(ratio)],
        },
        {
            "name": "台账按时完成率（按时数÷应完成数）",
            "values": [_percent(v) for v in on_time],
            "trend": TREND_WORDS[rules.trend(on_time)],
        },
        {
            "name": "月末逾期未整改隐患（条）",
            "values": [str(t.overdue) for t in totals],
            "trend": TREND_WORDS[rules.trend([t.overdue for t in totals], higher_is_better=False)],
        },
        {
            "name": "月末未销号重大隐患（条）",
            "values": [str(t.open_major) for t in totals],
            "trend": TREND_WORDS[rules.trend([t.open_major for t in totals], higher_is_better=False)],
        },
        {
            "name": "超时限报告死亡（人）",
            "values": [f"{t.late_deaths}（共{t.deaths}人）" for t in totals],
            "trend": TREND_WORDS[rules.trend([t.late_deaths for t in totals], higher_is_better=False)],
        },
        {
            "name": "供养金核对问题（条）",
            "values": [str(t.findings) if t.has_run else "未核对" for t in totals],
            "trend": TREND_WORDS[rules.trend([t.findings if t.has_run else None for t in totals], higher_is_better=False)],
        },
    ]
    quarter = total(period.first, totals)

    # the homes cited: a red light in any month; the worst on-time rate of the quarter
    home_quarter = {home_id: inspection_rules.total(data.figures[home_id][month].counts for month in months) for home_id in homes}
    rates = {home_id: _share(counts.on_time, counts.expected) for home_id, counts in home_quarter.items()}
    known = [rate for rate in rates.values() if rate is not None]
    worst_rate = min(known) if known else None
    cited = []
    for home_id, home in sorted(homes.items(), key=lambda item: item[1]["code"]):
        reasons = []
        for month in months:
            lights = data.figures[home_id][month].lights()
            reds = [INDICATOR_WORDS[key] for key in INDICATORS if lights[key] == rules.RED]
            if reds:
                reasons.append(f"{month.month}月{'、'.join(reds)}预警")
        worst = worst_rate is not None and rates[home_id] == worst_rate and len(known) > 1
        if worst:
            reasons.append(f"本季度台账按时完成率全县最低（{_percent(worst_rate)}）")
        if reasons:
            cells = figure_cells(total(period.first, (data.figures[home_id][month] for month in months)))
            cited.append({"name": clean(home["name"]), "reasons": reasons, "worst": worst, "reds": len(reasons) - worst, **cells})
    cited.sort(key=lambda row: (-row["reds"], not row["worst"], row["name"]))
    county_name = clean(county["name"])
    context = {
        "title": "特困人员供养服务机构运行情况季度通报",
        "unit": county_name + "民政局",
        "county_name": county_name,
        "period_text": period.text,
        "issued_on": today,
        "glyph_note": rules.glyph_note(missing),
        "months": [f"{month.month}月" for month in months],
        "trends": trends,
        "quarter": figure_cells(quarter),
        "quarter_on_time": _percent(_share(quarter.counts.on_time, quarter.counts.expected)),
        "quarter_ratio": _percent(_share(quarter.compliant_days, quarter.days)),
        "homes": len(homes),
        "cited": cited,
        "on_time_trend": TREND_WORDS[rules.trend(on_time)],
    }
    return TEMPLATE, context
