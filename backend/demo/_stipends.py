"""Stipends in the demo: the standards of both counties, the disbursement lists of the last
three full months with the PLANTED problems, a death reported late, and a reconciliation run
for every county and month."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from backend.core import dates
from backend.core.security import Scope
from backend.deaths import services as deaths
from backend.deaths.schemas import DeathIn
from backend.demo._people import People
from backend.demo._register import find_person
from backend.demo._world import COUNTIES, SEED, import_rows
from backend.registry import services as registry
from backend.stipends import rules as stipend_rules
from backend.stipends import services as stipends

STANDARD_HEADERS = [
    "区划代码",
    "生效月份",
    "集中基本生活费",
    "分散基本生活费",
    "集中全自理护理费",
    "集中半护理护理费",
    "集中全护理护理费",
    "分散全自理护理费",
    "分散半护理护理费",
    "分散全护理护理费",
    "城乡类别",
]
# Monthly amounts in yuan (Gansu-like; care by tier). 2026 raised the basic amounts. The city
# district 620102 pays its urban persons by an urban row (Anhui-like: one basic for both modes,
# care 4 % / 30 % / 50 % of a ¥2,020 minimum wage when concentrated, 3 % / 20 % / 35 % dispersed);
# its other rows are for both areas (empty: 全部), so its rural persons keep theirs.
STANDARDS = [
    ("620121", "2025-01", "960", "860", "100", "350", "900", "60", "220", "560", ""),
    ("620121", "2026-01", "1010", "910", "120", "380", "980", "60", "240", "620", ""),
    ("620102", "2025-01", "1040", "960", "110", "360", "950", "60", "230", "600", ""),
    ("620102", "2026-01", "1090", "1010", "130", "400", "1050", "70", "260", "660", ""),
    ("620102", "2026-01", "1210", "1210", "80.80", "606", "1010", "60.60", "404", "707", "城市"),
]
# The floors of the basic amount (domain-rules §8): (county, kind, area, mode, from, yuan, ratio,
# source). 永登县 raised its rural 低保 for 2026 to ¥720 a month: 1.3 × that is ¥936, and the
# dispersed basic of ¥910 falls ¥26 short (the warning on the standards page). The floors a
# county has not entered (永登县's urban 低保 and consumption; 城关区's consumption spending and
# every rural floor) are listed there as not checked.
FLOORS = [
    ("620121", "dibao", "rural", "", "2025-01", "650", "1.3", "永民发〔2024〕96号"),
    ("620121", "dibao", "rural", "", "2026-01", "720", "1.3", "永民发〔2025〕112号"),
    ("620121", "consumption", "rural", "", "2026-01", "13200", "0.6", "甘肃省统计局 2025年统计公报（农村居民人均消费支出）"),
    ("620121", "minimum", "rural", "concentrated", "2025-01", "6020", "", "甘民发〔2017〕68号"),
    ("620121", "minimum", "rural", "dispersed", "2025-01", "4855", "", "甘民发〔2017〕68号"),
    ("620121", "minimum", "urban", "concentrated", "2025-01", "7032", "", "甘民发〔2017〕68号"),
    ("620121", "minimum", "urban", "dispersed", "2025-01", "7032", "", "甘民发〔2017〕68号"),
    ("620102", "dibao", "urban", "", "2026-01", "776", "1.3", "兰政办发〔2025〕41号"),
    ("620102", "minimum", "urban", "concentrated", "2025-01", "7032", "", "甘民发〔2017〕68号"),
    ("620102", "minimum", "urban", "dispersed", "2025-01", "7032", "", "甘民发〔2017〕68号"),
]
PAYMENT_HEADERS = ["流水号", "身份证号", "姓名", "区划代码", "发放月份", "基本生活费", "照料护理费", "供养方式", "机构编码"]
PAYMENT_MONTHS = 3
# The problems planted in the last month's payments, by county: {code: count}. The dispersed
# person paid at the concentrated rate is paid so every month, the dead resident the two months
# after the month of death; the others happen in the last month only.
PLANTED = {
    "620121": {
        "PAID_AFTER_DEATH": 1,
        "MODE_MISMATCH": 1,
        "TIER_MISMATCH": 1,
        "DUPLICATE_PAYMENT": 1,
        "UNKNOWN_PERSON": 1,
        "NAME_MISMATCH": 1,
    },
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
        if (
            row[6] == DEATH_HOME
            and row[0] not in avoid
            and row[7]
            and row[7] < (died_on - timedelta(days=60)).isoformat()
            and row[0] in last
            and last[row[0]] < died_on.isoformat()
        ):
            return row[0]
    raise RuntimeError("no demo resident can die")


async def _report_death(scope: Scope, number: str, died_at: datetime) -> None:
    """Report the death through the deaths services, once (late: the home told nobody)."""
    person = await find_person(scope, number)
    if await deaths.death_of(scope, person.id) is not None:
        return
    await deaths.report_death(
        scope,
        person.id,
        DeathIn(
            died_at=died_at,
            place="永登县中心敬老院 203 室",
            cause="心力衰竭（病故）",
            certificate_no="YD2026-0817-031",
            reporter="永登县中心敬老院 护理员 何春梅",
            funeral_arrangements="家属领回，按当地习俗安葬",
        ),
    )


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


class _Month:
    """The payment lines of one county and month, numbered in order."""

    def __init__(self, county: str, month: date):
        self.county, self.month = county, month
        self.rows: list[list[str]] = []
        self.serial = 0

    def line(self, number: str, name: str, basic: int, care: int, mode: str, home: str, ref: str | None = None) -> None:
        self.serial += 1
        self.rows.append(
            [
                ref or f"{self.county}-{self.month:%Y%m}-{self.serial:04d}",
                number,
                name,
                self.county,
                dates.month_text(self.month),
                _yuan(basic),
                _yuan(care),
                "集中" if mode == "concentrated" else "分散",
                home,
            ]
        )


def _entitled(persons: dict, county_id: int, month: date, standard) -> list[tuple]:
    """(person, entitlement) of everyone of the county entitled in the month, in ID order."""
    entitled = []
    for number in sorted(persons):
        person = persons[number]
        if person.county_id != county_id:
            continue
        ent = stipend_rules.entitlement(person, county_id, month, standard)
        if ent.entitled:
            entitled.append((person, ent))
    return entitled


def _chosen(entitled: list[tuple], planted: dict[str, int], last: bool, dead: str) -> dict[str, str | None]:
    """The ID numbers the planted problems of the month fall on (deterministic: by position)."""
    dispersed = [pair for pair in entitled if pair[1].mode == "dispersed" and pair[1].tier != "unassessed"]
    climbers = [
        pair
        for pair in entitled
        if pair[1].mode == "concentrated" and pair[1].tier in ("self_care", "partial") and pair[0].id_number != dead
    ]
    return {
        "wrong_mode": dispersed[3][0].id_number if "MODE_MISMATCH" in planted else None,
        "wrong_tier": climbers[7][0].id_number if last and "TIER_MISMATCH" in planted else None,
        "twice": entitled[11][0].id_number if last and "DUPLICATE_PAYMENT" in planted else None,
        "typo": entitled[19][0].id_number if last and "NAME_MISMATCH" in planted else None,
        "unpaid": entitled[23][0].id_number if last and "MISSING_PAYMENT" in planted else None,
    }


def _pay(lines: _Month, person, ent, standards, homes: dict[int, str], chosen: dict[str, str | None]) -> None:
    """The person's line: the amount the register says, unless a planted problem falls on them."""
    number, name, mode, tier = person.id_number, person.name, ent.mode, ent.tier
    basic, care = ent.basic, ent.care
    home = homes.get(ent.home_id, "") if ent.home_id else ""
    standard = stipend_rules.standard_for(standards, ent.area)
    if number == chosen["unpaid"]:
        return
    if number == chosen["wrong_mode"]:  # paid as if in a home
        mode, basic, care = "concentrated", standard.basic("concentrated"), standard.care("concentrated", tier)
    if number == chosen["wrong_tier"]:
        care = standard.care(mode, stipend_rules.TIERS[stipend_rules.TIERS.index(tier) + 1])
    if number == chosen["typo"]:
        name = name[0] + ("华" if name[1] != "华" else "明") + name[2:]
    lines.line(number, name, basic, care, mode, home)
    if number == chosen["twice"]:
        lines.line(number, name, basic, care, mode, home, ref=f"{lines.county}-{lines.month:%Y%m}-9001")


def _stranger(outsiders: People, county: str, month: date, known: set[str]) -> str:
    """A valid ID number of the county that is not in the register."""
    while True:
        born = outsiders.birth_date(month)
        stranger = outsiders.id_number(county, born, "M")
        if stranger not in known:
            return stranger


async def _payment_rows(scope: Scope, months: list[date], dead: str, outsiders: People, known: set[str]) -> list[list[str]]:
    """Every entitled person of each county paid the amount the register says, in ID order,
    except the PLANTED problems (chosen deterministically from the register)."""
    homes = {home["id"]: code for code, home in (await registry.homes_by_code()).items()}
    rows: list[list[str]] = []
    for county, *_ in COUNTIES:
        county_id = (await registry.find_county(scope, county))["id"]
        planted = PLANTED[county]
        paid_for_dead: list[str] | None = None
        for month in months:
            last = month == months[-1]
            persons, standards = await stipends.county_register(county_id, month)
            lines = _Month(county, month)
            entitled = _entitled(persons, county_id, month, standards)
            chosen = _chosen(entitled, planted, last, dead)
            for person, ent in entitled:
                _pay(lines, person, ent, standards, homes, chosen)
                if person.id_number == dead and lines.rows and lines.rows[-1][1] == dead:
                    paid_for_dead = lines.rows[-1][1:]
            if paid_for_dead and not any(row[1] == dead for row in lines.rows):
                # The disbursement list was not told: the dead resident is paid as before.
                lines.line(
                    paid_for_dead[0],
                    paid_for_dead[1],
                    *(round(float(v) * 100) for v in paid_for_dead[4:6]),
                    "concentrated" if paid_for_dead[6] == "集中" else "dispersed",
                    paid_for_dead[7],
                )
            if last and "UNKNOWN_PERSON" in planted:
                lines.line(
                    _stranger(outsiders, county, month, known),
                    outsiders.name("M"),
                    standards["rural"].basic("dispersed"),
                    0,
                    "dispersed",
                    "",
                )
            rows += lines.rows
    return rows


async def _load_floors(scope: Scope) -> None:
    """FLOORS, each entered once (through the stipends services, audited)."""
    for county, kind, area, mode, since, amount, ratio, source in FLOORS:
        entered = await stipends.list_floors(scope, county)
        if any((f.kind, f.area, f.mode, f.effective_from) == (kind, area, mode, since) for f in entered):
            continue
        values = {"kind": kind, "area": area, "mode": mode, "effective_from": since, "amount": amount, "ratio": ratio}
        await stipends.add_floor(scope, county, {**values, "source": source})


async def load_stipends(
    scope: Scope, anchor: date, residents: list[list[str]], assessments: list[list[str]], story: dict[str, list[str]]
) -> None:
    await import_rows(scope, "standards", STANDARD_HEADERS, [list(row) for row in STANDARDS])
    await _load_floors(scope)
    months = payment_months(anchor)
    died_at = datetime.combine(months[0] + timedelta(days=16), datetime.min.time()).replace(hour=6, minute=30)
    avoid = {number for numbers in story.values() for number in numbers}
    dead = _death_candidate(residents, assessments, died_at.date(), avoid)
    await _report_death(scope, dead, died_at)
    rows = await _payment_rows(scope, months, dead, People(SEED + 1), {row[0] for row in residents})
    await import_rows(scope, "payments", PAYMENT_HEADERS, rows)
    for county, *_ in COUNTIES:
        for month in months:
            runs = await stipends.list_runs(scope, county, month)
            if runs and not await stipends.is_stale(scope, runs[0].run_id):
                continue
            await stipends.reconcile(scope, county, month, "payments")
