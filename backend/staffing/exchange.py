"""Exchange-file columns for staff posts and training records (interfaces.md §3 ``staff`` and
``training``): the Chinese cell values (岗位, 用工形式, 养老护理员证书, 培训内容) or the English keys."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from backend.core.exchange import CellError, Column, as_text, date_cell, pattern, text, yes_no
from backend.core.i18n import N_, _
from backend.registry.rules import HOME_CODE_PATTERN
from backend.residents.exchange import EXAMPLE_ID_NUMBER, id_number_cell
from backend.staffing.tables import CARER_CERTS, EMPLOYMENTS, POSTS, TOPICS

POST_CELLS = {"管理": "manager", "护理": "carer", "炊事": "cook", "医护": "medical", "安保": "security", "其他": "other"}
EMPLOYMENT_CELLS = {"编制": "civil", "公益性岗位": "public_welfare", "购买服务": "purchased", "聘用": "contract", "其他": "other"}
CARER_CERT_CELLS = {"无": "", "初级": "junior", "中级": "intermediate", "高级": "senior", "技师": "technician"}
TOPIC_CELLS = {"消防": "fire", "护理技能": "care", "食品安全": "food", "传染病防控": "infection", "其他": "other"}


def _choice(cells: dict[str, str], keys: tuple[str, ...], message: str):
    def parse(value: Any) -> str:
        raw = as_text(value)
        if raw in cells:
            return cells[raw]
        if raw.lower() in keys and raw:
            return raw.lower()
        raise CellError(_(message))

    return parse


post_cell = _choice(POST_CELLS, POSTS, N_("Write 管理, 护理, 炊事, 医护, 安保 or 其他."))
employment_cell = _choice(EMPLOYMENT_CELLS, EMPLOYMENTS, N_("Write 编制, 公益性岗位, 购买服务, 聘用 or 其他."))
carer_cert_cell = _choice(CARER_CERT_CELLS, CARER_CERTS, N_("Write 无, 初级, 中级, 高级 or 技师."))
topic_cell = _choice(TOPIC_CELLS, TOPICS, N_("Write 消防, 护理技能, 食品安全, 传染病防控 or 其他."))


def hours_cell(value: Any) -> int:
    """Hours above 0 with at most one decimal → tenths of an hour (1.5 → 15)."""
    message = _("Write the hours as a number above 0 with at most one decimal, such as 1.5.")
    if isinstance(value, bool):
        raise CellError(message)
    try:
        hours = Decimal(repr(value) if isinstance(value, float) else as_text(value))
    except InvalidOperation as exc:
        raise CellError(message) from exc
    tenths = hours * 10
    if not hours.is_finite() or tenths != tenths.to_integral_value() or tenths <= 0:
        raise CellError(message)
    if tenths > 10_000:
        raise CellError(_("At most {n} hours.").format(n=1000))
    return int(tenths)


_HOME_CODE = pattern(HOME_CODE_PATTERN, N_("The home code is 1–32 characters of A–Z, 0–9 and '-'."))
_STAFF_NO = pattern(r"[0-9A-Za-z_-]{1,32}", N_("The staff number is 1–32 characters of letters, digits, '-' and '_'."))

STAFF_COLUMNS = [
    Column("home_code", "机构编码", _HOME_CODE, rule=N_("The code of a home in your scope."), example="H-001"),
    Column(
        "staff_no", "工号", _STAFF_NO, rule=N_("1–32 letters, digits, '-' or '_'; the natural key with the home."), example="A001"
    ),
    Column("name", "姓名", text(50), rule=N_("Required; at most 50 characters."), example="李桂兰"),
    Column("role", "岗位", post_cell, rule=N_("管理, 护理, 炊事, 医护, 安保 or 其他."), example="护理"),
    Column("hired_on", "入职日期", date_cell, rule=N_("A date, at most 90 days ahead."), example="2024-03-01"),
    Column("left_on", "离职日期", date_cell, required=False, rule=N_("Optional: the first day out of post."), example=""),
    Column(
        "health_cert_expires",
        "健康证到期",
        date_cell,
        required=False,
        rule=N_("Optional date; required for 炊事 (kitchen)."),
        example="2027-03-01",
    ),
    Column("fire_operator_cert", "消防设施操作员证", yes_no, required=False, rule=N_("是 or 否; optional."), example="否"),
    Column(
        "employment",
        "用工形式",
        employment_cell,
        required=False,
        rule=N_("Optional: 编制, 公益性岗位, 购买服务, 聘用 or 其他."),
        example="聘用",
    ),
    Column(
        "carer_cert",
        "养老护理员证书",
        carer_cert_cell,
        required=False,
        rule=N_("Optional: 无, 初级, 中级, 高级 or 技师."),
        example="初级",
    ),
    Column(
        "id_number",
        "身份证号",
        id_number_cell,
        required=False,
        rule=N_("Optional; a valid ID number. One person's posts (in any home) may not overlap in time."),
        example=EXAMPLE_ID_NUMBER,
    ),
]

TRAINING_COLUMNS = [
    Column("home_code", "机构编码", _HOME_CODE, rule=N_("The code of a home in your scope."), example="H-001"),
    Column("staff_no", "工号", _STAFF_NO, rule=N_("A staff number of that home."), example="A001"),
    Column("topic", "培训内容", topic_cell, rule=N_("消防, 护理技能, 食品安全, 传染病防控 or 其他."), example="护理技能"),
    Column(
        "trained_on",
        "培训日期",
        date_cell,
        rule=N_("A date, not in the future; the natural key with the home, the staff number and the topic."),
        example="2026-10-15",
    ),
    Column("hours", "学时", hours_cell, rule=N_("Hours above 0, at most one decimal."), example="4.5"),
    Column("provider", "培训单位", text(100), required=False, rule=N_("Optional; at most 100 characters."), example="县民政局"),
]
