"""Dates, money and numbers for people, in the user's language, in one place (Babel underneath).

Templates use the filters ``date``, ``datetime``, ``month``, ``cny`` and ``number``; exchange
files and the JSON API keep their own fixed forms (ISO dates, ``1830.00``).
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date
from babel.numbers import format_decimal

from backend.core import dates
from backend.core.i18n import babel_locale, current_language


def day(value: date | None) -> str:
    """``2026年11月2日`` in Chinese; the locale's medium form otherwise (``Nov 2, 2026``)."""
    if value is None:
        return ""
    if current_language() == "zh_CN":
        return f"{value.year}年{value.month}月{value.day}日"
    return format_date(value, format="medium", locale=babel_locale())


def moment(value: datetime | None) -> str:
    """A stored UTC instant in TEKUN_TIMEZONE: ``2026年11月2日 14:30``."""
    if value is None:
        return ""
    local = dates.local(value)
    return f"{day(local.date())} {local:%H:%M}"


def month(value: date | str | None) -> str:
    """A month (its first day, or its ``2026-11`` text): ``2026年11月`` in Chinese, ``Nov 2026``
    otherwise. Text that is not a month is shown as it is."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = dates.parse_month(value)
        except ValueError:
            return value
    if current_language() == "zh_CN":
        return f"{value.year}年{value.month}月"
    return format_date(value, format="MMM y", locale=babel_locale())


# Both languages of the UI group thousands with "," and use "." for decimals: the Python format
# gives the same text as Babel, twenty times faster (a dashboard formats a few hundred amounts).
_PLAIN_GROUPING = {"zh_CN", "en"}


def cny(fen: int | None) -> str:
    """Integer fen → ``¥1,234.50`` (negative: ``-¥1,234.50``)."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    if current_language() in _PLAIN_GROUPING:
        whole, cents = divmod(abs(fen), 100)
        return f"{sign}¥{whole:,}.{cents:02d}"
    amount = format_decimal(abs(fen) / 100, format="#,##0.00", locale=babel_locale())
    return f"{sign}¥{amount}"


def number(value: int | float | None, decimals: int = 0) -> str:
    """``12345`` → ``12,345``; ``decimals`` fixed places (``0.5`` → ``0.50`` with 2)."""
    if value is None:
        return ""
    if current_language() in _PLAIN_GROUPING:
        return f"{value:,.{decimals}f}"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=babel_locale())


def percent(value: float | None, decimals: int = 1) -> str:
    """``0.834`` → ``83.4%``."""
    if value is None:
        return ""
    return number(value * 100, decimals) + "%"
