"""Exchange-file columns for counties and homes (interfaces.md §3)."""

from backend.core.exchange import Column, integer, pattern, text, yes_no
from backend.core.i18n import N_
from backend.registry.rules import COUNTY_CODE_PATTERN, HOME_CODE_PATTERN

_COUNTY_CODE = pattern(COUNTY_CODE_PATTERN, N_("The county code must be 6 digits."))

COUNTY_COLUMNS = [
    Column("county_code", "区划代码", _COUNTY_CODE),
    Column("name", "名称", text(100)),
    Column("province", "省份", text(50)),
]

HOME_COLUMNS = [
    Column("home_code", "机构编码", pattern(HOME_CODE_PATTERN, N_("The home code is 1–32 characters of A–Z, 0–9 and '-'."))),
    Column("name", "机构名称", text(100)),
    Column("county_code", "区划代码", _COUNTY_CODE),
    Column("beds", "床位数", integer(minimum=0, maximum=100000)),
    Column("address", "地址", text(300), required=False),
    Column("has_fire_control_room", "消防控制室", yes_no, required=False),
]
