"""The one reader for exchange files (interfaces.md §3): CSV (UTF-8 ± BOM, GB18030) and XLSX.

``read_sheet`` turns bytes into a header row and data rows; ``parse_sheet`` maps Chinese or
English headers to column keys, converts every cell and collects *every* error as
``row N, column NAME: message`` (row numbers as Excel shows them: the header is row 1).
Nothing here writes: the domain's import service applies the rows only when there is no error.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from backend.core import dates, money
from backend.core.i18n import _
from backend.core.settings import get_settings


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
CACHE_LIMIT = 4096
_MISSING = object()


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
    rows = [
        (number, row)
        for number, row in enumerate(cells[1:], start=2)
        if not _is_blank(row)
    ]
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
    parsed: list[ParsedRow] = []
    present = [(column, positions[column.key], labels[column.key]) for column in columns if column.key in positions]
    # Cell parsers are pure: a value seen before in the same column (能, 男, a date, a county
    # code, the ID of a person assessed three times) is converted once. Past CACHE_LIMIT values a
    # column keeps caching only while at least one lookup in four is a hit (not unique IDs).
    caches: dict[str, dict[tuple[type, Any], Any]] = {column.key: {} for column, _i, _l in present}
    hits = dict.fromkeys(caches, 0)
    for number, cells in sheet.rows:
        values: dict[str, Any] = {}
        width = len(cells)
        for column, index, label in present:
            raw = cells[index] if index < width else None
            if raw is None or (raw.__class__ is str and not raw.strip()):
                if column.required:
                    errors.append(RowError(number, label, _("A value is required.")))
                values[column.key] = None
                continue
            cache = caches[column.key]
            key = (raw.__class__, raw)
            result = cache.get(key, _MISSING)
            if result is _MISSING:
                try:
                    result = column.parse(raw)
                except CellError as exc:
                    result = _Refused(str(exc))
                if len(cache) < CACHE_LIMIT or hits[column.key] * 3 >= len(cache):
                    cache[key] = result
            else:
                hits[column.key] += 1
            if result.__class__ is _Refused:
                errors.append(RowError(number, label, result.message))
            else:
                values[column.key] = result
        parsed.append(ParsedRow(row=number, values=values, labels=labels))
    sheet.rows = []
    return parsed, errors


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
    """A date-time in TEKUN_TIMEZONE → aware UTC. A plain date is refused here."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=get_settings().tz).astimezone(UTC)
    try:
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
