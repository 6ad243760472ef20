"""Exchange-file columns for standards, payments and claims (interfaces.md §3)."""

from __future__ import annotations

from typing import Any

from backend.core.exchange import CellError, Column, as_text, money_cell, month_cell, pattern, text
from backend.core.i18n import N_, _
from backend.registry.rules import COUNTY_CODE_PATTERN
from backend.residents.exchange import EXAMPLE_ID_NUMBER, mode_cell

_COUNTY_CODE = pattern(COUNTY_CODE_PATTERN, N_("The county code must be 6 digits."))


def amount_cell(value: Any) -> int:
    """Yuan with at most two decimals, not negative → fen."""
    fen = money_cell(value)
    if fen < 0:
        raise CellError(_("The amount cannot be negative."))
    return fen


def standard_area_cell(value: Any) -> str:
    """城市 / 农村 / 全部 (also urban / rural / both): the persons a standard row is for."""
    result = as_text(value)
    if result in ("城市", "城镇", "urban"):
        return "urban"
    if result in ("农村", "rural"):
        return "rural"
    if result in ("全部", "城乡", "both"):
        return "both"
    raise CellError(_("Write 城市, 农村 or 全部."))


_MONTHLY = N_("A monthly amount in yuan, at most two decimals, not negative.")

STANDARD_COLUMNS = [
    Column(
        "county_code",
        "区划代码",
        _COUNTY_CODE,
        rule=N_("The county's 6-digit division code; the county must exist."),
        example="620121",
    ),
    Column(
        "effective_from",
        "生效月份",
        month_cell,
        rule=N_("The first month in force (2026-01); with the county and the area, the natural key."),
        example="2026-01",
    ),
    Column(
        "area",
        "城乡类别",
        standard_area_cell,
        required=False,
        rule=N_("Optional: 城市, 农村 or 全部 (the persons the row is for); empty = 全部."),
        example="全部",
    ),
    Column("basic_concentrated", "集中基本生活费", amount_cell, rule=_MONTHLY, example="600.00"),
    Column("basic_dispersed", "分散基本生活费", amount_cell, rule=_MONTHLY, example="480.00"),
    Column("care_concentrated_self_care", "集中全自理护理费", amount_cell, rule=_MONTHLY, example="100.00"),
    Column("care_concentrated_partial", "集中半护理护理费", amount_cell, rule=_MONTHLY, example="300.00"),
    Column("care_concentrated_full_loss", "集中全护理护理费", amount_cell, rule=_MONTHLY, example="500.00"),
    Column("care_dispersed_self_care", "分散全自理护理费", amount_cell, rule=_MONTHLY, example="60.00"),
    Column("care_dispersed_partial", "分散半护理护理费", amount_cell, rule=_MONTHLY, example="200.00"),
    Column("care_dispersed_full_loss", "分散全护理护理费", amount_cell, rule=_MONTHLY, example="350.00"),
    # Extension (optional): the floor the county entered, e.g. 1.3 × its 低保 standard.
    Column(
        "basic_floor",
        "基本生活费下限",
        amount_cell,
        required=False,
        rule=N_("Optional: the county's floor for the basic living amount (e.g. 1.3 × its 低保 standard), in yuan a month."),
    ),
]

# id_number and name are kept as given, even empty or invalid (a finding, not an import error);
# the service checks that the columns are present.
LINE_COLUMNS = [
    Column(
        "payment_ref",
        "流水号",
        text(64),
        rule=N_("The line's reference number; the natural key: importing the same number again replaces the line."),
        example="YD-2026-11-0001",
    ),
    Column(
        "id_number",
        "身份证号",
        text(64),
        required=False,
        rule=N_("The ID number as on the list; kept as given (an unknown or invalid number is a finding, not an import error)."),
        example=EXAMPLE_ID_NUMBER,
    ),
    Column("name", "姓名", text(50), required=False, rule=N_("The name as on the list; optional."), example="张三"),
    Column(
        "county_code",
        "区划代码",
        _COUNTY_CODE,
        rule=N_("The county's 6-digit division code; the county must exist."),
        example="620121",
    ),
    Column("month", "发放月份", month_cell, rule=N_("The month the money is for (2026-11)."), example="2026-11"),
    Column(
        "basic_amount",
        "基本生活费",
        amount_cell,
        rule=N_("The basic living amount, in yuan, at most two decimals, not negative."),
        example="600.00",
    ),
    Column(
        "care_amount",
        "照料护理费",
        amount_cell,
        rule=N_("The care allowance, in yuan, at most two decimals, not negative."),
        example="100.00",
    ),
    Column(
        "support_mode", "供养方式", mode_cell, required=False, rule=N_("集中 or 分散, as on the list; optional."), example="集中"
    ),
    Column(
        "home_code", "机构编码", text(32), required=False, rule=N_("Optional: the home's code, as on the list."), example="YD-01"
    ),
]
