"""How a value becomes a cell of an exported file: the one helper every CSV and XLSX export uses.

A spreadsheet reads a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
as a formula (or the start of one: ``=HYPERLINK(…)`` leaks data, ``@SUM(1)`` runs). Such text is
accepted on input (a place may honestly be called ``-``) and neutralised here, on output:

- CSV: a leading ``'`` (``csv_cell``), the usual guard; Excel and WPS then show the text as typed
  after the apostrophe.
- XLSX: every text is an inline-string cell (``backend.core.xlsx``), which no spreadsheet evaluates,
  in a text-format style with ``quotePrefix`` so that editing the cell keeps it text.

Numbers (int, float, Decimal) stay numbers: a negative *number* is not neutralised, only *text*
starting with ``-`` is. Text is also stripped of the characters XML 1.0 forbids (``xml_text``),
even though input refuses control characters (``backend.core.textguard``): a file must open.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def text_of(value: Any) -> str:
    """The text of a non-number cell: True/False as 是/否, None empty, anything else ``str``."""
    if value is True:
        return "是"
    if value is False:
        return "否"
    return "" if value is None else str(value)


def is_number(value: Any) -> bool:
    """A finite int, float or Decimal (not a bool): written as a number. NaN and infinities are
    not numbers a spreadsheet can hold; they are written as text."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    if isinstance(value, Decimal):
        return value.is_finite()
    return isinstance(value, int) or math.isfinite(value)


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def csv_cell(value: Any) -> str:
    """A CSV field: numbers as written, text with a leading ``'`` when it would start a formula."""
    if is_number(value):
        return str(value)
    text = text_of(value)
    return "'" + text if looks_like_formula(text) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV file in UTF-8 with a BOM (Excel then reads the Chinese correctly), every cell,
    the header too, through ``csv_cell``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(value) for value in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# As character references, tab, line feed and carriage return survive XML's normalisation
# (a literal CR would be read back as LF; in an attribute all three would become spaces).
_XML_ENTITIES = {'"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}


def xml_text(text: str) -> str:
    """Text escaped for an XML element or attribute, with every character XML 1.0 forbids (control
    characters, lone surrogates, U+FFFE, U+FFFF) replaced by U+FFFD."""
    return escape(_NOT_XML.sub("\ufffd", text), _XML_ENTITIES)
