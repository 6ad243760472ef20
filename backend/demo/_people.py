"""Deterministic synthetic persons (names, ID numbers, birth dates, answers), shared with
``benchmarks/generate.py``, and the columns of the demo's residents and assessments files."""

from __future__ import annotations

import random
from datetime import date, timedelta

from backend.core.citizen_id import check_character

ITEMS = ("eat", "dress", "transfer", "toilet", "walk", "bathe")
ITEM_ZH = ("自主吃饭", "自主穿衣", "自主上下床", "自主如厕", "室内行走", "自主洗澡")
# Items in the order people usually lose them: bathing first, eating last.
LOSS_ORDER = ("bathe", "walk", "dress", "toilet", "transfer", "eat")
RESIDENT_HEADERS = [
    "身份证号",
    "姓名",
    "性别",
    "区划代码",
    "认定日期",
    "供养方式",
    "机构编码",
    "入住日期",
    "离院日期",
    "终止日期",
    "城乡类别",
]
ASSESSMENT_HEADERS = ["身份证号", "评估日期", *ITEM_ZH, "评估人"]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔汤常牛"
)
# Weights: the common surnames far more often.
SURNAME_WEIGHTS = [max(1, 30 - index // 3) for index in range(len(SURNAMES))]
MALE_GIVEN = "德福永明建国志强文华庆贵海生成富玉兴忠林金山荣有春宝长发全新满祥保顺天仁义军平安书才世田"
FEMALE_GIVEN = "秀英兰桂芳珍玉凤梅花淑琴云莲翠霞娥菊萍芬香爱素彩月巧兰珠琼凤慧荣翠惠"
ASSESSORS = ("县评估小组 王燕", "县评估小组 李卫东", "县评估小组 马丽", "乡镇民政所 张强", "第三方评估 刘敏")


class People:
    """Deterministic synthetic persons: names, valid unique ID numbers, answers for a tier."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.used: set[str] = set()

    def name(self, gender: str) -> str:
        rng = self.rng
        surname = rng.choices(SURNAMES, SURNAME_WEIGHTS)[0]
        pool = MALE_GIVEN if gender == "M" else FEMALE_GIVEN
        given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
        return surname + given

    def birth_date(self, on: date, younger: bool = False) -> date:
        """Mostly 60–95 years old on ``on``; ``younger``: a disabled adult of 25–59."""
        age = self.rng.randint(25, 59) if younger else min(95, 60 + int(self.rng.triangular(0, 36, 18)))
        born = date(on.year - age, 1, 1) + timedelta(days=self.rng.randint(0, 364))
        return born if born < on else born - timedelta(days=365)

    def id_number(self, area: str, born: date, gender: str) -> str:
        """A valid ID of this area, birth date and gender, unique among those made here."""
        while True:
            number = self.rng.randint(0, 499) * 2 + (1 if gender == "M" else 0)
            first17 = f"{area}{born:%Y%m%d}{number:03d}"
            result = first17 + check_character(first17)
            if result not in self.used:
                self.used.add(result)
                return result

    def tier(self, younger: bool = False) -> str:
        weights = (20, 45, 35) if younger else (35, 40, 25)
        return self.rng.choices(("self_care", "partial", "full_loss"), weights)[0]

    def answers(self, tier: str) -> dict[str, bool]:
        """Six answers that give ``tier`` (rules.care_tier): the first lost items lost first."""
        cannot = {"self_care": 0, "partial": self.rng.randint(1, 3), "full_loss": self.rng.randint(4, 6)}[tier]
        lost = set(LOSS_ORDER[:cannot])
        return {item: item not in lost for item in ITEMS}

    def history(self, final: str, count: int) -> list[str]:
        """Tiers of ``count`` assessments ending in ``final``; people mostly decline over time."""
        order = ("self_care", "partial", "full_loss")
        tiers = [final]
        for _ in range(count - 1):
            index = order.index(tiers[0])
            if index > 0 and self.rng.random() < 0.35:
                index -= 1
            tiers.insert(0, order[index])
        return tiers

    def day_between(self, start: date, end: date) -> date:
        if end <= start:
            return start
        return start + timedelta(days=self.rng.randint(0, (end - start).days))
