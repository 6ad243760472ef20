"""Cell parsers of exchange files (text, pattern, integer, 是/否, dates, months, yuan) and the
check that keeps control characters out of every imported text."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from backend.core import dates, money
from backend.core.exchange._model import CellError
from backend.core.i18n import _

# C0 controls, DEL, C1 controls and the Unicode line and paragraph separators. A multi-line note
# keeps tab, line feed and carriage return; nothing else keeps any of them. U+FFFF (never text)
# stands in for NUL in CSV files, which Python's csv module cannot read past.
NUL_STAND_IN = "\uffff"
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\uffff]")
_CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\uffff]")


def control_pattern(multiline: bool) -> re.Pattern[str]:
    return _CONTROL_MULTILINE if multiline else _CONTROL


def control_problem(value: str, multiline: bool = False) -> str | None:
    """The message refusing a text that holds a control character (after the surrounding
    spaces, which are ignored, are stripped), or None."""
    found = control_pattern(multiline).search(value.strip())
    if found is None:
        return None
    character = found.group()
    if character == NUL_STAND_IN:
        character = "\x00"
    code = f"U+{ord(character):04X}"
    if character == "\x00":
        code += " NUL"
    elif character in "\t\n\r":
        return _("Tabs and line breaks are not allowed here ({code}).").format(code=code)
    return _("Contains a control character ({code}); remove it.").format(code=code)


# --- cell parsers ---------------------------------------------------------------------------


def as_text(value: Any) -> str:
    """A cell's value as stripped text (a whole float without its ".0", a date-time with a space)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


_as_text = as_text  # the former private name, for code not yet moved to ``as_text``


def text(max_length: int = 200) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        result = as_text(value)
        if len(result) > max_length:
            raise CellError(_("At most {n} characters.").format(n=max_length))
        return result

    return parse


def pattern(regex: str, message: str) -> Callable[[Any], str]:
    compiled = re.compile(regex)

    def parse(value: Any) -> str:
        result = as_text(value)
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
                result = int(as_text(value).replace(",", ""))
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
    result = as_text(value).lower()
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
        return dates.parse_date(as_text(value))
    except ValueError as exc:
        raise CellError(_("Not a valid date (write 2026-11-02).")) from exc


def datetime_cell(value: Any) -> datetime:
    """A date-time in TEKUN_TIMEZONE → aware UTC (years dates.FIRST_YEAR..LAST_YEAR). A plain
    date is refused here."""
    try:
        if isinstance(value, datetime):
            return dates.instant(value.replace(tzinfo=None))  # a spreadsheet's cell has no zone
        return dates.parse_datetime(as_text(value))
    except ValueError as exc:
        raise CellError(_("Not a valid date and time (write 2026-11-02 14:30).")) from exc


def month_cell(value: Any) -> date:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.replace(day=1)
    try:
        return dates.parse_month(as_text(value))
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
