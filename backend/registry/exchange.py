"""Exchange-file columns for counties and homes (interfaces.md §3)."""

from backend.core.exchange import Column, integer, pattern, text, yes_no
from backend.core.i18n import N_
from backend.registry.rules import COUNTY_CODE_PATTERN, HOME_CODE_PATTERN

_COUNTY_CODE = pattern(COUNTY_CODE_PATTERN, N_("The county code must be 6 digits."))

COUNTY_COLUMNS = [
    Column(
        "county_code",
        "区划代码",
        _COUNTY_CODE,
        rule=N_("6 digits (the division code); the natural key: a row with a known code updates that county."),
        example="620121",
    ),
    Column("name", "名称", text(100), rule=N_("Required; at most 100 characters."), example="永登县"),
    Column("province", "省份", text(50), rule=N_("Required; at most 50 characters."), example="甘肃省"),
]

HOME_COLUMNS = [
    Column(
        "home_code",
        "机构编码",
        pattern(HOME_CODE_PATTERN, N_("The home code is 1–32 characters of A–Z, 0–9 and '-'.")),
        rule=N_("1–32 characters of A–Z, 0–9 and '-'; the natural key: a row with a known code updates that home."),
        example="YD-01",
    ),
    Column("name", "机构名称", text(100), rule=N_("Required; at most 100 characters."), example="城关镇敬老院"),
    Column(
        "county_code",
        "区划代码",
        _COUNTY_CODE,
        rule=N_("The county's 6-digit division code; the county must exist."),
        example="620121",
    ),
    Column("beds", "床位数", integer(minimum=0, maximum=100000), rule=N_("A whole number from 0 to 100,000."), example="60"),
    Column(
        "address",
        "地址",
        text(300),
        required=False,
        rule=N_("Optional; at most 300 characters."),
        example="永登县城关镇东大街1号",
    ),
    Column(
        "has_fire_control_room", "消防控制室", yes_no, required=False, rule=N_("是 or 否; optional (empty: 否)."), example="否"
    ),
]
