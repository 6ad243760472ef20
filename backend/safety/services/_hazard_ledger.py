"""The rectification ledger (整治台账) as an XLSX file (issue 12 point 5): one row per hazard of a
home (or of every home of a county), overdue rows highlighted, written by ``core/xlsx.py`` (text
cells only as inline strings, never a formula). The file is kept in Chinese, like the ledgers:
the columns and the words of the codes are fixed, dates ISO (interfaces §3)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from backend.core import dates, people, xlsx
from backend.core.security import Scope
from backend.safety import rules
from backend.safety.services._common import home_for
from backend.safety.services._hazard_board import board_order, county_homes
from backend.safety.services._templates import templates_in_force
from backend.safety.tables import SafetyHazard

COLUMNS = (
    "序号",
    "发现日期",
    "来源",
    "隐患内容",
    "等级",
    "整改期限",
    "责任人",
    "整改措施",
    "整改完成时间",
    "核验人",
    "核验时间",
    "状态",
    "是否逾期",
)
SOURCES = {"entry": "台账检查", "licence": "食品经营许可证", "manual": "人工登记"}
STATUSES = {"open": "待整改", "fixed": "待县级核验", "closed": "已销号"}


def _moment(value: datetime | None) -> str:
    return dates.local(value).strftime("%Y-%m-%d %H:%M") if value is not None else ""


def _rows(
    hazards: list[dict[str, Any]], titles: dict[str, str], names: dict[str, str], home_names: dict[int, str] | None
) -> tuple[list[list[Any]], set[int]]:
    today = dates.today()
    rows, marked = [], set()
    for index, row in enumerate(hazards):
        late = rules.hazard_late(row["deadline"], row["status"], row["closed_on"], today)
        source = SOURCES.get(row["source"], row["source"])
        if row["source"] == "entry" and row["routine"] in titles:
            source += "·" + titles[row["routine"]]
        content = row["title"] + ("：" + row["note"] if row["note"] else "")
        plan = row["plan"]
        if row["fix_note"]:
            plan = (plan + "；" if plan else "") + "已整改：" + row["fix_note"]
        verifier = people.who(row["verified_by"], names) if row["status"] == "closed" and row["major"] else ""
        values: list[Any] = [
            index + 1,
            row["opened_on"].isoformat(),
            source,
            content,
            "重大隐患" if row["major"] else "一般隐患",
            row["deadline"].isoformat(),
            row["owner"],
            plan,
            _moment(row["fixed_at"]),
            verifier,
            _moment(row["verified_at"]) if verifier else "",
            STATUSES.get(row["status"], row["status"]),
            "是" if late else "否",
        ]
        if home_names is not None:
            values.insert(1, home_names[row["home"]])
        rows.append(values)
        if late:
            marked.add(index)
    return rows, marked


async def _titles(county_id: int) -> dict[str, str]:
    return {routine: row["title"] for routine, row in (await templates_in_force([county_id]))[county_id].items()}


async def hazard_ledger_xlsx(scope: Scope, home_code: str) -> tuple[str, bytes]:
    """(file name, XLSX) of a home's rectification ledger, in the board's order."""
    home = await home_for(scope, home_code, "view_safety")
    hazards = board_order(await SafetyHazard.select().where(SafetyHazard.home == home["id"]), dates.today())
    names = await people.display_names(row["verified_by"] for row in hazards)
    rows, marked = _rows(hazards, await _titles(home["county_id"]), names, None)
    body = xlsx.to_xlsx(COLUMNS, rows, sheet_name="整治台账", highlight=marked)
    return f"整治台账-{home['code']}-{dates.today().isoformat()}.xlsx", body


async def county_hazard_ledger_xlsx(scope: Scope, county_code: str) -> tuple[str, bytes]:
    """(file name, XLSX) of every hazard of the county's homes, by home code, then the board's order."""
    county, homes = await county_homes(scope, county_code)
    ids = [home["id"] for home in homes]
    found = await SafetyHazard.select().where(SafetyHazard.home.is_in(ids)) if ids else []
    by_home: dict[int, list[dict[str, Any]]] = {}
    for row in found:
        by_home.setdefault(row["home"], []).append(row)
    today = dates.today()
    hazards = [row for home in homes for row in board_order(by_home.get(home["id"], []), today)]
    names = await people.display_names(row["verified_by"] for row in hazards)
    home_names = {home["id"]: f"{home['name']}（{home['code']}）" for home in homes}
    rows, marked = _rows(hazards, await _titles(county["id"]), names, home_names)
    header = (COLUMNS[0], "机构", *COLUMNS[1:])
    body = xlsx.to_xlsx(header, rows, sheet_name="整治台账", highlight=marked)
    return f"整治台账-{county['code']}-{today.isoformat()}.xlsx", body
