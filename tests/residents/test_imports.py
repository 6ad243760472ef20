"""Imports of ``residents`` and ``assessments`` (interfaces.md §3), through the service and the
real ``tekun import`` command, from CSV and XLSX: every error with its row and column, nothing
written on refusal (register, ledgers, audit log), idempotent on a second import."""

import io
from datetime import date

import openpyxl
import pytest

from backend.core import citizen_id
from backend.core.exchange import ExchangeError
from backend.core.i18n import _
from backend.core.ledger import verify_all
from backend.core.tables import AuditEntry, LedgerHead
from backend.importers import run_import
from backend.residents import services
from backend.residents.exchange import TIER_REFUSED
from backend.residents.services import RegisterFilter
from backend.residents.tables import Assessment, Placement, ReassessmentTask, Resident
from tests.cli.helpers import as_json, tekun
from tests.residents.helpers import new_id

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
]
ASSESSMENT_HEADERS = ["身份证号", "评估日期", "自主吃饭", "自主穿衣", "自主上下床", "自主如厕", "室内行走", "自主洗澡", "评估人"]


def as_csv(headers: list[str], rows: list[list]) -> bytes:
    lines = [",".join(headers)] + [",".join("" if cell is None else str(cell) for cell in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def as_xlsx(headers: list[str], rows: list[list]) -> bytes:
    """A real workbook: dates as Excel date cells, ID numbers as text."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(
            [date.fromisoformat(cell) if isinstance(cell, str) and len(cell) == 10 and cell[4] == "-" else cell for cell in row]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


FORMATS = {"csv": as_csv, "xlsx": as_xlsx}


async def snapshot() -> dict:
    """Row counts of everything an import may write, and the head of every ledger."""
    return {
        "residents": await Resident.count(),
        "placements": await Placement.count(),
        "assessments": await Assessment.count(),
        "tasks": await ReassessmentTask.count(),
        "audit": await AuditEntry.count(),
        "heads": {row["name"]: (row["seq"], row["last_hash"]) for row in await LedgerHead.select()},
        "register": [tuple(row.values()) for row in await Resident.select().order_by(Resident.id)],
    }


@pytest.fixture
async def place(world):
    county = await world.county()
    home = await world.home(county=county, beds=10)
    other_county = await world.county()
    other_home = await world.home(county=other_county)
    return county, home, other_home


def good_rows(county: str, home: str) -> list[list]:
    return [
        [new_id("M", date(1946, 3, 2)), "王德福", "男", county, "2023-05-10", "集中", home, "2023-06-01", "", ""],
        [new_id("F", date(1950, 8, 9)), "李秀英", "女", county, "2022-01-15", "分散", "", "", "", ""],
        [new_id("F", date(1939, 12, 30)), "赵桂兰", "", county, "2021-03-01", "集中", home, "2021-04-01", "2024-07-31", ""],
    ]


def pairs(errors) -> set[tuple[int, str]]:
    return {(error.row, error.column) for error in errors}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
async def test_register_errors_are_reported_by_row_and_column_and_nothing_is_written(place, system, fmt):
    county, home, other_home = place
    good = good_rows(county, home)[0]
    woman = new_id("F")
    valid = new_id("M")
    bad_checksum = valid[:17] + ("0" if valid[17] != "0" else "1")
    rows = [
        good,  # row 2: valid
        [new_id("M"), "张三", "女", county, "2023-01-01", "分散", "", "", "", ""],  # 3: gender vs ID
        [new_id("M"), "李四", "男", county, "2023-01-01", "集中", "NO-SUCH-HOME", "2023-02-01", "", ""],  # 4: unknown home
        [new_id("M"), "刘五", "男", county, "2023-01-01", "集中", other_home, "2023-02-01", "", ""],  # 5: home of another county
        [woman, "陈六", "女", county, "2023-01-01", "集中", "", "2023-02-01", "", ""],  # 6: concentrated, no home
        [good[0], "王德福", "男", county, "2023-05-10", "集中", home, "2023-06-01", "", ""],  # 7: same ID as row 2
        [bad_checksum, "钱八", "男", county, "2023-01-01", "分散", "", "", "", ""],  # 8: check digit
    ]
    before = await snapshot()
    with pytest.raises(ExchangeError) as refused:
        await run_import(system, "residents", f"r.{fmt}", FORMATS[fmt](RESIDENT_HEADERS, rows))
    # One upload reports every problem: the cell checks (row 8) and the register's rules (rows 3–7).
    assert pairs(refused.value.errors) == {
        (3, "性别"),
        (4, "机构编码"),
        (5, "机构编码"),
        (6, "机构编码"),
        (7, "身份证号"),
        (8, "身份证号"),
    }
    assert [error.row for error in refused.value.errors] == sorted(error.row for error in refused.value.errors)
    by_row = {error.row: error.message for error in refused.value.errors}
    assert by_row[3] == _(citizen_id.GENDER)
    assert by_row[8] == _(citizen_id.CHECKSUM)
    assert "2" in by_row[7]  # names the first row of that person
    assert all(error.message for error in refused.value.errors)
    assert await snapshot() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
async def test_a_bad_checksum_is_reported_and_nothing_is_written(place, system, fmt):
    county, home, _other = place
    rows = good_rows(county, home)
    bad = rows[1][0]
    rows[1][0] = bad[:17] + ("0" if bad[17] != "0" else "1")
    before = await snapshot()
    with pytest.raises(ExchangeError) as refused:
        await run_import(system, "residents", f"r.{fmt}", FORMATS[fmt](RESIDENT_HEADERS, rows))
    assert [(e.row, e.column, e.message) for e in refused.value.errors] == [(3, "身份证号", _(citizen_id.CHECKSUM))]
    assert await snapshot() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
async def test_a_good_file_imports_once_and_the_second_import_changes_nothing(place, system, fmt):
    county, home, _other = place
    rows = good_rows(county, home)
    data = FORMATS[fmt](RESIDENT_HEADERS, rows)
    first = await run_import(system, "residents", f"r.{fmt}", data)
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    roster = await services.roster(system, home)
    assert [item.name for item in roster.items] == ["王德福"]  # 赵桂兰 left in 2024
    left = (await services.search_register(system, RegisterFilter(search=rows[2][0]))).items[0]
    assert left.mode == "dispersed" and left.gender == "F"
    assert (await services.state_on(system, left.id, date(2022, 1, 1))).mode == "concentrated"
    after_first = await snapshot()
    second = await run_import(system, "residents", f"r.{fmt}", data)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert await snapshot() == after_first

    answers = ["能", "能", "能", "能", "不能", "不能"]
    assessments = [
        [rows[0][0], "2024-06-01", "能", "能", "能", "能", "能", "能", "王燕"],
        [rows[0][0], "2025-06-01", *answers, "王燕"],
        [rows[1][0], "2025-03-03", "不能", "不能", "不能", "不能", "是", "否", ""],
    ]
    data = FORMATS[fmt](ASSESSMENT_HEADERS, assessments)
    result = await run_import(system, "assessments", f"a.{fmt}", data)
    assert (result.created, result.unchanged) == (3, 0)
    person = (await services.search_register(system, RegisterFilter(search=rows[0][0]))).items[0]
    assert person.tier == "partial" and person.last_assessed_on == date(2025, 6, 1)
    assert (await services.state_on(system, person.id, date(2024, 12, 31))).tier == "self_care"
    dispersed = (await services.search_register(system, RegisterFilter(search=rows[1][0]))).items[0]
    assert dispersed.tier == "full_loss"
    after_assessments = await snapshot()
    again = await run_import(system, "assessments", f"a.{fmt}", data)
    assert (again.created, again.unchanged) == (0, 3)
    assert await snapshot() == after_assessments
    assert await verify_all() is None  # the set-based writes chain the ledgers like append_rows


@pytest.mark.parametrize("header", ["tier", "等级", "Tier"])
async def test_an_assessment_file_with_a_tier_column_is_refused(place, system, header):
    county, home, _other = place
    rows = good_rows(county, home)
    await run_import(system, "residents", "r.csv", as_csv(RESIDENT_HEADERS, rows))
    before = await snapshot()
    data = as_csv([*ASSESSMENT_HEADERS, header], [[rows[0][0], "2025-01-02", "能", "能", "能", "能", "能", "能", "", "自理"]])
    with pytest.raises(ExchangeError) as refused:
        await run_import(system, "assessments", "a.csv", data)
    assert [(e.row, e.column, e.message) for e in refused.value.errors] == [(1, header, _(TIER_REFUSED))]
    assert await snapshot() == before


async def test_assessment_errors_name_row_and_column(place, system):
    county, home, _other = place
    rows = good_rows(county, home)
    await run_import(system, "residents", "r.csv", as_csv(RESIDENT_HEADERS, rows))
    before = await snapshot()
    data = as_csv(
        ASSESSMENT_HEADERS,
        [
            [rows[0][0], "2025-01-02", "能", "能", "能", "能", "能", "能", ""],  # 2: valid
            [new_id("M"), "2025-01-02", "能", "能", "能", "能", "能", "能", ""],  # 3: not in the register
            [rows[0][0], "2025-01-02", "能", "能", "能", "能", "能", "能", ""],  # 4: same person and date as row 2
            [rows[1][0], "2099-01-02", "能", "能", "能", "能", "能", "能", ""],  # 5: in the future
        ],
    )
    with pytest.raises(ExchangeError) as refused:
        await run_import(system, "assessments", "a.csv", data)
    assert pairs(refused.value.errors) == {(3, "身份证号"), (4, "评估日期"), (5, "评估日期")}
    data = as_csv(ASSESSMENT_HEADERS, [[rows[0][0], "2025-01-02", "能", "也许", "能", "能", "能", "能", ""]])
    with pytest.raises(ExchangeError) as refused:
        await run_import(system, "assessments", "a.csv", data)
    assert pairs(refused.value.errors) == {(2, "自主穿衣")}
    assert await snapshot() == before


async def test_a_reimport_may_fill_but_not_rewrite_history(place, system):
    county, home, _other = place
    rows = good_rows(county, home)
    await run_import(system, "residents", "r.csv", as_csv(RESIDENT_HEADERS, rows))
    before = await snapshot()
    changed = [list(row) for row in rows]
    changed[0][1] = "王德富"  # name differs
    changed[1][3] = county  # unchanged
    with pytest.raises(ExchangeError) as refused:
        await run_import(system, "residents", "r.csv", as_csv(RESIDENT_HEADERS, changed))
    assert pairs(refused.value.errors) == {(2, "姓名")}
    assert await snapshot() == before
    filled = [list(row) for row in rows]
    filled[1][9] = "2025-12-31"  # 终止日期 was empty: may be filled
    result = await run_import(system, "residents", "r.csv", as_csv(RESIDENT_HEADERS, filled))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    person = (await services.search_register(system, RegisterFilter(search=rows[1][0]))).items[0]
    assert person.ended_on == date(2025, 12, 31)


async def test_english_keys_in_any_order_and_a_full_home_is_refused(world, system):
    county = await world.county()
    home = await world.home(county=county, beds=1)
    headers = ["support_mode", "home_code", "admitted_on", "name", "id_number", "county_code", "approved_on"]
    rows = [
        ["集中", home, "2024-02-01", "马永", new_id("M"), county, "2024-01-01"],
        ["集中", home, "2024-02-01", "马红", new_id("F"), county, "2024-01-01"],
    ]
    before = await snapshot()
    with pytest.raises(ExchangeError) as refused:
        await run_import(system, "residents", "r.csv", as_csv(headers, rows))
    assert pairs(refused.value.errors) == {(3, "home_code")}
    assert "1" in refused.value.errors[0].message
    assert await snapshot() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
async def test_through_the_command_line(place, tmp_path, fmt):
    county, home, _other = place
    rows = good_rows(county, home)
    bad = [list(row) for row in rows]
    bad[0][6] = "NO-SUCH-HOME"
    bad[2][2] = "男"  # 赵桂兰's ID is a woman's
    path = tmp_path / f"residents.{fmt}"
    path.write_bytes(FORMATS[fmt](RESIDENT_HEADERS, bad))
    before = await snapshot()
    result = tekun("import", "residents", str(path), "--json")
    assert result.returncode == 2, result.stderr
    body = as_json(result)
    assert body["ok"] is False
    assert {(e["row"], e["column"]) for e in body["errors"]} == {(2, "机构编码"), (4, "性别")}
    assert "row 2, column 机构编码" in result.stderr and "nothing was written" in result.stderr
    assert await snapshot() == before

    path.write_bytes(FORMATS[fmt](RESIDENT_HEADERS, rows))
    dry = tekun("import", "residents", str(path), "--dry-run", "--json")
    assert dry.returncode == 0 and as_json(dry)["created"] == 3
    assert await snapshot() == before
    first = tekun("import", "residents", str(path), "--json")
    assert first.returncode == 0, first.stderr
    assert as_json(first)["created"] == 3
    after = await snapshot()
    second = tekun("import", "residents", str(path), "--json")
    assert second.returncode == 0
    assert (as_json(second)["created"], as_json(second)["unchanged"]) == (0, 3)
    assert await snapshot() == after

    tiered = tmp_path / f"assessments.{fmt}"
    tiered.write_bytes(
        FORMATS[fmt]([*ASSESSMENT_HEADERS, "等级"], [[rows[0][0], "2025-01-02", "能", "能", "能", "能", "能", "能", "", "自理"]])
    )
    refused = tekun("import", "assessments", str(tiered), "--json")
    assert refused.returncode == 2
    assert as_json(refused)["errors"][0]["column"] == "等级"
    assert await snapshot() == after
