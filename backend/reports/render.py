"""Turning a report template into PDF bytes (issue 13, point 5).

``report_html`` renders a template of ``templates/reports/`` in Chinese (the filters ``date``,
``cny``, ``month`` then give 2026年11月22日 and ¥1,234.50), whatever the language of whoever asked.
``html_to_pdf`` is WeasyPrint, synchronous and CPU-bound: call it in a worker process or thread,
never on the event loop (the archive's queue does).
"""

from __future__ import annotations

from typing import Any

from backend.core.i18n import reset_language, set_language


def report_html(template_name: str, context: dict[str, Any]) -> str:
    """The HTML of a report template (``reports/<name>.html``), rendered in Chinese."""
    from backend.core.web import template_engine

    token = set_language("zh_CN")
    try:
        return template_engine.engine.get_template(template_name).render(**context)
    finally:
        reset_language(token)


def html_to_pdf(html: str) -> bytes:
    """WeasyPrint on one HTML document (A4, fonts from fontconfig: Noto Serif/Sans CJK SC)."""
    from weasyprint import HTML

    return HTML(string=html).write_pdf()
