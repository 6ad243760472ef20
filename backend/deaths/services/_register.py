"""Reading death records: a person's record in force and history, the county death register,
``tekun deaths list`` and the audited export."""

from __future__ import annotations

from datetime import date
from typing import Any

from backend.core import citizen_id, dates, money
from backend.core.db import transaction
from backend.core.errors import Forbidden
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.permissions import can, require
from backend.core.security import Scope
from backend.deaths.schemas import DeathOut
from backend.deaths.services._common import (
    _columns,
    _latest_rows,
    _out,
    _record_in_force,
    died_at_text,
    local_iso,
    timing,
)
from backend.deaths.tables import DeathRecord
from backend.registry import services as registry
from backend.residents import services as residents

# The exported file's word for a time of death that is not known (the file is in Chinese, as its headers).
TIME_UNKNOWN = "时间不详"


def _timing_cells(row: dict[str, Any]) -> dict[str, Any]:
    counted = timing(row)
    return {"hours_to_report": counted.hours, "late": counted.late}


async def death_of(scope: Scope, resident_id: int) -> DeathOut | None:
    """The death record in force for a person in scope (None: no death recorded)."""
    await residents.find_resident(scope, resident_id)
    row = await _record_in_force(resident_id)
    return _out(row) if row else None


async def death_history(scope: Scope, resident_id: int) -> list[DeathOut]:
    """Every record of the person's death, the first report first, corrections after it: for the
    roles that report deaths or keep the death register (not an assessor, whose work is the
    self-care assessment: a death's cause, place and certificate are none of it)."""
    if not (can(scope.role, "report_death") or can(scope.role, "view_deaths")):
        raise Forbidden(_("You may not see death records."))
    await residents.find_resident(scope, resident_id)
    rows = await DeathRecord.select(*_columns()).where(DeathRecord.resident == resident_id).order_by(DeathRecord.seq)
    return [_out(row) for row in rows]


async def county_deaths(scope: Scope, county_code: str, month: date | None = None) -> list[DeathOut]:
    """The county's death register (去世信息备案): the record in force of each person."""
    require(scope, "view_deaths", _("You may not open the death register."))
    county = await registry.find_county(scope, county_code)
    return [_out(row) for row in await _latest_rows(county["id"], month)]


async def list_deaths(scope: Scope, county_code: str, month: date | None = None) -> list[dict[str, Any]]:
    """interfaces §6: id_number, name, home_code, died_at, reported_at, hours_to_report (one
    decimal), deadline_hours, late, last_entitled_month, died_time_known (false: ``died_at`` is
    the date alone and the hours run from the end of it). Full ID numbers: the caller is the
    operator's command line (system scope) or a role allowed to see them."""
    county = await registry.find_county(scope, county_code)
    entries = []
    for row in sorted(await _latest_rows(county["id"], month), key=lambda row: (row["died_at"], row["id"])):
        counted = timing(row)
        entries.append(
            {
                "id_number": row["id_number"],
                "name": row["name"],
                "home_code": row["home_code"],
                "died_at": died_at_text(row),
                "reported_at": local_iso(row["reported_at"]),
                "hours_to_report": counted.hours,
                "deadline_hours": row["deadline_hours"],
                "late": counted.late,
                "last_entitled_month": dates.month_text(row["last_entitled_month"]),
                "died_time_known": bool(row["time_known"]),
            }
        )
    return entries


async def export_rows(scope: Scope, county_code: str, month: date | None = None) -> list[dict[str, Any]]:
    """The death register for the exported file, with full ID numbers (the county roles may see
    them); the export is recorded in the audit log (domain-rules §9)."""
    require(scope, "view_deaths", _("You may not open the death register."))
    county = await registry.find_county(scope, county_code)
    rows = sorted(await _latest_rows(county["id"], month), key=lambda row: (row["died_at"], row["id"]))
    result = [
        {
            **_timing_cells(row),
            "id_number": row["id_number"],
            "name": row["name"],
            "home_code": row["home_code"] or "",
            "home_name": row["home_name"] or "",
            "died_at": dates.local(row["died_at"]).strftime("%Y-%m-%d %H:%M" if row["time_known"] else "%Y-%m-%d"),
            "time_of_death": dates.local(row["died_at"]).strftime("%H:%M") if row["time_known"] else TIME_UNKNOWN,
            "reported_at": dates.local(row["reported_at"]).strftime("%Y-%m-%d %H:%M"),
            "deadline_hours": row["deadline_hours"],
            "last_entitled_month": dates.month_text(row["last_entitled_month"]),
            "place": row["place"],
            "cause": row["cause"],
            "certificate_no": row["certificate_no"],
            "reporter": row["reporter"],
            "funeral_arrangements": row["funeral_arrangements"],
            "funeral_subsidy": money.yuan_text(row["funeral_subsidy"]),
            "corrected": row["corrects"] is not None,
        }
        for row in rows
    ]
    async with transaction():
        await append_audit(
            scope.user_id,
            scope.username,
            [
                Change(
                    "death.export",
                    "county",
                    county_code,
                    None,
                    {
                        "rows": len(result),
                        "month": dates.month_text(month) if month else None,
                        **citizen_id.disclosure((row["id_number"] for row in rows), (row["resident"] for row in rows)),
                    },
                )
            ],
        )
    return result
