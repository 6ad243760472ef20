"""Stipend use cases: standards, payment and claim imports, reconciliation runs.

The only code that reads or writes the stipend tables. Every function takes the acting Scope.
Reconciliation is set-based: a handful of queries per county-month load every row that matters,
then ``rules.reconcile`` decides in pure Python (no query per person), so SQLite and PostgreSQL
give the same answer.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from datetime import date
from typing import Any

from backend.core import citizen_id, dates
from backend.core.db import transaction
from backend.core.errors import Forbidden, Invalid, NotFound
from backend.core.exchange import ExchangeError, ParsedRow, RowError
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit, canonical
from backend.core.money import yuan_text
from backend.core.security import Scope
from backend.registry import rules as registry_rules
from backend.registry import services as registry
from backend.registry.schemas import ImportRowOut
from backend.registry.tables import County
from backend.residents import rules as residents_rules
from backend.residents.tables import Assessment, Placement, Resident
from backend.stipends import rules
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
STANDARD_ROLES = ("finance", "admin")
PAYMENT_ROLES = ("finance", "admin")
CLAIM_ROLES = ("finance", "inspector", "admin")
RECONCILE_ROLES = ("finance", "inspector", "admin")


def _require(scope: Scope, roles: tuple[str, ...]) -> None:
    if scope.role not in roles:
        raise Forbidden(_("You may not work with stipends."))


async def _counties_in_scope(scope: Scope) -> dict[str, int]:
    """County code → id for the counties this scope may write stipend data for."""
    query = County.select(County.id, County.code)
    if not scope.is_admin:
        query = query.where(County.id == scope.county_id)
    return {row["code"]: row["id"] for row in await query}


def _month_text(month: date) -> str:
    return dates.month_text(month)


# --- standards ------------------------------------------------------------------------------


def _standard_row(row: dict[str, Any]) -> rules.StandardRow:
    return rules.StandardRow(
        effective_from=row["effective_from"],
        **{name: row[name] for name in rules.AMOUNT_FIELDS},
        basic_floor=row.get("basic_floor"),
    )


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
    return [_standard_row(row) for row in rows]


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
    _require(scope, STANDARD_ROLES)
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
    _require(scope, PAYMENT_ROLES if source == "payments" else CLAIM_ROLES)
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
        for start in range(0, len(refs), 500):
            chunk = refs[start:start + 500]
            for line in await StipendLine.select().where((StipendLine.source == source) & StipendLine.payment_ref.is_in(chunk)):
                existing[line["payment_ref"]] = line
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
                plan.append(ImportRowOut(row.row, ref, "update", changed))
                updates.append((ref, current, values, changed))
            else:
                plan.append(ImportRowOut(row.row, ref, "unchanged"))
        if dry_run:
            return _result(source, plan, True, [])
        now = dates.now_utc()
        new_rows = [
            StipendLine(source=source, payment_ref=ref, id_key=citizen_id.normalise(values["id_number"]),
                        imported_at=now, imported_by=scope.username, **values)
            for ref, values in creates
        ]
        for start in range(0, len(new_rows), 500):
            await StipendLine.insert(*new_rows[start:start + 500])
        changes = []
        for ref, current, values, changed in updates:
            await StipendLine.update(
                {**values, "id_key": citizen_id.normalise(values["id_number"]), "imported_at": now, "imported_by": scope.username}
            ).where(StipendLine.id == current["id"])
            changes.append(Change(f"{source}.update", "stipend_line", f"{source}:{ref}",
                                  {name: pair[0] for name, pair in changed.items()},
                                  {name: pair[1] for name, pair in changed.items()}))
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


class Inputs:
    """Everything one reconciliation of a county-month reads, loaded set-based."""

    def __init__(self):
        self.lines: list[rules.Line] = []  # every line of the month touching the county's IDs
        self.persons: dict[str, rules.Person] = {}
        self.standard: rules.StandardRow | None = None
        self.fingerprint: str = ""


def _line_conditions(source: str, county_id: int, month: date):
    return (StipendLine.source == source) & (StipendLine.month == month) & (StipendLine.county == county_id)


def _chunks(values, size: int = 900):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


async def _load(county_id: int, month: date, source: str) -> Inputs:
    """The county-month's inputs. Every query is bounded by the county or by a list of keys
    (in chunks), never ``county = C OR key IN (subquery)``, which both databases planned poorly
    (a province month took 1.5× the CPU on SQLite, 2.4× the time on PostgreSQL: benchmarks/RESULTS.md)."""
    inputs = Inputs()
    line_columns = (
        StipendLine.payment_ref, StipendLine.id_number, StipendLine.id_key, StipendLine.name, StipendLine.county,
        StipendLine.county.code.as_alias("county_code"), StipendLine.basic_amount, StipendLine.care_amount,
        StipendLine.support_mode, StipendLine.home_code,
    )
    line_rows = await StipendLine.select(*line_columns).where(_line_conditions(source, county_id, month))
    keys = sorted({row["id_key"] for row in line_rows})
    # The same IDs in other counties' lines of the month (DUPLICATE_PAYMENT looks at every county).
    # The keys are sent as a list, not a subquery: right after a bulk import PostgreSQL has no
    # statistics for the lines yet and planned the subquery as a nested loop over the month.
    for chunk in _chunks(keys):
        line_rows += await StipendLine.select(*line_columns).where(
            (StipendLine.source == source) & (StipendLine.month == month) & (StipendLine.county != county_id)
            & StipendLine.id_key.is_in(chunk)
        )
    inputs.lines = [
        rules.Line(row["payment_ref"], row["id_number"], row["name"], row["county"], row["county_code"],
                   row["basic_amount"], row["care_amount"], row["support_mode"] or "", row["home_code"] or "")
        for row in line_rows
    ]
    # The county's persons who may be entitled, and everyone a line names (any county).
    may_be_entitled = (
        (Resident.county == county_id)
        & (Resident.approved_on < month)
        & (Resident.ended_on.is_null() | (Resident.ended_on >= month))
        & (Resident.died_on.is_null() | (Resident.died_on >= dates.add_months(month, -registry_rules.PARAMETER_RANGES["extra_months_after_death"][1])))
    )
    person_columns = (
        Resident.id, Resident.id_number, Resident.name, Resident.county, Resident.county.code.as_alias("county_code"),
        Resident.approved_on, Resident.ended_on, Resident.died_on,
    )
    person_rows = await Resident.select(*person_columns).where(may_be_entitled)
    seen = {row["id"] for row in person_rows}
    for chunk in _chunks(keys):
        for row in await Resident.select(*person_columns).where(Resident.id_number.is_in(chunk)):
            if row["id"] not in seen:
                seen.add(row["id"])
                person_rows.append(row)
    placement_rows, assessment_rows = [], []
    # Integer ids read from the database, written into the SQL (a parameter per id costs more
    # than the query itself in the query builder).
    for chunk in _chunks(sorted(seen), 5000):
        ids = ",".join(str(int(value)) for value in chunk)
        placement_rows += await Placement.raw(
            f"SELECT resident, event_date, seq, kind, home FROM placement WHERE resident IN ({ids}) AND event_date < {{}}", month
        )
        assessment_rows += await Assessment.raw(
            f"SELECT resident, assessed_on, seq, tier FROM assessment WHERE resident IN ({ids}) AND assessed_on < {{}}", month
        )
    placements = defaultdict(list)
    for row in placement_rows:
        placements[row["resident"]].append(residents_rules.PlacementEvent(row["event_date"], row["seq"], row["kind"], row["home"]))
    assessments = defaultdict(list)
    for row in assessment_rows:
        assessments[row["resident"]].append(residents_rules.AssessmentRecord(row["assessed_on"], row["seq"], row["tier"]))
    # extra_months_after_death: the parameter of the person's county in force on the day of death.
    extra: dict[int, int] = {}
    parameter_rows: dict[int, list] = {}
    defaults = registry_rules.default_parameters()
    for row in person_rows:
        if row["died_on"] is None:
            continue
        if row["county"] not in parameter_rows:
            parameter_rows[row["county"]] = await registry._parameter_rows(row["county"])
        extra[row["id"]] = registry_rules.parameters_in_force(
            parameter_rows[row["county"]], row["died_on"], defaults
        ).extra_months_after_death
    for row in person_rows:
        inputs.persons[row["id_number"]] = rules.Person(
            id=row["id"], id_number=row["id_number"], name=row["name"], county_id=row["county"],
            county_code=row["county_code"], approved_on=row["approved_on"], ended_on=row["ended_on"],
            died_on=row["died_on"], placements=tuple(placements[row["id"]]),
            assessments=tuple(assessments[row["id"]]), extra_months_after_death=extra.get(row["id"], 0),
        )
    inputs.standard = rules.standard_in_force(await _standard_rows(county_id), month)
    payload = {
        "source": source,
        "county": county_id,
        "month": month.isoformat(),
        "lines": sorted(
            [line.payment_ref, line.id_number, line.name, line.county_id, line.basic, line.care, line.support_mode, line.home_code]
            for line in inputs.lines
        ),
        "persons": sorted(
            [p.id, p.id_number, p.name, p.county_id, _text(p.approved_on), _text(p.ended_on), _text(p.died_on), p.extra_months_after_death]
            for p in inputs.persons.values()
        ),
        "placements": sorted([row["resident"], _text(row["event_date"]), row["seq"], row["kind"], row["home"] or 0] for row in placement_rows),
        "assessments": sorted([row["resident"], _text(row["assessed_on"]), row["seq"], row["tier"]] for row in assessment_rows),
        "standard": None if inputs.standard is None else [_text(inputs.standard.effective_from)]
        + [getattr(inputs.standard, name) for name in rules.AMOUNT_FIELDS],
    }
    inputs.fingerprint = hashlib.sha256(canonical(payload).encode("utf-8")).hexdigest()
    return inputs


def _summary_out(result: rules.Result) -> SummaryOut:
    return SummaryOut(
        lines=result.lines, paid=yuan_text(result.paid), expected=yuan_text(result.expected),
        overpaid=yuan_text(result.overpaid), underpaid=yuan_text(result.underpaid), findings=result.counts(),
    )


def _county_for_reconcile(scope: Scope):
    _require(scope, RECONCILE_ROLES)


async def reconcile(scope: Scope, county_code: str, month: date, source: str = "payments") -> ReconcileReport:
    """Reconcile county ``county_code``'s lines of ``source`` for ``month`` and store the run."""
    _county_for_reconcile(scope)
    county = await registry.find_county(scope, county_code)
    if source not in rules.SOURCES:
        raise Invalid({"source": _("Choose payments or claims.")})
    month = dates.month_of(month)
    # One transaction for the load and the stored run: the fingerprint is of exactly what was
    # reconciled, and on SQLite every query shares one connection (outside a transaction the
    # engine opens one per query, which cost more than the queries themselves).
    async with transaction():
        return await _reconcile(scope, county_code, county, month, source)


async def _reconcile(scope: Scope, county_code: str, county: dict, month: date, source: str) -> ReconcileReport:
    inputs = await _load(county["id"], month, source)
    if inputs.standard is None:
        raise Invalid({"month": _("County {county} has no stipend standard in force for {month}: import the standards first.").format(
            county=county_code, month=_month_text(month))})
    result = rules.reconcile(inputs.lines, inputs.lines, inputs.persons, county["id"], month, inputs.standard)
    run_id = str(uuid.uuid4())
    summary = _summary_out(result)
    async with transaction():
        inserted = await ReconciliationRun.insert(
            ReconciliationRun(
                run_id=run_id, county=county["id"], month=month, source=source, fingerprint=inputs.fingerprint,
                summary=json.dumps({"source": source, **_summary_dict(summary)}, ensure_ascii=False),
                created_at=dates.now_utc(), created_by=scope.username,
            )
        ).returning(ReconciliationRun.id)
        finding_rows = [
            Finding(run=inserted[0]["id"], position=position, code=f.code, id_number=f.id_number[:64], name=f.name[:50],
                    payment_ref=f.payment_ref, expected=f.expected, paid=f.paid, difference=f.difference, detail=f.detail[:300])
            for position, f in enumerate(result.findings)
        ]
        for start in range(0, len(finding_rows), 500):
            await Finding.insert(*finding_rows[start:start + 500])
        await append_audit(scope.user_id, scope.username, [
            Change("reconcile.run", "reconciliation_run", run_id, None,
                   {"county": county_code, "month": _month_text(month), "source": source, "findings": len(result.findings)})
        ])
    return ReconcileReport(
        county=county_code, month=_month_text(month), run_id=run_id, summary=summary,
        findings=[_finding_out(f.code, f.id_number, f.name, month, f.payment_ref, f.expected, f.paid, f.detail) for f in result.findings],
    )


def _summary_dict(summary: SummaryOut) -> dict:
    return {"lines": summary.lines, "paid": summary.paid, "expected": summary.expected, "overpaid": summary.overpaid,
            "underpaid": summary.underpaid, "findings": summary.findings}


def _finding_out(code, id_number, name, month: date, ref, expected: int, paid: int, detail: str) -> FindingOut:
    return FindingOut(code=code, id_number=id_number, name=name, month=_month_text(month), payment_ref=ref,
                      expected=yuan_text(expected), paid=yuan_text(paid), difference=yuan_text(paid - expected), detail=detail)


async def _find_run(scope: Scope, run_id: str, county_code: str | None = None) -> dict[str, Any]:
    _require(scope, RECONCILE_ROLES)
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
    row = await _find_run(scope, run_id)
    inputs = await _load(row["county"], row["month"], row["source"])
    return inputs.fingerprint != row["fingerprint"]


async def get_report(scope: Scope, run_id: str, county_code: str | None = None, audit: bool = False) -> ReconcileReport:
    """A stored run's report; ``audit``: record that someone opened its full ID numbers."""
    row = await _find_run(scope, run_id, county_code)
    if audit:
        async with transaction():
            await append_audit(scope.user_id, scope.username, [Change("reconcile.view", "reconciliation_run", run_id)])
    stored = json.loads(row["summary"])
    findings = await Finding.select().where(Finding.run == row["id"]).order_by(Finding.position)
    return ReconcileReport(
        county=row["county_code"], month=_month_text(row["month"]), run_id=run_id,
        summary=SummaryOut(**{key: stored[key] for key in ("lines", "paid", "expected", "overpaid", "underpaid", "findings")}),
        findings=[_finding_out(f["code"], f["id_number"], f["name"], row["month"], f["payment_ref"], f["expected"], f["paid"], f["detail"])
                  for f in findings],
    )


async def get_run(scope: Scope, run_id: str, county_code: str | None = None) -> RunOut:
    row = await _find_run(scope, run_id, county_code)
    stored = json.loads(row["summary"])
    inputs = await _load(row["county"], row["month"], row["source"])
    return RunOut(
        run_id=run_id, county=row["county_code"], month=_month_text(row["month"]), source=row["source"],
        created_at=row["created_at"].isoformat(), created_by=row["created_by"],
        stale=inputs.fingerprint != row["fingerprint"],
        summary=SummaryOut(**{key: stored[key] for key in ("lines", "paid", "expected", "overpaid", "underpaid", "findings")}),
    )


async def list_runs(scope: Scope, county_code: str, month: date | None = None) -> list[RunOut]:
    """The county's runs, newest first (without the stale check, which costs a reload)."""
    _require(scope, RECONCILE_ROLES)
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
    """``reconcile`` with the month as text (the API): scope first, then the input."""
    _require(scope, RECONCILE_ROLES)
    await registry.find_county(scope, county_code)
    return await reconcile(scope, county_code, _parse_month(month), source)


async def list_runs_text(scope: Scope, county_code: str, month: str | None) -> list[RunOut]:
    _require(scope, RECONCILE_ROLES)
    await registry.find_county(scope, county_code)
    return await list_runs(scope, county_code, _parse_month(month) if month else None)


async def standard_warnings(scope: Scope, county_code: str, month: date) -> list[str]:
    county = await registry.find_county(scope, county_code)
    row = rules.standard_in_force(await _standard_rows(county["id"]), dates.month_of(month))
    warning = floor_warning(county_code, row) if row else None
    return [warning] if warning else []
