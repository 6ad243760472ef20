"""Clean text from exchange files: control characters refused (row and column named), CSV
encodings (UTF-8 ± BOM and GB18030 read; Big5, Shift-JIS, UTF-16 refused asking for UTF-8)."""

import pytest

from backend.core import exchange
from backend.core.exchange import Column, ExchangeError, parse_sheet, read_sheet
from backend.core.i18n import reset_language, set_language
from tests.security.workbooks import inline, sheet_xml, workbook

COLUMNS = [
    Column("code", "编码", exchange.pattern(r"\d{6}", "six digits")),
    Column("name", "名称", exchange.text(20)),
    Column("note", "备注", exchange.text(200), required=False, multiline=True),
]


@pytest.fixture(autouse=True)
def english():
    token = set_language("en")
    yield
    reset_language(token)


def parse(filename: str, data: bytes):
    return parse_sheet(read_sheet(filename, data), COLUMNS)


# --- control characters ---------------------------------------------------------------------


def test_a_control_character_in_a_cell_names_its_row_and_column():
    rows, errors = parse("f.csv", "编码,名称\n620102,好\n620103,a\x0bb\n".encode())
    assert [(e.row, e.column) for e in errors] == [(3, "名称")]
    assert "U+000B" in errors[0].message
    assert [row.row for row in rows] == [2, 3] and "name" not in rows[1].values  # refused: no value


def test_nul_in_a_csv_cell_is_refused_with_row_and_column_not_a_crash():
    rows, errors = parse("f.csv", b"\xef\xbb\xbf\xe7\xbc\x96\xe7\xa0\x81,\xe5\x90\x8d\xe7\xa7\xb0\n620102,a\x00b\n620103,ok\n")
    assert [(e.row, e.column) for e in errors] == [(2, "名称")]
    assert "U+0000 NUL" in errors[0].message
    assert rows[1].values == {"code": "620103", "name": "ok"}


def test_every_control_character_is_refused_outside_multi_line_notes():
    for character in ["\x00", "\x01", "\x08", "\x1b", "\x7f", "\x85", "\x9f", "\u2028", "\t", "\n", "\r"]:
        _rows, errors = parse_sheet(exchange.Sheet(["编码", "名称"], [(2, ["620102", f"a{character}b"])]), COLUMNS)
        assert [(e.row, e.column) for e in errors] == [(2, "名称")], repr(character)
        assert f"U+{ord(character):04X}" in errors[0].message


def test_tab_and_line_breaks_are_kept_in_a_multi_line_note_other_controls_are_not():
    sheet = exchange.Sheet(
        ["编码", "名称", "备注"], [(2, ["620102", "x", "第一行\n第二行\r\n\t缩进"]), (3, ["620103", "y", "a\x07b"])]
    )
    rows, errors = parse_sheet(sheet, COLUMNS)
    assert rows[0].values["note"] == "第一行\n第二行\r\n\t缩进"
    assert [(e.row, e.column) for e in errors] == [(3, "备注")] and "U+0007" in errors[0].message


def test_surrounding_whitespace_is_still_ignored():
    rows, errors = parse("f.csv", "编码,名称\n620102,\t城关区 \n".encode())
    assert errors == [] and rows[0].values["name"] == "城关区"


def test_control_characters_in_xlsx_cells_are_refused_too():
    # Excel writes a control character as _x000B_; the reader decodes it, the check refuses it.
    data = workbook(
        sheet_xml(
            [[inline("编码"), inline("名称")], [inline("620102"), inline("a_x000B_b")], [inline("620103"), inline("a_x0000_b")]]
        )
    )
    _rows, errors = parse("f.xlsx", data)
    assert [(e.row, e.column) for e in errors] == [(2, "名称"), (3, "名称")]
    assert "U+000B" in errors[0].message and "NUL" in errors[1].message


def test_a_control_character_in_a_header_is_named_by_its_position():
    _rows, errors = parse("f.csv", "编码,名\x01称\n620102,x\n".encode())
    assert (1, "#2") in [(e.row, e.column) for e in errors]
    assert any("U+0001" in e.message for e in errors)


# --- encodings ------------------------------------------------------------------------------

REGISTER = (
    "身份证号,姓名,性别,区划代码,认定日期,供养方式,机构编码,入住日期\n"
    "620101195304251432,李国保,男,620101,2024-07-08,集中,H620101-06,2025-10-08\n"
    "620101195807140988,卢凤月,女,620101,2020-01-02,分散,,\n"
    "620102194911230023,张桂兰,女,620102,2019-05-11,集中,H620102-01,2019-06-01\n"
)
COUNTIES = "编码,名称\n620102,城关区\n620103,七里河区\n"


def test_utf8_with_and_without_bom_and_gb18030_give_the_same_text():
    for data in (COUNTIES.encode(), b"\xef\xbb\xbf" + COUNTIES.encode(), COUNTIES.encode("gb18030")):
        rows, errors = parse("f.csv", data)
        assert errors == [] and [r.values["name"] for r in rows] == ["城关区", "七里河区"]
    sheet = read_sheet("r.csv", REGISTER.encode("gb18030"))
    assert sheet.headers[1] == "姓名" and sheet.rows[0][1][1] == "李国保"


def test_a_big5_file_is_refused_asking_for_utf8():
    traditional = "編碼,名稱,地址\n620102,城關區,蘭州市城關區東崗西路\n620103,七里河區,蘭州市七里河區西津東路\n"
    data = traditional.encode("big5")
    data.decode("gb18030")  # GB18030 would read it, as nonsense: only the check stops it
    with pytest.raises(ExchangeError) as refused:
        read_sheet("f.csv", data)
    message = refused.value.errors[0].message
    assert "Big5" in message and "UTF-8" in message


def test_a_shift_jis_file_is_refused_asking_for_utf8():
    japanese = "氏名,住所\n山田太郎,東京都千代田区丸の内\nさとう はなこ,大阪府大阪市北区\n"
    data = japanese.encode("shift_jis")
    data.decode("gb18030")
    with pytest.raises(ExchangeError) as refused:
        read_sheet("f.csv", data)
    message = refused.value.errors[0].message
    assert "Shift-JIS" in message and "UTF-8" in message


def test_utf16_and_broken_utf8_after_a_bom_are_refused():
    for data in (COUNTIES.encode("utf-16"), COUNTIES.encode("utf-16-le"), b"\xef\xbb\xbf" + COUNTIES.encode("gb18030")):
        with pytest.raises(ExchangeError) as refused:
            read_sheet("f.csv", data)
        assert "UTF-8" in refused.value.errors[0].message


def test_bytes_that_no_encoding_reads_are_refused_with_the_generic_message():
    with pytest.raises(ExchangeError) as refused:
        read_sheet("f.csv", "编码,名称\n".encode() + bytes(range(0x80, 0x100)) * 4)
    assert "UTF-8" in refused.value.errors[0].message and "GB18030" in refused.value.errors[0].message


def test_the_refusal_is_in_chinese_on_a_chinese_page():
    token = set_language("zh_CN")
    try:
        with pytest.raises(ExchangeError) as refused:
            read_sheet("f.csv", "編碼,名稱\n620102,城關區東崗西路\n".encode("big5"))
    finally:
        reset_language(token)
    assert "另存为" in refused.value.errors[0].message and "Big5" in refused.value.errors[0].message


def test_a_csv_wider_than_a_sheet_may_be_is_refused_whole_naming_the_line():
    limit = exchange.get_limits().max_columns
    at_limit = ",".join(f"c{i}" for i in range(limit)) + "\n" + "," * (limit - 1) + "\n"
    assert len(read_sheet("wide.csv", at_limit.encode()).headers) == limit
    too_wide = at_limit + "," * limit + "\n"  # line 3: one column more than allowed
    with pytest.raises(ExchangeError) as refused:
        read_sheet("wide.csv", too_wide.encode())
    [error] = refused.value.errors
    assert (error.row, error.column) == (1, "-") and "Line 3" in error.message and f"{limit:,}" in error.message
    headers = ",".join(f"c{i}" for i in range(200_000)) + "\n"
    with pytest.raises(ExchangeError) as refused:
        read_sheet("wide.csv", headers.encode())
    assert len(refused.value.errors) == 1 and "Line 1" in refused.value.errors[0].message
