"""What the report tests share: the PDF's text, and rendering with WeasyPrint's logger watched so
that a character no installed font covers fails the test.

When no font has a character, WeasyPrint (weasyprint/draw/text.py) logs on the ``weasyprint``
logger, at WARNING: ``.notdef glyph rendered for Unicode string unsupported by fonts: "X" (U+XXXX)``
and draws the empty box (.notdef) in its place. ``render_checked(html)`` renders in this process
(the logger is this process's) and raises ``MissingGlyph`` naming every such character.
"""

from __future__ import annotations

import io
import logging
import re

import pdfplumber

NOTDEF = ".notdef glyph rendered"


class MissingGlyph(AssertionError):
    pass


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render_checked(html: str) -> bytes:
    """The PDF of ``html``; MissingGlyph when WeasyPrint drew a .notdef box for any character."""
    from weasyprint import HTML

    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        pdf = HTML(string=html).write_pdf()
    finally:
        logger.removeHandler(handler)
    missing = [message for message in handler.messages if NOTDEF in message]
    if missing:
        raise MissingGlyph("; ".join(sorted(set(missing))))
    return pdf


def missing_glyphs(html: str) -> list[str]:
    """The characters WeasyPrint could not draw in ``html`` (U+XXXX), [] when every one was drawn."""
    try:
        render_checked(html)
    except MissingGlyph as exc:
        return sorted(set(re.findall(r"U\+[0-9A-F]{4,6}", str(exc))))
    return []


def pdf_text(body: bytes) -> str:
    with pdfplumber.open(io.BytesIO(body)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
