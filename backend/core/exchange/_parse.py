"""Headers to column keys, then every cell converted by its column's parser; every error kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from operator import itemgetter
from typing import Any

from backend.core.exchange._cells import control_pattern, control_problem
from backend.core.exchange._model import CellError, Column, ParsedRow, RowError, Sheet
from backend.core.i18n import _

_EMPTY = object()


@dataclass(frozen=True, slots=True)
class _Refused:
    message: str


@dataclass
class Converted:
    """A converted sheet, column by column (what a parse worker sends back: a few lists, cheap
    to pickle, whatever the number of rows); ``rows()`` makes the ParsedRow of each row."""

    numbers: list[int]  # row numbers as in Excel
    keys: list[str]  # the keys of the columns present, in column order
    labels: dict[str, str]  # key -> header as written in the file
    columns: list[list[Any]]  # per key, the value of each row (None when empty or refused)
    refusals: list[tuple[int, str]]  # (row index, key): a refused cell has no value at all
    errors: list[RowError]

    def rows(self) -> list[ParsedRow]:
        keys, labels = self.keys, self.labels
        cells = zip(*self.columns, strict=True) if self.columns else ((),) * len(self.numbers)
        parsed = [
            ParsedRow(number, dict(zip(keys, row, strict=True)), labels) for number, row in zip(self.numbers, cells, strict=True)
        ]
        for row_index, key in self.refusals:
            del parsed[row_index].values[key]
        return parsed

    def as_tuple(self) -> tuple:
        errors = [(error.row, error.column, error.message) for error in self.errors]
        return (self.numbers, self.keys, self.labels, self.columns, self.refusals, errors)

    @classmethod
    def from_tuple(cls, data: tuple) -> Converted:
        numbers, keys, labels, columns, refusals, errors = data
        return cls(numbers, keys, labels, columns, refusals, [RowError(*error) for error in errors])


def _headers(
    sheet: Sheet, columns: list[Column], refused: dict[str, str]
) -> tuple[dict[str, int], dict[str, str], list[RowError]]:
    errors: list[RowError] = []
    by_name: dict[str, Column] = {}
    for column in columns:
        by_name[column.key.lower()] = column
        by_name[column.zh] = column
    positions: dict[str, int] = {}
    labels: dict[str, str] = {}
    for index, header in enumerate(sheet.headers):
        if not header:
            errors.append(RowError(1, f"#{index + 1}", _("This column has no header.")))
            continue
        problem = control_problem(header)
        if problem:
            errors.append(RowError(1, f"#{index + 1}", problem))
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
    return positions, labels, errors


def convert_sheet(sheet: Sheet, columns: list[Column], refused: dict[str, str] | None = None) -> Converted:
    """Convert every row, column by column; every error is collected (all of them).

    The sheet's raw rows are consumed (``sheet.rows`` is emptied) unless a header is wrong: at
    province scale they are hundreds of megabytes that the import does not need once converted."""
    positions, labels, errors = _headers(sheet, columns, refused or {})
    if errors:
        return Converted([], [], labels, [], [], errors)
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
    refusals: list[tuple[int, str]] = []
    for position, (column, index, label) in enumerate(present):
        if index < width:
            raws = list(map(itemgetter(index), rows))
        else:
            raws = [cells[index] if index < len(cells) else None for cells in rows]
        keys = raws if _distinct_when_equal(raws) else list(zip(map(type, raws), raws, strict=True))
        control = control_pattern(column.multiline)
        table: dict[Any, Any] = {}
        empty = refused_here = False
        for key in dict.fromkeys(keys):
            raw = key if keys is raws else key[1]
            if raw is None or (raw.__class__ is str and not raw.strip()):
                table[key] = _EMPTY
                empty = True
                continue
            if raw.__class__ is str and control.search(raw):
                problem = control_problem(raw, column.multiline)
                if problem:
                    table[key] = _Refused(problem)
                    refused_here = True
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
                    values[row_index] = None
                    problems.append((row_index, position, RowError(numbers[row_index], label, result.message)))
                    refusals.append((row_index, column.key))
        results.append(values)
    del rows
    problems.sort(key=itemgetter(0, 1))
    errors.extend(error for _row, _position, error in problems)
    refusals.sort()
    return Converted(numbers, [column.key for column, _index, _label in present], labels, results, refusals, errors)


def parse_sheet(
    sheet: Sheet, columns: list[Column], refused: dict[str, str] | None = None
) -> tuple[list[ParsedRow], list[RowError]]:
    """Convert every row; returns the parsed rows and every error found (all of them)."""
    converted = convert_sheet(sheet, columns, refused)
    return converted.rows(), converted.errors


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
