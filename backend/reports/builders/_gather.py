"""The figures of the reports, gathered set-based: one read per indicator for all the homes of a
report (never a query per home), through each domain's services, then summed per home and
month here. The lights are ``rules``'.

What a month counts (decisions of issue 13, docs/architecture.md):
- staff ratio: the days of the month up to today (a month still running counts its days so far);
- ledgers: the tasks of the month whose period ended before today (``on_time_rates``);
- hazards: as the home's page showed them at the end of the month's last day (or today): open =
  opened by then and not closed by then; overdue = open and past its deadline (safety's rule);
- deaths: those of the month (the home at death), late by the county's deadline;
- stipends: the findings of the month's latest reconciliation run of the county, given to the
  home its payment line names (a finding without a line: the person's home in the register).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from backend.core import dates
from backend.core.security import Scope
from backend.deaths import services as deaths
from backend.inspections import rules as inspection_rules
from backend.inspections import services as inspections
from backend.reports import rules
from backend.residents import services as residents
from backend.safety import services as safety
from backend.staffing import services as staffing
from backend.stipends import services as stipends


@dataclass
class MonthFigures:
    """One home's counts for one month (or a county's, summed)."""

    month: date
    days: int = 0
    compliant_days: int = 0
    counts: inspection_rules.Counts = field(default_factory=inspection_rules.Counts)
    open_hazards: int = 0
    open_major: int = 0
    overdue: int = 0
    deaths: int = 0
    late_deaths: int = 0
    has_run: bool = False
    findings: int = 0
    serious: int = 0

    def lights(self) -> dict[str, str]:
        return {
            "ratio": rules.ratio_light(self.compliant_days, self.days),
            "on_time": rules.on_time_light(self.counts.on_time, self.counts.expected),
            "hazards": rules.hazard_light(self.open_major, self.overdue),
            "deaths": rules.death_light(self.late_deaths),
            "findings": rules.findings_light(self.findings, self.serious, self.has_run),
        }

    def __add__(self, other: MonthFigures) -> MonthFigures:
        return MonthFigures(
            self.month,
            self.days + other.days,
            self.compliant_days + other.compliant_days,
            self.counts + other.counts,
            self.open_hazards + other.open_hazards,
            self.open_major + other.open_major,
            self.overdue + other.overdue,
            self.deaths + other.deaths,
            self.late_deaths + other.late_deaths,
            self.has_run or other.has_run,
            self.findings + other.findings,
            self.serious + other.serious,
        )


def total(month: date, figures: Iterable[MonthFigures]) -> MonthFigures:
    """The sum of some homes' figures (counts summed, never percentages averaged)."""
    result = MonthFigures(month)
    for item in figures:
        result = result + item
    return result


@dataclass
class Gathered:
    period: rules.Period
    today: date
    homes: dict[int, dict[str, Any]]  # id → {id, code, name, county, beds}
    figures: dict[int, dict[date, MonthFigures]]  # home id → month → figures
    series: dict[int, list] = field(default_factory=dict)  # home id → staffing DayRatio of the counted days
    inputs: dict[int, Any] = field(default_factory=dict)  # home id → staffing HomeInputs (stays with tiers)
    rates: list = field(default_factory=list)  # inspections Rate by home, routine, month
    hazards: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    deaths: dict[int, list] = field(default_factory=dict)
    findings: dict[tuple[int, date], list] = field(default_factory=dict)  # (home id, month) → ReportFinding
    runs: dict[tuple[int, date], Any] = field(default_factory=dict)  # (county id, month) → RunFindings
    titles: dict[int, dict[str, str]] = field(default_factory=dict)  # county id → routine → template title

    def month_end(self, month: date) -> date:
        """The day a month's hazards are counted at: its last day, or today in a running month."""
        return min(dates.add_months(month, 1) - timedelta(days=1), self.today)


def _month_last(month: date) -> date:
    return dates.add_months(month, 1) - timedelta(days=1)


def open_at(hazard: dict[str, Any], day: date) -> bool:
    return hazard["opened_on"] <= day and (hazard["closed_on"] is None or hazard["closed_on"] > day)


def overdue_at(hazard: dict[str, Any], day: date) -> bool:
    return open_at(hazard, day) and day > hazard["deadline"]


async def gather(scope: Scope, homes: dict[int, dict[str, Any]], period: rules.Period, today: date) -> Gathered:
    """Every indicator of ``homes`` (the caller has checked they are in ``scope``) for ``period``."""
    ids = sorted(homes)
    county_ids = sorted({home["county"] for home in homes.values()})
    figures = {home_id: {month: MonthFigures(month) for month in period.months} for home_id in ids}
    result = Gathered(period, today, homes, figures)
    if not ids:
        return result
    counted_last = min(period.last, today)
    if counted_last >= period.first:
        result.inputs = await staffing.inputs_for(ids, period.first, counted_last)
        for home_id, inputs in result.inputs.items():
            series = inputs.series(period.first, counted_last)
            result.series[home_id] = series
            for day in series:
                month = figures[home_id][dates.month_of(day.day)]
                month.days += 1
                month.compliant_days += 1 if day.compliant else 0
    result.rates = await inspections.on_time_rates(
        scope, months=period.month_keys, as_of=today, group_by=("home", "routine", "month"), home_ids=ids
    )
    for rate in result.rates:
        month = figures.get(rate.home_id, {}).get(dates.parse_month(rate.month))
        if month is not None:
            month.counts = month.counts + rate.counts
    for hazard in await safety.hazards_between(ids, period.first, counted_last if counted_last >= period.first else period.first):
        result.hazards.setdefault(hazard["home"], []).append(hazard)
        for month in figures[hazard["home"]].values():
            end = result.month_end(month.month)
            if end < month.month or not open_at(hazard, end):
                continue
            month.open_hazards += 1
            month.open_major += 1 if hazard["major"] else 0
            month.overdue += 1 if overdue_at(hazard, end) else 0
    by_code = {home["code"]: home_id for home_id, home in homes.items()}
    for death in await deaths.deaths_of_homes(ids, period.first, period.last):
        home_id = by_code.get(death.home_code or "")
        if home_id is None:
            continue
        result.deaths.setdefault(home_id, []).append(death)
        month = figures[home_id][dates.month_of(death.died_on)]
        month.deaths += 1
        month.late_deaths += 1 if death.late else 0
    await _findings(scope, result, county_ids, by_code)
    in_force = await safety.templates_in_force(county_ids)
    result.titles = {county_id: {routine: row["title"] for routine, row in rows.items()} for county_id, rows in in_force.items()}
    return result


async def _findings(scope: Scope, result: Gathered, county_ids: list[int], by_code: dict[str, int]) -> None:
    result.runs = await stipends.latest_run_findings(county_ids, result.period.months)
    unplaced = {f.id_number for run in result.runs.values() for f in run.findings if not f.home_code}
    stayed = await _homes_stayed(scope, result, unplaced) if unplaced else {}
    for (county_id, month), run in result.runs.items():
        for home_id, home in result.homes.items():
            if home["county"] == county_id:
                result.figures[home_id][month].has_run = True
        for finding in run.findings:
            home_id = by_code.get(finding.home_code) if finding.home_code else stayed.get((finding.id_number, month))
            if home_id is None:
                continue
            result.findings.setdefault((home_id, month), []).append(finding)
            month_figures = result.figures[home_id][month]
            month_figures.findings += 1
            month_figures.serious += 1 if finding.code in rules.SERIOUS_FINDINGS else 0


async def _homes_stayed(scope: Scope, result: Gathered, id_numbers: set[str]) -> dict[tuple[str, date], int]:
    """(ID number, month) → the report's home the person last stayed in during that month (a
    finding with no home on its payment line: not paid at all, say), from the register's stays."""
    register = await residents.find_by_id_numbers(scope, id_numbers)
    numbers = {row["id"]: number for number, row in register.items()}
    if not numbers:
        return {}
    stays = await residents.home_stays(sorted(result.homes), result.period.first, result.period.last)
    found: dict[tuple[str, date], tuple[date, int]] = {}
    for home_id, home_stays in stays.items():
        for stay in home_stays:
            number = numbers.get(stay.resident_id)
            if number is None:
                continue
            for month in result.period.months:
                if stay.first_day <= _month_last(month) and (stay.last_day is None or stay.last_day >= month):
                    key = (number, month)
                    if key not in found or stay.first_day >= found[key][0]:
                        found[key] = (stay.first_day, home_id)
    return {key: home_id for key, (_, home_id) in found.items()}


async def failed_items(homes: dict[int, dict[str, Any]], period: rules.Period) -> dict[int, list[dict[str, Any]]]:
    """Home id → the entries of the period with failed items (with the checklist's title and the
    failed items' words)."""
    start = dates.combine_local(period.first, time.min)
    end = dates.combine_local(period.last + timedelta(days=1), time.min)
    result: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for entry in await safety.failed_entries(sorted(homes), start, end):
        result[entry["home"]].append(entry)
    return result
