"""``parse_sheet`` converts column by column, each distinct value once, and ``read_sheet`` drops
blank CSV rows without Python code per row: both give exactly what the cell-by-cell reading
gives (the rows, their values in column order, the absent value of a refused cell — refused by
its parser or for a control character — every error in row and column order), for any sheet."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.core import exchange
from backend.core.exchange import (
    CellError,
    Column,
    ParsedRow,
    RowError,
    Sheet,
    parse_sheet,
    read_sheet,
)

COLUMNS = [
    Column("code", "编码", exchange.pattern(r"\d{1,3}", "digits")),
    Column("name", "名称", exchange.text(4)),
    Column("count", "数量", exchange.integer(minimum=0, maximum=50), required=False),
    Column("flag", "标志", exchange.yes_no, required=False),
    Column("day", "日期", exchange.date_cell, required=False),
    Column("month", "月份", exchange.month_cell, required=False),
    Column("amount", "金额", exchange.money_cell, required=False),
]
HEADERS = ["编码", "name", "数量", "FLAG", "日期", "month", "金额", "colour", ""]


def cell_by_cell(sheet: Sheet, columns: list[Column]) -> tuple[list[ParsedRow], list[RowError]]:
    """The reading before column-wise conversion (headers are checked by parse_sheet itself)."""
    present = []
    for column in columns:
        for index, header in enumerate(sheet.headers):
            if header == column.zh or header.lower() == column.key:
                present.append((column, index, header))
                break
    parsed, errors = [], []
    for number, cells in sheet.rows:
        values: dict[str, Any] = {}
        labels = {column.key: label for column, _index, label in present}
        for column, index, label in present:
            raw = cells[index] if index < len(cells) else None
            if raw is None or (raw.__class__ is str and not raw.strip()):
                if column.required:
                    errors.append(RowError(number, label, exchange._("A value is required.")))
                values[column.key] = None
                continue
            problem = exchange.control_problem(raw, column.multiline) if isinstance(raw, str) else None
            if problem:  # a control character refuses the cell as a parser would
                errors.append(RowError(number, label, problem))
                continue
            try:
                values[column.key] = column.parse(raw)
            except CellError as exc:
                errors.append(RowError(number, label, str(exc)))
        parsed.append(ParsedRow(row=number, values=values, labels=labels))
    return parsed, errors


def not_negative_zero(value: float) -> bool:
    # -0.0 == 0.0: a column holding both reads them as one value (as the cache before did).
    return not (value == 0 and math.copysign(1, value) < 0)


texts = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "\t",
            "12",
            " 007 ",
            "1234",
            "是",
            "否",
            "yes",
            "ab",
            "abcdef",
            "1,234.50",
            "12.345",
            "2026-11-02",
            "2026/2/30",
            "2026年11月2日",
            "2026-11",
            "2026年13月",
            "-3",
            "51",
            "0",
        ]
    ),
    st.text(max_size=6),
)
cells = st.one_of(
    texts,
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=60),
    st.floats(allow_infinity=True, allow_nan=True).filter(not_negative_zero),
    st.sampled_from([1.0, 2.5, 12.0, 1234.5]),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 1, 1)),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1)),
)


@st.composite
def sheets(draw, values=cells):
    headers = draw(st.permutations(HEADERS[:7]))[: draw(st.integers(min_value=2, max_value=7))]
    if "编码" not in headers or "name" not in headers:
        headers = ["编码", "name", *[h for h in headers if h not in ("编码", "name")]]
    pool = draw(st.lists(values, min_size=1, max_size=6))  # repeated values, as in real files
    rows = []
    for number in range(2, 2 + draw(st.integers(min_value=0, max_value=12))):
        width = draw(st.integers(min_value=0, max_value=len(headers) + 1))
        rows.append((number, [draw(st.sampled_from(pool) | values) for _ in range(width)]))
    return headers, rows


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheets())
def test_parse_sheet_reads_like_cell_by_cell(case):
    headers, rows = case
    expected = cell_by_cell(Sheet(list(headers), [(n, list(c)) for n, c in rows]), COLUMNS)
    sheet = Sheet(list(headers), [(n, list(c)) for n, c in rows])
    got = parse_sheet(sheet, COLUMNS)
    assert [(row.row, list(row.values.items()), row.labels) for row in got[0]] == [
        (row.row, list(row.values.items()), row.labels) for row in expected[0]
    ]
    assert got[1] == expected[1]
    assert sheet.rows == []


@settings(max_examples=200, deadline=None)
@given(sheets(texts))
def test_csv_text_sheets_too(case):
    headers, rows = case
    expected = cell_by_cell(Sheet(list(headers), rows), COLUMNS)
    got = parse_sheet(Sheet(list(headers), [(n, list(c)) for n, c in rows]), COLUMNS)
    assert [(row.row, list(row.values.items())) for row in got[0]] == [(row.row, list(row.values.items())) for row in expected[0]]
    assert got[1] == expected[1]


def test_header_errors_leave_the_rows_alone():
    sheet = Sheet(HEADERS, [(2, ["1", "a"])])
    rows, errors = parse_sheet(sheet, COLUMNS)
    assert rows == [] and {(e.row, e.column) for e in errors} == {(1, "colour"), (1, "#9")}
    assert sheet.rows == [(2, ["1", "a"])]


csv_cells = st.sampled_from(["", " ", "\u3000", "x", "编码", ' "q" ', "1,2", "\t"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(csv_cells, max_size=4), max_size=10))
def test_blank_csv_rows_are_skipped_as_before(body):
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows([["编码", "名称"], *body])
    data = buffer.getvalue().encode("utf-8")
    expected = [
        (number, row)
        for number, row in enumerate(list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))[1:], start=2)
        if not exchange._is_blank(row)
    ]
    assert read_sheet("f.csv", data).rows == expected
