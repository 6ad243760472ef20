"""The recovery list (追回清单): the confirmed overpayments of the county's payment runs (a claim
line is not money paid), as rows and as XLSX with full ID numbers (the export is audited). For a
month reconciled more than once the latest run that has confirmed findings for that payment_ref
and code wins. A Chinese document for filing, whatever the reader's language (the finding code
beside its name and facts)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from backend.core import citizen_id, dates, xlsx
from backend.core.db import transaction
from backend.core.ledger import Change, append_audit
from backend.core.money import yuan_text
from backend.core.security import Scope
from backend.stipends import services
from backend.stipends.details import describe, in_chinese
from backend.stipends.labels import label
from backend.stipends.reports._common import county_in_scope, county_runs
from backend.stipends.tables import Finding

# The finding's facts in words (问题说明) come last: the columns before keep their places.
RECOVERY_COLUMNS = [
    "身份证号",
    "姓名",
    "发放月份",
    "流水号",
    "实发金额(元)",
    "应发金额(元)",
    "应追回金额(元)",
    "问题代码",
    "问题",
    "复核说明",
    "运行编号",
    "问题说明",
]


async def recovery_rows(scope: Scope, county_code: str, month: date | None = None) -> list[dict[str, Any]]:
    """Confirmed overpayments of the county's payment runs, with full ID numbers (no audit here:
    ``recovery_xlsx`` records the export)."""
    county = await county_in_scope(scope, county_code)
    runs = [
        run for run in await county_runs(county["id"]) if run["source"] == "payments" and (month is None or run["month"] == month)
    ]
    if not runs:
        return []
    by_id = {run["id"]: run for run in runs}
    rows = (
        await Finding.select()
        .where(Finding.run.is_in(list(by_id)) & (Finding.review_status == "confirmed") & (Finding.difference > 0))
        .order_by(Finding.run, ascending=False)
        .order_by(Finding.position)
    )
    seen: set[tuple] = set()
    out = []
    for row in rows:  # newest run first: its confirmation wins for a month reconciled twice
        run = by_id[row["run"]]
        key = (run["month"], row["payment_ref"], row["code"])
        if key in seen:
            continue
        seen.add(key)
        out.append(
            {
                "id_number": row["id_number"],
                "name": row["name"],
                "month": dates.month_text(run["month"]),
                "payment_ref": row["payment_ref"] or "",
                "paid": row["paid"],
                "expected": row["expected"],
                "recover": row["difference"],
                "code": row["code"],
                "facts": services.stored_facts(row),
                "legacy_detail": row["detail"],
                "note": row["review_note"],
                "run_id": run["run_id"],
            }
        )
    out.sort(key=lambda item: (item["month"], item["payment_ref"], item["code"]))
    return out


def _yuan_number(fen: int) -> Decimal:
    return Decimal(fen) / 100


def _cells(row: dict[str, Any]) -> list:
    return [
        row["id_number"],
        row["name"],
        row["month"],
        row["payment_ref"],
        _yuan_number(row["paid"]),
        _yuan_number(row["expected"]),
        _yuan_number(row["recover"]),
        row["code"],
        label("code", row["code"]),
        row["note"],
        row["run_id"],
        describe(row["code"], row["facts"], row["legacy_detail"]),
    ]


async def recovery_xlsx(scope: Scope, county_code: str, month: date | None = None) -> bytes:
    """The recovery list as XLSX (full ID numbers; the export is audited)."""
    rows = await recovery_rows(scope, county_code, month)
    with in_chinese():
        cells = [_cells(row) for row in rows]
    body = xlsx.to_xlsx(RECOVERY_COLUMNS, cells, sheet_name="追回清单")
    async with transaction():
        await append_audit(
            scope.user_id,
            scope.username,
            [
                Change(
                    "stipends.recovery_export",
                    "county",
                    county_code,
                    None,
                    {
                        "month": dates.month_text(month) if month else "all",
                        "rows": len(rows),
                        "total": yuan_text(sum(row["recover"] for row in rows)),
                        **citizen_id.disclosure(row["id_number"] for row in rows),
                    },
                )
            ],
        )
    return body
