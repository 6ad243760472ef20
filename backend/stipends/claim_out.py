"""A claim and its lines as the API and the pages show them (ClaimOut, ClaimLineOut)."""

from __future__ import annotations

from typing import Any

from backend.core import dates
from backend.core.money import yuan_text
from backend.stipends.schemas import ClaimLineOut, ClaimOut
from backend.stipends.tables import ClaimLine


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def line_out(line: dict[str, Any]) -> ClaimLineOut:
    return ClaimLineOut(
        position=line["position"],
        payment_ref=line["payment_ref"],
        resident_id=line["resident_id"],
        id_number=line["id_number"],
        name=line["name"],
        support_mode=line["support_mode"],
        tier=line["tier"],
        basic_amount=yuan_text(line["basic_amount"]),
        care_amount=yuan_text(line["care_amount"]),
        total=yuan_text(line["basic_amount"] + line["care_amount"]),
    )


async def claim_out(row: dict[str, Any], with_lines: bool = True, totals: tuple[int, int, int] | None = None) -> ClaimOut:
    """``totals`` (lines, basic, care) when the caller summed them already (listings)."""
    lines = []
    if totals is None:
        lines = await ClaimLine.select().where(ClaimLine.claim == row["id"]).order_by(ClaimLine.position)
        totals = (len(lines), sum(line["basic_amount"] for line in lines), sum(line["care_amount"] for line in lines))
    count, basic, care = totals
    return ClaimOut(
        id=row["id"],
        home_code=row["home_code"],
        home_name=row["home_name"],
        county_code=row["county_code"],
        month=dates.month_text(row["month"]),
        version=row["version"],
        state=row["state"],
        created_at=row["created_at"].isoformat(),
        created_by=row["created_by"],
        submitted_at=_iso(row["submitted_at"]),
        submitted_by=row["submitted_by"],
        approved_at=_iso(row["approved_at"]),
        approved_by=row["approved_by"],
        run_id=row["run_id"],
        lines=count,
        basic_total=yuan_text(basic),
        care_total=yuan_text(care),
        total=yuan_text(basic + care),
        items=[line_out(line) for line in lines] if with_lines else [],
    )
