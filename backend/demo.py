"""Demo data: a small, believable world loaded idempotently by ``tekun demo``.

Two counties of Gansu, six homes, and one user of each role per scope. The passwords are
printed by the command; they are for a local demo only.
"""

from __future__ import annotations

from backend.accounts import services as accounts
from backend.core.errors import NotFound
from backend.core.security import Scope
from backend.registry import services as registry
from backend.registry.schemas import CountyIn, HomeIn

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
    ("inspector.chengguan", "inspector", None, "620102", "城关区民政局 赵明"),
    ("finance.chengguan", "finance", None, "620102", "城关区民政局财务 孙丽"),
    ("director.yd01", "director", "YD-01", None, "张德福 院长"),
    ("director.yd02", "director", "YD-02", None, "马永红 院长"),
    ("director.yd03", "director", "YD-03", None, "杨志强 院长"),
    ("director.cg01", "director", "CG-01", None, "刘桂兰 院长"),
    ("director.cg02", "director", "CG-02", None, "陈建军 院长"),
    ("director.cg03", "director", "CG-03", None, "周秀英 院长"),
]


async def load_demo() -> list[tuple[str, str, str, str]]:
    """Create what is missing; return (username, password, role, where) for every demo login."""
    scope = Scope.system("demo")
    for code, name, province in COUNTIES:
        try:
            await registry.get_county(scope, code)
        except NotFound:
            await registry.create_county(scope, CountyIn(code=code, name=name, province=province))
    for code, name, county, beds, address, fire_room in HOMES:
        try:
            await registry.get_home(scope, code)
        except NotFound:
            await registry.create_home(
                scope,
                HomeIn(code=code, name=name, county_code=county, beds=beds, address=address, has_fire_control_room=fire_room),
            )
    logins = []
    for username, role, home, county, display in USERS:
        try:
            await accounts.get_user(username)
        except NotFound:
            await accounts.create_user(scope, username, role, DEMO_PASSWORD, home, county, display)
        logins.append((username, DEMO_PASSWORD, role, home or county or "all"))
    return logins
