"""Export of the death register as CSV (UTF-8 with BOM, opens in Excel) or XLSX.

Both go through ``backend.core.cells`` (formula-looking text neutralised, numbers kept); the XLSX
is written by ``backend.core.xlsx`` (no extra runtime dependency)."""

from __future__ import annotations

from backend.core import cells, xlsx

COLUMNS = [
    ("id_number", "身份证号"),
    ("name", "姓名"),
    ("home_code", "机构编码"),
    ("home_name", "机构名称"),
    ("died_at", "死亡时间"),
    ("reported_at", "报告时间"),
    ("hours_to_report", "报告用时(小时)"),
    ("deadline_hours", "时限(小时)"),
    ("late", "逾期"),
    ("last_entitled_month", "最后享受月份"),
    ("place", "死亡地点"),
    ("cause", "死亡原因"),
    ("certificate_no", "死亡证明编号"),
    ("reporter", "报告人"),
    ("funeral_arrangements", "丧葬安排"),
    ("funeral_subsidy", "丧葬补助(元)"),
    ("corrected", "已更正"),
    # Last, so that the earlier columns keep their places: the clock time, or 时间不详 (issue 10).
    ("time_of_death", "死亡时刻"),
]


def to_csv(rows: list[dict]) -> bytes:
    return cells.to_csv([zh for _key, zh in COLUMNS], ([row[key] for key, _zh in COLUMNS] for row in rows))


def to_xlsx(rows: list[dict], sheet_name: str = "去世信息备案") -> bytes:
    return xlsx.to_xlsx([zh for _key, zh in COLUMNS], ([row[key] for key, _zh in COLUMNS] for row in rows), sheet_name)
