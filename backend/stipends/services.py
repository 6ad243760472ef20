"""Stipend use cases: standards, payment and claim imports, reconciliation runs.

The only code that reads or writes the stipend tables (with ``reconciliation.py``, the engine's
set-based loading). Every function takes the acting Scope. Reconciliation: a fixed number of
queries for any number of counties, then ``rules.reconcile`` decides in pure Python for the lines
that need it (no query per person), so SQLite and PostgreSQL give the same answer.
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

from backend.core import citizen_id, dates
from backend.core.bulk import fetch_tuples, insert_rows
from backend.core.db import transaction
from backend.core.errors import Invalid, NotFound
from backend.core.exchange import ExchangeError, ParsedRow, RowError
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.money import yuan_text
from backend.core.permissions import require
from backend.core.security import Scope
from backend.registry import services as registry
from backend.registry.schemas import ImportRowOut
from backend.registry.tables import County
from backend.stipends import reconciliation, rules, staleness
from backend.stipends.schemas import (
    FindingOut,
    ReconcileReport,
    RunOut,
    StandardOut,
    StipendImportResult,
    SummaryOut,
)
from backend.stipends.tables import Finding, ReconciliationRun, Standard, StipendLine

# Who may do what (documented in docs/stipends.md):


def _require(scope: Scope, action: str) -> None:
    require(scope, action, _("You may not work with stipends."))


async def _counties_in_scope(scope: Scope) -> dict[str, int]:
    """County code → id for the counties this scope may write stipend data for."""
    query = County.select(County.id, County.code)
    if not scope.is_admin:
        query = query.where(County.id == scope.county_id)
    return {row["code"]: row["id"] for row in await query}


def _month_text(month: date) -> str:
    return dates.month_text(month)


# --- standards ------------------------------------------------------------------------------


def _standard_out(county_code: str, row: rules.StandardRow) -> StandardOut:
    return StandardOut(
        county_code=county_code,
        effective_from=_month_text(row.effective_from),
        **{name: yuan_text(getattr(row, name)) for name in rules.AMOUNT_FIELDS},
        basic_floor=yuan_text(row.basic_floor) if row.basic_floor is not None else None,
        below_floor=rules.below_floor(row),
    )


async def _standard_rows(county_id: int) -> list[rules.StandardRow]:
    rows = await Standard.select().where(Standard.county == county_id).order_by(Standard.effective_from)
    return [rules.StandardRow.of(row) for row in rows]


async def list_standards(scope: Scope, county_code: str) -> list[StandardOut]:
    county = await registry.find_county(scope, county_code)
    return [_standard_out(county_code, row) for row in await _standard_rows(county["id"])]


async def standard_for(scope: Scope, county_code: str, month: date) -> StandardOut | None:
    """The standard in force for ``month`` (None when the county has none yet)."""
    county = await registry.find_county(scope, county_code)
    row = rules.standard_in_force(await _standard_rows(county["id"]), dates.month_of(month))
    return _standard_out(county_code, row) if row else None


def floor_warning(county_code: str, row: rules.StandardRow) -> str | None:
    modes = rules.below_floor(row)
    if not modes:
        return None
    return _(
        "County {county}, standard from {month}: the basic amount ({modes}) is below the floor {floor} the county entered."
    ).format(
        county=county_code,
        month=_month_text(row.effective_from),
        modes=", ".join(f"{mode} {yuan_text(row.basic(mode))}" for mode in modes),
        floor=yuan_text(row.basic_floor),
    )


def _duplicates(rows: list[ParsedRow], key_of, column: str) -> list[RowError]:
    seen: dict[Any, int] = {}
    errors = []
    for row in rows:
        key = key_of(row)
        if key is None:
            continue
        if key in seen:
            errors.append(RowError(row.row, row.label(column), _("Same value as row {row}.").format(row=seen[key])))
        else:
            seen[key] = row.row
    return errors


def _county_errors(rows: list[ParsedRow], counties: dict[str, int]) -> list[RowError]:
    return [
        RowError(row.row, row.label("county_code"), _("No county has this code."))
        for row in rows
        if row.values.get("county_code") is not None and row.values["county_code"] not in counties
    ]


def _result(kind: str, plan: list[ImportRowOut], dry_run: bool, warnings: list[str]) -> StipendImportResult:
    count = {action: sum(1 for item in plan if item.action == action) for action in ("create", "update", "unchanged")}
    return StipendImportResult(
        ok=True, kind=kind, created=count["create"], updated=count["update"], unchanged=count["unchanged"],
        dry_run=dry_run, rows=plan, warnings=warnings,
    )


def _text(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


async def import_standards(scope: Scope, rows: list[ParsedRow], dry_run: bool = False) -> StipendImportResult:
    """Standards by county and effective month. A row for an existing (county, month) corrects
    its amounts (runs of the months it covers become stale)."""
    _require(scope, "set_standards")
    counties = await _counties_in_scope(scope)
    errors = _county_errors(rows, counties)
    errors += _duplicates(rows, lambda row: (row.values.get("county_code"), row.values.get("effective_from")), "effective_from")
    if errors:
        raise ExchangeError(sorted(errors, key=lambda error: error.row))
    fields = (*rules.AMOUNT_FIELDS, "basic_floor")
    plan: list[ImportRowOut] = []
    warnings: list[str] = []
    async with transaction():
        existing = {
            (row["county"], row["effective_from"]): row
            for row in await Standard.select().where(Standard.county.is_in(list(counties.values()) or [0]))
        }
        writes = []
        for row in rows:
            county_code = row.values["county_code"]
            month = row.values["effective_from"]
            values = {name: row.values.get(name) for name in fields}
            key = f"{county_code}@{_month_text(month)}"
            current = existing.get((counties[county_code], month))
            if current is None:
                plan.append(ImportRowOut(row.row, key, "create"))
                writes.append((counties[county_code], month, key, None, values))
            else:
                changed = {name: [_text(current[name]), _text(values[name])] for name in fields if current[name] != values[name]}
                if changed:
                    plan.append(ImportRowOut(row.row, key, "update", changed))
                    writes.append((counties[county_code], month, key, current, values))
                else:
                    plan.append(ImportRowOut(row.row, key, "unchanged"))
            warning = floor_warning(county_code, rules.StandardRow(effective_from=month, **values))
            if warning:
                warnings.append(warning)
        if dry_run:
            return _result("standards", plan, True, warnings)
        now = dates.now_utc()
        changes = []
        for county_id, month, key, current, values in writes:
            if current is None:
                await Standard.insert(Standard(county=county_id, effective_from=month, created_at=now, created_by=scope.username, **values))
                changes.append(Change("standard.create", "standard", key, None, values))
            else:
                await Standard.update({**values, "created_at": now, "created_by": scope.username}).where(Standard.id == current["id"])
                changes.append(Change("standard.update", "standard", key, {name: current[name] for name in fields}, values))
        if changes:
            await append_audit(scope.user_id, scope.username, changes)
    return _result("standards", plan, False, warnings)


# --- payments and claims --------------------------------------------------------------------

LINE_FIELDS = ("id_number", "name", "county", "month", "basic_amount", "care_amount", "support_mode", "home_code")


async def import_lines(scope: Scope, source: str, rows: list[ParsedRow], dry_run: bool = False) -> StipendImportResult:
    """Payment or claim lines. Refused (all or nothing) only for a bad month or amount, a
    missing or repeated payment_ref, an unknown county; the ID number and name are kept as
    given. Re-importing a line (same payment_ref) replaces what the earlier import said."""
    _require(scope, "import_payments" if source == "payments" else "import_claims")
    errors: list[RowError] = []
    for key, label in (("id_number", "身份证号"), ("name", "姓名")):
        if rows and key not in rows[0].values:
            errors.append(RowError(1, label, _("Required column is missing.")))
    counties = await _counties_in_scope(scope)
    errors += _county_errors(rows, counties)
    errors += _duplicates(rows, lambda row: row.values.get("payment_ref"), "payment_ref")
    if errors:
        raise ExchangeError(sorted(errors, key=lambda error: error.row))
    plan: list[ImportRowOut] = []
    async with transaction():
        refs = [row.values["payment_ref"] for row in rows]
        existing: dict[str, dict] = {}
        names = ("id", "payment_ref", *LINE_FIELDS)
        for start in range(0, len(refs), 5000):
            chunk = refs[start:start + 5000]
            marks = ",".join("{}" for _ in chunk)
            for line in await fetch_tuples(
                f"SELECT {', '.join(names)} FROM stipend_line WHERE source = {{}} AND payment_ref IN ({marks})", source, *chunk
            ):
                existing[line[1]] = dict(zip(names, line, strict=True))
        creates, updates = [], []
        for row in rows:
            ref = row.values["payment_ref"]
            values = {
                "id_number": row.values.get("id_number") or "",
                "name": row.values.get("name") or "",
                "county": counties[row.values["county_code"]],
                "month": row.values["month"],
                "basic_amount": row.values["basic_amount"],
                "care_amount": row.values["care_amount"],
                "support_mode": row.values.get("support_mode") or "",
                "home_code": row.values.get("home_code") or "",
            }
            current = existing.get(ref)
            if current is None:
                plan.append(ImportRowOut(row.row, ref, "create"))
                creates.append((ref, values))
                continue
            changed = {name: [_text(current[name]), _text(values[name])] for name in LINE_FIELDS if current[name] != values[name]}
            if changed:
                shown = {name: [citizen_id.mask(v) for v in pair] if name == "id_number" else pair for name, pair in changed.items()}
                plan.append(ImportRowOut(row.row, ref, "update", shown))  # the preview masks the stored number
                updates.append((ref, current, values, changed))
            else:
                plan.append(ImportRowOut(row.row, ref, "unchanged"))
        if dry_run:
            return _result(source, plan, True, [])
        now = dates.now_utc()
        # Written set-based (an ORM object per line cost 60 % of a 120,000-line import), then
        # ANALYZE on PostgreSQL: without statistics it planned a month's unpaid check as a merge
        # join (5 s instead of 0.1 s: benchmarks/RESULTS.md).
        columns = ["source", "payment_ref", "id_key", "imported_at", "imported_by", *LINE_FIELDS]
        new_rows = [
            (source, ref, citizen_id.normalise(values["id_number"]), now, scope.username, *(values[name] for name in LINE_FIELDS))
            for ref, values in creates
        ]
        await insert_rows("stipend_line", columns, new_rows)
        changes = []
        for ref, current, values, changed in updates:
            await StipendLine.update(
                {**values, "id_key": citizen_id.normalise(values["id_number"]), "imported_at": now, "imported_by": scope.username}
            ).where(StipendLine.id == current["id"])
            before, after = ({name: pair[side] for name, pair in changed.items()} for side in (0, 1))
            for values_shown in (before, after):  # the audit page shows it: masked, named by its digest
                if "id_number" in values_shown:
                    number = values_shown["id_number"]
                    values_shown.update(id_number=citizen_id.mask(number), id_digest=citizen_id.digest(number))
            changes.append(Change(f"{source}.update", "stipend_line", f"{source}:{ref}", before, after))
        if creates:
            months = sorted({_month_text(values["month"]) for _, values in creates})
            changes.append(Change(f"{source}.import", "stipend_line", source, None,
                                  {"created": len(creates), "months": months}))
        if changes:
            await append_audit(scope.user_id, scope.username, changes)
    return _result(source, plan, False, [])


async def import_payments(scope: Scope, rows: list[ParsedRow], dry_run: bool = False) -> StipendImportResult:
    return await import_lines(scope, "payments", rows, dry_run)


async def import_claims(scope: Scope, rows: list[ParsedRow], dry_run: bool = False) -> StipendImportResult:
    return await import_lines(scope, "claims", rows, dry_run)


# --- reconciliation -------------------------------------------------------------------------


async def county_register(county_id: int, month: date) -> tuple[dict[str, rules.Person], rules.StandardRow | None]:
    """The county's persons who may be entitled for ``month``, with their histories, by ID number,
    and the standard in force (the claims generator and the demo read them)."""
    month = dates.month_of(month)
    condition, args = reconciliation.may_be_entitled(month)
    persons, _, _ = await reconciliation.person_histories(f"r.county = {{}} AND {condition}", (county_id, *args), month)
    standard = rules.standard_in_force(await _standard_rows(county_id), month)
    return {person.id_number: person for person in persons.values()}, standard


async def fingerprint(county_id: int, month: date, source: str) -> str:
    """The fingerprint a run of this county-month would store now (a run is stale when its own
    differs), read without a write transaction (staleness.py keeps it until the next write)."""
    return await staleness.current_fingerprint(county_id, month, source)


def _summary_out(result: rules.Result) -> SummaryOut:
    return SummaryOut(
        lines=result.lines, paid=yuan_text(result.paid), expected=yuan_text(result.expected),
        overpaid=yuan_text(result.overpaid), underpaid=yuan_text(result.underpaid), findings=result.counts(),
    )


def _county_for_reconcile(scope: Scope):
    _require(scope, "view_reconciliation")


async def reconcile(scope: Scope, county_code: str, month: date, source: str = "payments") -> ReconcileReport:
    """Reconcile county ``county_code``'s lines of ``source`` for ``month`` and store the run."""
    return (await reconcile_counties(scope, [county_code], month, source))[0]


async def reconcile_counties(scope: Scope, county_codes: list[str], month: date, source: str = "payments") -> list[ReconcileReport]:
    """``reconcile`` for several counties of the scope at once: one pass over the month's lines
    for all of them (a province month in a few seconds), one run stored per county. All or
    nothing: a county without a standard in force refuses the whole call."""
    _county_for_reconcile(scope)
    county_codes = list(dict.fromkeys(county_codes))
    if not county_codes:
        raise Invalid({"county": _("Choose a county.")})
    if source not in rules.SOURCES:
        raise Invalid({"source": _("Choose payments or claims.")})
    from backend.stipends.claims import check_month_range  # claims builds on this module

    check_month_range(month)  # 0001-01 has no months before it to look back on (was a 500)
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
        for code, county in counties:
            if inputs[county["id"]].standard is None:
                raise Invalid({"month": _("County {county} has no stipend standard in force for {month}: import the standards first.").format(
                    county=code, month=_month_text(month))})
        now = dates.now_utc()
        reports, changes = [], []
        for code, county in counties:
            county_inputs = inputs[county["id"]]
            result = county_inputs.result(month)
            run_id = str(uuid.uuid4())
            summary = _summary_out(result)
            inserted = await ReconciliationRun.insert(
                ReconciliationRun(
                    run_id=run_id, county=county["id"], month=month, source=source, fingerprint=county_inputs.fingerprint, inputs_seq=inputs_seq,
                    summary=json.dumps({"source": source, **_summary_dict(summary)}, ensure_ascii=False),
                    created_at=now, created_by=scope.username,
                )
            ).returning(ReconciliationRun.id)
            finding_rows = [
                Finding(run=inserted[0]["id"], position=position, code=f.code, id_number=f.id_number[:64], name=f.name[:50],
                        payment_ref=f.payment_ref, expected=f.expected, paid=f.paid, difference=f.difference, detail=f.detail[:300])
                for position, f in enumerate(result.findings)
            ]
            for start in range(0, len(finding_rows), 500):
                await Finding.insert(*finding_rows[start:start + 500])
            changes.append(Change("reconcile.run", "reconciliation_run", run_id, None,
                                  {"county": code, "month": _month_text(month), "source": source, "findings": len(result.findings)}))
            reports.append(ReconcileReport(
                county=code, month=_month_text(month), run_id=run_id, summary=summary,
                findings=[_finding_out(f.code, f.id_number, f.name, month, f.payment_ref, f.expected, f.paid, f.detail)
                          for f in result.findings],
            ))
        await append_audit(scope.user_id, scope.username, changes)
    return reports


def _summary_dict(summary: SummaryOut) -> dict:
    return {"lines": summary.lines, "paid": summary.paid, "expected": summary.expected, "overpaid": summary.overpaid,
            "underpaid": summary.underpaid, "findings": summary.findings}


def _finding_out(code, id_number, name, month: date, ref, expected: int, paid: int, detail: str) -> FindingOut:
    return FindingOut(code=code, id_number=id_number, name=name, month=_month_text(month), payment_ref=ref,
                      expected=yuan_text(expected), paid=yuan_text(paid), difference=yuan_text(paid - expected), detail=detail)


async def _find_run(scope: Scope, run_id: str, county_code: str | None = None) -> dict[str, Any]:
    _require(scope, "view_reconciliation")
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
    return await staleness.is_stale(await _find_run(scope, run_id))


async def get_report(scope: Scope, run_id: str, county_code: str | None = None, audit: bool = False) -> ReconcileReport:
    """A stored run's report; ``audit``: record that someone opened its full ID numbers."""
    row = await _find_run(scope, run_id, county_code)
    stored = json.loads(row["summary"])
    findings = await Finding.select().where(Finding.run == row["id"]).order_by(Finding.position)
    if audit:
        await record_report_view(scope, run_id, (f["id_number"] for f in findings))
    return ReconcileReport(
        county=row["county_code"], month=_month_text(row["month"]), run_id=run_id,
        summary=SummaryOut(**{key: stored[key] for key in ("lines", "paid", "expected", "overpaid", "underpaid", "findings")}),
        findings=[_finding_out(f["code"], f["id_number"], f["name"], row["month"], f["payment_ref"], f["expected"], f["paid"], f["detail"])
                  for f in findings],
    )


async def record_report_view(scope: Scope, run_id: str, id_numbers) -> None:
    """The audit record of one response that showed a run's findings with full ID numbers."""
    async with transaction():
        await append_audit(scope.user_id, scope.username, [Change(
            "reconcile.view", "reconciliation_run", run_id, None, citizen_id.disclosure(id_numbers))])


async def get_run(scope: Scope, run_id: str, county_code: str | None = None) -> RunOut:
    row = await _find_run(scope, run_id, county_code)
    stored = json.loads(row["summary"])
    stale = await staleness.is_stale(row)
    return RunOut(
        run_id=run_id, county=row["county_code"], month=_month_text(row["month"]), source=row["source"],
        created_at=row["created_at"].isoformat(), created_by=row["created_by"],
        stale=stale,
        summary=SummaryOut(**{key: stored[key] for key in ("lines", "paid", "expected", "overpaid", "underpaid", "findings")}),
    )


async def list_runs(scope: Scope, county_code: str, month: date | None = None) -> list[RunOut]:
    """The county's runs, newest first (without the stale check, which costs a reload)."""
    _require(scope, "view_reconciliation")
    county = await registry.find_county(scope, county_code)
    query = ReconciliationRun.select().where(ReconciliationRun.county == county["id"]).order_by(ReconciliationRun.id, ascending=False)
    if month is not None:
        query = query.where(ReconciliationRun.month == dates.month_of(month))
    out = []
    for row in await query:
        stored = json.loads(row["summary"])
        out.append(RunOut(
            run_id=row["run_id"], county=county_code, month=_month_text(row["month"]), source=row["source"],
            created_at=row["created_at"].isoformat(), created_by=row["created_by"], stale=None,
            summary=SummaryOut(**{key: stored[key] for key in ("lines", "paid", "expected", "overpaid", "underpaid", "findings")}),
        ))
    return out


def _parse_month(text: str | None, field: str = "month") -> date:
    try:
        return dates.parse_month(text or "")
    except ValueError as exc:
        raise Invalid({field: _("Not a valid month (write 2026-11).")}) from exc


async def reconcile_text(scope: Scope, county_code: str, month: str, source: str) -> ReconcileReport:
    """``reconcile`` with the month as text (the API): scope first, then the input. The answer
    carries full ID numbers, so it is recorded like a view of the run's report."""
    _require(scope, "view_reconciliation")
    await registry.find_county(scope, county_code)
    async with transaction():  # the run and the record of its numbers shown: both or neither
        report = await reconcile(scope, county_code, _parse_month(month), source)
        await record_report_view(scope, report.run_id, (f.id_number for f in report.findings))
    return report


async def list_runs_text(scope: Scope, county_code: str, month: str | None) -> list[RunOut]:
    _require(scope, "view_reconciliation")
    await registry.find_county(scope, county_code)
    return await list_runs(scope, county_code, _parse_month(month) if month else None)


async def standard_warnings(scope: Scope, county_code: str, month: date) -> list[str]:
    county = await registry.find_county(scope, county_code)
    row = rules.standard_in_force(await _standard_rows(county["id"]), dates.month_of(month))
    warning = floor_warning(county_code, row) if row else None
    return [warning] if warning else []
