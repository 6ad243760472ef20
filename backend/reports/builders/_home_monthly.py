"""``home-monthly``: one home's month (月度运行情况报表): occupancy and care tiers, the staff
ratio by day, the ledgers' on-time rates, failed items and open hazards, deaths and their
report timeliness, the stipend findings of the month's latest reconciliation run."""

from __future__ import annotations

from typing import Any

from backend.core import dates
from backend.core.security import Scope
from backend.registry import services as registry
from backend.reports import rules
from backend.reports.builders import register
from backend.reports.builders._common import (
    HAZARD_STATUS_WORDS,
    TIER_WORDS,
    TIERS,
    glyphs,
    period_of,
    routine_words,
)
from backend.reports.builders._gather import failed_items, gather, open_at, overdue_at
from backend.staffing import rules as staffing_rules
from backend.staffing import services as staffing

KIND = "home-monthly"
TEMPLATE = "reports/home_monthly.html"
LIGHT_NAMES = {"ratio": "人员配比", "on_time": "台账按时", "hazards": "安全隐患", "deaths": "死亡报告", "findings": "供养金核对"}


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _tiers(inputs: Any, day) -> dict[str, int]:
    counts = dict.fromkeys(TIERS, 0)
    if inputs is None:
        return counts
    for stay in inputs.stays:
        if staffing_rules.present_on(stay, day):
            counts[staffing_rules.tier_on(stay.tiers, day) or "unassessed"] += 1
    return counts


def _status_at(hazard: dict[str, Any], end) -> str:
    """Where a hazard open at the month's end stood then, not today: 待县级核验 when the home had
    fixed it by then (and the county had not turned the fix down since), else 待整改; one closed
    later is shown so, the table saying when (``closed_later``)."""
    fixed = hazard["fixed_at"] is not None and dates.local(hazard["fixed_at"]).date() <= end
    return HAZARD_STATUS_WORDS["fixed"] if fixed and hazard["status"] != "open" else HAZARD_STATUS_WORDS["open"]


@register(KIND)
async def build_home_monthly(scope: Scope, period_key: str, unit_code: str) -> tuple[str, dict[str, Any]]:
    period = period_of(KIND, period_key)
    home = await registry.find_home(scope, unit_code)
    today = dates.today()
    homes = await registry.homes_by_id([home["id"]])
    data = await gather(scope, homes, period, today)
    failed = (await failed_items(homes, period)).get(home["id"], [])
    month = data.figures[home["id"]][period.first]
    titles = data.titles.get(home["county_id"], {})
    series = data.series.get(home["id"], [])
    end = data.month_end(period.first)

    routines = []
    for rate in sorted(data.rates, key=lambda rate: rate.routine or ""):
        words = routine_words(rate.routine or "", titles)
        routines.append({"name": words, "counts": rate.counts, "rate": rate.counts.on_time_rate})
    hazards = [
        {
            "title": hazard["title"],
            "routine": routine_words(hazard["routine"], titles) if hazard["routine"] else "—",
            "major": hazard["major"],
            "opened_on": hazard["opened_on"],
            "deadline": hazard["deadline"],
            "status": _status_at(hazard, end),
            "closed_later": hazard["closed_on"] if hazard["closed_on"] is not None and hazard["closed_on"] > end else None,
            "overdue": overdue_at(hazard, end),
        }
        for hazard in data.hazards.get(home["id"], [])
        if end >= period.first and open_at(hazard, end)
    ]
    hazards.sort(key=lambda row: (not row["overdue"], not row["major"], row["deadline"]))
    deaths = [
        {
            "name": death.name,
            "died_on": death.died_on,
            "died_at": dates.local(death.died_at) if death.died_time_known else None,
            "reported_at": dates.local(death.reported_at),
            "hours": death.hours_to_report,
            "deadline_hours": death.deadline_hours,
            "late": death.late,
        }
        for death in data.deaths.get(home["id"], [])
    ]
    run = data.runs.get((home["county_id"], period.first))
    findings = [
        {"name": f.name, "label": f.label, "expected": f.expected, "paid": f.paid, "difference": f.paid - f.expected}
        for f in data.findings.get((home["id"], period.first), [])
    ]
    last_day = series[-1] if series else None
    tiers = _tiers(data.inputs.get(home["id"]), end) if end >= period.first else dict.fromkeys(TIERS, 0)
    residents = sum(tiers.values())
    lights = month.lights()
    texts = [home["name"], home["county_name"]] + [row["title"] for row in hazards] + [row["name"] for row in deaths + findings]
    texts += [label for entry in failed for label in entry["labels"]]
    missing = await glyphs(texts)

    def clean(text: str) -> str:
        return rules.replace_missing(text, missing)

    for row in hazards + deaths + findings:
        for key in ("title", "name"):
            if key in row:
                row[key] = clean(row[key])
    context = {
        "title": "特困人员供养服务机构月度运行情况报表",
        "unit": clean(home["name"]),
        "period_text": period.text,
        "issued_on": today,
        "glyph_note": rules.glyph_note(missing),
        "home": {"name": clean(home["name"]), "county": clean(home["county_name"]), "beds": home["beds"]},
        "counted_to": end if end >= period.first else None,
        "occupancy": {
            "residents": residents,
            "beds": home["beds"],
            "rate": _rate(residents, home["beds"]),
            "tiers": [{"name": TIER_WORDS[tier], "count": tiers[tier]} for tier in TIERS],
        },
        "ratio": {
            "days": month.days,
            "compliant": month.compliant_days,
            "short": month.days - month.compliant_days,
            "short_days": [day.day for day in series if not day.compliant],
            "chart": staffing.chart_points(series),
            "staff": last_day.staff if last_day else 0,
            "required": last_day.required_staff if last_day else 0,
        },
        "routines": routines,
        "routines_total": month.counts,
        "failed": [
            {
                "performed_at": dates.local(entry["performed_at"]),
                "title": entry["title"],
                "labels": [clean(x) for x in entry["labels"]],
            }
            for entry in failed
        ],
        "hazards": hazards,
        "deaths": deaths,
        "late_deaths": month.late_deaths,
        "run": {"created_at": dates.local(run.created_at), "approved": run.state == "approved"} if run else None,
        "findings": findings,
        "findings_total": {"expected": sum(f["expected"] for f in findings), "paid": sum(f["paid"] for f in findings)},
        "lights": [{"name": LIGHT_NAMES[key], "level": level} for key, level in lights.items()],
        "month": month,
    }
    return TEMPLATE, context
