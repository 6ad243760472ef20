"""``county-monthly``: the county's monthly dispatch table (月度调度表): one row per home with the
number and a light for each indicator, homes needing attention first, a ranking, the county's
totals (sums of counts, never means of percentages)."""

from __future__ import annotations

from datetime import date
from typing import Any

from backend.core import dates
from backend.core.security import Scope
from backend.registry import services as registry
from backend.reports import rules
from backend.reports.builders import register
from backend.reports.builders._common import county_in_scope, glyphs, period_of
from backend.reports.builders._gather import Gathered, MonthFigures, gather, total

KIND = "county-monthly"
TEMPLATE = "reports/county_monthly.html"
INDICATORS = ("ratio", "on_time", "hazards", "deaths", "findings")


async def county_homes(scope: Scope, county: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """The county's homes: id → {id, code, name, county, beds} (two queries)."""
    codes = [home.code for home in await registry.list_homes(scope, county_code=county["code"])]
    return {home["id"]: home for home in (await registry.homes_by_code(codes)).values()}


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def figure_cells(figures: MonthFigures) -> dict[str, Any]:
    """The numbers and lights of one row (a home's or the county's total)."""
    lights = figures.lights()
    counts = figures.counts
    return {
        "days": figures.days,
        "compliant_days": figures.compliant_days,
        "ratio_share": _rate(figures.compliant_days, figures.days),
        "expected": counts.expected,
        "done": counts.done,
        "on_time": counts.on_time,
        "on_time_rate": counts.on_time_rate,
        "open_hazards": figures.open_hazards,
        "open_major": figures.open_major,
        "overdue": figures.overdue,
        "deaths": figures.deaths,
        "late_deaths": figures.late_deaths,
        "has_run": figures.has_run,
        "findings": figures.findings,
        "serious": figures.serious,
        "lights": lights,
    }


def home_rows(data: Gathered, month: date, clean) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows of a month, homes needing attention first (each with its rank), and the ranking
    (best first, homes without a rank last)."""
    lights = []
    cells = {}
    for home_id, home in data.homes.items():
        figures = data.figures[home_id][month]
        cell = figure_cells(figures)
        cells[home["code"]] = {"code": home["code"], "name": clean(home["name"]), **cell}
        lights.append(
            rules.HomeLights(
                home["code"],
                tuple(cell["lights"][key] for key in INDICATORS),
                on_time=figures.counts.on_time,
                expected=figures.counts.expected,
                compliant_days=figures.compliant_days,
                days=figures.days,
            )
        )
    ranks = rules.ranking(lights)
    rows = []
    for home in rules.attention_order(lights):
        row = cells[home.code]
        row["rank"] = ranks[home.code]
        row["attention"] = home.needs_attention
        row["reds"] = home.reds
        rows.append(row)
    ranking = sorted(rows, key=lambda row: (row["rank"] is None, row["rank"] or 0, row["code"]))
    return rows, ranking


@register(KIND)
async def build_county_monthly(scope: Scope, period_key: str, unit_code: str) -> tuple[str, dict[str, Any]]:
    period = period_of(KIND, period_key)
    county = await county_in_scope(scope, unit_code)
    today = dates.today()
    homes = await county_homes(scope, county)
    data = await gather(scope, homes, period, today)
    missing = await glyphs([county["name"], *(home["name"] for home in homes.values())])

    def clean(text: str) -> str:
        return rules.replace_missing(text, missing)

    rows, ranking = home_rows(data, period.first, clean)
    county_total = total(period.first, (data.figures[home_id][period.first] for home_id in homes))
    unit = clean(county["name"]) + "民政局"
    context = {
        "title": "特困人员供养服务机构月度调度表",
        "unit": unit,
        "county_name": clean(county["name"]),
        "period_text": period.text,
        "issued_on": today,
        "orientation": "landscape",
        "glyph_note": rules.glyph_note(missing),
        "rows": rows,
        "ranking": ranking,
        "total": figure_cells(county_total),
        "homes": len(rows),
        "attention": sum(1 for row in rows if row["attention"]),
        "red_homes": sum(1 for row in rows if row["reds"]),
        "thresholds": THRESHOLDS,
    }
    return TEMPLATE, context


# The lights' limits as the report prints them (rules.py holds the numbers).
THRESHOLDS = [
    ("人员配比", "每日均达标为正常；达标天数不少于90%为关注；少于90%为预警"),
    ("台账按时完成率", "按时完成数÷应完成数：不低于95%为正常；不低于80%为关注；低于80%为预警"),
    ("安全隐患", "月末有逾期未整改隐患为预警；有未销号重大隐患为关注"),
    ("死亡报告", "有超过县定时限报告的为预警"),
    ("供养金核对", "本月最近一次核对：无问题为正常；1至2条为关注；3条及以上或有死亡后发放为预警；未核对为无数据"),
]
