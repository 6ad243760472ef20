"""Read-only stipend reports: the county's finance dashboard, the findings table, a person's
payment history beside their entitlement, the recovery list (追回清单, XLSX) and the
reconciliation report (PDF); plus saving one standard from the web form.

Scope: finance and inspectors of the county, and admins (the ``view_reconciliation`` permission); directors are
refused; another county is "not found". Every query is set-based (a few per page).

Decisions where the spec is silent:

- A month's figures on the dashboard and its findings table come from the *latest* run of that
  month and source (an earlier run of the same month is superseded, but still listed).
- The recovery list takes confirmed findings with a positive difference (paid > expected) of
  ``payments`` runs (a claim line is not money paid); for a month reconciled more than once the
  latest run that has confirmed findings for that payment_ref and code wins. Full ID numbers:
  the export is recorded in the audit log.
- The payment history covers the last 12 months (``months`` = 24 for two years), up to the
  current month, for payment lines naming the person in any county (a payment from another
  county is that county's NOT_ENTITLED, but finance needs to see it beside the entitlement).
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from datetime import date
from typing import Any

from backend.core import citizen_id, dates, xlsx
from backend.core.db import transaction
from backend.core.errors import Forbidden, Invalid
from backend.core.exchange import ExchangeError, Sheet, parse_sheet
from backend.core.i18n import N_, _
from backend.core.ledger import Change, append_audit
from backend.core.money import parse_yuan, yuan_text
from backend.core.permissions import can
from backend.core.security import Scope
from backend.registry import rules as registry_rules
from backend.registry import services as registry
from backend.registry.tables import County
from backend.residents.services._common import assessment_records, find_resident, placement_events
from backend.residents.tables import Resident
from backend.stipends import rules, services, staleness, workflow
from backend.stipends.exchange import STANDARD_COLUMNS
from backend.stipends.schemas import StandardOut, StipendImportResult
from backend.stipends.tables import Finding, ReconciliationRun, StipendLine

REVIEW_STATUSES = tuple(workflow.STATUS_LABELS)  # open, confirmed, explained, dismissed
HISTORY_MONTHS = (12, 24)
FINDINGS_LIMIT = 500

CODE_LABELS = {
    "INVALID_ID": N_("Invalid ID number"),
    "UNKNOWN_PERSON": N_("Not in the register"),
    "DUPLICATE_PAYMENT": N_("Paid twice"),
    "PAID_AFTER_DEATH": N_("Paid after death"),
    "NOT_ENTITLED": N_("Not entitled"),
    "MODE_MISMATCH": N_("Wrong support mode"),
    "UNASSESSED": N_("Care paid without assessment"),
    "TIER_MISMATCH": N_("Wrong care tier"),
    "AMOUNT_MISMATCH": N_("Wrong amount"),
    "MISSING_PAYMENT": N_("Not paid"),
    "NAME_MISMATCH": N_("Name differs from the register"),
}
SOURCE_LABELS = {"payments": N_("Payments"), "claims": N_("Claims")}
REASON_LABELS = {
    "died": N_("after death"),
    "not_approved": N_("not yet approved"),
    "ended": N_("support ended"),
    "other_county": N_("registered in another county"),
}

# The PDF report and the recovery list are Chinese documents for filing and signing (like the
# exchange files' Chinese headers), whatever the user's language.
CODE_ZH = {
    "INVALID_ID": "身份证号无效",
    "UNKNOWN_PERSON": "查无此人",
    "DUPLICATE_PAYMENT": "重复发放",
    "PAID_AFTER_DEATH": "死亡后发放",
    "NOT_ENTITLED": "不符合享受条件",
    "MODE_MISMATCH": "供养方式不符",
    "UNASSESSED": "未评估发放护理费",
    "TIER_MISMATCH": "护理等级不符",
    "AMOUNT_MISMATCH": "金额不符",
    "MISSING_PAYMENT": "漏发",
    "NAME_MISMATCH": "姓名与名册不符",
}
STATUS_ZH = {"open": "待复核", "confirmed": "已确认", "explained": "已说明", "dismissed": "已排除"}
SOURCE_ZH = {"payments": "发放名单", "claims": "申领名单"}

FIELD_LABELS = {
    "effective_from": N_("Effective from (month)"),
    "basic_concentrated": N_("Basic living allowance, concentrated"),
    "basic_dispersed": N_("Basic living allowance, dispersed"),
    "care_concentrated_self_care": N_("Care, concentrated, able to care for themselves"),
    "care_concentrated_partial": N_("Care, concentrated, partly unable"),
    "care_concentrated_full_loss": N_("Care, concentrated, fully unable"),
    "care_dispersed_self_care": N_("Care, dispersed, able to care for themselves"),
    "care_dispersed_partial": N_("Care, dispersed, partly unable"),
    "care_dispersed_full_loss": N_("Care, dispersed, fully unable"),
    "basic_floor": N_("Floor for the basic allowance (optional)"),
}

RECOVERY_COLUMNS = ["身份证号", "姓名", "发放月份", "流水号", "实发金额(元)", "应发金额(元)", "应追回金额(元)", "问题代码", "问题", "复核说明", "运行编号"]


def require_reports(scope: Scope) -> None:
    if not can(scope.role, "view_reconciliation"):
        raise Forbidden(_("You may not work with stipends."))


def parse_month_filter(text: str | None, field: str = "month") -> date | None:
    """An optional month from a query string; Invalid (a message, not a 500) when malformed."""
    if text is None or not text.strip():
        return None
    try:
        return dates.parse_month(text)
    except ValueError:
        raise Invalid({field: _("Not a valid month (write 2026-11).")}) from None


def _fen(text: str) -> int:
    return parse_yuan(text)


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    return json.loads(row["summary"])


async def _county(scope: Scope, county_code: str) -> dict[str, Any]:
    require_reports(scope)
    return await registry.find_county(scope, county_code)


async def _runs(county_id: int, since: date | None = None) -> list[dict[str, Any]]:
    """The county's runs, newest first."""
    query = ReconciliationRun.select(
        ReconciliationRun.id, ReconciliationRun.run_id, ReconciliationRun.county, ReconciliationRun.month, ReconciliationRun.source,
        ReconciliationRun.fingerprint, ReconciliationRun.inputs_seq, ReconciliationRun.summary, ReconciliationRun.created_at,
        ReconciliationRun.created_by, ReconciliationRun.state, ReconciliationRun.approved_at,
        ReconciliationRun.approved_by,
    ).where(ReconciliationRun.county == county_id).order_by(ReconciliationRun.id, ascending=False)
    if since is not None:
        query = query.where(ReconciliationRun.month >= since)
    return await query


def _latest_by_month(runs: list[dict[str, Any]]) -> dict[tuple[date, str], dict[str, Any]]:
    latest: dict[tuple[date, str], dict[str, Any]] = {}
    for run in runs:  # newest first
        latest.setdefault((run["month"], run["source"]), run)
    return latest


# --- dashboard ---------------------------------------------------------------------------------


async def dashboard(scope: Scope, county_code: str, months: int = 12) -> dict[str, Any]:
    """Months × finding codes of the latest run per month and source, overpaid/underpaid totals,
    and the runs of those months with their state (open / approved / stale)."""
    county = await _county(scope, county_code)
    since = dates.add_months(dates.month_of(dates.today()), -(months - 1))
    runs = await _runs(county["id"], since)
    latest = _latest_by_month(runs)
    stale = await staleness.stale_runs(runs)
    run_rows = []
    for run in runs:
        key = (run["month"], run["source"])
        summary = _summary(run)
        run_rows.append({
            "run_id": run["run_id"], "month": dates.month_text(run["month"]), "source": run["source"],
            "created_at": run["created_at"], "created_by": run["created_by"], "state": run["state"],
            "approved_by": run["approved_by"], "approved_at": run["approved_at"],
            "stale": stale[run["id"]], "latest": latest[key]["id"] == run["id"],
            "findings": sum(summary["findings"].values()),
        })
    rows = []
    totals = {"overpaid": 0, "underpaid": 0, "counts": dict.fromkeys(rules.CODES, 0)}
    for (month, source), run in sorted(latest.items(), key=lambda item: (item[0][0], item[0][1]), reverse=True):
        summary = _summary(run)
        counts = {code: summary["findings"].get(code, 0) for code in rules.CODES}
        overpaid, underpaid = _fen(summary["overpaid"]), _fen(summary["underpaid"])
        rows.append({
            "month": dates.month_text(month), "source": source, "run_id": run["run_id"], "counts": counts,
            "lines": summary["lines"], "overpaid": overpaid, "underpaid": underpaid, "state": run["state"],
            "stale": stale[run["id"]],
        })
        totals["overpaid"] += overpaid
        totals["underpaid"] += underpaid
        for code, n in counts.items():
            totals["counts"][code] += n
    return {"county": county, "since": dates.month_text(since), "rows": rows, "totals": totals, "runs": run_rows}


async def overview(scope: Scope) -> dict[str, Any] | None:
    """For the overview page of the county's finance and inspectors: the county and how many
    findings of its latest runs are still open (None for other roles)."""
    if scope.role not in ("finance", "inspector") or scope.county_id is None:
        return None
    county = await County.select(County.code, County.name).where(County.id == scope.county_id).first()
    if county is None:
        return None
    latest = _latest_by_month(await _runs(scope.county_id))
    open_count = 0
    if latest:
        open_count = await Finding.count().where(
            Finding.run.is_in([run["id"] for run in latest.values()]) & (Finding.review_status == "open"))
    return {"county": county, "open": open_count, "runs": len(latest)}


# --- findings table ------------------------------------------------------------------------------


async def findings(
    scope: Scope, county_code: str, *, code: str = "", status: str = "", month: date | None = None,
    q: str = "", source: str = "payments",
) -> dict[str, Any]:
    """Findings of the latest run of each month (of ``source``), filtered; IDs masked."""
    county = await _county(scope, county_code)
    if code and code not in rules.CODES:
        raise Invalid({"code": _("Choose a finding code from the list.")})
    if status and status not in REVIEW_STATUSES:
        raise Invalid({"status": _("Choose a review status from the list.")})
    if source not in rules.SOURCES:
        raise Invalid({"source": _("Choose payments or claims.")})
    runs = [run for run in await _runs(county["id"]) if run["source"] == source]
    latest = _latest_by_month(runs)
    if month is not None:
        latest = {key: run for key, run in latest.items() if key[0] == month}
    run_by_id = {run["id"]: run for run in latest.values()}
    out: list[dict[str, Any]] = []
    total = 0
    if run_by_id:
        where = Finding.run.is_in(list(run_by_id))
        if code:
            where &= Finding.code == code
        if status:
            where &= Finding.review_status == status
        needle = q.strip()
        if needle:
            like = f"%{needle.replace('%', '').replace('_', '')}%"
            where &= Finding.name.like(like) | Finding.id_number.like(like.upper()) | Finding.payment_ref.like(like)
        total = await Finding.count().where(where)
        rows = await Finding.select().where(where).order_by(Finding.run, ascending=False).order_by(Finding.position).limit(FINDINGS_LIMIT)
        for row in rows:
            run = run_by_id[row["run"]]
            out.append({
                "run_id": run["run_id"], "month": dates.month_text(run["month"]), "code": row["code"],
                "id_masked": citizen_id.mask(row["id_number"]), "name": row["name"], "payment_ref": row["payment_ref"],
                "expected": row["expected"], "paid": row["paid"], "difference": row["difference"],
                "detail": row["detail"], "status": row["review_status"], "note": row["review_note"],
                "id_key": citizen_id.normalise(row["id_number"]),
            })
        # Link each name to the person's payment history (the county's register only).
        keys = sorted({item["id_key"] for item in out if item["id_key"]})
        residents = {}
        for start in range(0, len(keys), 500):
            for person in await Resident.select(Resident.id, Resident.id_number).where(
                (Resident.county == county["id"]) & Resident.id_number.is_in(keys[start:start + 500])
            ):
                residents[person["id_number"]] = person["id"]
        for item in out:
            item["resident_id"] = residents.get(item.pop("id_key"))
    return {"county": county, "findings": out, "total": total, "limit": FINDINGS_LIMIT,
            "months": sorted({dates.month_text(key[0]) for key in _latest_by_month(runs)}, reverse=True)}


# --- a person's payment history -------------------------------------------------------------------


async def payment_history(scope: Scope, resident_id: int, months: int = 12) -> dict[str, Any]:
    """Month by month: what the register says the person was owed (``rules.entitlement``), the
    payment lines naming them, the difference, and the findings of the county's latest runs."""
    require_reports(scope)
    if months not in HISTORY_MONTHS:
        raise Invalid({"months": _("Choose 12 or 24 months.")})
    person_row = await find_resident(scope, resident_id)
    county_id = person_row["county_id"]
    last = dates.month_of(dates.today())
    first = dates.add_months(last, -(months - 1))
    extra = 0
    if person_row["died_on"] is not None:
        extra = registry_rules.parameters_in_force(
            await registry._parameter_rows(county_id), person_row["died_on"], registry_rules.default_parameters()
        ).extra_months_after_death
    person = rules.Person(
        id=person_row["id"], id_number=person_row["id_number"], name=person_row["name"], county_id=county_id,
        county_code=person_row["county_code"], approved_on=person_row["approved_on"], ended_on=person_row["ended_on"],
        died_on=person_row["died_on"], placements=tuple(await placement_events(resident_id)),
        assessments=tuple(await assessment_records(resident_id)), extra_months_after_death=extra,
    )
    standards = await services._standard_rows(county_id)
    id_key = citizen_id.normalise(person_row["id_number"])
    lines = await StipendLine.select(
        StipendLine.payment_ref, StipendLine.month, StipendLine.basic_amount, StipendLine.care_amount,
        StipendLine.name, StipendLine.county.code.as_alias("county_code"),
    ).where(
        (StipendLine.source == "payments") & (StipendLine.id_key == id_key)
        & (StipendLine.month >= first) & (StipendLine.month <= last)
    ).order_by(StipendLine.month).order_by(StipendLine.payment_ref)
    by_month: dict[date, list[dict[str, Any]]] = defaultdict(list)
    for line in lines:
        by_month[line["month"]].append(line)
    runs = _latest_by_month([run for run in await _runs(county_id, first) if run["month"] <= last])
    run_months = {run["id"]: month for (month, _source), run in runs.items()}
    finding_rows = []
    if run_months:
        finding_rows = await Finding.select(
            Finding.run, Finding.code, Finding.payment_ref, Finding.difference, Finding.review_status, Finding.id_number,
        ).where(Finding.run.is_in(list(run_months)) & Finding.id_number.is_in(list({id_key, person_row["id_number"]})))
    findings_by_month: dict[date, list[dict[str, Any]]] = defaultdict(list)
    for row in finding_rows:
        source = next(source for (month, source), run in runs.items() if run["id"] == row["run"])
        findings_by_month[run_months[row["run"]]].append({**row, "source": source})
    out = []
    month = last
    while month >= first:
        standard = rules.standard_in_force(standards, month)
        ent = rules.entitlement(person, county_id, month, standard) if standard is not None else None
        expected = ent.total if ent is not None else None
        paid_lines = by_month.get(month, [])
        paid = sum(line["basic_amount"] + line["care_amount"] for line in paid_lines)
        out.append({
            "month": dates.month_text(month), "has_standard": standard is not None,
            "entitled": bool(ent and ent.entitled), "reason": ent.reason if ent else "",
            "mode": ent.mode if ent else "", "tier": ent.tier if ent else "",
            "basic": ent.basic if ent and ent.entitled else 0, "care": ent.care if ent and ent.entitled else 0,
            "expected": expected, "lines": paid_lines, "paid": paid,
            "difference": paid - expected if expected is not None else None,
            "findings": findings_by_month.get(month, []),
        })
        month = dates.add_months(month, -1)
    return {"person": person_row, "id_masked": citizen_id.mask(person_row["id_number"]), "months": out,
            "span": months, "total_expected": sum(row["expected"] or 0 for row in out),
            "total_paid": sum(row["paid"] for row in out)}


# --- standards form -------------------------------------------------------------------------------

MAX_AMOUNT = 10_000_000  # fen: 100000.00 yuan a month is surely a typing error
STANDARD_FORM_FIELDS = ("effective_from", *rules.AMOUNT_FIELDS, "basic_floor")


async def save_standard(scope: Scope, county_code: str, values: dict[str, str]) -> StipendImportResult:
    """One standard from the web form, validated exactly as a ``standards`` file row (the same
    columns and cell rules) and saved by ``services.import_standards`` (audited; a month that
    already has a standard is corrected). Invalid({field: message}) and nothing written."""
    if not can(scope.role, "set_standards"):
        raise Forbidden(_("You may not change stipend standards."))
    await registry.find_county(scope, county_code)
    keys = ["county_code", *STANDARD_FORM_FIELDS]
    cells = [county_code, *(values.get(name, "").strip() or None for name in STANDARD_FORM_FIELDS)]
    rows, errors = parse_sheet(Sheet(headers=keys, rows=[(2, cells)]), STANDARD_COLUMNS)
    if errors:
        raise Invalid({error.column: error.message for error in errors})
    too_large = {name: _("At most {amount} yuan.").format(amount=yuan_text(MAX_AMOUNT))
                 for name in (*rules.AMOUNT_FIELDS, "basic_floor") if (rows[0].values.get(name) or 0) > MAX_AMOUNT}
    if too_large:
        raise Invalid(too_large)
    try:
        return await services.import_standards(scope, rows)
    except ExchangeError as refused:
        raise Invalid({error.column: error.message for error in refused.errors}) from None


def standard_form_values(standard: StandardOut | None, month: date) -> dict[str, str]:
    values = {"effective_from": dates.month_text(month)}
    if standard is not None:
        values.update({name: getattr(standard, name) for name in rules.AMOUNT_FIELDS})
        values["basic_floor"] = standard.basic_floor or ""
    return values


async def standards_page_data(scope: Scope, county_code: str) -> dict[str, Any]:
    county = await _county(scope, county_code)
    listed = await services.list_standards(scope, county_code)
    current = await services.standard_for(scope, county_code, dates.today())
    return {"county": county, "standards": list(reversed(listed)), "current": current}


# --- recovery list (追回清单) --------------------------------------------------------------------------


async def recovery_rows(scope: Scope, county_code: str, month: date | None = None) -> list[dict[str, Any]]:
    """Confirmed overpayments of the county's payment runs, with full ID numbers (no audit here:
    ``recovery_xlsx`` records the export)."""
    county = await _county(scope, county_code)
    runs = [run for run in await _runs(county["id"]) if run["source"] == "payments" and (month is None or run["month"] == month)]
    if not runs:
        return []
    by_id = {run["id"]: run for run in runs}
    rows = await Finding.select().where(
        Finding.run.is_in(list(by_id)) & (Finding.review_status == "confirmed") & (Finding.difference > 0)
    ).order_by(Finding.run, ascending=False).order_by(Finding.position)
    seen: set[tuple] = set()
    out = []
    for row in rows:  # newest run first: its confirmation wins for a month reconciled twice
        run = by_id[row["run"]]
        key = (run["month"], row["payment_ref"], row["code"])
        if key in seen:
            continue
        seen.add(key)
        out.append({
            "id_number": row["id_number"], "name": row["name"], "month": dates.month_text(run["month"]),
            "payment_ref": row["payment_ref"] or "", "paid": row["paid"], "expected": row["expected"],
            "recover": row["difference"], "code": row["code"], "note": row["review_note"], "run_id": run["run_id"],
        })
    out.sort(key=lambda item: (item["month"], item["payment_ref"], item["code"]))
    return out


def _yuan_number(fen: int):
    from decimal import Decimal

    return Decimal(fen) / 100


async def recovery_xlsx(scope: Scope, county_code: str, month: date | None = None) -> bytes:
    """The recovery list as XLSX (full ID numbers; the export is audited)."""
    rows = await recovery_rows(scope, county_code, month)
    body = xlsx.to_xlsx(
        RECOVERY_COLUMNS,
        ([row["id_number"], row["name"], row["month"], row["payment_ref"], _yuan_number(row["paid"]),
          _yuan_number(row["expected"]), _yuan_number(row["recover"]), row["code"], CODE_ZH[row["code"]],
          row["note"], row["run_id"]] for row in rows),
        sheet_name="追回清单",
    )
    async with transaction():
        await append_audit(scope.user_id, scope.username, [Change(
            "stipends.recovery_export", "county", county_code, None,
            {"month": dates.month_text(month) if month else "all", "rows": len(rows),
             "total": yuan_text(sum(row["recover"] for row in rows)),
             **citizen_id.disclosure(row["id_number"] for row in rows)},
        )])
    return body


# --- reconciliation report (PDF) ----------------------------------------------------------------------


async def report_data(scope: Scope, county_code: str, run_id: str) -> dict[str, Any]:
    """Everything the PDF shows for one run: its summary, state, staleness and findings (IDs
    masked: the PDF is printed and signed, so it carries no full ID numbers)."""
    county = await _county(scope, county_code)
    row = await services._find_run(scope, run_id, county_code)
    summary = _summary(row)
    stale = await staleness.is_stale(row)
    rows = await Finding.select().where(Finding.run == row["id"]).order_by(Finding.position)
    return {
        "county": county, "run": row, "month": dates.month_text(row["month"]), "source": row["source"],
        "stale": stale, "summary": summary,
        "counts": [(code, summary["findings"].get(code, 0)) for code in rules.CODES],
        "findings": [{
            "code": f["code"], "id_masked": citizen_id.mask(f["id_number"]), "name": f["name"],
            "payment_ref": f["payment_ref"], "expected": f["expected"], "paid": f["paid"],
            "difference": f["difference"], "status": f["review_status"], "note": f["review_note"],
        } for f in rows],
        "generated_at": dates.now_utc(), "generated_by": scope.username,
    }


def _write_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


async def render_pdf(html: str) -> bytes:
    """WeasyPrint is CPU-bound and synchronous: off the event loop."""
    return await asyncio.to_thread(_write_pdf, html)


async def reconciliation_pdf(scope: Scope, county_code: str, run_id: str) -> tuple[bytes, dict[str, Any]]:
    """The reconciliation report of a run as PDF (and the data it shows)."""
    from backend.core.web import template_engine

    data = await report_data(scope, county_code, run_id)
    template = template_engine.engine.get_template("stipends/report_pdf.html")
    html = template.render(CODE_ZH=CODE_ZH, STATUS_ZH=STATUS_ZH, SOURCE_ZH=SOURCE_ZH, **data)
    return await render_pdf(html), data


async def latest_run_id(scope: Scope, county_code: str, month: date, source: str = "payments") -> str | None:
    """The newest stored run of the county, month and source (None when there is none)."""
    runs = [run for run in await services.list_runs(scope, county_code, month) if run.source == source]
    return runs[0].run_id if runs else None
