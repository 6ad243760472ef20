"""Staff of the demo homes (issue 11 point 8), dated from today (``dates.today()``: the staffing
pages look at today and the coming weeks), sized from the residents present today so that the
stories hold whatever the register:

- **YD-01** 永登县中心敬老院 (fire control room): above the ratio, five certified
  fire-facility operators (two on every shift); the cook 赵桂芳's health certificate expires in
  six days; a carer hired three weeks ago (杨玉兰) has no training yet.
- **YD-02** 红城镇敬老院: one short of the ratio since the carer 李秀兰 left on the 15th of last
  month (nobody replaced her); the carer left has no care training: no trained carer in post.
- **YD-03** 苦水镇敬老院: exactly at the ratio; the night carer 王桂英 is on approved leave for
  three days next week, and the Wednesday night of next week has nobody on duty.
- **CG-01** 城关区社会福利中心 (fire control room): two or more above the ratio; a second cook's
  health certificate expired three days ago (the safety demo's morning check sends him off duty);
  one carer untrained.
- **CG-02** 青白石街道敬老院: two staff for some forty residents (under three staff, no carer at
  all), the two taking the nights in turn.
- **CG-03** 伏龙坪敬老院: at the ratio since a carer was hired on the 1st of this month (below
  it before), the newcomer not trained yet.

Every home has a roster of day and night shifts from Monday of this week to Sunday of next week
(the one empty night aside, every night covered; with a fire control room, two operators on every
shift), and leave in the past months. Written by ``staffing.services.seed_demo_staff``: the demo
does not touch the staffing tables."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from backend.core import dates
from backend.core.security import Scope
from backend.registry import services as registry
from backend.staffing import services as staffing
from backend.staffing.services import DemoHome, DemoPost

FIRE = ("fire", 8, "永登县消防救援大队")
FIRE_CG = ("fire", 8, "城关区消防救援大队")
CARE = ("care", 40, "甘肃省养老护理职业技能培训中心")
FOOD = ("food", 4, "县市场监督管理局")
INFECTION = ("infection", 4, "县疾病预防控制中心")
# Carers who fill each home up to the number it needs: (name, level), in order.
CARERS = {
    "YD-01": [("马秀英", "intermediate"), ("李淑珍", "junior"), ("何玉梅", "junior"), ("苏建华", "junior"), ("丁春花", "")],
    "YD-02": [("韩凤兰", "junior"), ("冯巧云", ""), ("曹桂香", ""), ("彭素珍", "junior"), ("邓翠霞", "")],
    "YD-03": [("王桂英", "junior"), ("罗秀珍", "intermediate"), ("梁玉兰", ""), ("宋爱华", "junior"), ("唐淑英", "")],
    "CG-01": [
        ("郑丽娟", "senior"),
        ("谢海燕", "intermediate"),
        ("许春梅", "junior"),
        ("韩雪", "junior"),
        ("董秀芳", "junior"),
        ("袁小红", ""),
        ("潘玉珍", "junior"),
        ("蒋文静", ""),
    ],  # fmt: skip
    "CG-03": [("蔡桂兰", "junior"), ("余秀梅", "intermediate"), ("杜红霞", ""), ("叶玉芬", "junior"), ("程美华", "")],
}


# More carers when a home has more residents than the demo usually gives it.
MORE_CARERS = ["武春兰", "段玉珍", "雷秀英", "侯桂芳", "龙淑华", "史凤英", "陶金花", "黎月娥", "贺翠萍", "顾爱莲"]


def _trained(start: date, *courses: tuple[str, float, str]) -> tuple:
    return tuple(
        (topic, start + timedelta(days=40 * index), hours, provider) for index, (topic, hours, provider) in enumerate(courses)
    )


def _carers(code: str, count: int, today: date, untrained: set[int], operators: int = 0, first: int = 10) -> list[DemoPost]:
    posts = []
    names = CARERS[code] + [(name, "junior") for name in MORE_CARERS]
    for index, (name, level) in enumerate(names[:count]):
        hired = date(today.year - 2 - index % 4, 1 + (3 * index) % 12, 1 + (7 * index) % 27)
        courses = (FIRE,) if index in untrained else (FIRE, CARE) + ((INFECTION,) if index % 2 else ())
        posts.append(
            DemoPost(
                f"{code}-{first + index:02d}",
                name,
                "carer",
                hired,
                "purchased" if index % 2 else "contract",
                fire_operator_cert=index < operators,
                carer_cert=level if index not in untrained else "",
                training=_trained(hired + timedelta(days=30), *courses),
            )
        )
    return posts


def _plan_yd01(need: int, today: date) -> DemoHome:
    posts = [
        DemoPost("YD-01-01", "张德福", "manager", date(2014, 3, 1), "civil", fire_operator_cert=True,
                 training=_trained(date(2023, 4, 10), FIRE, INFECTION)),
        DemoPost("YD-01-02", "王海军", "security", date(2018, 6, 1), "public_welfare", fire_operator_cert=True,
                 training=_trained(date(2024, 5, 8), FIRE)),
        DemoPost("YD-01-03", "刘建平", "security", date(2020, 9, 15), "public_welfare", fire_operator_cert=True,
                 training=_trained(date(2024, 5, 8), FIRE), leave=((today - timedelta(days=50), today - timedelta(days=46), "病假", "张德福"),)),
        DemoPost("YD-01-04", "赵桂芳", "cook", date(2016, 4, 1), "contract", health_cert_expires=today + timedelta(days=6),
                 training=_trained(date(2025, 3, 3), FOOD, FIRE)),
    ]  # fmt: skip
    carers = max(need - len(posts), 2)  # above the ratio with 杨玉兰 below; two of them operators
    posts += _carers("YD-01", carers, today, untrained=set(), operators=2)
    posts.append(DemoPost("YD-01-20", "杨玉兰", "carer", today - timedelta(days=21), "purchased"))  # new, untrained
    return DemoHome("YD-01", posts)


def _plan_yd02(need: int, today: date) -> DemoHome:
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=15)
    posts = [
        DemoPost("YD-02-01", "马永红", "manager", date(2015, 8, 1), "civil", training=_trained(date(2024, 6, 1), FIRE)),
        DemoPost("YD-02-02", "孙德明", "cook", date(2019, 3, 1), "contract", health_cert_expires=today + timedelta(days=200),
                 training=_trained(date(2025, 4, 1), FOOD)),
        DemoPost("YD-02-09", "李秀兰", "carer", date(2017, 5, 1), "contract", left_on=last_month,
                 left_reason="辞职（回乡照顾老人）", carer_cert="junior", training=_trained(date(2022, 3, 1), FIRE, CARE)),
    ]  # fmt: skip
    in_post = need - 1  # one short since 李秀兰 left
    posts += _carers("YD-02", max(in_post - 2, 1), today, untrained={0, 1, 2})
    return DemoHome("YD-02", posts)


def _plan_yd03(need: int, today: date, next_monday: date) -> DemoHome:
    posts = [
        DemoPost("YD-03-01", "杨志强", "manager", date(2016, 2, 1), "civil", training=_trained(date(2024, 6, 1), FIRE)),
        DemoPost("YD-03-02", "白玉珍", "cook", date(2020, 7, 1), "contract", health_cert_expires=today + timedelta(days=150),
                 training=_trained(date(2025, 4, 1), FOOD, FIRE)),
    ]  # fmt: skip
    carers = _carers("YD-03", max(need - 2, 1), today, untrained={2})
    night = carers[0]  # 王桂英, the night carer, on leave next Monday to Wednesday
    carers[0] = replace(
        night,
        leave=(
            (today - timedelta(days=80), today - timedelta(days=78), "病假", "杨志强"),
            (next_monday, next_monday + timedelta(days=2), "事假（家中有事）", "杨志强"),
        ),
    )
    return DemoHome("YD-03", posts + carers)


def _plan_cg01(need: int, today: date) -> DemoHome:
    posts = [
        DemoPost("CG-01-01", "刘桂兰", "manager", date(2012, 9, 1), "civil", fire_operator_cert=True,
                 training=_trained(date(2024, 3, 1), FIRE_CG, INFECTION)),
        DemoPost("CG-01-02", "高志刚", "security", date(2017, 1, 5), "purchased", fire_operator_cert=True,
                 training=_trained(date(2024, 3, 1), FIRE_CG)),
        DemoPost("CG-01-03", "林国庆", "security", date(2021, 11, 1), "purchased", fire_operator_cert=True,
                 training=_trained(date(2024, 3, 1), FIRE_CG)),
        DemoPost("CG-01-04", "吴淑芬", "cook", date(2013, 5, 1), "contract", health_cert_expires=today + timedelta(days=210),
                 training=_trained(date(2025, 5, 1), FOOD)),
        DemoPost("CG-01-05", "钱大勇", "cook", date(2022, 3, 1), "contract", health_cert_expires=today - timedelta(days=3),
                 training=_trained(date(2025, 5, 1), FOOD)),
        DemoPost("CG-01-06", "沈冬梅", "medical", date(2019, 10, 1), "civil", training=_trained(date(2024, 9, 1), INFECTION, FIRE_CG),
                 leave=((today - timedelta(days=35), today - timedelta(days=29), "年休假", "刘桂兰"),)),
    ]  # fmt: skip
    posts += _carers("CG-01", max(need + 2 - len(posts), 2), today, untrained={1}, operators=2)
    return DemoHome("CG-01", posts)


def _plan_cg02(today: date) -> DemoHome:
    return DemoHome(
        "CG-02",
        [
            DemoPost("CG-02-01", "陈建军", "manager", date(2018, 4, 1), "civil", training=_trained(date(2024, 6, 1), FIRE_CG)),
            DemoPost("CG-02-02", "毛桂珍", "cook", date(2019, 9, 1), "public_welfare", health_cert_expires=today + timedelta(days=90),
                     training=_trained(date(2025, 6, 1), FOOD)),
        ],
    )  # fmt: skip


def _plan_cg03(need: int, today: date) -> DemoHome:
    posts = [
        DemoPost("CG-03-01", "周秀英", "manager", date(2017, 3, 1), "civil", training=_trained(date(2024, 6, 1), FIRE_CG),
                 leave=((today - timedelta(days=20), today - timedelta(days=16), "探亲假", "城关区民政局"),)),
        DemoPost("CG-03-02", "江德顺", "cook", date(2021, 6, 1), "contract", health_cert_expires=today + timedelta(days=120),
                 training=_trained(date(2025, 6, 1), FOOD)),
    ]  # fmt: skip
    carers = _carers("CG-03", max(need - 2, 1), today, untrained=set())
    newest = carers[-1]
    carers[-1] = replace(newest, hired_on=today.replace(day=1), carer_cert="", training=())
    return DemoHome("CG-03", posts + carers)


def _on_duty(post: DemoPost, day: date) -> bool:
    if post.hired_on > day or (post.left_on is not None and post.left_on <= day):
        return False
    return not any(first <= day <= last for first, last, _reason, _by in post.leave)


def _roster(home: DemoHome, days: list[date], fire_room: bool, empty_night: date | None) -> None:
    """Day and night shifts: the night in turn (two certified operators with a fire control
    room, else one carer, security guard or, in a home without either, anyone), everyone else
    in post by day."""
    turn = 0
    for day in days:
        present = [post for post in home.posts if _on_duty(post, day)]
        if fire_room:
            pool = [post for post in present if post.fire_operator_cert]
            wanted = 2
        else:
            pool = [post for post in present if post.post in ("carer", "security")] or present
            wanted = 1
        night = [pool[(turn + offset) % len(pool)] for offset in range(wanted)] if pool and day != empty_night else []
        turn += wanted
        home.roster += [(day, "night", post.staff_no) for post in night]
        home.roster += [(day, "day", post.staff_no) for post in present if post not in night]


async def load_staffing(scope: Scope) -> dict[str, int]:
    """The demo homes' staff, roster, leave and training (each home once)."""
    today = dates.today()
    monday = today - timedelta(days=today.weekday())
    next_monday = monday + timedelta(days=7)
    homes = await registry.homes_by_code(["YD-01", "YD-02", "YD-03", "CG-01", "CG-02", "CG-03"])
    ratios = await staffing.ratio_series_for([home["id"] for home in homes.values()], today, today)
    need = {code: ratios[home["id"]][0].required_staff for code, home in homes.items() if ratios.get(home["id"])}
    need = {code: max(need.get(code, 3), 3) for code in homes}
    plan = [
        _plan_yd01(need["YD-01"], today),
        _plan_yd02(need["YD-02"], today),
        _plan_yd03(need["YD-03"], today, next_monday),
        _plan_cg01(need["CG-01"], today),
        _plan_cg02(today),
        _plan_cg03(need["CG-03"], today),
    ]
    days = [monday + timedelta(days=offset) for offset in range(14)]
    for home in plan:
        empty = next_monday + timedelta(days=2) if home.home_code == "YD-03" else None
        _roster(home, days, home.home_code in ("YD-01", "CG-01"), empty)
    return await staffing.seed_demo_staff(scope, plan)
