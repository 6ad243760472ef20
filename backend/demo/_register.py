"""The register of the demo: the residents and assessments files (the county's), then a story told
through the services (transfers, discharges, an end of support, condition-change reports, a
director's care observation, an emergency admission by an inspector)."""

from __future__ import annotations

from datetime import date, timedelta

from backend.core.security import Scope
from backend.demo._people import ASSESSORS, ITEMS, People
from backend.demo._world import COUNTIES, DISPERSED_PER_COUNTY, HOMES, RESIDENTS_PER_HOME, SEED
from backend.residents import services as residents
from backend.residents.schemas import AssessmentIn, ConditionChangeIn, PlacementIn, ResidentIn


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


URBAN_COUNTY = "620102"


def demo_rows(anchor: date) -> tuple[list[list[str]], list[list[str]], dict[str, list[str]]]:
    """The residents and assessments files of the demo (cells as text), and a plan of the story:
    {"transfer": [...], "discharge": [...], "end": [...], "change": [...]} of ID numbers."""
    people = People(SEED)
    residents: list[list[str]] = []
    assessments: list[list[str]] = []
    story: dict[str, list[str]] = {"transfer": [], "discharge": [], "end": [], "change": [], "observe": []}

    def person(county: str, home: str | None, index: int) -> None:
        rng = people.rng
        younger = rng.random() < 0.08
        gender = "M" if rng.random() < (0.62 if home else 0.5) else "F"
        born = people.birth_date(anchor, younger)
        number = people.id_number(county, born, gender)
        grown = date(born.year + 18, born.month, min(born.day, 28))
        approved = people.day_between(max(date(2012, 1, 1), grown), anchor - timedelta(days=120))
        admitted = (
            people.day_between(approved, min(approved + timedelta(days=400), anchor - timedelta(days=90))) if home else None
        )
        residents.append(
            [
                number,
                people.name(gender),
                "男" if gender == "M" else "女",
                county,
                cell(approved),
                "集中" if home else "分散",
                home or "",
                cell(admitted),
                "",
                "",
                # 城关区 (620102) is a city district: a third of its dispersed persons are urban
                # (paid by the urban standard); everyone else is the county's default, rural.
                "城市" if county == URBAN_COUNTY and not home and index % 3 == 0 else "",
            ]
        )
        if home and index == 5:
            # Admitted last month, not assessed yet: the admission assessment is due now.
            residents[-1][7] = cell(anchor - timedelta(days=rng.randint(10, 30)))
            return
        count = rng.choices((1, 2, 3, 4), (25, 35, 25, 15))[0]
        overdue = rng.random() < 0.1
        tiers = people.history(people.tier(younger), count)
        days = _assessment_dates(people, admitted or approved, anchor, count, overdue)
        for day, tier in zip(days, tiers[-len(days) :], strict=True):
            answers = people.answers(tier)
            assessments.append([number, cell(day), *("能" if answers[item] else "不能" for item in ITEMS), rng.choice(ASSESSORS)])
        if home and index in (3, 17):
            story["transfer" if index == 3 else "discharge"].append(number)
        elif home and index == 29 and home.endswith("-01"):
            story["end"].append(number)
        elif home and index in (8, 21) and home.endswith("-02"):
            story["change"].append(number)
        elif home == "YD-01" and index == 12:
            story["observe"].append(number)

    for county, _name, _province in COUNTIES:
        for code, _home_name, home_county, beds, _address, _fire in HOMES:
            if home_county != county:
                continue
            for index in range(min(RESIDENTS_PER_HOME, beds - 4)):
                person(county, code, index)
        for index in range(DISPERSED_PER_COUNTY):
            person(county, None, index)
    return residents, assessments, story


async def find_person(scope: Scope, id_number: str):
    page = await residents.search_register(scope, residents.RegisterFilter(search=id_number))
    return page.items[0]


async def tell_story(scope: Scope, story: dict[str, list[str]], anchor: date) -> None:
    """Transfers, discharges, an end of support and open condition-change reports; each only
    once (what is already in the history is not recorded again)."""
    siblings = {county: [code for code, _n, c, *_ in HOMES if c == county] for county, *_ in COUNTIES}
    for position, number in enumerate(story["transfer"]):
        person = await find_person(scope, number)
        if any(event.kind != "admit" for event in await residents.placements(scope, person.id)):
            continue
        target = next(code for code in siblings[person.county_code] if code != person.home_code)
        await residents.record_placement(
            scope,
            person.id,
            PlacementIn("transfer", anchor - timedelta(days=40 + 11 * position), target, "家属申请，转入离家较近的敬老院"),
        )
    for position, number in enumerate(story["discharge"]):
        person = await find_person(scope, number)
        if any(event.kind != "admit" for event in await residents.placements(scope, person.id)):
            continue
        await residents.record_placement(
            scope,
            person.id,
            PlacementIn("discharge", anchor - timedelta(days=25 + 13 * position), None, "本人申请回村分散供养，由侄子照料"),
        )
    for number in story["end"]:
        person = await find_person(scope, number)
        if person.ended_on is None:
            await residents.end_support(
                scope, person.id, anchor - timedelta(days=3), "经复核，已有赡养义务人且具备赡养能力，终止特困供养"
            )
    for position, number in enumerate(story["change"]):
        person = await find_person(scope, number)
        tasks = await residents.due_assessments(scope, home_code=person.home_code)
        if any(task.kind == "reassessment" and task.resident_id == person.id for task in tasks):
            continue
        await residents.report_condition_change(
            scope,
            person.id,
            ConditionChangeIn(anchor - timedelta(days=2 + 5 * position), "护理员 何春梅", "近日跌倒后行走困难，需要搀扶"),
        )


async def tell_assessment_story(scope: Scope, acting: dict[str, Scope], story: dict[str, list[str]], anchor: date) -> None:
    """Issue 10: the director of YD-01 keeps a care observation (it does not change the tier),
    and the inspector of 永登县 registers a person admitted at once, as an emergency admission
    (紧急收住), which opens the county's assessment task. Once only. ``story["all"]``: the ID
    numbers of the residents file."""
    director = acting["director.yd01"]
    for number in story["observe"]:
        person = await find_person(scope, number)
        if any(a.authority == "home" for a in await residents.list_assessments(scope, person.id)):
            continue
        answers = {item: item not in ("bathe", "toilet") for item in ITEMS}
        day = anchor - timedelta(days=6)
        await residents.record_assessment(
            director, person.id, AssessmentIn(assessed_on=day, assessor="护理员 何春梅", reason="change", **answers)
        )
    # A person confirmed four days ago and admitted at once, before any county assessment: an
    # emergency admission (registered with a home). Not in the residents file: a re-import of the
    # file does not see them; the second load finds them in the register.
    inspector = acting["inspector.yongdeng"]
    people = People(SEED + 7)
    listed = set(story["all"])
    number = people.id_number("620121", date(1941, 3, 8), "M")
    while number in listed:
        number = people.id_number("620121", date(1941, 3, 8), "M")
    if (await residents.search_register(scope, residents.RegisterFilter(search=number))).items:
        return
    day = anchor - timedelta(days=4)
    await residents.register_resident(
        inspector,
        ResidentIn(
            id_number=number,
            name="魏长福",
            county_code="620121",
            approved_on=day,
            home_code="YD-02",
            admitted_on=day,
            emergency_reason="独居老人冬季取暖困难、近日摔伤，村委会报告无人照料，先行收住",
        ),
    )
