"""Urban and rural (城乡类别, domain-rules §8): the row in force for a person's area, each person
reconciled by their area's row, the county's default area for a person the register gives none,
and the standards and residents files with and without the new column (interfaces §3).

The figures are Anhui-like: urban basic ¥1,210/month and rural ¥917/month, the same for both
modes; care by mode, as shares of a ¥2,020 monthly minimum wage: concentrated 4 % / 30 % / 50 %
(80.80 / 606.00 / 1,010.00), dispersed 3 % / 20 % / 35 % (60.60 / 404.00 / 707.00).
"""

from __future__ import annotations

from datetime import date

import pytest

from backend.core import dates
from backend.core.errors import Invalid
from backend.core.exchange import ExchangeError
from backend.core.i18n import reset_language, set_language
from backend.importers import run_import
from backend.registry import services as registry
from backend.registry.schemas import ParametersIn
from backend.residents import services as residents
from backend.residents.schemas import ResidentIn
from backend.residents.tables import Resident
from backend.stipends import claims, details, rules, services
from backend.stipends.tables import Standard
from tests.residents.helpers import new_id
from tests.stipends.helpers import ALL_CAN, FULL_LOSS, PARTIAL, SYSTEM, assess, csv_bytes, import_lines

JUNE = date(2026, 6, 1)

CARE = {
    "care_concentrated_self_care": "80.80",
    "care_concentrated_partial": "606.00",
    "care_concentrated_full_loss": "1010.00",
    "care_dispersed_self_care": "60.60",
    "care_dispersed_partial": "404.00",
    "care_dispersed_full_loss": "707.00",
}
URBAN = {"basic_concentrated": "1210.00", "basic_dispersed": "1210.00", **CARE}
RURAL = {"basic_concentrated": "917.00", "basic_dispersed": "917.00", **CARE}
STANDARD_HEADER = ["county_code", "effective_from", "area", *URBAN]
LINE_HEADER = ["payment_ref", "id_number", "name", "county_code", "month", "basic_amount", "care_amount", "home_code"]


def row(effective_from: date, area: str, basic: int = 100000, **amounts: int) -> rules.StandardRow:
    values = dict.fromkeys(rules.AMOUNT_FIELDS, 0)
    values.update(basic_concentrated=basic, basic_dispersed=basic, **amounts)
    return rules.StandardRow(effective_from=effective_from, area=area, **values)


# --- the row in force (pure) ----------------------------------------------------------------


def test_a_row_for_the_area_wins_a_tie_with_a_row_for_both():
    both, urban = row(JUNE, "both", 90000), row(JUNE, "urban", 121000)
    assert rules.standard_in_force([both, urban], JUNE, "urban") is urban
    assert rules.standard_in_force([urban, both], JUNE, "urban") is urban
    assert rules.standard_in_force([urban, both], JUNE, "rural") is both
    assert rules.standards_in_force([both, urban], JUNE) == {"urban": urban, "rural": both}


def test_a_later_row_for_both_beats_an_earlier_row_for_the_area():
    urban, later = row(date(2026, 1, 1), "urban", 121000), row(JUNE, "both", 95000)
    assert rules.standard_in_force([urban, later], date(2026, 5, 1), "urban") is urban  # the month before
    assert rules.standard_in_force([urban, later], JUNE, "urban") is later
    assert rules.standard_in_force([urban, later], date(2026, 5, 1), "rural") is None  # the urban row is not theirs


def test_no_row_for_the_area_or_before_the_month():
    urban = row(JUNE, "urban")
    assert rules.standard_in_force([urban], date(2026, 5, 1), "urban") is None
    assert rules.standard_in_force([urban], JUNE, "rural") is None
    assert rules.standards_in_force([urban], JUNE) == {"urban": urban}
    assert rules.standards_in_force([], JUNE) == {}


def test_a_person_without_an_area_has_the_county_default():
    assert rules.person_area("", "urban") == "urban"
    assert rules.person_area("", "rural") == "rural"
    assert rules.person_area("rural", "urban") == "rural"


# --- MODE_MISMATCH, each of the four signs, and its edges (pure) -----------------------------


def _person(placed: bool, tier: str = "partial", area: str = "rural") -> rules.Person:
    from backend.residents.rules import AssessmentRecord, PlacementEvent

    return rules.Person(
        id=1,
        id_number=new_id(),
        name="张三",
        county_id=7,
        county_code="340101",
        approved_on=date(2025, 1, 10),
        placements=(PlacementEvent(date(2025, 2, 1), 1, "admit", 3),) if placed else (),
        assessments=(AssessmentRecord(date(2025, 3, 1), 1, tier),),
        area=area,
    )


ANHUI = {
    "rural": rules.StandardRow(JUNE, 91700, 91700, 8080, 60600, 101000, 6060, 40400, 70700, area="rural"),
    "urban": rules.StandardRow(JUNE, 121000, 121000, 8080, 60600, 101000, 6060, 40400, 70700, area="urban"),
}


def _one(p: rules.Person, basic: int, care: int, mode: str = "", home: str = "", standards=None) -> tuple:
    line = rules.Line("L-1", p.id_number, p.name, 7, "340101", basic, care, mode, home)
    result = rules.reconcile([line], [line], {p.id_number: p}, 7, JUNE, standards or ANHUI)
    return [(f.code, f.facts.mode_evidence) for f in result.findings]


def test_mode_mismatch_says_which_of_the_four_signs_it_was():
    dispersed = _person(placed=False)
    assert _one(dispersed, 91700, 40400, mode="concentrated") == [("MODE_MISMATCH", "named")]
    assert _one(dispersed, 91700, 40400, home="YD-01") == [("MODE_MISMATCH", "home_code")]
    assert _one(dispersed, 91700, 60600) == [("MODE_MISMATCH", "care")]  # same basic: caught by the care
    assert _one(dispersed, 91700, 40400) == []
    other_basic = {"rural": rules.StandardRow(JUNE, 100000, 91700, 8080, 60600, 101000, 6060, 40400, 70700, area="rural")}
    assert _one(dispersed, 100000, 40400, standards=other_basic) == [("MODE_MISMATCH", "basic")]
    # The order of interfaces §4: the named mode first, then the home code, the basic, the care.
    assert _one(dispersed, 100000, 60600, mode="concentrated", home="YD-01", standards=other_basic) == [
        ("MODE_MISMATCH", "named")
    ]
    assert _one(dispersed, 100000, 60600, home="YD-01", standards=other_basic) == [("MODE_MISMATCH", "home_code")]
    assert _one(dispersed, 100000, 60600, standards=other_basic) == [("MODE_MISMATCH", "basic")]


def test_the_edges_of_the_care_and_home_code_signs():
    # A home code on a concentrated person's line is what it should be.
    assert _one(_person(placed=True), 91700, 60600, home="YD-01") == []
    # Care of 0 is never the other mode's care, even where the other mode's care for the tier is 0.
    no_care = {"rural": rules.StandardRow(JUNE, 91700, 91700, 0, 60600, 101000, 6060, 40400, 70700, area="rural")}
    assert _one(_person(placed=False, tier="self_care"), 91700, 0, standards=no_care) == [("AMOUNT_MISMATCH", None)]
    # Care equal to both modes' care for the tier names no mode: the amount is right.
    same_care = {"rural": rules.StandardRow(JUNE, 91700, 91700, 8080, 40400, 101000, 6060, 40400, 70700, area="rural")}
    assert _one(_person(placed=False), 91700, 40400, standards=same_care) == []
    # The other mode's care for another tier is a tier question, not a mode one.
    assert _one(_person(placed=False), 91700, 101000) == [("AMOUNT_MISMATCH", None)]
    assert _one(_person(placed=False), 91700, 70700) == [("TIER_MISMATCH", None)]


def test_an_urban_person_is_owed_the_urban_row():
    assert _one(_person(placed=False, area="urban"), 121000, 40400) == []
    assert _one(_person(placed=False, area="urban"), 91700, 40400) == [("AMOUNT_MISMATCH", None)]
    assert _one(_person(placed=False, area="rural"), 121000, 40400) == [("AMOUNT_MISMATCH", None)]


# --- a county with urban and rural rows, through the services --------------------------------


async def _standards(county: str, rows: list[list], header: list[str] = STANDARD_HEADER):
    return await run_import(SYSTEM, "standards", "standards.csv", csv_bytes(header, rows))


async def _register(county: str, area: str = "", home: str | None = None, answers: dict | None = PARTIAL, name: str = "张三"):
    created = await residents.register_resident(
        SYSTEM,
        ResidentIn(
            id_number=new_id(),
            name=name,
            county_code=county,
            approved_on=date(2025, 1, 10),
            home_code=home,
            admitted_on=date(2025, 2, 1) if home else None,
            area=area,
            emergency_reason="测试：登记时先行收住" if home else "",
        ),
    )
    if answers is not None:
        await assess(created.id, date(2025, 3, 1), answers)
    return await Resident.select().where(Resident.id == created.id).first()


async def _anhui_county(world) -> tuple[str, str]:
    county = await world.county("肥东县")
    home = await world.home(county=county)
    result = await _standards(
        county, [[county, "2025-01", "城市", *URBAN.values()], [county, "2025-01", "农村", *RURAL.values()]]
    )
    assert result.created == 2
    return county, home


async def test_urban_and_rural_rows_both_modes_sharing_a_basic(world):
    county, home = await _anhui_county(world)
    paid_concentrated_care = await _register(county, name="甲")  # rural (the default), dispersed, partial
    urban_at_rural_rate = await _register(county, "urban", name="乙")  # urban, dispersed, partial
    with_home_code = await _register(county, "rural", name="丙")  # rural, dispersed
    urban_resident = await _register(county, "urban", home=home, name="丁")  # urban, concentrated, partial
    rural_resident = await _register(county, home=home, answers=FULL_LOSS, name="戊")  # rural, concentrated
    urban_dispersed = await _register(county, "urban", answers=ALL_CAN, name="己")  # urban, dispersed, self-care
    lines = [
        ["A-1", paid_concentrated_care["id_number"], "甲", county, "2026-06", "917.00", "606.00", ""],
        ["A-2", urban_at_rural_rate["id_number"], "乙", county, "2026-06", "917.00", "404.00", ""],
        ["A-3", with_home_code["id_number"], "丙", county, "2026-06", "917.00", "404.00", home],
        ["A-4", urban_resident["id_number"], "丁", county, "2026-06", "1210.00", "606.00", home],
        ["A-5", rural_resident["id_number"], "戊", county, "2026-06", "917.00", "1010.00", home],
        ["A-6", urban_dispersed["id_number"], "己", county, "2026-06", "1210.00", "60.60", ""],
    ]
    assert (await import_lines(lines, header=LINE_HEADER)).ok
    report = await services.reconcile(SYSTEM, county, JUNE)
    found = [(f.payment_ref, f.code, f.expected, f.paid, f.facts.mode_evidence, f.facts.register_area) for f in report.findings]
    assert found == [
        ("A-1", "MODE_MISMATCH", "1321.00", "1523.00", "care", "rural"),
        ("A-2", "AMOUNT_MISMATCH", "1614.00", "1321.00", None, "urban"),
        ("A-3", "MODE_MISMATCH", "1321.00", "1321.00", "home_code", "rural"),
    ]
    assert report.summary.lines == 6
    # The pages say which sign it was, in Chinese.
    token = set_language("zh_CN")
    try:
        facts = rules.Facts(
            mode_evidence="care", paid_mode="concentrated", register_mode="dispersed", register_tier="partial", paid_care=60600
        )
        care = details.describe("MODE_MISMATCH", facts)
        assert "照料护理费" in care and "集中供养" in care and "606.00" in care
        code = details.describe("MODE_MISMATCH", rules.Facts(mode_evidence="home_code", register_mode="dispersed"))
        assert "机构编码" in code and "分散供养" in code
    finally:
        reset_language(token)


async def test_claims_are_generated_at_the_residents_area_rate(world):
    county, home = await _anhui_county(world)
    await _register(county, "urban", home=home, name="丁")
    await _register(county, home=home, name="戊")
    lines = await claims.expected_lines(await registry.find_home(SYSTEM, home), JUNE)
    assert sorted((line["name"], line["basic_amount"], line["care_amount"]) for line in lines) == [
        ("丁", 121000, 60600),
        ("戊", 91700, 60600),
    ]


async def test_a_person_without_an_area_follows_the_county_default_in_force_for_the_month(world):
    county, _home = await _anhui_county(world)
    p = await _register(county)  # no area: the county's default, rural until the change
    # A county parameter takes effect from today on at the earliest: the default changes next month.
    before = dates.month_of(dates.today())
    after = dates.add_months(before, 1)
    await registry.set_parameters(
        SYSTEM,
        county,
        ParametersIn(
            effective_from=after,
            residents_per_staff=10,
            death_report_deadline_hours=24,
            extra_months_after_death=0,
            inspections_per_year=4,
            default_area="urban",
        ),
    )
    rows = [[f"D-{m:%m}", p["id_number"], p["name"], county, f"{m:%Y-%m}", "917.00", "404.00", ""] for m in (before, after)]
    assert (await import_lines(rows, header=LINE_HEADER)).ok
    assert (await services.reconcile(SYSTEM, county, before)).findings == []
    (finding,) = (await services.reconcile(SYSTEM, county, after)).findings
    assert (finding.code, finding.expected, finding.facts.register_area) == ("AMOUNT_MISMATCH", "1614.00", "urban")
    # A person whose area the register gives keeps it whatever the default.
    q = await _register(county, "rural", name="李四")
    assert (
        await import_lines(
            [["D-Q", q["id_number"], "李四", county, f"{after:%Y-%m}", "917.00", "404.00", ""]], header=LINE_HEADER
        )
    ).ok
    assert [f.payment_ref for f in (await services.reconcile(SYSTEM, county, after)).findings] == [f"D-{after:%m}"]


async def test_a_month_is_refused_only_for_an_area_of_an_entitled_person_without_a_row(world):
    county = await world.county()
    await _standards(county, [[county, "2025-01", "城市", *URBAN.values()]])
    urban = await _register(county, "urban")
    assert (
        await import_lines([["U-1", urban["id_number"], "张三", county, "2026-06", "1210.00", "404.00", ""]], header=LINE_HEADER)
    ).ok
    assert (await services.reconcile(SYSTEM, county, JUNE)).findings == []  # nobody rural: no rural row needed
    await _register(county, name="李四")  # rural by default, entitled, no rural row
    with pytest.raises(Invalid) as refused:
        await services.reconcile(SYSTEM, county, JUNE)
    assert "农村" in refused.value.errors["month"]
    # A county with no row at all is refused as before.
    empty = await world.county()
    with pytest.raises(Invalid) as none:
        await services.reconcile(SYSTEM, empty, JUNE)
    assert "供养标准" in none.value.errors["month"]


# --- the files, with and without the area column --------------------------------------------


async def test_the_standards_file_with_and_without_the_area_column(world):
    county = await world.county()
    old_header = ["county_code", "effective_from", *RURAL]
    old = await _standards(county, [[county, "2025-01", *RURAL.values()]], header=old_header)
    assert old.created == 1
    new = await _standards(
        county,
        [
            [county, "2025-01", "城市", *URBAN.values()],  # beside the row for both: another key
            [county, "2025-01", "", *RURAL.values()],  # empty = 全部: the same row as the old file's
        ],
    )
    assert (new.created, new.updated, new.unchanged) == (1, 0, 1)
    stored = (
        await Standard.select(Standard.area, Standard.basic_dispersed)
        .where(Standard.county.code == county)
        .order_by(Standard.area)
    )
    assert stored == [{"area": "both", "basic_dispersed": 91700}, {"area": "urban", "basic_dispersed": 121000}]
    # Re-importing changes nothing; a correction of the urban row touches that row only.
    again = await _standards(county, [[county, "2025-01", "城市", *{**URBAN, "basic_dispersed": "1220.00"}.values()]])
    assert (again.created, again.updated) == (0, 1)
    assert await Standard.count().where(Standard.county.code == county) == 2


async def test_a_bad_area_in_the_standards_file_is_refused_naming_row_and_column(world):
    county = await world.county()
    with pytest.raises(ExchangeError) as refused:
        await _standards(county, [[county, "2025-01", "城市", *URBAN.values()], [county, "2025-02", "市区", *URBAN.values()]])
    assert [(e.row, e.column) for e in refused.value.errors] == [(3, "area")]  # the header as the file writes it
    assert "请填写" in refused.value.errors[0].message and "全部" in refused.value.errors[0].message
    assert await Standard.count().where(Standard.county.code == county) == 0
    with pytest.raises(ExchangeError) as twice:
        await _standards(county, [[county, "2025-01", "城市", *URBAN.values()], [county, "2025-01", "urban", *URBAN.values()]])
    assert [e.row for e in twice.value.errors] == [3]


RESIDENT_HEADER = ["身份证号", "姓名", "区划代码", "认定日期", "供养方式", "机构编码", "入住日期"]


async def test_the_residents_file_with_and_without_the_area_column(world):
    county = await world.county()
    a, b, c = new_id(), new_id(), new_id()
    old = [[a, "张三", county, "2024-01-05", "分散", "", ""], [b, "李四", county, "2024-01-05", "分散", "", ""]]
    assert (await run_import(SYSTEM, "residents", "r.csv", csv_bytes(RESIDENT_HEADER, old))).created == 2
    new = [[*old[0], "城市"], [*old[1], ""], [c, "王五", county, "2024-01-05", "分散", "", "", "农村"]]
    result = await run_import(SYSTEM, "residents", "r.csv", csv_bytes([*RESIDENT_HEADER, "城乡类别"], new))
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)  # 张三's empty area filled
    areas = {row["id_number"]: row["area"] for row in await Resident.select(Resident.id_number, Resident.area)}
    assert (areas[a], areas[b], areas[c]) == ("urban", "", "rural")
    # A value that differs from the register's is an error naming the field; nothing is written.
    with pytest.raises(ExchangeError) as refused:
        await run_import(SYSTEM, "residents", "r.csv", csv_bytes([*RESIDENT_HEADER, "area"], [[*old[0], "农村"]]))
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "area")]
    assert (await Resident.select(Resident.area).where(Resident.id_number == a).first())["area"] == "urban"


async def test_a_bad_area_in_the_residents_file_is_refused_naming_row_and_column(world):
    county = await world.county()
    rows = [
        [new_id(), "张三", county, "2024-01-05", "分散", "", "", "城市"],
        [new_id(), "李四", county, "2024-01-05", "分散", "", "", "郊区"],
    ]
    with pytest.raises(ExchangeError) as refused:
        await run_import(SYSTEM, "residents", "r.csv", csv_bytes([*RESIDENT_HEADER, "城乡类别"], rows))
    assert [(e.row, e.column) for e in refused.value.errors] == [(3, "城乡类别")]
    assert "请填写" in refused.value.errors[0].message and "农村" in refused.value.errors[0].message
    assert await Resident.count().where(Resident.county.code == county) == 0


async def test_a_new_standard_based_on_an_area_row_is_prefilled_from_that_row(world, signed_in):
    county = await world.county()
    await _standards(county, [[county, "2025-01", "", *RURAL.values()], [county, "2025-01", "城市", *URBAN.values()]])
    client, _finance = await signed_in("finance", county=county)
    listing = await client.get(f"/counties/{county}/standards")
    assert "base_month=2025-01&amp;base_area=urban" in listing.text and "base_month=2025-01&amp;base_area=both" in listing.text
    urban = await client.get(f"/counties/{county}/standards/new", params={"base_month": "2025-01", "base_area": "urban"})
    assert urban.status_code == 200 and 'value="1210.00"' in urban.text
    both = await client.get(f"/counties/{county}/standards/new", params={"base_month": "2025-01", "base_area": "both"})
    assert both.status_code == 200 and 'value="917.00"' in both.text and 'value="1210.00"' not in both.text
