"""The exchange-file reader: encodings, formats, headers, cells, and every error reported."""

from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from openpyxl import Workbook

from backend.core import exchange
from backend.core.exchange import Column, ExchangeError, parse_sheet, read_sheet
from backend.core.money import cny, parse_yuan, yuan_text

COLUMNS = [
    Column("code", "编码", exchange.pattern(r"\d{6}", "six digits")),
    Column("name", "名称", exchange.text(10)),
    Column("day", "日期", exchange.date_cell, required=False),
    Column("month", "月份", exchange.month_cell, required=False),
    Column("amount", "金额", exchange.money_cell, required=False),
    Column("flag", "标志", exchange.yes_no, required=False),
    Column("count", "数量", exchange.integer(minimum=0), required=False),
]


def parse(filename: str, data: bytes):
    rows, errors = parse_sheet(read_sheet(filename, data), COLUMNS)
    return rows, errors


def test_utf8_with_and_without_bom_and_gb18030_read_the_same():
    text = "编码,名称\n620102,城关区\n"
    for data in (text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("gb18030")):
        rows, errors = parse("f.csv", data)
        assert errors == []
        assert rows[0].values == {"code": "620102", "name": "城关区"}


def test_chinese_and_english_headers_in_any_order_with_spaces():
    rows, errors = parse("f.csv", " name , 编码 \n永登县,620121\n".encode())
    assert errors == [] and rows[0].values == {"code": "620121", "name": "永登县"}


def test_unknown_duplicate_and_missing_columns_are_errors_on_row_one():
    _rows, errors = parse("f.csv", "名称,colour,name\nx,y,z\n".encode())
    messages = {(e.row, e.column) for e in errors}
    assert (1, "colour") in messages  # unknown
    assert (1, "name") in messages  # twice
    assert (1, "编码") in messages  # required column missing


def test_every_bad_cell_is_reported_with_row_and_column():
    data = '编码,名称,日期,月份,金额,标志,数量\n12,,2026-13-01,2026-13,1.234,也许,-1\n620102,好,2026/11/2,2026年11月,"1,234.50",是,3\n'
    rows, errors = parse("f.csv", data.encode())
    assert {(e.row, e.column) for e in errors} == {
        (2, "编码"),
        (2, "名称"),
        (2, "日期"),
        (2, "月份"),
        (2, "金额"),
        (2, "标志"),
        (2, "数量"),
    }
    good = rows[1].values
    assert good == {
        "code": "620102",
        "name": "好",
        "day": date(2026, 11, 2),
        "month": date(2026, 11, 1),
        "amount": 123450,
        "flag": True,
        "count": 3,
    }
    assert str(errors[0]).startswith("row 2, column 编码: ")


def test_blank_lines_are_skipped_but_row_numbers_stay_as_excel_shows_them():
    rows, errors = parse("f.csv", "编码,名称\n\n,\n620102,x\n".encode())
    assert errors == [] and rows[0].row == 4


def test_xlsx_with_real_date_cells_and_numbers():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["编码", "名称", "日期", "金额", "数量"])
    sheet.append([620102, "城关区", datetime(2026, 11, 2), 1830.5, 12])
    buffer = BytesIO()
    workbook.save(buffer)
    rows, errors = parse("f.xlsx", buffer.getvalue())
    assert errors == []
    assert rows[0].values == {"code": "620102", "name": "城关区", "day": date(2026, 11, 2), "amount": 183050, "count": 12}


def test_other_formats_and_garbage_are_refused_clearly():
    for name, data in (("f.xls", b"x"), ("f.txt", b"x"), ("f.xlsx", b"not a zip"), ("f.csv", b"")):
        with pytest.raises(ExchangeError) as refused:
            read_sheet(name, data)
        assert refused.value.errors[0].row == 1


def test_datetime_cells_are_read_in_the_configured_time_zone():
    moment = exchange.datetime_cell("2026-11-02 14:30")
    assert moment == datetime(2026, 11, 2, 6, 30, tzinfo=UTC)
    assert exchange.datetime_cell("2026-11-02T14:30:05") == datetime(2026, 11, 2, 6, 30, 5, tzinfo=UTC)
    with pytest.raises(exchange.CellError):
        exchange.datetime_cell("2026-11-02")


def test_money_is_exact_fen():
    assert parse_yuan("¥1,234.50") == 123450
    assert parse_yuan("1234.5") == 123450
    assert parse_yuan("0.01") == 1
    assert parse_yuan("-3") == -300
    for bad in ("1.234", "1,23.00", "abc", "", "12,3456"):
        with pytest.raises(ValueError):
            parse_yuan(bad)
    assert yuan_text(183000) == "1830.00" and yuan_text(-5) == "-0.05"
    assert cny(123450) == "¥1,234.50"
