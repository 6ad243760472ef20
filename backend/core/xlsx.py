"""A dependency-free XLSX writer: one sheet, a header row, inline strings and numbers.

Enough for exports that open in Excel and WPS (the death register, the recovery list); reading
XLSX is ``backend.core.exchange.read_sheet``. Never a formula: the writer has no ``<f>`` element
at all; every text is an inline string in a text style with ``quotePrefix`` (``backend.core.cells``
says why), and no character XML 1.0 forbids is ever written."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from backend.core.cells import is_number, text_of, xml_text

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def column_name(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


# Style 1: the text number format (@) with quotePrefix, so that a cell edited in Excel stays text.
# Styles 2 and 3: a number and a text on a light red fill (``highlight``: overdue rows).
TEXT_STYLE = 1
MARKED_NUMBER_STYLE, MARKED_TEXT_STYLE = 2, 3
HIGHLIGHT_RGB = "FFFFC7CE"
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    f'<fill><patternFill patternType="solid"><fgColor rgb="{HIGHLIGHT_RGB}"/><bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" quotePrefix="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="2" borderId="0" xfId="0" applyFill="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="2" borderId="0" xfId="0" applyNumberFormat="1" applyFill="1" quotePrefix="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _cell(ref: str, value: Any, marked: bool = False) -> str:
    if is_number(value):
        style = f' s="{MARKED_NUMBER_STYLE}"' if marked else ""
        return f'<c r="{ref}"{style}><v>{value}</v></c>'
    text = text_of(value)
    if not text:
        # an empty cell is no cell (but a highlighted row keeps its colour across)
        return f'<c r="{ref}" s="{MARKED_NUMBER_STYLE}"/>' if marked else ""
    # Everything else is an inline string: a number-looking ID stays text (no 6.2E+17), and
    # formula-looking text (=1+1, @SUM(1)) is never evaluated.
    return f'<c r="{ref}" s="{MARKED_TEXT_STYLE if marked else TEXT_STYLE}" t="inlineStr"><is><t xml:space="preserve">{xml_text(text)}</t></is></c>'


def to_xlsx(
    header: Sequence[str], rows: Iterable[Sequence[Any]], sheet_name: str = "Sheet1", highlight: Collection[int] = ()
) -> bytes:
    """One sheet: ``header`` then ``rows``. Finite numbers (int, float, Decimal) are numeric
    cells; everything else is text (True/False as 是/否, None empty). ``highlight``: the indexes
    (0 = the first row after the header) of rows shown on a light red fill."""
    lines = []
    for r, values in enumerate([list(header), *rows], start=1):
        marked = r - 2 in highlight
        cells = "".join(_cell(f"{column_name(c)}{r}", value, marked) for c, value in enumerate(values))
        lines.append(f'<row r="{r}">{cells}</row>')
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(lines)}</sheetData></worksheet>"
    )
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{xml_text(sheet_name)}" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": sheet,
        "xl/styles.xml": STYLES,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()
