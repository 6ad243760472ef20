"""Staff of the generated homes (issue 11): posts, leave, training, written beside the register by
``benchmarks/generate.py`` (staff.csv and training.csv in the columns of interfaces §3, and
staff_leave.csv, which no import reads: the benchmark loads it set-based).

A believable mix: about one staff member per 8–14 residents present on REFERENCE_DAY (so some
homes meet the 1:10 ratio and some do not), at least one; the first post a manager, a cook when
there are three or more, a security guard from six, a nurse from seven, carers for the rest.
About one post in ten was taken within the last year, about one in twenty-five ended in the last
year (with a successor hired a few weeks later in most cases), a third of the staff took one or
two leaves of 2–10 days in the last year. Cooks hold a health certificate (most valid); carers a
vocational level or none; a home with a fire control room has two or three certified operators.
Training: most staff fire safety, most carers care skills (not all: an untrained carer is a
finding), cooks food safety. Its own random stream: the register is the same with or without it.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from backend.demo import People

STAFF_HEADERS = [
    "机构编码",
    "工号",
    "姓名",
    "岗位",
    "入职日期",
    "离职日期",
    "健康证到期",
    "消防设施操作员证",
    "用工形式",
    "养老护理员证书",
    "身份证号",
]
TRAINING_HEADERS = ["机构编码", "工号", "培训内容", "培训日期", "学时", "培训单位"]
LEAVE_HEADERS = ["机构编码", "工号", "开始日期", "结束日期", "事由", "审批人"]
POST_ZH = {"manager": "管理", "carer": "护理", "cook": "炊事", "medical": "医护", "security": "安保", "other": "其他"}
EMPLOYMENT_ZH = {"civil": "编制", "public_welfare": "公益性岗位", "purchased": "购买服务", "contract": "聘用", "other": "其他"}
CARER_CERT_ZH = {"": "无", "junior": "初级", "intermediate": "中级", "senior": "高级"}
TOPIC_ZH = {"fire": "消防", "care": "护理技能", "food": "食品安全", "infection": "传染病防控"}
PROVIDERS = ("县消防救援大队", "县民政局", "县人社局职业技能培训中心", "县市场监管局", "县疾控中心")
REASONS = ("事假", "病假", "年休假", "探亲假")
APPROVERS = ("院长", "县民政局")
RESIDENTS_PER_STAFF = (8, 14)


def present_by_home(residents: list[list], day: date) -> dict[str, int]:
    """Residents placed in each home on ``day`` by the generated register (admitted, not left or
    ended)."""
    counts: dict[str, int] = {}
    for row in residents:
        home, admitted, left, ended = row[6], row[7], row[8], row[9]
        if home and admitted and admitted <= day and not (left and left <= day) and not (ended and ended <= day):
            counts[home] = counts.get(home, 0) + 1
    return counts


def _posts(count: int) -> list[str]:
    posts = ["manager"]
    if count >= 3:
        posts.append("cook")
    if count >= 6:
        posts.append("security")
    if count >= 7:
        posts.append("medical")
    return posts + ["carer"] * (count - len(posts))


def staff_files(
    files: dict[str, tuple[list[str], list[list]]], reference_day: date, seed: int = 42
) -> dict[str, tuple[list[str], list[list]]]:
    """{stem: (headers, rows)} of staff, training and staff_leave for the homes of ``files``."""
    rng = random.Random(f"{seed}-staff")
    people = People(seed + 7919)
    people.rng = rng
    year_ago = reference_day - timedelta(days=365)
    present = present_by_home(files["residents"][1], reference_day)
    staff: list[list] = []
    training: list[list] = []
    leave: list[list] = []
    for home, _name, county, _beds, _address, fire_room in files["homes"][1]:
        residents = present.get(home, 0)
        count = max(1, round(residents / rng.uniform(*RESIDENTS_PER_STAFF)))
        operators = rng.randint(2, 3) if fire_room == "是" else 0
        number = 0
        for index, post in enumerate(_posts(count)):
            hired = (
                people.day_between(date(2012, 1, 1), year_ago)
                if rng.random() > 0.1
                else people.day_between(year_ago, reference_day)
            )
            tenures = [(hired, None)]
            if rng.random() < 0.04 and hired < year_ago:  # ended within the year, usually replaced
                left = people.day_between(year_ago + timedelta(days=1), reference_day)
                tenures = [(hired, left)]
                if rng.random() < 0.8:
                    tenures.append((min(reference_day, left + timedelta(days=rng.randint(7, 45))), None))
            for first, left in tenures:
                number += 1
                staff_no = f"S{number:03d}"
                gender = "F" if post in ("carer", "cook") and rng.random() < 0.7 else "M"
                born = date(reference_day.year - rng.randint(24, 58), 1, 1) + timedelta(days=rng.randint(0, 364))
                cert = ""
                if post == "cook":
                    cert = reference_day + timedelta(days=rng.randint(-20, 340))
                level = rng.choices(("", "junior", "intermediate", "senior"), (30, 45, 20, 5))[0] if post == "carer" else ""
                staff.append(
                    [
                        home,
                        staff_no,
                        people.name(gender),
                        POST_ZH[post],
                        first,
                        left or "",
                        cert,
                        "是" if index < operators else "否",
                        EMPLOYMENT_ZH[rng.choice(tuple(EMPLOYMENT_ZH))],
                        CARER_CERT_ZH[level] if post == "carer" else "",
                        people.id_number(county, born, gender),
                    ]
                )
                training += _training(rng, people, home, staff_no, post, first, left or reference_day)
                leave += _leave(rng, home, staff_no, max(first, year_ago), left or reference_day)
    return {
        "staff": (STAFF_HEADERS, staff),
        "training": (TRAINING_HEADERS, training),
        "staff_leave": (LEAVE_HEADERS, leave),
    }


def _training(rng: random.Random, people: People, home: str, staff_no: str, post: str, first: date, last: date) -> list[list]:
    topics = []
    if rng.random() < 0.7:
        topics.append("fire")
    if post == "carer" and rng.random() < 0.6:
        topics.append("care")
    if post == "cook":
        topics.append("food")
    if rng.random() < 0.2:
        topics.append("infection")
    return [
        [home, staff_no, TOPIC_ZH[topic], people.day_between(first, last), str(rng.choice((4, 8, 16, 24))), rng.choice(PROVIDERS)]
        for topic in topics
    ]


def _leave(rng: random.Random, home: str, staff_no: str, first: date, last: date) -> list[list]:
    rows = []
    if (last - first).days < 30 or rng.random() > 0.33:
        return rows
    count = rng.choice((1, 1, 2))
    span = (last - first).days // count  # one leave in each part of the span: they never overlap
    for part in range(count):
        start = first + timedelta(days=part * span + rng.randint(0, span - 12))
        rows.append(
            [home, staff_no, start, start + timedelta(days=rng.randint(1, 9)), rng.choice(REASONS), rng.choice(APPROVERS)]
        )
    return rows
