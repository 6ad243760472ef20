"""Demo data: a small, believable world loaded idempotently by ``tekun demo``.

Two counties of Gansu, six homes, one user of each role per scope, the 2026 holiday calendar,
about forty residents in each home across all tiers with assessment histories, about thirty
dispersed persons in each county, and a few transfers, discharges and condition-change reports.

Stipends (issue 4): the standards of both counties, and the disbursement lists of the last three
full months before the anchor for every entitled person, imported through the real ``payments``
import, with a handful of problems planted (``PLANTED``): a resident whose death (reported late,
through the deaths services) did not stop the money for two more months, a dispersed person paid
at the concentrated rate, care paid for a higher tier than assessed, a line paid twice, a valid ID
that is not in the register, a name typo, a person left unpaid. Then a reconciliation run for every
county and month, so the finance pages have findings to review.

Everything goes through the services (the exchange-file import services for the bulk, the
placement and assessment services for the story), so the history is real, chained and audited.
The data is generated from a fixed seed and dated relative to a fixed day, so loading it twice
creates nothing the second time. The passwords are printed by the command; local demo only.

``People`` (names, ID numbers, birth dates, answers) is shared with ``benchmarks/generate.py``.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from backend.accounts import services as accounts
from backend.core import dates
from backend.core.citizen_id import check_character
from backend.core.errors import NotFound
from backend.core.exchange import ExchangeError, Sheet, parse_sheet
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

# 国务院办公厅关于2026年部分节假日安排的通知 (国办发明电〔2025〕号, 2025-11-04):
# (first day, last day, name) of each holiday, then the make-up working days (调休上班).
HOLIDAYS_2026 = [
    (date(2026, 1, 1), date(2026, 1, 3), "元旦"),
    (date(2026, 2, 15), date(2026, 2, 23), "春节"),
    (date(2026, 4, 4), date(2026, 4, 6), "清明节"),
    (date(2026, 5, 1), date(2026, 5, 5), "劳动节"),
    (date(2026, 6, 19), date(2026, 6, 21), "端午节"),
    (date(2026, 9, 25), date(2026, 9, 27), "中秋节"),
    (date(2026, 10, 1), date(2026, 10, 7), "国庆节"),
]
MAKE_UP_DAYS_2026 = [
    (date(2026, 1, 4), "元旦调休"),
    (date(2026, 2, 14), "春节调休"),
    (date(2026, 2, 28), "春节调休"),
    (date(2026, 5, 9), "劳动节调休"),
    (date(2026, 9, 20), "国庆节调休"),
    (date(2026, 10, 10), "国庆节调休"),
]

# The demo is dated relative to this day (never after today), so it is the same on every load.
ANCHOR = date(2026, 11, 20)
RESIDENTS_PER_HOME = 40
DISPERSED_PER_COUNTY = 30
SEED = 2026

ITEMS = ("eat", "dress", "transfer", "toilet", "walk", "bathe")
ITEM_ZH = ("自主吃饭", "自主穿衣", "自主上下床", "自主如厕", "室内行走", "自主洗澡")
# Items in the order people usually lose them: bathing first, eating last.
LOSS_ORDER = ("bathe", "walk", "dress", "toilet", "transfer", "eat")
RESIDENT_HEADERS = ["身份证号", "姓名", "性别", "区划代码", "认定日期", "供养方式", "机构编码", "入住日期", "离院日期", "终止日期"]
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


def cell(value: date | str | None) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else value


def _assessment_dates(people: People, first_possible: date, anchor: date, count: int, overdue: bool) -> list[date]:
    """``count`` distinct dates, roughly a year apart, the last within the past year (or, for an
    overdue annual review, 13–18 months before ``anchor``)."""
    last = anchor - timedelta(days=people.rng.randint(395, 540) if overdue else people.rng.randint(5, 330))
    result = [last]
    for _ in range(count - 1):
        previous = result[0] - timedelta(days=people.rng.randint(300, 400))
        if previous < first_possible:
            break
        result.insert(0, previous)
    if result[0] < first_possible:
        result = [max(first_possible, anchor - timedelta(days=30))]
    return result


def demo_rows(anchor: date) -> tuple[list[list[str]], list[list[str]], dict[str, list[str]]]:
    """The residents and assessments files of the demo (cells as text), and a plan of the story:
    {"transfer": [...], "discharge": [...], "end": [...], "change": [...]} of ID numbers."""
    people = People(SEED)
    residents: list[list[str]] = []
    assessments: list[list[str]] = []
    story: dict[str, list[str]] = {"transfer": [], "discharge": [], "end": [], "change": []}

    def person(county: str, home: str | None, index: int) -> None:
        rng = people.rng
        younger = rng.random() < 0.08
        gender = "M" if rng.random() < (0.62 if home else 0.5) else "F"
        born = people.birth_date(anchor, younger)
        number = people.id_number(county, born, gender)
        grown = date(born.year + 18, born.month, min(born.day, 28))
        approved = people.day_between(max(date(2012, 1, 1), grown), anchor - timedelta(days=120))
        admitted = people.day_between(approved, min(approved + timedelta(days=400), anchor - timedelta(days=90))) if home else None
        residents.append([number, people.name(gender), "男" if gender == "M" else "女", county, cell(approved),
                          "集中" if home else "分散", home or "", cell(admitted), "", ""])
        if home and index == 5:
            # Admitted last month, not assessed yet: the admission assessment is due now.
            residents[-1][7] = cell(anchor - timedelta(days=rng.randint(10, 30)))
            return
        count = rng.choices((1, 2, 3, 4), (25, 35, 25, 15))[0]
        overdue = rng.random() < 0.1
        tiers = people.history(people.tier(younger), count)
        days = _assessment_dates(people, admitted or approved, anchor, count, overdue)
        for day, tier in zip(days, tiers[-len(days):], strict=True):
            answers = people.answers(tier)
            assessments.append([number, cell(day), *("能" if answers[item] else "不能" for item in ITEMS), rng.choice(ASSESSORS)])
        if home and index in (3, 17):
            story["transfer" if index == 3 else "discharge"].append(number)
        elif home and index == 29 and home.endswith("-01"):
            story["end"].append(number)
        elif home and index in (8, 21) and home.endswith("-02"):
            story["change"].append(number)

    for county, _name, _province in COUNTIES:
        for code, _home_name, home_county, beds, _address, _fire in HOMES:
            if home_county != county:
                continue
            for index in range(min(RESIDENTS_PER_HOME, beds - 4)):
                person(county, code, index)
        for index in range(DISPERSED_PER_COUNTY):
            person(county, None, index)
    return residents, assessments, story


async def _import(scope: Scope, kind: str, headers: list[str], rows: list[list[str]]) -> None:
    from backend.importers import KINDS

    spec = KINDS[kind]
    parsed, errors = parse_sheet(Sheet(headers, [(number, row) for number, row in enumerate(rows, start=2)]), spec.columns, spec.refused)
    if errors:
        raise ExchangeError(errors)
    plan = await spec.apply(scope, parsed, dry_run=True)
    if plan.created or plan.updated:  # a second load writes nothing, not even an audit record
        await spec.apply(scope, parsed)


def calendar_rows() -> list[list[str]]:
    rows = []
    for first, last, name in HOLIDAYS_2026:
        day = first
        while day <= last:
            rows.append([day.isoformat(), "休", name])
            day += timedelta(days=1)
    rows += [[day.isoformat(), "班", name] for day, name in MAKE_UP_DAYS_2026]
    return sorted(rows)


async def _find(scope: Scope, id_number: str):
    from backend.residents import services as residents
    from backend.residents.services import RegisterFilter

    page = await residents.search_register(scope, RegisterFilter(search=id_number))
    return page.items[0]


async def _tell_story(scope: Scope, story: dict[str, list[str]], anchor: date) -> None:
    """Transfers, discharges, an end of support and open condition-change reports; each only
    once (what is already in the history is not recorded again)."""
    from backend.residents import services as residents
    from backend.residents.schemas import ConditionChangeIn, PlacementIn

    siblings = {county: [code for code, _n, c, *_ in HOMES if c == county] for county, *_ in COUNTIES}
    for position, number in enumerate(story["transfer"]):
        person = await _find(scope, number)
        if any(event.kind != "admit" for event in await residents.placements(scope, person.id)):
            continue
        target = next(code for code in siblings[person.county_code] if code != person.home_code)
        await residents.record_placement(scope, person.id, PlacementIn(
            "transfer", anchor - timedelta(days=40 + 11 * position), target, "家属申请，转入离家较近的敬老院"))
    for position, number in enumerate(story["discharge"]):
        person = await _find(scope, number)
        if any(event.kind != "admit" for event in await residents.placements(scope, person.id)):
            continue
        await residents.record_placement(scope, person.id, PlacementIn(
            "discharge", anchor - timedelta(days=25 + 13 * position), None, "本人申请回村分散供养，由侄子照料"))
    for number in story["end"]:
        person = await _find(scope, number)
        if person.ended_on is None:
            await residents.end_support(scope, person.id, anchor - timedelta(days=3), "经复核，已有赡养义务人且具备赡养能力，终止特困供养")
    for position, number in enumerate(story["change"]):
        person = await _find(scope, number)
        tasks = await residents.due_assessments(scope, home_code=person.home_code)
        if any(task.kind == "reassessment" and task.resident_id == person.id for task in tasks):
            continue
        await residents.report_condition_change(scope, person.id, ConditionChangeIn(
            anchor - timedelta(days=2 + 5 * position), "护理员 何春梅", "近日跌倒后行走困难，需要搀扶"))


# --- stipends ---------------------------------------------------------------------------------

STANDARD_HEADERS = [
    "区划代码", "生效月份", "集中基本生活费", "分散基本生活费", "集中全自理护理费", "集中半护理护理费", "集中全护理护理费",
    "分散全自理护理费", "分散半护理护理费", "分散全护理护理费", "基本生活费下限",
]
# Monthly amounts in yuan (Gansu-like: basic ≥ 1.3 × the county's 低保 standard; care by tier).
# 2026 raised the basic amounts; the floor is 1.3 × the county's 2026 低保 standard.
STANDARDS = [
    ("620121", "2025-01", "960", "860", "100", "350", "900", "60", "220", "560", ""),
    ("620121", "2026-01", "1010", "910", "120", "380", "980", "60", "240", "620", "884"),
    ("620102", "2025-01", "1040", "960", "110", "360", "950", "60", "230", "600", ""),
    ("620102", "2026-01", "1090", "1010", "130", "400", "1050", "70", "260", "660", "1001"),
]
PAYMENT_HEADERS = ["流水号", "身份证号", "姓名", "区划代码", "发放月份", "基本生活费", "照料护理费", "供养方式", "机构编码"]
PAYMENT_MONTHS = 3
# The problems planted in the last month's payments, by county: {code: count}. The dispersed
# person paid at the concentrated rate is paid so every month, the dead resident the two months
# after the month of death; the others happen in the last month only.
PLANTED = {
    "620121": {"PAID_AFTER_DEATH": 1, "MODE_MISMATCH": 1, "TIER_MISMATCH": 1, "DUPLICATE_PAYMENT": 1,
               "UNKNOWN_PERSON": 1, "NAME_MISMATCH": 1},
    "620102": {"MODE_MISMATCH": 1, "DUPLICATE_PAYMENT": 1, "TIER_MISMATCH": 1, "MISSING_PAYMENT": 1},
}
DEATH_HOME = "YD-01"


def payment_months(anchor: date) -> list[date]:
    """The last PAYMENT_MONTHS full months before ``anchor``, oldest first."""
    first = dates.month_of(anchor)
    return [dates.add_months(first, -count) for count in range(PAYMENT_MONTHS, 0, -1)]


def _death_candidate(residents: list[list[str]], assessments: list[list[str]], died_on: date, avoid: set[str]) -> str:
    """A resident of DEATH_HOME, in the home well before ``died_on`` and last assessed before it."""
    last = {}
    for row in assessments:
        last[row[0]] = max(last.get(row[0], ""), row[1])
    for row in residents:
        if row[6] == DEATH_HOME and row[0] not in avoid and row[7] and row[7] < (died_on - timedelta(days=60)).isoformat() \
                and row[0] in last and last[row[0]] < died_on.isoformat():
            return row[0]
    raise RuntimeError("no demo resident can die")


async def _report_death(scope: Scope, number: str, died_at: datetime) -> None:
    """Report the death through the deaths services, once (late: the home told nobody)."""
    from backend.deaths import services as deaths
    from backend.deaths.schemas import DeathIn

    person = await _find(scope, number)
    if await deaths.death_of(scope, person.id) is not None:
        return
    await deaths.report_death(scope, person.id, DeathIn(
        died_at=died_at, place="永登县中心敬老院 203 室", cause="心力衰竭（病故）", certificate_no="YD2026-0817-031",
        reporter="永登县中心敬老院 护理员 何春梅", funeral_arrangements="家属领回，按当地习俗安葬",
    ))


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


async def _payment_rows(scope: Scope, months: list[date], dead: str, outsiders: People, known: set[str]) -> list[list[str]]:
    """Every entitled person of each county paid the amount the register says, in ID order,
    except the PLANTED problems (chosen deterministically from the register)."""
    from backend.registry import services as registry_services
    from backend.stipends import rules as stipend_rules
    from backend.stipends import services as stipends

    rows: list[list[str]] = []
    for county, *_ in COUNTIES:
        county_id = (await registry_services.find_county(scope, county))["id"]
        paid_for_dead: list[str] | None = None
        for month in months:
            last = month == months[-1]
            persons, standard = await stipends.county_register(county_id, month)
            month_rows: list[list[str]] = []
            entitled = []
            for number in sorted(persons):
                person = persons[number]
                if person.county_id != county_id:
                    continue
                ent = stipend_rules.entitlement(person, county_id, month, standard)
                if ent.entitled:
                    entitled.append((person, ent))
            dispersed = [pair for pair in entitled if pair[1].mode == "dispersed" and pair[1].tier != "unassessed"]
            climbers = [pair for pair in entitled if pair[1].mode == "concentrated" and pair[1].tier in ("self_care", "partial")
                        and pair[0].id_number != dead]
            planted = PLANTED[county]
            wrong_mode = dispersed[3][0].id_number if "MODE_MISMATCH" in planted else None
            wrong_tier = climbers[7][0].id_number if last and "TIER_MISMATCH" in planted else None
            twice = entitled[11][0].id_number if last and "DUPLICATE_PAYMENT" in planted else None
            typo = entitled[19][0].id_number if last and "NAME_MISMATCH" in planted else None
            unpaid = entitled[23][0].id_number if last and "MISSING_PAYMENT" in planted else None
            serial = 0

            def line(number: str, name: str, basic: int, care: int, mode: str, home: str, ref: str | None = None,
                     rows: list = month_rows, county: str = county, month: date = month) -> None:
                nonlocal serial
                serial += 1
                rows.append([ref or f"{county}-{month:%Y%m}-{serial:04d}", number, name, county, dates.month_text(month),
                             _yuan(basic), _yuan(care), "集中" if mode == "concentrated" else "分散", home])

            homes = {}
            for home in await registry_services.list_homes(scope, county):
                homes[(await registry_services.find_home(scope, home.code))["id"]] = home.code
            for person, ent in entitled:
                number, name, mode, tier = person.id_number, person.name, ent.mode, ent.tier
                basic, care = ent.basic, ent.care
                home = homes.get(ent.home_id, "") if ent.home_id else ""
                if number == unpaid:
                    continue
                if number == wrong_mode:  # paid as if in a home
                    mode, basic, care = "concentrated", standard.basic("concentrated"), standard.care("concentrated", tier)
                if number == wrong_tier:
                    care = standard.care(mode, stipend_rules.TIERS[stipend_rules.TIERS.index(tier) + 1])
                if number == typo:
                    name = name[0] + ("华" if name[1] != "华" else "明") + name[2:]
                line(number, name, basic, care, mode, home)
                if number == dead:
                    paid_for_dead = month_rows[-1][1:]
                if number == twice:
                    line(number, name, basic, care, mode, home, ref=f"{county}-{month:%Y%m}-9001")
            if paid_for_dead and not any(row[1] == dead for row in month_rows):
                # The disbursement list was not told: the dead resident is paid as before.
                line(paid_for_dead[0], paid_for_dead[1], *(round(float(v) * 100) for v in paid_for_dead[4:6]),
                     "concentrated" if paid_for_dead[6] == "集中" else "dispersed", paid_for_dead[7])
            if last and "UNKNOWN_PERSON" in planted:
                while True:
                    born = outsiders.birth_date(month)
                    stranger = outsiders.id_number(county, born, "M")
                    if stranger not in known:
                        break
                line(stranger, outsiders.name("M"), standard.basic("dispersed"), 0, "dispersed", "")
            rows += month_rows
    return rows


async def _stipends(scope: Scope, anchor: date, residents: list[list[str]], assessments: list[list[str]],
                    story: dict[str, list[str]]) -> None:
    from backend.stipends import services as stipends

    await _import(scope, "standards", STANDARD_HEADERS, [list(row) for row in STANDARDS])
    months = payment_months(anchor)
    died_at = datetime.combine(months[0] + timedelta(days=16), datetime.min.time()).replace(hour=6, minute=30)
    avoid = {number for numbers in story.values() for number in numbers}
    dead = _death_candidate(residents, assessments, died_at.date(), avoid)
    await _report_death(scope, dead, died_at)
    rows = await _payment_rows(scope, months, dead, People(SEED + 1), {row[0] for row in residents})
    await _import(scope, "payments", PAYMENT_HEADERS, rows)
    for county, *_ in COUNTIES:
        for month in months:
            runs = await stipends.list_runs(scope, county, month)
            if runs and not await stipends.is_stale(scope, runs[0].run_id):
                continue
            await stipends.reconcile(scope, county, month, "payments")


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
    anchor = min(ANCHOR, dates.today())
    await _import(scope, "calendar", ["日期", "类型", "名称"], calendar_rows())
    residents, assessments, story = demo_rows(anchor)
    await _import(scope, "residents", RESIDENT_HEADERS, residents)
    await _import(scope, "assessments", ASSESSMENT_HEADERS, assessments)
    await _tell_story(scope, story, anchor)
    await _stipends(scope, anchor, residents, assessments, story)
    return logins
