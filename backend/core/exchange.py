"""The one reader for exchange files (interfaces.md §3): CSV (UTF-8 ± BOM, GB18030) and XLSX.

``read_sheet`` turns bytes into a header row and data rows; ``parse_sheet`` maps Chinese or
English headers to column keys, converts every cell and collects *every* error as
``row N, column NAME: message`` (row numbers as Excel shows them: the header is row 1).
Nothing here writes: the domain's import service applies the rows only when there is no error.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from operator import itemgetter
from typing import Any

from backend.core import dates, money
from backend.core.i18n import _


class CellError(ValueError):
    """A cell's value is invalid; the message says why (translated)."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class ExchangeError(Exception):
    """The file is refused; ``errors`` lists every problem found."""

    def __init__(self, errors: list[RowError]):
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    parse: Callable[[Any], Any]
    required: bool = True  # the column must be present and the cell non-empty

    @property
    def label(self) -> str:
        return self.zh


@dataclass
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number as in Excel, cells)


@dataclass(slots=True)
class ParsedRow:
    row: int
    values: dict[str, Any]
    labels: dict[str, str] = field(default_factory=dict)  # key -> header as written in the file

    def label(self, key: str) -> str:
        return self.labels.get(key, key)


MAX_ROWS = 2_000_000
_EMPTY = object()


@dataclass(frozen=True, slots=True)
class _Refused:
    message: str


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise ExchangeError(
                [RowError(1, "-", _("The file is neither UTF-8 nor GB18030 text."))]
            ) from exc


def _is_blank(cells: Iterable[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def read_sheet(filename: str, data: bytes) -> Sheet:
    name = filename.lower()
    if name.endswith(".csv"):
        cells: list[list[Any]] = list(csv.reader(io.StringIO(_decode(data), newline="")))
    elif name.endswith(".xlsx"):
        cells = _read_xlsx(data)
    elif name.endswith(".xls"):
        raise ExchangeError(
            [RowError(1, "-", _("Old .xls files are not read: save the sheet as .xlsx or .csv."))]
        )
    else:
        raise ExchangeError([RowError(1, "-", _("Only .csv and .xlsx files can be imported."))])
    if not cells or _is_blank(cells[0]):
        raise ExchangeError([RowError(1, "-", _("The first row must hold the column headers."))])
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
    if len(rows) > MAX_ROWS:
        raise ExchangeError([RowError(1, "-", _("The file has too many rows."))])
    return Sheet(headers=headers, rows=rows)


def _read_xlsx(data: bytes) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        return sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # noqa: BLE001 - calamine raises several types for broken files
        raise ExchangeError([RowError(1, "-", _("The file is not a readable .xlsx workbook."))]) from exc


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_sheet(
    sheet: Sheet, columns: list[Column], refused: dict[str, str] | None = None
) -> tuple[list[ParsedRow], list[RowError]]:
    """Convert every row; returns the parsed rows and every error found (all of them).

    The sheet's raw rows are consumed (``sheet.rows`` is emptied): at province scale they are
    hundreds of megabytes that the import does not need once converted."""
    errors: list[RowError] = []
    by_name: dict[str, Column] = {}
    for column in columns:
        by_name[column.key.lower()] = column
        by_name[column.zh] = column
    refused = refused or {}
    positions: dict[str, int] = {}
    labels: dict[str, str] = {}
    for index, header in enumerate(sheet.headers):
        if not header:
            errors.append(RowError(1, f"#{index + 1}", _("This column has no header.")))
            continue
        lookup = header if header in by_name else header.lower()
        if header in refused or header.lower() in refused:
            errors.append(RowError(1, header, _(refused.get(header) or refused[header.lower()])))
            continue
        column = by_name.get(lookup)
        if column is None:
            errors.append(RowError(1, header, _("Unknown column.")))
            continue
        if column.key in positions:
            errors.append(RowError(1, header, _("This column appears twice.")))
            continue
        positions[column.key] = index
        labels[column.key] = header
    for column in columns:
        if column.required and column.key not in positions:
            errors.append(RowError(1, column.zh, _("Required column is missing.")))
    if errors:
        return [], errors
    present = [(column, positions[column.key], labels[column.key]) for column in columns if column.key in positions]
    rows = [cells for _number, cells in sheet.rows]
    numbers = [number for number, _cells in sheet.rows]
    sheet.rows = []
    # Column by column: cell parsers are pure, so each distinct value of a column (能, 男, a date,
    # a county code, the ID of a person assessed three times) is converted once, and the cells
    # are mapped to their results by the dict, without Python code per cell.
    width = min(map(len, rows), default=0)
    results: list[list[Any]] = []
    problems: list[tuple[int, int, RowError]] = []  # (row index, column position, error)
    refusals: list[tuple[int, str]] = []  # (row index, key): a refused cell has no value
    for position, (column, index, label) in enumerate(present):
        if index < width:
            raws = list(map(itemgetter(index), rows))
        else:
            raws = [cells[index] if index < len(cells) else None for cells in rows]
        keys = raws if _distinct_when_equal(raws) else list(zip(map(type, raws), raws, strict=True))
        table: dict[Any, Any] = {}
        empty = refused_here = False
        for key in dict.fromkeys(keys):
            raw = key if keys is raws else key[1]
            if raw is None or (raw.__class__ is str and not raw.strip()):
                table[key] = _EMPTY
                empty = True
                continue
            try:
                table[key] = column.parse(raw)
            except CellError as exc:
                table[key] = _Refused(str(exc))
                refused_here = True
        del raws
        values = list(map(table.__getitem__, keys))
        del keys
        if empty or refused_here:
            for row_index, result in enumerate(values):
                if result is _EMPTY:
                    values[row_index] = None
                    if column.required:
                        problems.append((row_index, position, RowError(numbers[row_index], label, _("A value is required."))))
                elif result.__class__ is _Refused:
                    problems.append((row_index, position, RowError(numbers[row_index], label, result.message)))
                    refusals.append((row_index, column.key))
        results.append(values)
    del rows
    keys = [column.key for column, _index, _label in present]
    parsed = [
        ParsedRow(number, dict(zip(keys, cells, strict=True)), labels)
        for number, cells in zip(numbers, zip(*results, strict=True) if results else ((),) * len(numbers), strict=True)
    ]
    for row_index, key in refusals:
        del parsed[row_index].values[key]
    problems.sort(key=itemgetter(0, 1))
    errors.extend(error for _row, _position, error in problems)
    return parsed, errors


# Cell types of CSV and XLSX files. A value of one of these never equals a value of another,
# except across the numbers (1 == 1.0 == True).
_SAFE = frozenset({str, type(None), date, datetime, time, timedelta})
_NUMBERS = frozenset({int, float, bool})


def _distinct_when_equal(values: list[Any]) -> bool:
    """Whether values of this list that are equal are of the same type (so a dict keyed by the
    value can stand for one keyed by (type, value)): not when it mixes numbers of several types or
    holds a type not listed above."""
    types = set(map(type, values))
    return types <= _SAFE or (len(types & _NUMBERS) == 1 and types <= _SAFE | _NUMBERS)


# --- cell parsers ---------------------------------------------------------------------------


def _as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


def text(max_length: int = 200) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        result = _as_text(value)
        if len(result) > max_length:
            raise CellError(_("At most {n} characters.").format(n=max_length))
        return result

    return parse


def pattern(regex: str, message: str) -> Callable[[Any], str]:
    compiled = re.compile(regex)

    def parse(value: Any) -> str:
        result = _as_text(value)
        if not compiled.fullmatch(result):
            raise CellError(_(message))
        return result

    return parse


def integer(minimum: int | None = 0, maximum: int | None = None) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, bool):
            raise CellError(_("A whole number is required."))
        if isinstance(value, float):
            if not value.is_integer():
                raise CellError(_("A whole number is required."))
            result = int(value)
        else:
            try:
                result = int(_as_text(value).replace(",", ""))
            except ValueError as exc:
                raise CellError(_("A whole number is required.")) from exc
        if minimum is not None and result < minimum:
            raise CellError(_("Must be at least {n}.").format(n=minimum))
        if maximum is not None and result > maximum:
            raise CellError(_("Must be at most {n}.").format(n=maximum))
        return result

    return parse


_YES = {"是", "yes", "y", "true", "1", "有"}
_NO = {"否", "no", "n", "false", "0", "无"}


def yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    result = _as_text(value).lower()
    if result in _YES:
        return True
    if result in _NO:
        return False
    raise CellError(_("Write 是 or 否."))


def date_cell(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return dates.parse_date(_as_text(value))
    except ValueError as exc:
        raise CellError(_("Not a valid date (write 2026-11-02).")) from exc


def datetime_cell(value: Any) -> datetime:
    """A date-time in TEKUN_TIMEZONE → aware UTC (years dates.FIRST_YEAR..LAST_YEAR). A plain
    date is refused here."""
    try:
        if isinstance(value, datetime):
            return dates.instant(value.replace(tzinfo=None))  # a spreadsheet's cell has no zone
        return dates.parse_datetime(_as_text(value))
    except ValueError as exc:
        raise CellError(_("Not a valid date and time (write 2026-11-02 14:30).")) from exc


def month_cell(value: Any) -> date:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.replace(day=1)
    try:
        return dates.parse_month(_as_text(value))
    except ValueError as exc:
        raise CellError(_("Not a valid month (write 2026-11).")) from exc


def money_cell(value: Any) -> int:
    """Yuan with at most two decimals → integer fen."""
    if isinstance(value, bool):
        raise CellError(_("Not a valid amount in yuan (write 1234.50)."))
    if isinstance(value, int | float):
        value = repr(value) if isinstance(value, float) else str(value)
    try:
        return money.parse_yuan(str(value))
    except ValueError as exc:
        raise CellError(_("Not a valid amount in yuan (write 1234.50).")) from exc
