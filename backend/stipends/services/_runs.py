"""Reconciliation runs: made (one county or many in one pass), stored with their findings and
the fingerprint of their inputs, read back (report, run, list), checked for staleness.

A fixed number of queries for any number of counties (``reconciliation.load``), then
``rules.reconcile`` decides in pure Python for the lines that need it (no query per person), so
SQLite and PostgreSQL give the same answer."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

from backend.core import citizen_id, dates
from backend.core.db import reading, transaction
from backend.core.errors import Invalid, NotFound
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.money import yuan_text
from backend.core.security import Scope
from backend.registry import services as registry
from backend.stipends import reconciliation, rules, staleness
from backend.stipends.labels import label
from backend.stipends.schemas import FindingOut, ReconcileReport, RunOut, SummaryOut
from backend.stipends.services._common import (
    detail_of,
    facts_json,
    facts_out,
    month_text,
    parse_month,
    require_stipends,
    stored_facts,
)
from backend.stipends.services._standards import standard_rows
from backend.stipends.tables import Finding, ReconciliationRun

FIRST_MONTH, LAST_MONTH = date(2000, 1, 1), date(2099, 12, 1)
SUMMARY_KEYS = ("lines", "paid", "expected", "overpaid", "underpaid", "findings")


def check_month_range(month: date) -> None:
    """Stipend months are refused outside 2000–2099 (a typing slip, not a real month; 0001-01
    has no months before it to look back on)."""
    if not FIRST_MONTH <= month <= LAST_MONTH:
        raise Invalid({"month": _("Choose a month from 2000 to 2099.")})


async def county_register(county_id: int, month: date) -> tuple[dict[str, rules.Person], dict[str, rules.StandardRow]]:
    """The county's persons who may be entitled for ``month``, with their histories and their
    area for the month, by ID number, and the standards in force (area → row; an area without
    one is left out): what the claims generator and the demo read."""
    month = dates.month_of(month)
    async with reading():
        persons = await reconciliation.county_persons(county_id, month)
    standards = rules.standards_in_force(await standard_rows(county_id), month)
    return persons, standards


async def fingerprint(county_id: int, month: date, source: str) -> str:
    """The fingerprint a run of this county-month would store now (a run is stale when its own
    differs), read without a write transaction (staleness.py keeps it until the next write)."""
    return await staleness.current_fingerprint(county_id, month, source)


def _summary_out(result: rules.Result) -> SummaryOut:
    return SummaryOut(
        lines=result.lines,
        paid=yuan_text(result.paid),
        expected=yuan_text(result.expected),
        overpaid=yuan_text(result.overpaid),
        underpaid=yuan_text(result.underpaid),
        findings=result.counts(),
    )


def _summary_dict(summary: SummaryOut) -> dict:
    return {key: getattr(summary, key) for key in SUMMARY_KEYS}


def stored_summary(row: dict[str, Any]) -> SummaryOut:
    stored = json.loads(row["summary"])
    return SummaryOut(**{key: stored[key] for key in SUMMARY_KEYS})


def finding_out(
    code: str, id_number: str, name: str, month: date, ref: str | None, expected: int, paid: int, facts: rules.Facts, detail: str
) -> FindingOut:
    return FindingOut(
        code=code,
        id_number=id_number,
        name=name,
        month=month_text(month),
        payment_ref=ref,
        expected=yuan_text(expected),
        paid=yuan_text(paid),
        difference=yuan_text(paid - expected),
        detail=detail,
        facts=facts_out(facts),
    )


async def reconcile(scope: Scope, county_code: str, month: date, source: str = "payments") -> ReconcileReport:
    """Reconcile county ``county_code``'s lines of ``source`` for ``month`` and store the run."""
    return (await reconcile_counties(scope, [county_code], month, source))[0]


def no_standard_message(name: str, code: str, month: date, areas: list[str] | None = None) -> str:
    """The refusal of a month without a standard; ``areas``: the areas of entitled persons that
    have none (the county has rows for others)."""
    if areas:
        return _(
            "{name} ({code}) has no stipend standard in force for {month} for {areas} persons: import the standards first."
        ).format(name=name, code=code, month=month_text(month), areas=_(", ").join(label("area", area) for area in areas))
    return _("{name} ({code}) has no stipend standard in force for {month}: import the standards first.").format(
        name=name, code=code, month=month_text(month)
    )


def _check_reconcile(county_codes: list[str], month: date, source: str) -> None:
    if not county_codes:
        raise Invalid({"county": _("Choose a county.")})
    if source not in rules.SOURCES:
        raise Invalid({"source": _("Choose payments or claims.")})
    check_month_range(month)


async def _store_run(
    scope: Scope, code: str, county: dict, inputs: reconciliation.CountyMonth, month: date, source: str, inputs_seq: int, now
) -> tuple[ReconcileReport, Change]:
    result = inputs.result(month)
    run_id = str(uuid.uuid4())
    summary = _summary_out(result)
    inserted = await ReconciliationRun.insert(
        ReconciliationRun(
            run_id=run_id,
            county=county["id"],
            month=month,
            source=source,
            fingerprint=inputs.fingerprint,
            inputs_seq=inputs_seq,
            summary=json.dumps({"source": source, **_summary_dict(summary)}, ensure_ascii=False),
            created_at=now,
            created_by=scope.username,
        )
    ).returning(ReconciliationRun.id)
    finding_rows = [
        Finding(
            run=inserted[0]["id"],
            position=position,
            code=f.code,
            id_number=f.id_number[:64],
            name=f.name[:50],
            payment_ref=f.payment_ref,
            expected=f.expected,
            paid=f.paid,
            difference=f.difference,
            detail="",
            facts=facts_json(f.facts),
        )
        for position, f in enumerate(result.findings)
    ]
    for start in range(0, len(finding_rows), 500):
        await Finding.insert(*finding_rows[start : start + 500])
    change = Change(
        "reconcile.run",
        "reconciliation_run",
        run_id,
        None,
        {"county": code, "month": month_text(month), "source": source, "findings": len(result.findings)},
    )
    report = ReconcileReport(
        county=code,
        month=month_text(month),
        run_id=run_id,
        summary=summary,
        findings=[
            finding_out(f.code, f.id_number, f.name, month, f.payment_ref, f.expected, f.paid, f.facts, f.detail)
            for f in result.findings
        ],
    )
    return report, change


async def reconcile_counties(
    scope: Scope, county_codes: list[str], month: date, source: str = "payments"
) -> list[ReconcileReport]:
    """``reconcile`` for several counties of the scope at once: one pass over the month's lines
    for all of them (a province month in a few seconds), one run stored per county. All or
    nothing: a county without a standard in force refuses the whole call."""
    require_stipends(scope, "view_reconciliation")
    county_codes = list(dict.fromkeys(county_codes))
    _check_reconcile(county_codes, month, source)
    month = dates.month_of(month)
    # One transaction for the load and the stored runs: the fingerprint is of exactly what was
    # reconciled, and on SQLite every query shares one connection (outside a transaction the
    # engine opens one per query, which cost more than the queries themselves).
    async with transaction():
        # Before the inputs are read: a write committed meanwhile has a later audit entry, so the
        # run is then checked against the data again (staleness.py), never wrongly called fresh.
        inputs_seq = await staleness.audit_position()
        counties = [(code, await registry.find_county(scope, code)) for code in county_codes]
        inputs = await reconciliation.load([county["id"] for _, county in counties], month, source)
        for _code, county in counties:
            county_inputs = inputs[county["id"]]
            if not county_inputs.standards:
                raise Invalid({"month": no_standard_message(county["name"], county["code"], month)})
            if missing := county_inputs.missing_areas(month):
                raise Invalid({"month": no_standard_message(county["name"], county["code"], month, missing)})
        now = dates.now_utc()
        reports, changes = [], []
        for code, county in counties:
            report, change = await _store_run(scope, code, county, inputs[county["id"]], month, source, inputs_seq, now)
            reports.append(report)
            changes.append(change)
        await append_audit(scope.user_id, scope.username, changes)
    return reports


async def find_run(scope: Scope, run_id: str, county_code: str | None = None) -> dict[str, Any]:
    """The run row in scope (with ``county_code``), NotFound otherwise."""
    require_stipends(scope, "view_reconciliation")
    if county_code is not None:
        await registry.find_county(scope, county_code)
    query = ReconciliationRun.select(
        ReconciliationRun.all_columns(), ReconciliationRun.county.code.as_alias("county_code")
    ).where(ReconciliationRun.run_id == run_id)
    if not scope.is_admin:
        query = query.where(ReconciliationRun.county == scope.county_id)
    row = await query.first()
    if row is None or (county_code is not None and row["county_code"] != county_code):
        raise NotFound(_("No such reconciliation run."))
    return row


async def is_stale(scope: Scope, run_id: str) -> bool:
    """True when the run's inputs (lines, register, placements, assessments, standard,
    parameters that matter) have changed since it ran."""
    return await staleness.is_stale(await find_run(scope, run_id))


async def get_report(scope: Scope, run_id: str, county_code: str | None = None, audit: bool = False) -> ReconcileReport:
    """A stored run's report; ``audit``: record that someone opened its full ID numbers."""
    row = await find_run(scope, run_id, county_code)
    findings = await Finding.select().where(Finding.run == row["id"]).order_by(Finding.position)
    if audit:
        await record_report_view(scope, run_id, (f["id_number"] for f in findings))
    out = []
    for f in findings:
        facts = stored_facts(f)
        out.append(
            finding_out(
                f["code"],
                f["id_number"],
                f["name"],
                row["month"],
                f["payment_ref"],
                f["expected"],
                f["paid"],
                facts,
                detail_of(f, facts),
            )
        )
    return ReconcileReport(
        county=row["county_code"], month=month_text(row["month"]), run_id=run_id, summary=stored_summary(row), findings=out
    )


async def record_report_view(scope: Scope, run_id: str, id_numbers) -> None:
    """The audit record of one response that showed a run's findings with full ID numbers."""
    async with transaction():
        await append_audit(
            scope.user_id,
            scope.username,
            [Change("reconcile.view", "reconciliation_run", run_id, None, citizen_id.disclosure(id_numbers))],
        )


def _run_out(row: dict[str, Any], county_code: str, stale: bool | None) -> RunOut:
    return RunOut(
        run_id=row["run_id"],
        county=county_code,
        month=month_text(row["month"]),
        source=row["source"],
        created_at=row["created_at"].isoformat(),
        created_by=row["created_by"],
        stale=stale,
        summary=stored_summary(row),
    )


async def get_run(scope: Scope, run_id: str, county_code: str | None = None) -> RunOut:
    row = await find_run(scope, run_id, county_code)
    return _run_out(row, row["county_code"], await staleness.is_stale(row))


async def list_runs(scope: Scope, county_code: str, month: date | None = None) -> list[RunOut]:
    """The county's runs, newest first (without the stale check, which costs a reload)."""
    require_stipends(scope, "view_reconciliation")
    county = await registry.find_county(scope, county_code)
    query = (
        ReconciliationRun.select().where(ReconciliationRun.county == county["id"]).order_by(ReconciliationRun.id, ascending=False)
    )
    if month is not None:
        query = query.where(ReconciliationRun.month == dates.month_of(month))
    return [_run_out(row, county_code, None) for row in await query]


async def reconcile_text(scope: Scope, county_code: str, month: str, source: str) -> ReconcileReport:
    """``reconcile`` with the month as text (the API): scope first, then the input. The answer
    carries full ID numbers, so it is recorded like a view of the run's report."""
    require_stipends(scope, "view_reconciliation")
    await registry.find_county(scope, county_code)
    async with transaction():  # the run and the record of its numbers shown: both or neither
        report = await reconcile(scope, county_code, parse_month(month), source)
        await record_report_view(scope, report.run_id, (f.id_number for f in report.findings))
    return report


async def list_runs_text(scope: Scope, county_code: str, month: str | None) -> list[RunOut]:
    require_stipends(scope, "view_reconciliation")
    await registry.find_county(scope, county_code)
    return await list_runs(scope, county_code, parse_month(month) if month else None)
