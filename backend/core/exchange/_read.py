"""Bytes to a header row and data rows: CSV (UTF-8 ± BOM, GB18030) and XLSX (first sheet)."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable
from typing import Any

from backend.core.exchange._cells import NUL_STAND_IN
from backend.core.exchange._container import check_xlsx
from backend.core.exchange._encoding import decode_csv
from backend.core.exchange._limits import Limits, MiB, get_limits
from backend.core.exchange._model import ExchangeError, RowError, Sheet, refuse
from backend.core.i18n import _


def _is_blank(cells: Iterable[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def too_large(limits: Limits) -> str:
    return _("The file is larger than {limit} MB.").format(limit=f"{limits.max_file_bytes // MiB:,}")


def _too_many_rows(limits: Limits) -> str:
    return _("The file has more than {limit} rows.").format(limit=f"{limits.max_rows:,}")


def _too_many_columns(line: int, limits: Limits) -> str:
    return _("Line {line} of the file has more than {limit} columns.").format(line=f"{line:,}", limit=f"{limits.max_columns:,}")


def _read_csv(data: bytes, limits: Limits) -> list[list[str]]:
    text = decode_csv(data)
    if "\x00" in text:
        # Python's csv module stops at a NUL; a stand-in lets the cell check name its row and column.
        text = text.replace("\x00", NUL_STAND_IN)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        # The header, the rows allowed, and one more to know that there are too many; a row wider
        # than an XLSX sheet may be stops the reading (200,000 unknown headers are one refusal).
        cells = []
        for row in itertools.islice(reader, limits.max_rows + 2):
            if len(row) > limits.max_columns:
                raise refuse(_too_many_columns(reader.line_num, limits))
            cells.append(row)
    except csv.Error as exc:
        if "field limit" in str(exc):
            message = _("A cell holds more than {limit} characters.").format(limit=f"{csv.field_size_limit():,}")
        else:
            message = _("The CSV file cannot be read: {problem}.").format(problem=exc)
        raise ExchangeError([RowError(reader.line_num or 1, "-", message)]) from exc
    if len(cells) > limits.max_rows + 1:
        raise refuse(_too_many_rows(limits))
    return cells


def _read_xlsx(data: bytes, limits: Limits) -> list[list[Any]]:
    check_xlsx(data, limits)
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        return sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # noqa: BLE001 - calamine raises several types for broken files
        raise refuse(_("The file is not a readable .xlsx workbook.")) from exc


def read_sheet(filename: str, data: bytes, limits: Limits | None = None) -> Sheet:
    """The header row and the non-blank data rows of a file, numbered as Excel shows them.

    A file that breaks a limit (size, rows, the XLSX container's) is refused whole, naming the
    limit. Run it in a parse worker (``backend.core.parse_worker``) for files from outside."""
    limits = limits or get_limits()
    name = filename.lower()
    if len(data) > limits.max_file_bytes:
        raise refuse(too_large(limits))
    if name.endswith(".csv"):
        cells: list[list[Any]] = _read_csv(data, limits)
    elif name.endswith(".xlsx"):
        cells = _read_xlsx(data, limits)
    elif name.endswith(".xls"):
        raise refuse(_("Old .xls files are not read: save the sheet as .xlsx or .csv."))
    else:
        raise refuse(_("Only .csv and .xlsx files can be imported."))
    if not cells or _is_blank(cells[0]):
        raise refuse(_("The first row must hold the column headers."))
    headers = ["" if cell is None else str(cell).strip() for cell in cells[0]]
    while headers and not headers[-1]:
        headers.pop()
    if name.endswith(".csv"):
        # Every cell is a str, so a row is blank when its joined text is (the same test as
        # _is_blank); compress keeps the others without Python code per row.
        body = itertools.islice(cells, 1, None)
        texts = map(str.strip, map("".join, itertools.islice(cells, 1, None)))
        rows = list(itertools.compress(zip(itertools.count(2), body), texts))
    else:
        rows = [(number, row) for number, row in enumerate(cells[1:], start=2) if not _is_blank(row)]
    del cells
    if len(rows) > limits.max_rows:
        raise refuse(_too_many_rows(limits))
    return Sheet(headers=headers, rows=rows)
