"""The county's findings table: the findings of the latest run of each month, filtered by code,
review status, month and a search; ID numbers masked; names linked to the payment history."""

from __future__ import annotations

from datetime import date
from typing import Any

from backend.core import citizen_id, dates
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.security import Scope
from backend.residents.services import for_stipends as register
from backend.stipends import rules, services
from backend.stipends.labels import REVIEW_LABELS
from backend.stipends.reports._common import county_in_scope, county_runs, latest_by_month
from backend.stipends.tables import Finding

REVIEW_STATUSES = tuple(REVIEW_LABELS)  # open, confirmed, explained, dismissed
FINDINGS_LIMIT = 500


def _check_filters(code: str, status: str, source: str) -> None:
    if code and code not in rules.CODES:
        raise Invalid({"finding_code": _("Choose a finding code from the list.")})
    if status and status not in REVIEW_STATUSES:
        raise Invalid({"status": _("Choose a review status from the list.")})
    if source not in rules.SOURCES:
        raise Invalid({"source": _("Choose payments or claims.")})


def _where(run_ids: list[int], code: str, status: str, q: str):
    where = Finding.run.is_in(run_ids)
    if code:
        where &= Finding.code == code
    if status:
        where &= Finding.review_status == status
    needle = q.strip()
    if needle:
        like = f"%{needle.replace('%', '').replace('_', '')}%"
        where &= Finding.name.like(like) | Finding.id_number.like(like.upper()) | Finding.payment_ref.like(like)
    return where


def _item(row: dict[str, Any], run: dict[str, Any]) -> dict[str, Any]:
    return {
        "run_id": run["run_id"],
        "month": dates.month_text(run["month"]),
        "code": row["code"],
        "id_masked": citizen_id.mask(row["id_number"]),
        "name": row["name"],
        "payment_ref": row["payment_ref"],
        "expected": row["expected"],
        "paid": row["paid"],
        "difference": row["difference"],
        "facts": services.stored_facts(row),
        "legacy_detail": row["detail"],
        "status": row["review_status"],
        "note": row["review_note"],
        "id_key": citizen_id.normalise(row["id_number"]),
    }


async def findings(
    scope: Scope,
    county_code: str,
    *,
    code: str = "",
    status: str = "",
    month: date | None = None,
    q: str = "",
    source: str = "payments",
) -> dict[str, Any]:
    """Findings of the latest run of each month (of ``source``), filtered; IDs masked."""
    county = await county_in_scope(scope, county_code)
    _check_filters(code, status, source)
    runs = [run for run in await county_runs(county["id"]) if run["source"] == source]
    latest = latest_by_month(runs)
    if month is not None:
        latest = {key: run for key, run in latest.items() if key[0] == month}
    run_by_id = {run["id"]: run for run in latest.values()}
    out: list[dict[str, Any]] = []
    total = 0
    if run_by_id:
        where = _where(list(run_by_id), code, status, q)
        total = await Finding.count().where(where)
        rows = (
            await Finding.select()
            .where(where)
            .order_by(Finding.run, ascending=False)
            .order_by(Finding.position)
            .limit(FINDINGS_LIMIT)
        )
        out = [_item(row, run_by_id[row["run"]]) for row in rows]
        # Link each name to the person's payment history (the county's register only).
        residents = await register.resident_ids({item["id_key"] for item in out if item["id_key"]}, county_id=county["id"])
        for item in out:
            item["resident_id"] = residents.get(item.pop("id_key"))
    return {
        "county": county,
        "findings": out,
        "total": total,
        "limit": FINDINGS_LIMIT,
        "months": sorted({dates.month_text(key[0]) for key in latest_by_month(runs)}, reverse=True),
    }
