"""Payment and claim lines imported from files (interfaces.md §3): refused all or nothing for a
bad month or amount, a missing or repeated payment_ref or an unknown county; the ID number and
name are kept as given (an invalid or unknown one is a finding). Re-importing a line (same
payment_ref) replaces what the earlier import said."""

from __future__ import annotations

from backend.core import citizen_id, dates
from backend.core.bulk import fetch_tuples, insert_rows
from backend.core.db import transaction
from backend.core.exchange import ExchangeError, ParsedRow, RowError
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.security import Scope
from backend.registry.schemas import ImportRowOut
from backend.stipends.schemas import StipendImportResult
from backend.stipends.services._common import (
    as_text,
    counties_in_scope,
    county_errors,
    duplicates,
    import_result,
    month_text,
    require_stipends,
    row_counties,
)
from backend.stipends.tables import StipendLine

LINE_FIELDS = ("id_number", "name", "county", "month", "basic_amount", "care_amount", "support_mode", "home_code")


async def _existing(source: str, refs: list[str]) -> dict[str, dict]:
    existing: dict[str, dict] = {}
    names = ("id", "payment_ref", *LINE_FIELDS)
    for start in range(0, len(refs), 5000):
        chunk = refs[start : start + 5000]
        marks = ",".join("{}" for _ in chunk)
        for line in await fetch_tuples(
            f"SELECT {', '.join(names)} FROM stipend_line WHERE source = {{}} AND payment_ref IN ({marks})", source, *chunk
        ):
            existing[line[1]] = dict(zip(names, line, strict=True))
    return existing


def _values(row: ParsedRow, counties: dict) -> dict:
    return {
        "id_number": row.values.get("id_number") or "",
        "name": row.values.get("name") or "",
        "county": counties[row.values["county_code"]]["id"],
        "month": row.values["month"],
        "basic_amount": row.values["basic_amount"],
        "care_amount": row.values["care_amount"],
        "support_mode": row.values.get("support_mode") or "",
        "home_code": row.values.get("home_code") or "",
    }


def _plan(rows: list[ParsedRow], counties: dict, existing: dict) -> tuple[list[ImportRowOut], list, list]:
    plan: list[ImportRowOut] = []
    creates, updates = [], []
    for row in rows:
        ref = row.values["payment_ref"]
        values = _values(row, counties)
        current = existing.get(ref)
        if current is None:
            plan.append(ImportRowOut(row.row, ref, "create"))
            creates.append((ref, values))
            continue
        changed = {name: [as_text(current[name]), as_text(values[name])] for name in LINE_FIELDS if current[name] != values[name]}
        if changed:
            shown = {name: [citizen_id.mask(v) for v in pair] if name == "id_number" else pair for name, pair in changed.items()}
            plan.append(ImportRowOut(row.row, ref, "update", shown))  # the preview masks the stored number
            updates.append((ref, current, values, changed))
        else:
            plan.append(ImportRowOut(row.row, ref, "unchanged"))
    return plan, creates, updates


async def _write(scope: Scope, source: str, creates: list, updates: list) -> None:
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
        months = sorted({month_text(values["month"]) for _, values in creates})
        changes.append(Change(f"{source}.import", "stipend_line", source, None, {"created": len(creates), "months": months}))
    if changes:
        await append_audit(scope.user_id, scope.username, changes)


async def import_lines(scope: Scope, source: str, rows: list[ParsedRow], dry_run: bool = False) -> StipendImportResult:
    """Payment or claim lines (see the module docstring)."""
    require_stipends(scope, "import_payments" if source == "payments" else "import_claims")
    errors: list[RowError] = []
    for key, heading in (("id_number", "身份证号"), ("name", "姓名")):
        if rows and key not in rows[0].values:
            errors.append(RowError(1, heading, _("Required column is missing.")))
    counties = await counties_in_scope(scope, row_counties(rows))
    errors += county_errors(rows, counties)
    errors += duplicates(rows, lambda row: row.values.get("payment_ref"), "payment_ref")
    if errors:
        raise ExchangeError(sorted(errors, key=lambda error: error.row))
    async with transaction():
        existing = await _existing(source, [row.values["payment_ref"] for row in rows])
        plan, creates, updates = _plan(rows, counties, existing)
        if dry_run:
            return import_result(source, plan, True, [])
        await _write(scope, source, creates, updates)
    return import_result(source, plan, False, [])


async def import_payments(scope: Scope, rows: list[ParsedRow], dry_run: bool = False) -> StipendImportResult:
    return await import_lines(scope, "payments", rows, dry_run)


async def import_claims(scope: Scope, rows: list[ParsedRow], dry_run: bool = False) -> StipendImportResult:
    return await import_lines(scope, "claims", rows, dry_run)
