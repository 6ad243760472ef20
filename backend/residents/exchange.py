"""Exchange-file columns for residents and assessments (interfaces.md §3)."""

from __future__ import annotations

from typing import Any

from backend.core import citizen_id
from backend.core.exchange import CellError, Column, as_text, date_cell, pattern, text
from backend.core.i18n import N_, _
from backend.registry.rules import COUNTY_CODE_PATTERN, HOME_CODE_PATTERN


def id_number_cell(value: Any) -> str:
    """A valid 18-character ID number; the message says which check failed."""
    number = citizen_id.normalise(as_text(value))
    problem = citizen_id.id_problem(number)
    if problem:
        raise CellError(_(problem.message))
    return number


def gender_cell(value: Any) -> str:
    result = as_text(value)
    if result in ("男", "M", "m"):
        return "M"
    if result in ("女", "F", "f"):
        return "F"
    raise CellError(_("Write 男 or 女."))


def mode_cell(value: Any) -> str:
    result = as_text(value)
    if result in ("集中", "集中供养", "concentrated"):
        return "concentrated"
    if result in ("分散", "分散供养", "dispersed"):
        return "dispersed"
    raise CellError(_("Write 集中 or 分散."))


def area_cell(value: Any) -> str:
    """城市 / 农村 (also urban / rural): the person's area (城乡类别)."""
    result = as_text(value)
    if result in ("城市", "城镇", "urban"):
        return "urban"
    if result in ("农村", "rural"):
        return "rural"
    raise CellError(_("Write 城市 or 农村."))


_CAN = {"能", "是", "1", "可以", "yes", "true", "y"}
_CANNOT = {"不能", "否", "0", "不可以", "no", "false", "n"}


def can_cell(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    result = as_text(value).lower()
    if result in _CAN:
        return True
    if result in _CANNOT:
        return False
    raise CellError(_("Write 能 or 不能 (also 是/否, 1/0)."))


EXAMPLE_ID_NUMBER = "620121194503150010"  # a valid number (check character included) for the templates

RESIDENT_COLUMNS = [
    Column(
        "id_number",
        "身份证号",
        id_number_cell,
        rule=N_("A valid 18-character ID number; the natural key. A person may appear in one row only."),
        example=EXAMPLE_ID_NUMBER,
    ),
    Column("name", "姓名", text(50), rule=N_("Required; at most 50 characters."), example="张三"),
    Column(
        "gender", "性别", gender_cell, required=False, rule=N_("男 or 女; optional; must agree with the ID number."), example="男"
    ),
    Column(
        "county_code",
        "区划代码",
        pattern(COUNTY_CODE_PATTERN, N_("The county code must be 6 digits.")),
        rule=N_("The county's 6-digit division code; the county must exist."),
        example="620121",
    ),
    Column(
        "approved_on",
        "认定日期",
        date_cell,
        rule=N_("The date of approval (认定); the stipend starts the month after."),
        example="2024-01-05",
    ),
    Column("support_mode", "供养方式", mode_cell, rule=N_("集中 (in a home) or 分散 (at home)."), example="集中"),
    Column(
        "home_code",
        "机构编码",
        pattern(HOME_CODE_PATTERN, N_("The home code is 1–32 characters of A–Z, 0–9 and '-'.")),
        required=False,
        rule=N_("The home's code: required for 集中, empty for 分散; the home must exist."),
        example="YD-01",
    ),
    Column(
        "admitted_on",
        "入住日期",
        date_cell,
        required=False,
        rule=N_("The date of admission: required for 集中."),
        example="2024-02-01",
    ),
    Column(
        "left_on",
        "离院日期",
        date_cell,
        required=False,
        rule=N_("Optional: the day the person left the home (分散 from the next month, unless 终止日期 is given)."),
    ),
    Column(
        "ended_on",
        "终止日期",
        date_cell,
        required=False,
        rule=N_("Optional: the day support ended for a reason other than death."),
    ),
    Column(
        "area",
        "城乡类别",
        area_cell,
        required=False,
        rule=N_("Optional: 城市 or 农村; empty = the county's default area."),
        example="农村",
    ),
]

_CAN_RULE = N_("能 or 不能 (also 是/否, 1/0).")

ASSESSMENT_COLUMNS = [
    Column(
        "id_number", "身份证号", id_number_cell, rule=N_("The ID number of a person in the register."), example=EXAMPLE_ID_NUMBER
    ),
    Column(
        "assessed_on",
        "评估日期",
        date_cell,
        rule=N_("The date of the assessment; with the ID number, the natural key."),
        example="2026-11-02",
    ),
    Column("eat", "自主吃饭", can_cell, rule=_CAN_RULE, example="能"),
    Column("dress", "自主穿衣", can_cell, rule=_CAN_RULE, example="能"),
    Column("transfer", "自主上下床", can_cell, rule=_CAN_RULE, example="能"),
    Column("toilet", "自主如厕", can_cell, rule=_CAN_RULE, example="不能"),
    Column("walk", "室内行走", can_cell, rule=_CAN_RULE, example="能"),
    Column("bathe", "自主洗澡", can_cell, rule=_CAN_RULE, example="不能"),
    Column("assessor", "评估人", text(100), required=False, rule=N_("Optional; at most 100 characters."), example="李评估员"),
]

TIER_REFUSED = N_("The tier is derived from the six answers and cannot be imported; remove this column.")
ASSESSMENT_REFUSED = {"tier": TIER_REFUSED, "等级": TIER_REFUSED, "护理等级": TIER_REFUSED}
