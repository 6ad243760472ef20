"""Exports never carry formulas (issue 8, point 3), and never break XML.

Formula-looking text is stored through the services (it is accepted on input) and read back from
every export: the death register as CSV (parsed with ``csv``) and XLSX, and the recovery list XLSX
(both opened with openpyxl and checked cell by cell). Control characters cannot be stored any more
(tests/test_text_clean.py), so the writers are fed them directly: the files must stay well formed.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from xml.etree import ElementTree

import openpyxl
import pytest

from backend.core import cells, dates, xlsx
from backend.deaths import export
from backend.deaths import services as deaths
from backend.deaths.schemas import DeathIn
from backend.residents.schemas import ResidentIn
from backend.stipends import reports, services, workflow
from tests.residents.helpers import new_id, register_person
from tests.stipends.helpers import SYSTEM, import_lines, import_standard, person

FORMULAS = ["=1+1", "@SUM(1)", '=HYPERLINK("http://x")', "+1", "-1", "\t=1+1", "\r=1+1"]
# The services strip surrounding white space, so a stored text never begins with a tab or CR:
# those two are fed to the export functions directly (test_the_death_export_functions_…).
STORABLE = FORMULAS[:5]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def sheet_parts(body: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def assert_safe_xlsx(body: bytes) -> openpyxl.worksheet.worksheet.Worksheet:
    """Every part is well-formed XML, there is no formula element, and openpyxl opens it."""
    for name, content in sheet_parts(body).items():
        root = ElementTree.fromstring(content)  # raises on a character XML 1.0 forbids
        assert not any(element.tag.rsplit("}", 1)[-1] == "f" for element in root.iter()), name
    book = openpyxl.load_workbook(io.BytesIO(body))
    return book.active


# --- the one helper ----------------------------------------------------------------------------


def test_csv_cells_neutralise_text_and_keep_numbers():
    for text in FORMULAS:
        assert cells.csv_cell(text) == "'" + text
    assert cells.csv_cell("-") == "'-" and cells.csv_cell("a=1") == "a=1" and cells.csv_cell(" =1") == " =1"
    assert cells.csv_cell("'=1") == "'=1"  # already starts with an apostrophe: no formula
    # A negative *number* is a number; only text starting with "-" is neutralised.
    assert cells.csv_cell(-1) == "-1" and cells.csv_cell(Decimal("-1.50")) == "-1.50" and cells.csv_cell(-0.5) == "-0.5"
    assert cells.csv_cell(True) == "是" and cells.csv_cell(None) == ""
    assert cells.csv_cell(float("nan")) == "nan" and not cells.is_number(float("inf")) and not cells.is_number(Decimal("NaN"))
    body = cells.to_csv(["=h"], [["=1+1", -3, None]])
    assert csv_rows(body) == [["'=h"], ["'=1+1", "-3", ""]]


def test_the_xlsx_writer_writes_text_as_inline_strings_and_numbers_as_numbers():
    values = [*FORMULAS, -1, Decimal("-2.50"), 3.25, 0, True, None, float("nan"), "6201021990"]
    sheet = assert_safe_xlsx(xlsx.to_xlsx(["=head"] * len(values), [values]))
    assert sheet["A1"].value == "=head" and sheet["A1"].data_type == "s"
    got = [sheet.cell(row=2, column=c + 1) for c in range(len(values))]
    for cell, text in zip(got, FORMULAS, strict=False):
        assert (cell.value, cell.data_type) == (text, "s")
        assert cell.quotePrefix  # Excel keeps it text when the cell is edited
    numbers = got[len(FORMULAS) : len(FORMULAS) + 4]
    assert [(c.value, c.data_type) for c in numbers] == [(-1, "n"), (-2.5, "n"), (3.25, "n"), (0, "n")]
    rest = got[len(FORMULAS) + 4 :]
    assert [(c.value, c.data_type) for c in rest] == [("是", "s"), (None, "n"), ("nan", "s"), ("6201021990", "s")]


@pytest.mark.parametrize("bad", ["a\x0bb", "\x00", "x\x1fy\x7f", "\ud800", "\ufffe\uffff", "\x85"])
def test_the_xlsx_writer_never_writes_characters_xml_forbids(bad):
    body = xlsx.to_xlsx(["h"], [[bad, "ok"]], sheet_name="s" + bad)
    sheet = assert_safe_xlsx(body)
    value = sheet["A2"].value
    assert "\ufffd" in value or value == bad  # C1 (U+0085) is legal XML and stays as given
    assert all(ch not in value for ch in "\x00\x0b\x1f\ud800\ufffe\uffff") and sheet["B2"].value == "ok"


def test_the_death_export_functions_survive_control_characters():
    row = {key: "a\x0bb\x00" for key, _zh in export.COLUMNS} | {"deadline_hours": 24, "late": False}
    sheet = assert_safe_xlsx(export.to_xlsx([row]))
    assert sheet["K2"].value == "a\ufffdb\ufffd" and sheet["H2"].value == 24
    assert csv_rows(export.to_csv([row]))[1][10] == "a\x0bb\x00"  # CSV can hold them; only XML cannot


def test_the_death_export_functions_neutralise_tab_and_cr_initial_text():
    rows = [{key: text for key, _zh in export.COLUMNS} | {"deadline_hours": -24} for text in FORMULAS]
    table = csv_rows(export.to_csv(rows))[1:]
    assert [line[0] for line in table] == ["'" + text for text in FORMULAS]
    assert {line[7] for line in table} == {"-24"}  # a negative number stays a number
    sheet = assert_safe_xlsx(export.to_xlsx(rows))
    assert [(row[0].value, row[0].data_type) for row in sheet.iter_rows(min_row=2)] == [(text, "s") for text in FORMULAS]
    assert {(row[7].value, row[7].data_type) for row in sheet.iter_rows(min_row=2)} == {(-24, "n")}


# --- the death register (CSV and XLSX), through the services and the route ---------------------


async def test_the_death_register_exports_neutralise_formulas(world, signed_in, system):
    county = await world.county()
    home = await world.home(county=county, name="=HOME()")
    for index, text in enumerate(STORABLE):
        resident = await register_person(
            system,
            ResidentIn(
                id_number=new_id("E"),
                name=text,
                county_code=county,
                approved_on=date(2024, 1, 10),
                home_code=home,
                admitted_on=date(2024, 2, 1),
            ),
        )
        died = dates.now_utc() - timedelta(hours=3 + index)
        await deaths.report_death(
            system,
            resident.id,
            DeathIn(
                died_at=died,
                place=text,
                cause="@SUM(1)",
                certificate_no='=HYPERLINK("http://x")',
                reporter="-1",
                funeral_arrangements=text + "\r\n\t+2",
            ),
        )  # multi-line: a tab inside is kept
    client, _user = await signed_in("inspector", county=county)
    expected = await deaths.export_rows(system, county, None)
    assert sorted(row["place"] for row in expected) == sorted(STORABLE)

    response = await client.get(f"/counties/{county}/deaths/export?format=csv")
    assert response.status_code == 200 and response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response.content)
    assert rows[0] == [zh for _key, zh in export.COLUMNS] and len(rows) == len(STORABLE) + 1
    for line, source in zip(rows[1:], expected, strict=True):
        for (key, _zh), cell in zip(export.COLUMNS, line, strict=True):
            value = source[key]
            if isinstance(value, str) and value.startswith(TRIGGERS):
                assert cell == "'" + value, (key, cell)
            else:
                assert cell == cells.text_of(value), (key, cell)
                assert not cell.startswith(TRIGGERS) or isinstance(value, int | float)
    assert {line[2] for line in rows[1:]} == {home}
    assert all(line[3] == "'=HOME()" and line[12] == '\'=HYPERLINK("http://x")' and line[13] == "'-1" for line in rows[1:])

    response = await client.get(f"/counties/{county}/deaths/export?format=xlsx")
    sheet = assert_safe_xlsx(response.content)
    table = list(sheet.iter_rows(min_row=2))
    assert len(table) == len(STORABLE)
    for line, source in zip(table, expected, strict=True):
        for (key, _zh), cell in zip(export.COLUMNS, line, strict=True):
            value = source[key]
            if value in (None, ""):
                assert cell.value is None, key
            elif isinstance(value, bool) or not isinstance(value, int | float):
                assert (cell.value, cell.data_type) == (cells.text_of(value), "s"), key
            else:
                assert (cell.value, cell.data_type) == (value, "n"), key
    assert sorted(line[14].value for line in table) == sorted(text + "\r\n\t+2" for text in STORABLE)
    assert sorted(line[10].value for line in table) == sorted(STORABLE)
    assert sorted(line[1].value for line in table) == sorted(STORABLE)


# --- the recovery list (XLSX) -------------------------------------------------------------------


async def test_the_recovery_list_keeps_formula_text_as_text(world, signed_in):
    month = dates.add_months(dates.month_of(dates.today()), -1)
    county = await world.county()
    home = await world.home(county=county, beds=50)
    await import_standard(county)
    paid = []
    for index, text in enumerate(["=1+1", "@SUM(1)", '=HYPERLINK("http://x")', "-1"]):
        someone = await person(county, home, name=text)
        # Care 400.00 + index paid where 300.00 is owed (no tier's amount): an AMOUNT_MISMATCH.
        await import_lines(
            [[f"{text}#{county}", someone["id_number"], text, county, dates.month_text(month), "600.00", f"{400 + index}.00"]]
        )
        paid.append(text)
    report = await services.reconcile(SYSTEM, county, month)
    finance, user = await signed_in("finance", county=county)
    for position, finding in enumerate(report.findings):
        if finding.code == "AMOUNT_MISMATCH":
            await workflow.review_finding(user.scope, report.run_id, position, "confirmed", note=finding.name, county_code=county)
    expected = await reports.recovery_rows(SYSTEM, county, month)
    assert sorted(row["name"] for row in expected) == sorted(paid)

    response = await finance.get(f"/counties/{county}/stipends/recovery.xlsx?month={dates.month_text(month)}")
    assert response.status_code == 200, response.text
    sheet = assert_safe_xlsx(response.content)
    assert [c.value for c in sheet[1]] == reports.RECOVERY_COLUMNS
    table = list(sheet.iter_rows(min_row=2))
    assert len(table) == len(expected)
    for line, source in zip(table, expected, strict=True):
        name, ref, note = line[1], line[3], line[9]
        assert (name.value, name.data_type) == (source["name"], "s")
        assert (ref.value, ref.data_type) == (source["payment_ref"], "s") and ref.value.startswith(source["name"])
        assert (note.value, note.data_type) == (source["name"], "s")
        for cell, fen in zip(line[4:7], (source["paid"], source["expected"], source["recover"]), strict=True):
            assert cell.data_type == "n" and Decimal(str(cell.value)) == Decimal(fen) / 100
    assert {line[1].value for line in table} == set(paid)
