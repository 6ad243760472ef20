"""Rendering a report for the builders' tests: the PDF with WeasyPrint's warnings captured (a
character no font has is logged as ".notdef glyph rendered …"), and its text by pdfplumber."""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass

from backend.reports.render import html_to_pdf, report_html

# An English code as the domains write them (PAID_AFTER_DEATH, fire_patrol, home-monthly).
ENGLISH_CODE = re.compile(r"\b[A-Za-z]+(?:[_-][A-Za-z0-9]+)+\b")


@dataclass
class Rendered:
    pdf: bytes
    text: str  # the text of every page, whitespace removed (CJK text extracts with stray spaces)
    pages: list[str]
    warnings: list[str]
    fonts: set[str]  # the embedded fonts' names, subset prefix dropped


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render_pdf(template: str, context: dict) -> Rendered:
    import pdfplumber

    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        pdf = html_to_pdf(report_html(template, context))
    finally:
        logger.removeHandler(handler)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        pages = [page.extract_text() or "" for page in document.pages]
        fonts = {char["fontname"].partition("+")[2] for page in document.pages for char in page.chars}
    return Rendered(pdf, re.sub(r"\s+", "", "".join(pages)), pages, handler.messages, fonts)


def glyph_warnings(rendered: Rendered) -> list[str]:
    return [message for message in rendered.warnings if "glyph" in message or "unsupported by fonts" in message]
