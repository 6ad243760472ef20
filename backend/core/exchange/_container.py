"""Checks on an XLSX container before any spreadsheet library sees it.

python-calamine allocates the whole used area of a sheet at once (a cell at XFD1048576 asks for
512 GiB) and the shared-strings table as declared, so a 2 KB file can exhaust any machine. Here,
with the standard library only and streaming: the zip's entry count (from its end record, before
the directory is read), the declared sizes and compression ratio of every part, the first
sheet's declared dimension, then the sheet itself chunk by chunk — rows counted and every cell
reference's row and column checked, stopping as soon as a limit is passed — and the shared
strings' declared and real count. Reading a part to its end also checks its CRC and real size, so
a part that lies about its size is refused here too. Nothing is kept in memory but one chunk.
"""

from __future__ import annotations

import io
import re
import zipfile
from operator import methodcaller
from posixpath import dirname, join, normpath
from xml.etree import ElementTree

from backend.core.exchange._limits import Limits, MiB
from backend.core.exchange._model import ExchangeError, refuse
from backend.core.i18n import _

_CHUNK = 1 << 20
_TAG = rb"<(?:[A-Za-z_][\w.-]*:)?"
_ROW = re.compile(_TAG + rb"row[\s/>]")
_SI = re.compile(_TAG + rb"si[\s/>]")
_REF_COLUMN = re.compile(rb' r="([A-Za-z]+)')  # a literal prefix: fast
_ODD_SPACE_REF = re.compile(rb'[\t\r\n]r="')
_ODD_REF_COLUMN = re.compile(rb'[\t\r\n]r="([A-Za-z]+)')
_DIMENSION = re.compile(_TAG + rb'dimension\b[^>]*?[ \t\r\n]ref="([^"]*)"')
_SHEET_DATA = re.compile(rb"<(?:([A-Za-z_][\w.-]*:))?sheetData[\s/>]")
_SST_COUNTS = re.compile(rb'[ \t\r\n](?:count|uniqueCount)="(\d+)"')
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_DOCTYPE = (b"<!DOCTYPE", b"<!ENTITY")
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _unreadable() -> ExchangeError:
    return refuse(_("The file is not a readable .xlsx workbook."))


def _column_number(letters: bytes | str) -> int:
    number = 0
    for letter in letters.upper() if isinstance(letters, str) else letters.decode().upper():
        number = number * 26 + ord(letter) - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _entry_count(data: bytes) -> int:
    """The number of entries the zip's end record declares (zip64 included), read before
    zipfile builds an object per entry."""
    tail_start = max(0, len(data) - (22 + 65535))
    end = data.rfind(b"PK\x05\x06", tail_start)
    if end < 0 or end + 22 > len(data):
        raise _unreadable()
    count = int.from_bytes(data[end + 10 : end + 12], "little")
    if count == 0xFFFF:
        locator = end - 20
        if locator < 0 or data[locator : locator + 4] != b"PK\x06\x07":
            raise _unreadable()
        record = int.from_bytes(data[locator + 8 : locator + 16], "little")
        if data[record : record + 4] != b"PK\x06\x06":
            raise _unreadable()
        count = int.from_bytes(data[record + 32 : record + 40], "little")
    return count


def _check_parts(book: zipfile.ZipFile, limits: Limits) -> None:
    total = 0
    for info in book.infolist():
        total += info.file_size
        if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise refuse(
                _("A part of the workbook ({part}) is compressed {ratio}:1; at most {limit}:1 is accepted.").format(
                    part=info.filename, ratio=f"{info.file_size // max(info.compress_size, 1):,}", limit=limits.max_ratio
                )
            )
    if total > limits.max_unpacked_bytes:
        raise refuse(
            _("The workbook unpacks to {size} MB; at most {limit} MB are accepted.").format(
                size=f"{total // MiB:,}", limit=f"{limits.max_unpacked_bytes // MiB:,}"
            )
        )


def _chunks(book: zipfile.ZipFile, name: str):
    """The part's bytes in chunks, each cut after its last '>' (the rest starts the next one),
    so no tag is split between two chunks. A lying size or CRC raises BadZipFile at the end."""
    tail = b""
    with book.open(name) as stream:
        while chunk := stream.read(_CHUNK):
            data = tail + chunk
            cut = data.rfind(b">") + 1
            if cut == 0 and len(data) > 16 * _CHUNK:
                raise refuse(_("The file is not a readable .xlsx workbook."))
            yield data[:cut]
            tail = data[cut:]
    if tail:
        yield tail


def _refuse_doctype(head: bytes) -> None:
    if any(marker in head for marker in _DOCTYPE):
        raise refuse(_("The workbook contains an XML document type declaration, which is not accepted."))


def _small_xml(book: zipfile.ZipFile, name: str) -> ElementTree.Element | None:
    try:
        info = book.getinfo(name)
    except KeyError:
        return None
    if info.file_size > 10 * MiB:
        raise _unreadable()
    data = book.read(name)
    _refuse_doctype(data)
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError:
        raise _unreadable() from None


def _first_sheet(book: zipfile.ZipFile) -> str | None:
    """The part of the workbook's first sheet, as its relationships name it."""
    workbook_part = "xl/workbook.xml"
    package = _small_xml(book, "_rels/.rels")
    if package is not None:
        for rel in package:
            if rel.get("Type", "").endswith("/officeDocument") and rel.get("Target"):
                workbook_part = normpath(rel.get("Target").lstrip("/"))
    workbook = _small_xml(book, workbook_part)
    if workbook is None:
        return None
    sheet = next((element for element in workbook.iter() if element.tag.endswith("}sheet") or element.tag == "sheet"), None)
    base = dirname(workbook_part)
    rels = _small_xml(book, join(base, "_rels", workbook_part.rsplit("/", 1)[-1] + ".rels"))
    if sheet is None or rels is None:
        return None
    for rel in rels:
        if rel.get("Id") == sheet.get(_NS_REL):
            target = rel.get("Target", "")
            return normpath(target.lstrip("/")) if target.startswith("/") else normpath(join(base, target))
    return None


def _area(ref: str) -> tuple[int, int] | None:
    """(rows, columns) up to the bottom-right corner of a reference like A1:XFD1048576."""
    corner = ref.strip().split(":")[-1]
    match = _CELL.match(corner)
    if not match:
        return None
    return int(match.group(2)), _column_number(match.group(1))


def _check_area(rows: int, columns: int, where: str, limits: Limits, declared: bool) -> None:
    if declared:
        too_many_rows = _("The sheet declares its used area as {ref}: more than {limit} rows.")
        too_many_columns = _("The sheet declares its used area as {ref}: more than {limit} columns.")
        too_many_cells = _("The sheet declares its used area as {ref}: more than {limit} cells.")
    else:
        too_many_rows = _("The sheet has a cell on row {ref}: more than {limit} rows.")
        too_many_columns = _("The sheet has a cell in column {ref}: more than {limit} columns.")
        too_many_cells = _("The sheet's cells span {ref}: more than {limit} cells.")
    if rows > limits.max_rows + 1:
        raise refuse(too_many_rows.format(ref=where, limit=f"{limits.max_rows:,}"))
    if columns > limits.max_columns:
        raise refuse(too_many_columns.format(ref=where, limit=f"{limits.max_columns:,}"))
    if rows * columns > limits.max_cells:
        raise refuse(too_many_cells.format(ref=where, limit=f"{limits.max_cells:,}"))


def _scan_sheet(book: zipfile.ZipFile, name: str, limits: Limits) -> None:
    """Rows counted; the largest column and any row number of as many digits as the row limit
    from the cells' references, and the widest row by its cells where some have no reference
    (literal-prefix searches: a province sheet of 3 million cells takes a fraction of the time
    parsing it takes). What a crafted file still hides from these searches (a far cell with a
    short row number) meets the worker's memory limit."""
    rows = max_row = max_column = carry = 0
    head = True
    row_tag, row_open, cell_open = _ROW, b"<row", b"<c"
    digits = len(str(limits.max_rows + 1))
    big_row = re.compile(rb' r="[A-Za-z]*(\d{%d,})"' % digits)
    odd_big_row = re.compile(rb'[\t\r\n]r="[A-Za-z]*(\d{%d,})"' % digits)
    for chunk in _chunks(book, name):
        cells_from = 0  # where this chunk's cells start (after <sheetData>: not <cols>' <col>s)
        if head:
            _refuse_doctype(chunk[:4096])
            data_at = _SHEET_DATA.search(chunk)
            dimension = _DIMENSION.search(chunk, 0, data_at.start() if data_at else len(chunk))
            if dimension:
                ref = dimension.group(1).decode("ascii", "replace")
                area = _area(ref)
                if area:
                    _check_area(*area, ref, limits, declared=True)
            cells_from = data_at.end() if data_at else len(chunk)
            if data_at:
                head = False
                prefix = data_at.group(1) or b""
                row_tag = re.compile(b"<" + re.escape(prefix) + rb"row[\s/>]")
                row_open, cell_open = b"<" + prefix + b"row", b"<" + prefix + b"c"
        rows += len(row_tag.findall(chunk))
        if rows > limits.max_rows + 1:
            raise refuse(_("The sheet has more than {limit} rows.").format(limit=f"{limits.max_rows:,}"))
        # A reference after a tab or line break instead of a space (two counts are cheaper than
        # a search for it; other attributes ending in "r", like footer=, send it to the search).
        odd_space = chunk.count(b'r="') > chunk.count(b' r="') and _ODD_SPACE_REF.search(chunk) is not None
        references = _REF_COLUMN.findall(chunk)
        if chunk.count(cell_open, cells_from) > len(references) or odd_space:
            # Cells without a reference are placed one after another: the widest row by its
            # number of cells (the last row of a chunk goes on in the next one).
            counts = list(map(methodcaller("count", cell_open), chunk[cells_from:].split(row_open)))
            counts[0] += carry
            carry = counts[-1]
            max_column = max(max_column, *counts)
        else:
            carry = 0
        columns = set(references)
        numbers = big_row.findall(chunk)
        if odd_space:
            columns.update(_ODD_REF_COLUMN.findall(chunk))
            numbers += odd_big_row.findall(chunk)
        if columns:
            max_column = max(max_column, max(map(_column_number, columns)))
        if numbers:
            max_row = max(max_row, max(map(int, numbers)))
        if max_row > limits.max_rows + 1:
            raise refuse(
                _("The sheet has a cell on row {ref}: more than {limit} rows.").format(
                    ref=f"{max_row:,}", limit=f"{limits.max_rows:,}"
                )
            )
        if max_column > limits.max_columns:
            _check_area(max_row, max_column, _column_letters(max_column), limits, declared=False)
    height = max(rows, max_row)
    _check_area(height, max_column, f"A1:{_column_letters(max(max_column, 1))}{max(height, 1)}", limits, declared=False)


def _scan_shared_strings(book: zipfile.ZipFile, name: str, limits: Limits) -> None:
    count = 0
    head = True
    too_many = _("The workbook declares {count} shared strings: more than {limit}.")
    for chunk in _chunks(book, name):
        if head:
            _refuse_doctype(chunk[:4096])
            root_end = chunk.find(b">", chunk.find(b"sst"))
            for declared in map(int, _SST_COUNTS.findall(chunk[: root_end + 1])):
                if declared > limits.max_cells:
                    raise refuse(too_many.format(count=f"{declared:,}", limit=f"{limits.max_cells:,}"))
            head = False
        count += len(_SI.findall(chunk))
        if count > limits.max_cells:
            raise refuse(too_many.format(count=f"{count:,}", limit=f"{limits.max_cells:,}"))


def check_xlsx(data: bytes, limits: Limits) -> None:
    """Refuse (ExchangeError) a workbook that breaks a limit, naming it; return when it may be
    given to the spreadsheet reader."""
    entries = _entry_count(data)
    if entries > limits.max_zip_entries:
        raise refuse(
            _("The workbook holds {count} parts; at most {limit} are accepted.").format(
                count=f"{entries:,}", limit=f"{limits.max_zip_entries:,}"
            )
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            _check_parts(book, limits)
            names = set(book.namelist())
            first = _first_sheet(book)
            sheets = (
                [first] if first in names else sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))
            )
            for sheet in sheets:
                _scan_sheet(book, sheet, limits)
            for name in names:
                lowered = name.lower()
                if lowered.endswith("sharedstrings.xml"):
                    _scan_shared_strings(book, name, limits)
                elif lowered.endswith((".xml", ".rels")) and not lowered.startswith("xl/worksheets/"):
                    for _chunk in _chunks(book, name):  # read to the end: size and CRC checked
                        pass
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError, OSError):
        raise _unreadable() from None
