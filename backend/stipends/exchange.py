"""Exchange-file columns for standards, payments and claims (interfaces.md §3)."""

from __future__ import annotations

from typing import Any

from backend.core.exchange import CellError, Column, money_cell, month_cell, pattern, text
from backend.core.i18n import N_, _
from backend.registry.rules import COUNTY_CODE_PATTERN
from backend.residents.exchange import mode_cell

_COUNTY_CODE = pattern(COUNTY_CODE_PATTERN, N_("The county code must be 6 digits."))


def amount_cell(value: Any) -> int:
    """Yuan with at most two decimals, not negative → fen."""
    fen = money_cell(value)
    if fen < 0:
        raise CellError(_("The amount cannot be negative."))
    return fen


STANDARD_COLUMNS = [
    Column("county_code", "区划代码", _COUNTY_CODE),
    Column("effective_from", "生效月份", month_cell),
    Column("basic_concentrated", "集中基本生活费", amount_cell),
    Column("basic_dispersed", "分散基本生活费", amount_cell),
    Column("care_concentrated_self_care", "集中全自理护理费", amount_cell),
    Column("care_concentrated_partial", "集中半护理护理费", amount_cell),
    Column("care_concentrated_full_loss", "集中全护理护理费", amount_cell),
    Column("care_dispersed_self_care", "分散全自理护理费", amount_cell),
    Column("care_dispersed_partial", "分散半护理护理费", amount_cell),
    Column("care_dispersed_full_loss", "分散全护理护理费", amount_cell),
    # Extension (optional): the floor the county entered, e.g. 1.3 × its 低保 standard.
    Column("basic_floor", "基本生活费下限", amount_cell, required=False),
]

# id_number and name are kept as given, even empty or invalid (a finding, not an import error);
# the service checks that the columns are present.
LINE_COLUMNS = [
    Column("payment_ref", "流水号", text(64)),
    Column("id_number", "身份证号", text(64), required=False),
    Column("name", "姓名", text(50), required=False),
    Column("county_code", "区划代码", _COUNTY_CODE),
    Column("month", "发放月份", month_cell),
    Column("basic_amount", "基本生活费", amount_cell),
    Column("care_amount", "照料护理费", amount_cell),
    Column("support_mode", "供养方式", mode_cell, required=False),
    Column("home_code", "机构编码", text(32), required=False),
]
