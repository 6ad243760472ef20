"""The XLSX container is checked before python-calamine sees it; the row limit stops reading.

Every crafted workbook here is refused whole with a message naming the limit it breaks; honest
workbooks (openpyxl's, and the hand-written ones below) read as before.
"""

import io
import zipfile
from dataclasses import replace

import pytest
from openpyxl import Workbook

from backend.core.exchange import ExchangeError, Limits, read_sheet
from backend.core.i18n import reset_language, set_language
from tests.security.workbooks import SHEET, dimension_bomb, inline, sheet_xml, workbook

LIMITS = Limits()


@pytest.fixture(autouse=True)
def english():
    token = set_language("en")
    yield
    reset_language(token)


def refusal(data: bytes, limits: Limits = LIMITS, filename: str = "f.xlsx") -> str:
    with pytest.raises(ExchangeError) as refused:
        read_sheet(filename, data, limits)
    assert [(e.row, e.column) for e in refused.value.errors] == [(1, "-")]
    return refused.value.errors[0].message


def openpyxl_book(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HEADER = [inline("编码"), inline("名称")]


def test_honest_workbooks_read_as_before():
    sheet = read_sheet("f.xlsx", openpyxl_book([["编码", "名称"], ["620102", "城关区"], [None, None], ["620103", "x"]]))
    assert sheet.headers == ["编码", "名称"] and sheet.rows == [(2, ["620102", "城关区"]), (4, ["620103", "x"])]
    sheet = read_sheet("f.xlsx", workbook(sheet_xml([HEADER, [inline("620102"), inline("好")]], dimension="A1:B2")))
    assert sheet.rows == [(2, ["620102", "好"])]


def test_the_dimension_bomb_is_refused_by_its_declared_area():
    data = dimension_bomb()
    assert len(data) < 2048
    message = refusal(data)
    assert "A1:XFD1048576" in message and "1,000 columns" in message


def test_a_far_cell_without_a_dimension_is_refused_by_its_reference():
    data = workbook(sheet_xml([HEADER], extra='<row r="2"><c r="XFD2"><v>1</v></c></row>'))
    assert "column XFD" in refusal(data)
    data = workbook(sheet_xml([HEADER], extra='<row r="3000000"><c r="A3000000"><v>1</v></c></row>'))
    assert "row 3,000,000" in refusal(data)
    # Written after a line break or a tab instead of a space, it still counts.
    data = workbook(sheet_xml([HEADER], extra='<row r="2"><c\nr="XFD2"><v>1</v></c></row>'))
    assert "column XFD" in refusal(data)
    data = workbook(sheet_xml([HEADER], extra='<row r="2"><c\tr="A2100000"/></row>'))
    assert "row 2,100,000" in refusal(data)
    # A cell reference whose row number disagrees with its row still counts.
    data = workbook(sheet_xml([HEADER], extra='<row r="2"><c r="B2500000"><v>1</v></c></row>'))
    assert "row 2,500,000" in refusal(data)


def test_the_used_area_is_bounded_in_cells():
    limits = replace(LIMITS, max_cells=50)
    rows = [HEADER] + [[inline("620102"), inline("x")] for _ in range(30)]
    assert "more than 50 cells" in refusal(workbook(sheet_xml(rows)), limits)
    assert "more than 50 cells" in refusal(workbook(sheet_xml(rows[:2], dimension="A1:Z2")), limits)
    assert read_sheet("f.xlsx", workbook(sheet_xml(rows[:20])), limits).rows  # 40 cells: read


def test_reading_stops_as_soon_as_the_row_limit_is_passed():
    limits = replace(LIMITS, max_rows=10)
    rows = [HEADER] + [[inline("620102"), inline(str(n))] for n in range(20)]
    assert refusal(workbook(sheet_xml(rows)), limits) == "The sheet has more than 10 rows."
    assert len(read_sheet("f.xlsx", workbook(sheet_xml(rows[:11])), limits).rows) == 10
    csv = ("编码,名称\n" + "620102,x\n" * 11).encode()
    assert refusal(csv, limits, "f.csv") == "The file has more than 10 rows."
    assert len(read_sheet("f.csv", ("编码,名称\n" + "620102,x\n" * 10).encode(), limits).rows) == 10


def test_a_zip_bomb_is_refused_by_its_compression_ratio_without_inflating_it():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        for name in ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml"):
            book.writestr(name, "<x/>")
        book.writestr(SHEET, bytes(64 << 20))  # 64 MiB of zeros in 64 KB
    message = refusal(buffer.getvalue())
    assert SHEET in message and "at most 100:1" in message


def test_total_size_and_entry_count_are_bounded():
    honest = workbook(sheet_xml([HEADER, [inline("620102"), inline("x")]]))
    assert "at most 0 MB" in refusal(honest, replace(LIMITS, max_unpacked_bytes=1000))
    assert "holds 5 parts; at most 3" in refusal(honest, replace(LIMITS, max_zip_entries=3))


def test_declared_shared_strings_are_bounded():
    sst = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" '
        'uniqueCount="4000000000"><si><t>x</t></si></sst>'
    )
    data = workbook(sheet_xml([['<c t="s"><v>0</v></c>']]), {"xl/sharedStrings.xml": sst})
    assert "4,000,000,000 shared strings" in refusal(data)


def test_a_part_that_lies_about_its_size_is_refused():
    data = bytearray(workbook(sheet_xml([HEADER, [inline("620102"), inline("x" * 5000)]])))
    # The sheet's entry in the central directory says 100 bytes; the data inflates to 5 KB.
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_length = int.from_bytes(data[central + 28 : central + 30], "little")
        if data[central + 46 : central + 46 + name_length] == SHEET.encode():
            data[central + 24 : central + 28] = (100).to_bytes(4, "little")
        central = data.find(b"PK\x01\x02", central + 4)
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(SHEET).file_size == 100
    assert refusal(bytes(data)) == "The file is not a readable .xlsx workbook."


def test_a_document_type_declaration_is_refused():
    sheet = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + sheet_xml([HEADER]).split("\n", 1)[1]
    assert "document type declaration" in refusal(workbook(sheet))


def test_files_larger_than_the_limit_are_refused_before_reading():
    limits = replace(LIMITS, max_file_bytes=1024 * 1024)
    assert refusal(b"x" * (1024 * 1024 + 1), limits, "f.csv") == "The file is larger than 1 MB."


def test_a_csv_cell_past_the_field_limit_names_its_row():
    with pytest.raises(ExchangeError) as refused:
        read_sheet("f.csv", ("编码,名称\n620102,x\n620103," + "x" * 200_000 + "\n").encode())
    error = refused.value.errors[0]
    assert error.row == 3 and "131,072 characters" in error.message


def test_cells_without_references_are_counted_row_by_row():
    wide = "<row>" + "<c><v>1</v></c>" * 1500 + "</row>"
    assert "column BER" in refusal(workbook(sheet_xml([HEADER], extra=wide)))  # the 1,500th column
    tall = "".join("<row>" + "<c><v>1</v></c>" * 5 + "</row>" for _ in range(30))
    assert "more than 100 cells" in refusal(workbook(sheet_xml([HEADER], extra=tall)), replace(LIMITS, max_cells=100))
    # Column definitions before the sheet's data are not cells.
    columns = "<cols>" + "".join(f'<col min="{n}" max="{n}" width="9"/>' for n in range(1, 1501)) + "</cols>"
    sheet = sheet_xml([HEADER, [inline("620102"), inline("x")]]).replace("<sheetData>", columns + "<sheetData>")
    assert read_sheet("f.xlsx", workbook(sheet)).rows == [(2, ["620102", "x"])]
