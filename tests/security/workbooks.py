"""Workbooks written by hand with zipfile: the parts of an XLSX, honest or crafted."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
SHEET = "xl/worksheets/sheet1.xml"


def _skeleton(book: zipfile.ZipFile) -> None:
    for name, text in (
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", PACKAGE_RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
    ):
        book.writestr(name, text)


def inline(text: str) -> str:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def sheet_xml(rows: list[list[str]], dimension: str | None = None, extra: str = "") -> str:
    """A sheet of inline-string cells (``rows`` hold the cells' XML, e.g. from ``inline``)."""
    head = f'<dimension ref="{dimension}"/>' if dimension else ""
    body = "".join(f'<row r="{number}">{"".join(cells)}</row>' for number, cells in enumerate(rows, start=1))
    return f"{SHEET_HEAD}{head}<sheetData>{body}{extra}</sheetData></worksheet>"


def workbook(sheet: str | bytes, parts: dict[str, str | bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        _skeleton(book)
        book.writestr(SHEET, sheet)
        for name, data in (parts or {}).items():
            book.writestr(name, data)
    return buffer.getvalue()


def dimension_bomb() -> bytes:
    """1–2 KB: a header row, and a sheet that declares (and reaches, with one cell) the whole
    grid A1:XFD1048576. python-calamine asks for 512 GiB reading it (measured on main: the web
    server aborted, `tekun import` exited 134)."""
    return workbook(
        sheet_xml(
            [[inline("身份证号"), inline("姓名")]],
            dimension="A1:XFD1048576",
            extra='<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
        )
    )


def zip_bomb(path: Path) -> Path:
    """About 4.5 MB holding one part of 1 GiB of zeros (deflated 230:1)."""
    if not path.exists():
        zeros = bytes(1 << 20)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
            _skeleton(book)
            with book.open(SHEET, "w", force_zip64=True) as part:
                for _ in range(1024):
                    part.write(zeros)
    return path


def many_rows(path: Path, rows: int = 8_000_000) -> Path:
    """About 11 MB: a sheet of ``rows`` one-cell rows, written as compressed sheet XML directly
    (compression 18:1, like a real sheet, so only the row limit refuses it)."""
    if not path.exists():
        generator = random.Random(8)
        block_rows = 5000
        block = "".join(f"<row><c><v>{generator.randrange(10)}</v></c></row>" for _ in range(block_rows)).encode()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
            _skeleton(book)
            with book.open(SHEET, "w", force_zip64=True) as part:
                part.write(f"{SHEET_HEAD}<sheetData>".encode())
                for _ in range(rows // block_rows):
                    part.write(block)
                part.write(b"</sheetData></worksheet>")
    return path
