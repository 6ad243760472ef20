"""A person's payment history beside their entitlement: month by month, what the register says
they were owed (``rules.entitlement``), the payment lines naming them (in any county: a payment
from another county is that county's NOT_ENTITLED, but finance needs to see it beside the
entitlement), the difference, and the findings of the county's latest runs. The last 12 months
(or 24), up to the current month."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date
from typing import Any

from backend.core import citizen_id, dates
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.security import Scope
from backend.residents.services import for_stipends as register
from backend.stipends import reconciliation, rules, services
from backend.stipends.reports._common import county_runs, latest_by_month, require_reports
from backend.stipends.tables import Finding, StipendLine

HISTORY_MONTHS = (12, 24)


async def _lines(id_key: str, first: date, last: date) -> dict[date, list[dict[str, Any]]]:
    lines = (
        await StipendLine.select(
            StipendLine.payment_ref,
            StipendLine.month,
            StipendLine.basic_amount,
            StipendLine.care_amount,
            StipendLine.name,
            StipendLine.county.code.as_alias("county_code"),
        )
        .where(
            (StipendLine.source == "payments")
            & (StipendLine.id_key == id_key)
            & (StipendLine.month >= first)
            & (StipendLine.month <= last)
        )
        .order_by(StipendLine.month)
        .order_by(StipendLine.payment_ref)
    )
    by_month: dict[date, list[dict[str, Any]]] = defaultdict(list)
    for line in lines:
        by_month[line["month"]].append(line)
    return by_month


async def _findings(county_id: int, id_numbers: set[str], first: date, last: date) -> dict[date, list[dict[str, Any]]]:
    runs = latest_by_month([run for run in await county_runs(county_id, first) if run["month"] <= last])
    run_keys = {run["id"]: key for key, run in runs.items()}  # run id → (month, source)
    by_month: dict[date, list[dict[str, Any]]] = defaultdict(list)
    if not run_keys:
        return by_month
    rows = await Finding.select(
        Finding.run,
        Finding.code,
        Finding.payment_ref,
        Finding.difference,
        Finding.review_status,
        Finding.id_number,
    ).where(Finding.run.is_in(list(run_keys)) & Finding.id_number.is_in(sorted(id_numbers)))
    for row in rows:
        month, source = run_keys[row["run"]]
        by_month[month].append({**row, "source": source})
    return by_month


def _month_row(
    person: rules.Person, month: date, standards: dict[str, rules.StandardRow], paid_lines: list, findings: list
) -> dict[str, Any]:
    ent = rules.entitlement(person, person.county_id, month, standards)
    standard = rules.standard_for(standards, person.area)
    if standard is None:
        ent = None
    expected = ent.total if ent is not None else None
    paid = sum(line["basic_amount"] + line["care_amount"] for line in paid_lines)
    entitled = bool(ent and ent.entitled)
    return {
        "month": dates.month_text(month),
        "has_standard": standard is not None,
        "entitled": entitled,
        "reason": ent.reason if ent else "",
        "mode": ent.mode if ent else "",
        "area": person.area,
        "tier": ent.tier if ent else "",
        "basic": ent.basic if entitled else 0,
        "care": ent.care if entitled else 0,
        "expected": expected,
        "lines": paid_lines,
        "paid": paid,
        "difference": paid - expected if expected is not None else None,
        "findings": findings,
    }


async def payment_history(scope: Scope, resident_id: int, months: int = 12) -> dict[str, Any]:
    """The person's last ``months`` months (12 or 24), newest first (see the module docstring)."""
    require_reports(scope)
    if months not in HISTORY_MONTHS:
        raise Invalid({"months": _("Choose 12 or 24 months.")})
    record = await register.person_record(scope, resident_id)
    last = dates.month_of(dates.today())
    parameters = await reconciliation.CountyParameters().load([record.county_id])
    person = (await reconciliation.persons_of([record], last, parameters))[0]
    first = dates.add_months(last, -(months - 1))
    standards = await services.standard_rows(person.county_id)
    id_key = citizen_id.normalise(record.id_number)
    lines = await _lines(id_key, first, last)
    findings = await _findings(person.county_id, {id_key, record.id_number}, first, last)
    out = []
    month = last
    while month >= first:
        # The person's area for that month (the county's default then, when the register has none).
        in_month = replace(person, area=rules.person_area(record.area, parameters.default_area(person.county_id, month)))
        in_force = rules.standards_in_force(standards, month)
        out.append(_month_row(in_month, month, in_force, lines.get(month, []), findings.get(month, [])))
        month = dates.add_months(month, -1)
    return {
        "person": {"id": record.id, "name": record.name, "county_code": record.county_code},
        "id_masked": citizen_id.mask(record.id_number),
        "months": out,
        "span": months,
        "total_expected": sum(row["expected"] or 0 for row in out),
        "total_paid": sum(row["paid"] for row in out),
    }
