"""Money is integer fen everywhere; yuan text only at the edges."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_YUAN = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$")


def parse_yuan(text: str) -> int:
    """``1234.5``, ``1,234.50`` or ``¥1234.50`` → fen. ValueError for anything else
    (including more than two decimals)."""
    cleaned = text.strip().replace("¥", "").replace("￥", "").replace(" ", "")
    if not _YUAN.match(cleaned):
        raise ValueError(text)
    try:
        amount = Decimal(cleaned.replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    return int(amount * 100)


def yuan_text(fen: int) -> str:
    """``183000`` → ``"1830.00"`` (the JSON form)."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def cny(fen: int) -> str:
    """``183000`` → ``"¥1,830.00"`` (the display form)."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}¥{fen // 100:,}.{fen % 100:02d}"
