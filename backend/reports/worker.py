"""The rendering worker (issue 13, point 5): WeasyPrint and the PDF reader run in a bounded pool of
child processes, never on the event loop nor in its threads.

``render_pdf(html)`` → (PDF bytes, page count); ``pdf_text(data)`` → the text of an uploaded PDF
(pdfminer, through pdfplumber), to find the verification code a changed file still carries. At
most ``TEKUN_REPORT_WORKERS`` (default 2) children per server process, started with ``spawn`` (no
copy of the server's state, database connections or secrets in memory), each replaced after
``MAX_TASKS`` jobs; a job longer than ``TIMEOUT_SECONDS`` kills the pool (the next job starts a
new one) and becomes a ``RenderError`` naming the limit. An uploaded file is limited to
``MAX_UPLOAD`` bytes before it reaches a worker and to ``MAX_TEXT_PAGES`` pages read.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import multiprocessing
import os
import threading

TIMEOUT_SECONDS = 120.0
MAX_TASKS = 50
MAX_UPLOAD = 20 * 1024 * 1024
MAX_TEXT_PAGES = 60
_lock = threading.Lock()
_pool: concurrent.futures.ProcessPoolExecutor | None = None


class RenderError(Exception):
    """A worker failed or ran out of time (the message says which)."""


def workers() -> int:
    try:
        return max(1, min(8, int(os.environ.get("TEKUN_REPORT_WORKERS", "2"))))
    except ValueError:
        return 2


def _executor() -> concurrent.futures.ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=workers(), mp_context=multiprocessing.get_context("spawn"), max_tasks_per_child=MAX_TASKS
            )
            atexit.register(shutdown)
        return _pool


def shutdown() -> None:
    """Stop the pool's children (at exit, after a timeout, in tests)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)


async def _run(function, *args):
    try:
        future = _executor().submit(function, *args)
    except concurrent.futures.BrokenExecutor:
        shutdown()
        future = _executor().submit(function, *args)
    try:
        return await asyncio.wait_for(asyncio.wrap_future(future), TIMEOUT_SECONDS)
    except TimeoutError:
        shutdown()
        raise RenderError(f"the report worker took more than {TIMEOUT_SECONDS:g} seconds") from None
    except concurrent.futures.BrokenExecutor as exc:
        shutdown()
        raise RenderError(f"the report worker died: {exc}") from None


async def render_pdf(html: str) -> tuple[bytes, int]:
    """The PDF of one report's HTML and its number of pages, rendered in a worker process."""
    return await _run(_render, html)


async def pdf_text(data: bytes) -> str:
    """The text of a PDF (its first pages), read in a worker process ("" when it is no PDF)."""
    if len(data) > MAX_UPLOAD:
        return ""
    return await _run(_text, data)


# --- in the child ---------------------------------------------------------------------------------


def _render(html: str) -> tuple[bytes, int]:
    from weasyprint import HTML

    document = HTML(string=html).render()
    return document.write_pdf(), len(document.pages)


def _text(data: bytes) -> str:
    import io
    import logging

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return "\n".join((page.extract_text() or "") for page in pdf.pages[:MAX_TEXT_PAGES])
    except Exception:  # noqa: BLE001 - a damaged or foreign file has no text to give
        return ""
