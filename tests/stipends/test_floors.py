"""The floors of the basic living amount (domain-rules §8, issue 10 points 6 and 9): each floor
at exactly its minimum (no warning) and one fen below (a warning), a row for both areas checked
against each, a floor changed mid-year, the floors not entered listed, the form's refusals, scope.

The thresholds below are worked out by hand here, not by the code under test."""

from __future__ import annotations

import importlib
from datetime import date

import pytest

from backend.core.errors import Forbidden, Invalid, NotFound
from backend.core.tables import AuditEntry
from backend.stipends import floor_rules, services
from backend.stipends.floor_rules import Floor
from backend.stipends.tables import Standard, StipendFloor
from tests.conftest import post_form
from tests.stipends.helpers import SYSTEM, import_standard

JAN, JUNE, JULY = date(2026, 1, 1), date(2026, 6, 1), date(2026, 7, 1)
CHINESE = range(0x4E00, 0xA000)


def floor(kind="dibao", area="rural", mode="", amount=70000, ratio=1300, since=JAN, source="甘民发〔2025〕12号") -> Floor:
    return Floor(kind, area, mode, amount, ratio, since, source)


def warned(row_area: str, concentrated: int, dispersed: int, floors: list[Floor], start: date = JAN):
    basic = {"concentrated": concentrated, "dispersed": dispersed}
    return [(w.floor.key, w.mode, w.gap) for w in floor_rules.floor_warnings(row_area, basic, floors, start)]


# --- the rule, at each threshold -----------------------------------------------------------------

# (floor, the lowest monthly basic in fen that meets it, worked out by hand)
THRESHOLDS = [
    # 1.3 × ¥700.00 = ¥910.00
    (floor("dibao", amount=70000, ratio=1300), 91000),
    # 1.3 × ¥683.33 = ¥888.329: ¥888.33 meets it, ¥888.32 does not
    (floor("dibao", amount=68333, ratio=1300), 88833),
    # 12 × basic ≥ 0.6 × ¥18,000.00 = ¥10,800.00 a year: ¥900.00 a month
    (floor("consumption", amount=1800000, ratio=600), 90000),
    # 12 × basic ≥ ¥6,020.00 a year: 12 × ¥501.67 = ¥6,020.04, 12 × ¥501.66 = ¥6,019.92
    (floor("minimum", mode="concentrated", amount=602000, ratio=0), 50167),
    (floor("minimum", mode="dispersed", amount=485500, ratio=0), 40459),  # 12 × 404.58 = 4854.96
]


@pytest.mark.parametrize(("the_floor", "lowest"), THRESHOLDS, ids=lambda value: getattr(value, "kind", str(value)))
def test_each_floor_exactly_at_its_minimum_is_clean_and_a_fen_below_is_warned(the_floor, lowest):
    modes = the_floor.modes
    at = {mode: (lowest if mode in modes else 10**9) for mode in floor_rules.MODES}
    assert warned("rural", at["concentrated"], at["dispersed"], [the_floor]) == []
    for mode in modes:
        below = {**at, mode: lowest - 1}
        assert warned("rural", below["concentrated"], below["dispersed"], [the_floor]) == [(the_floor.key, mode, 1)]


def test_an_absolute_minimum_is_per_mode():
    concentrated = floor("minimum", mode="concentrated", amount=602000, ratio=0)
    # The dispersed basic far below the concentrated minimum: not this floor's business.
    assert warned("rural", 50167, 30000, [concentrated]) == []
    assert warned("rural", 50166, 30000, [concentrated]) == [(concentrated.key, "concentrated", 1)]


def test_a_row_for_both_areas_is_checked_against_each():
    urban = floor("dibao", area="urban", amount=100000, ratio=1300)  # ¥1,300.00 a month
    rural = floor("dibao", area="rural", amount=60000, ratio=1300)  # ¥780.00 a month
    floors = [urban, rural]
    assert warned("both", 100000, 80000, floors) == [(urban.key, "concentrated", 30000), (urban.key, "dispersed", 50000)]
    assert warned("rural", 100000, 80000, floors) == []
    assert warned("urban", 130000, 130000, floors) == []
    assert warned("both", 130000, 77999, floors) == [(urban.key, "dispersed", 52001), (rural.key, "dispersed", 1)]


def test_a_floor_changed_mid_year_applies_from_its_month_and_not_before():
    before = floor("dibao", amount=60000, since=JAN, source="旧文件")  # ¥780.00
    raised = floor("dibao", amount=70000, since=JULY, source="新文件")  # ¥910.00 from July
    floors = [raised, before]
    june = list(floor_rules.floors_in_force(floors, JUNE).values())
    july = list(floor_rules.floors_in_force(floors, JULY).values())
    assert june == [before] and july == [raised]
    assert warned("rural", 85000, 85000, june) == []
    assert warned("rural", 85000, 85000, july) == [(raised.key, "concentrated", 6000), (raised.key, "dispersed", 6000)]
    # A standard from January in force for the rest of the year: below the raised floor from July.
    applying = floor_rules.floors_applying(floors, JAN)
    assert applying == [before, raised]
    (first, _second) = floor_rules.floor_warnings("rural", {"concentrated": 85000, "dispersed": 85000}, applying, JAN)
    assert (first.floor.source, first.from_month) == ("新文件", JULY)
    # The same standard replaced from July by a higher one: never below a floor it was in force with.
    assert floor_rules.floors_applying(floors, JAN, JULY) == [before]
    # A floor from before the row's month is broken from the row's month, not the floor's.
    (early,) = floor_rules.floor_warnings("rural", {"concentrated": 70000, "dispersed": 90000}, [before], JUNE)
    assert early.from_month == JUNE


def test_floors_not_entered_are_listed_as_not_checked():
    entered = [floor("dibao", area="rural"), floor("minimum", area="urban", mode="dispersed", amount=600000, ratio=0)]
    missing = floor_rules.not_checked("both", entered)
    assert missing == [
        ("dibao", "urban", ""),
        ("consumption", "urban", ""),
        ("minimum", "urban", "concentrated"),
        ("consumption", "rural", ""),
        ("minimum", "rural", "concentrated"),
        ("minimum", "rural", "dispersed"),
    ]
    assert floor_rules.not_checked("rural", entered) == [
        ("consumption", "rural", ""),
        ("minimum", "rural", "concentrated"),
        ("minimum", "rural", "dispersed"),
    ]
    assert len(floor_rules.not_checked("both", [])) == 8


def test_ratios_are_exact_per_mille():
    assert [floor_rules.parse_ratio(text) for text in ("1.3", "0.6", "1.25", "1", "0.625")] == [1300, 600, 1250, 1000, 625]
    assert [floor_rules.ratio_text(value) for value in (1300, 600, 1250, 1000, 625)] == ["1.3", "0.6", "1.25", "1", "0.625"]
    for bad in ("", ".6", "1.2345", "六成", "1,3", "-1", "1e3"):
        with pytest.raises(ValueError):
            floor_rules.parse_ratio(bad)


# --- the service: entered, checked, refused -----------------------------------------------------

RURAL_DIBAO = {
    "kind": "dibao",
    "area": "rural",
    "effective_from": "2026-01",
    "amount": "600",
    "ratio": "1.3",
    "source": "永民发〔2025〕88号",
}


def chinese(text: str) -> bool:
    return any(ord(ch) in CHINESE for ch in text)


async def test_a_standard_below_a_floor_is_warned_with_the_floor_its_source_and_the_gap(world):
    county = await world.county("永宁县")
    finance = (await world.user("finance", county=county)).scope
    await services.add_floor(finance, county, RURAL_DIBAO)  # rural: ¥780.00 a month
    result = await import_standard(county, "2026-01", basic_concentrated="800.00", basic_dispersed="779.99")
    assert result.created == 1  # a warning, never a refusal
    (message,) = result.warnings
    assert "永宁县" in message and "永民发〔2025〕88号" in message and "农村" in message
    assert "分散供养" in message and "¥780.00" in message and "¥779.99" in message and "¥0.01" in message
    assert "dispersed" not in message and "rural" not in message
    (standard,) = await services.list_standards(finance, county)
    (warning,) = standard.floor_warnings
    assert (warning.floor.kind, warning.floor.area, warning.mode) == ("dibao", "rural", "dispersed")
    assert (warning.required, warning.basic, warning.gap, warning.source) == ("780.00", "779.99", "0.01", "永民发〔2025〕88号")
    assert standard.below_floor == ["dispersed"]
    # The other seven floors were not entered: listed, not checked.
    assert len(standard.floors_not_checked) == 7 and all(chinese(key.name) for key in standard.floors_not_checked)
    assert services.not_checked_text([("consumption", "urban", "")]).startswith("未检查的底线：")
    assert (await services.standard_warnings(SYSTEM, county, JUNE)) == result.warnings


async def test_the_warning_follows_the_floor_in_force_in_the_month(world):
    county = await world.county()
    await import_standard(county, "2026-01", basic_concentrated="850.00", basic_dispersed="850.00")
    await services.add_floor(SYSTEM, county, RURAL_DIBAO)  # ¥780.00: met
    await services.add_floor(SYSTEM, county, {**RURAL_DIBAO, "effective_from": "2026-07", "amount": "700"})  # ¥910.00
    assert await services.standard_warnings(SYSTEM, county, JUNE) == []
    assert len(await services.standard_warnings(SYSTEM, county, JULY)) == 2  # both modes
    (standard,) = await services.list_standards(SYSTEM, county)
    assert {(w.applies_from, w.floor_from, w.gap) for w in standard.floor_warnings} == {("2026-07", "2026-07", "60.00")}


async def test_the_same_floor_and_month_again_corrects_it_and_is_audited(world):
    county = await world.county()
    await services.add_floor(SYSTEM, county, RURAL_DIBAO)
    await services.add_floor(SYSTEM, county, {**RURAL_DIBAO, "amount": "620", "source": "更正"})
    (row,) = await StipendFloor.select().where(StipendFloor.county.code == county)
    assert (row["amount"], row["ratio"], row["source"]) == (62000, 1300, "更正")
    audit = await AuditEntry.select(AuditEntry.action).where(AuditEntry.entity_key == f"{county}@dibao/rural/@2026-01")
    assert [entry["action"] for entry in audit] == ["floor.create", "floor.update"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"source": ""}, "source"),
        ({"source": "   "}, "source"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "1.234"}, "amount"),
        ({"kind": "consumption", "amount": "18000", "ratio": "1.1"}, "ratio"),
        ({"kind": "consumption", "amount": "18000", "ratio": "0"}, "ratio"),
        ({"kind": "consumption", "amount": "18000", "ratio": ""}, "ratio"),
        ({"ratio": "一点三"}, "ratio"),
        ({"effective_from": "2026-13"}, "effective_from"),
        ({"effective_from": "明年"}, "effective_from"),
        ({"kind": "minimum", "mode": ""}, "mode"),
        ({"kind": "floor"}, "kind"),
        ({"area": "both"}, "area"),
    ],
)
async def test_bad_input_is_refused_in_chinese_and_nothing_is_written(world, changes, field):
    county = await world.county()
    with pytest.raises(Invalid) as refused:
        await services.add_floor(SYSTEM, county, {**RURAL_DIBAO, **changes})
    assert field in refused.value.errors, refused.value.errors
    assert all(chinese(message) for message in refused.value.errors.values()), refused.value.errors
    assert await StipendFloor.count().where(StipendFloor.county.code == county) == 0
    assert await AuditEntry.count().where(AuditEntry.entity_key.like(f"{county}@%")) == 0


async def test_all_refusals_at_once(world):
    county = await world.county()
    with pytest.raises(Invalid) as refused:
        await services.add_floor(
            SYSTEM, county, {**RURAL_DIBAO, "kind": "consumption", "ratio": "2", "source": "", "amount": "-1"}
        )
    assert set(refused.value.errors) == {"ratio", "source", "amount"}
    assert refused.value.errors["ratio"] == "比例须大于 0 且不大于 1。"


async def test_a_share_of_exactly_one_and_a_minimum_without_ratio_are_accepted(world):
    county = await world.county()
    await services.add_floor(SYSTEM, county, {**RURAL_DIBAO, "kind": "consumption", "amount": "12000", "ratio": "1"})
    saved = await services.add_floor(SYSTEM, county, {**RURAL_DIBAO, "kind": "minimum", "mode": "dispersed", "ratio": "9"})
    assert (saved.ratio, saved.mode, saved.required_basic) == (None, "dispersed", "50.00")  # ¥600.00 a year ÷ 12
    floors = await services.list_floors(SYSTEM, county)
    assert [(f.kind, f.ratio, f.required_basic) for f in floors] == [("consumption", "1", "1000.00"), ("minimum", None, "50.00")]


async def test_another_countys_finance_can_neither_add_nor_see_its_floors(world):
    county, other = await world.county(), await world.county()
    await services.add_floor(SYSTEM, county, RURAL_DIBAO)
    outsider = (await world.user("finance", county=other)).scope
    with pytest.raises(NotFound):
        await services.list_floors(outsider, county)
    with pytest.raises(NotFound):
        await services.add_floor(outsider, county, {**RURAL_DIBAO, "amount": "1"})
    inspector = (await world.user("inspector", county=county)).scope
    assert len(await services.list_floors(inspector, county)) == 1
    with pytest.raises(Forbidden):
        await services.add_floor(inspector, county, {**RURAL_DIBAO, "amount": "1"})
    (row,) = await StipendFloor.select().where(StipendFloor.county.code == county)
    assert row["amount"] == 60000


async def test_the_old_basic_floor_column_still_imports_and_is_no_longer_checked(world):
    county = await world.county()
    result = await import_standard(county, "2026-01", basic_floor="500.00")  # basic dispersed ¥450.00
    assert result.created == 1 and len(result.warnings) == 1 and "不再检查" in result.warnings[0]
    (standard,) = await services.list_standards(SYSTEM, county)
    assert (standard.basic_floor, standard.below_floor, standard.floor_warnings) == ("500.00", [], [])


async def test_the_migration_turns_an_old_basic_floor_into_annual_minima(world):
    county = await world.county()
    await import_standard(county, "2026-01", basic_floor="500.00")
    migration = importlib.import_module("backend.stipends.piccolo_migrations.stipends_2026_12_11t10_06_01_000000")
    await (await migration.forwards()).run()
    rows = await StipendFloor.select().where(StipendFloor.county.code == county).order_by(StipendFloor.id)
    assert {(row["kind"], row["area"], row["mode"], row["amount"], row["effective_from"]) for row in rows} == {
        ("minimum", area, mode, 600000, JAN) for area in ("urban", "rural") for mode in ("concentrated", "dispersed")
    }
    assert all("基本生活费下限" in row["source"] and "2026-01" in row["source"] for row in rows)
    (standard_row,) = await Standard.select(Standard.created_at).where(Standard.county.code == county)
    assert all(row["created_at"] == standard_row["created_at"] and row["created_by"] == "migration" for row in rows)
    (standard,) = await services.list_standards(SYSTEM, county)
    # The same check as before: the dispersed basic ¥450.00 below ¥500.00, in both areas.
    assert {(w.floor.area, w.mode, w.gap) for w in standard.floor_warnings} == {
        ("urban", "dispersed", "50.00"),
        ("rural", "dispersed", "50.00"),
    }


# --- pages and API ------------------------------------------------------------------------------


async def test_floors_page_form_and_standards_page(world, signed_in):
    county = await world.county()
    await import_standard(county, "2026-01", basic_concentrated="800.00", basic_dispersed="700.00")
    client, _user = await signed_in("finance", county=county)
    page = await client.get(f"/counties/{county}/standards/floors")
    assert page.status_code == 200 and 'id="floor-form"' in page.text and 'value="1.3"' in page.text
    assert "未录入" in page.text
    bad = await post_form(client, f"/counties/{county}/standards/floors", {**RURAL_DIBAO, "source": "", "effective_from": "七月"})
    assert bad.status_code == 400 and 'id="e-source"' in bad.text and 'id="e-effective_from"' in bad.text
    assert "此项为必填项" in bad.text and 'value="七月"' in bad.text
    assert await StipendFloor.count().where(StipendFloor.county.code == county) == 0
    saved = await post_form(client, f"/counties/{county}/standards/floors", RURAL_DIBAO)
    assert saved.status_code == 303 and saved.headers["location"] == f"/counties/{county}/standards/floors"
    listing = await client.get(saved.headers["location"])
    assert 'data-floor="dibao/rural/"' in listing.text and "永民发〔2025〕88号" in listing.text and "¥780.00" in listing.text
    standards = await client.get(f"/counties/{county}/standards")
    assert standards.status_code == 200 and "floor-warning" in standards.text
    assert "永民发〔2025〕88号" in standards.text and "¥80.00" in standards.text  # ¥780.00 − ¥700.00
    assert "未检查的底线：" in standards.text and "（未录入）" in standards.text
    form = await client.get(f"/counties/{county}/standards/new", params={"base_month": "2026-02"})
    assert "floor-warning" in form.text and 'name="basic_floor"' not in form.text
    inspector, _user = await signed_in("inspector", county=county)
    assert (await inspector.get(f"/counties/{county}/standards/floors")).status_code == 200
    assert 'id="floor-form"' not in (await inspector.get(f"/counties/{county}/standards/floors")).text
    assert (await post_form(inspector, f"/counties/{county}/standards/floors", RURAL_DIBAO)).status_code == 403
    outsider, _user = await signed_in("finance", county=await world.county())
    assert (await outsider.get(f"/counties/{county}/standards/floors")).status_code == 404
    assert (await post_form(outsider, f"/counties/{county}/standards/floors", RURAL_DIBAO)).status_code == 404
    assert await StipendFloor.count().where(StipendFloor.county.code == county) == 1


async def test_floors_in_the_api(world, signed_in, bearer, client, app):
    county = await world.county()
    await import_standard(county, "2026-01", basic_concentrated="800.00", basic_dispersed="700.00")
    _c, finance = await signed_in("finance", county=county)
    headers = await bearer(finance)
    base = f"/api/v1/counties/{county}"
    created = await client.post(f"{base}/stipend-floors", headers=headers, json=RURAL_DIBAO)
    assert created.status_code == 201, created.text
    assert created.json()["required_basic"] == "780.00" and created.json()["ratio"] == "1.3"
    listed = await client.get(f"{base}/stipend-floors", headers=headers)
    assert [item["source"] for item in listed.json()] == ["永民发〔2025〕88号"]
    (standard,) = (await client.get(f"{base}/standards", headers=headers)).json()
    assert [(w["mode"], w["gap"]) for w in standard["floor_warnings"]] == [("dispersed", "80.00")]
    bad = await client.post(f"{base}/stipend-floors", headers=headers, json={**RURAL_DIBAO, "ratio": "0"})
    assert bad.status_code == 400 and "ratio" in bad.json()["errors"]
    _c, outsider = await signed_in("finance", county=await world.county())
    outsider_headers = await bearer(outsider)
    assert (await client.get(f"{base}/stipend-floors", headers=outsider_headers)).status_code == 404
    assert (await client.post(f"{base}/stipend-floors", headers=outsider_headers, json=RURAL_DIBAO)).status_code == 404
    paths = app.openapi_schema.to_schema()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/counties/{code}/stipend-floors"])
    assert await Standard.count().where(Standard.county.code == county) == 1


def test_the_demo_shows_one_warning_and_floors_not_entered():
    """The demo's floors against its standards (worked out in backend/demo/_stipends.py): only
    永登县's 2026 dispersed basic (¥910) is below 1.3 × its rural 低保 (¥720 → ¥936)."""
    from backend.core.money import parse_yuan
    from backend.demo._stipends import FLOORS, STANDARDS

    found, unchecked = [], {}
    for county in ("620121", "620102"):
        floors = [
            Floor(
                kind,
                area,
                mode,
                parse_yuan(amount),
                floor_rules.parse_ratio(ratio) if ratio else 0,
                date.fromisoformat(since + "-01"),
                source,
            )
            for code, kind, area, mode, since, amount, ratio, source in FLOORS
            if code == county
        ]
        rows = sorted((row for row in STANDARDS if row[0] == county), key=lambda row: row[1])
        for index, row in enumerate(rows):
            start = date.fromisoformat(row[1] + "-01")
            end = date.fromisoformat(rows[index + 1][1] + "-01") if index + 1 < len(rows) else None
            applying = floor_rules.floors_applying(floors, start, end)
            basic = {"concentrated": parse_yuan(row[2]), "dispersed": parse_yuan(row[3])}
            found += [
                (county, row[1], w.floor.key, w.mode, w.gap) for w in floor_rules.floor_warnings("both", basic, applying, start)
            ]
            unchecked[(county, row[1])] = floor_rules.not_checked("both", applying)
    assert found == [("620121", "2026-01", ("dibao", "rural", ""), "dispersed", 2600)]
    assert ("dibao", "urban", "") in unchecked[("620121", "2026-01")] and unchecked[("620102", "2026-01")]


# --- floors and areas: a row is checked for the areas and months it is in force ------------------


def _row(month: date, area: str, basic: int):
    from backend.stipends.rules import StandardRow

    return StandardRow(month, basic, basic, 0, 0, 0, 0, 0, 0, area=area)


def test_a_row_for_both_is_checked_for_each_area_only_while_it_is_in_force_for_it():
    both_jan, rural_july = _row(JAN, "both", 90000), _row(JULY, "rural", 95000)
    rows = [both_jan, rural_july]
    # Urban persons keep the January row; rural ones have it until July.
    assert services.in_force_periods(both_jan, rows) == [("urban", None), ("rural", JULY)]
    assert services.in_force_periods(rural_july, rows) == [("rural", None)]
    # A rural 低保 floor raised in July (¥700 × 1.3 = ¥910) is not the January row's business any
    # more (the July row is in force for rural persons then); an urban floor raised in July is.
    floors = [floor("dibao", "rural", amount=70000, since=JULY), floor("dibao", "urban", amount=70000, since=JULY)]
    checks = services.check_standards(rows, floors)
    assert [(w.floor.area, w.mode, w.gap) for w in checks[(JAN, "both")].warnings] == [
        ("urban", "concentrated", 1000),
        ("urban", "dispersed", 1000),
    ]
    assert checks[(JULY, "rural")].warnings == []  # ¥950 ≥ ¥910


def test_a_row_for_both_never_in_force_for_an_area_with_its_own_row_of_the_same_month():
    both, urban = _row(JAN, "both", 50000), _row(JAN, "urban", 95000)
    assert services.in_force_periods(both, [both, urban]) == [("rural", None)]
    floors = [floor("dibao", "urban", amount=70000)]  # ¥910: the both row's ¥500 would be short
    checks = services.check_standards([both, urban], floors)
    assert checks[(JAN, "both")].warnings == []  # only in force for rural persons, no rural floor
    assert ("dibao", "rural", "") in checks[(JAN, "both")].not_checked
    assert ("dibao", "urban", "") not in checks[(JAN, "both")].not_checked


async def test_the_import_page_shows_the_warnings_of_a_standards_file(world, signed_in):
    """The web import says what the command line says: a basic below a floor, the legacy column
    no longer checked (the file is still imported)."""
    from tests.stipends.helpers import STANDARD, csv_bytes

    county = await world.county()
    client, _finance = await signed_in("finance", county=county)
    await services.add_floor(SYSTEM, county, {**RURAL_DIBAO})
    values = {**STANDARD, "basic_floor": "500.00"}
    data = csv_bytes(["county_code", "effective_from", *values], [[county, "2026-01", *values.values()]])
    preview = await post_form(client, "/import", {"kind": "standards"}, files={"file": ("standards.csv", data, "text/csv")})
    assert preview.status_code == 200
    section = preview.text[preview.text.index('id="import-warnings"') :]
    assert "不再检查" in section[: section.index("</div>")]
    assert "低保" in section[: section.index("</div>")]
