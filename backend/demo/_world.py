"""The demo's world: counties, homes, users, the 2026 holiday calendar, the day it is dated
from, and the import helper that loads a demo file through the real import services."""

from __future__ import annotations

from datetime import date, timedelta

from backend.core.exchange import ExchangeError, Sheet, parse_sheet
from backend.core.security import Scope

DEMO_PASSWORD = "tekun-demo-2026"

COUNTIES = [
    ("620121", "永登县", "甘肃省"),
    ("620102", "城关区", "甘肃省"),
]

HOMES = [
    ("YD-01", "永登县中心敬老院", "620121", 120, "甘肃省兰州市永登县城关镇东大街 18 号", True),
    ("YD-02", "永登县红城镇敬老院", "620121", 60, "甘肃省兰州市永登县红城镇南街 5 号", False),
    ("YD-03", "永登县苦水镇敬老院", "620121", 48, "甘肃省兰州市永登县苦水镇苦水村", False),
    ("CG-01", "城关区社会福利中心特困供养部", "620102", 150, "甘肃省兰州市城关区雁滩路 211 号", True),
    ("CG-02", "城关区青白石街道敬老院", "620102", 56, "甘肃省兰州市城关区青白石街道", False),
    ("CG-03", "城关区伏龙坪敬老院", "620102", 40, "甘肃省兰州市城关区伏龙坪路 66 号", False),
]

USERS = [
    ("admin", "admin", None, None, "系统管理员"),
    ("inspector.yongdeng", "inspector", None, "620121", "永登县民政局 王建国"),
    ("finance.yongdeng", "finance", None, "620121", "永登县民政局财务 李淑芳"),
    ("assessor.yongdeng", "assessor", None, "620121", "永登县人民医院评估组 刘敏"),
    ("inspector.chengguan", "inspector", None, "620102", "城关区民政局 赵明"),
    ("finance.chengguan", "finance", None, "620102", "城关区民政局财务 孙丽"),
    ("assessor.chengguan", "assessor", None, "620102", "城关区第三方评估中心 高峰"),
    ("director.yd01", "director", "YD-01", None, "张德福 院长"),
    ("director.yd02", "director", "YD-02", None, "马永红 院长"),
    ("director.yd03", "director", "YD-03", None, "杨志强 院长"),
    ("director.cg01", "director", "CG-01", None, "刘桂兰 院长"),
    ("director.cg02", "director", "CG-02", None, "陈建军 院长"),
    ("director.cg03", "director", "CG-03", None, "周秀英 院长"),
]

# 国务院办公厅关于2026年部分节假日安排的通知 (国办发明电〔2025〕号, 2025-11-04):
# (first day, last day, name) of each holiday, then the make-up working days (调休上班).
HOLIDAYS_2026 = [
    (date(2026, 1, 1), date(2026, 1, 3), "元旦"),
    (date(2026, 2, 15), date(2026, 2, 23), "春节"),
    (date(2026, 4, 4), date(2026, 4, 6), "清明节"),
    (date(2026, 5, 1), date(2026, 5, 5), "劳动节"),
    (date(2026, 6, 19), date(2026, 6, 21), "端午节"),
    (date(2026, 9, 25), date(2026, 9, 27), "中秋节"),
    (date(2026, 10, 1), date(2026, 10, 7), "国庆节"),
]
MAKE_UP_DAYS_2026 = [
    (date(2026, 1, 4), "元旦调休"),
    (date(2026, 2, 14), "春节调休"),
    (date(2026, 2, 28), "春节调休"),
    (date(2026, 5, 9), "劳动节调休"),
    (date(2026, 9, 20), "国庆节调休"),
    (date(2026, 10, 10), "国庆节调休"),
]

# The demo is dated relative to this day (never after today), so it is the same on every load.
ANCHOR = date(2026, 11, 20)
RESIDENTS_PER_HOME = 40
DISPERSED_PER_COUNTY = 30
SEED = 2026


def calendar_rows() -> list[list[str]]:
    rows = []
    for first, last, name in HOLIDAYS_2026:
        day = first
        while day <= last:
            rows.append([day.isoformat(), "休", name])
            day += timedelta(days=1)
    rows += [[day.isoformat(), "班", name] for day, name in MAKE_UP_DAYS_2026]
    return sorted(rows)


async def import_rows(scope: Scope, kind: str, headers: list[str], rows: list[list[str]]) -> None:
    from backend.importers import KINDS

    spec = KINDS[kind]
    parsed, errors = parse_sheet(
        Sheet(headers, [(number, row) for number, row in enumerate(rows, start=2)]), spec.columns, spec.refused
    )
    if errors:
        raise ExchangeError(errors)
    plan = await spec.apply(scope, parsed, dry_run=True)
    if plan.created or plan.updated:  # a second load writes nothing, not even an audit record
        await spec.apply(scope, parsed)
