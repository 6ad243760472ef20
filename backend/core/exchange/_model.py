"""The reader's data: columns, sheets, parsed rows and the errors that refuse a file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


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


def refuse(message: str) -> ExchangeError:
    """The whole file is refused (reported on row 1, column "-", as the interface's list)."""
    return ExchangeError([RowError(1, "-", message)])


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    parse: Callable[[Any], Any]
    required: bool = True  # the column must be present and the cell non-empty
    # A multi-line note: tab and line breaks are kept inside its cells. In every other column they
    # are refused, as every other control character is everywhere.
    multiline: bool = False
    # What the import page and the downloadable template say about the column: the rule (an
    # English msgid, translated when shown) and an example value as it is written in a file.
    rule: str = ""
    example: str = ""

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
