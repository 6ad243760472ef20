"""Real-browser tests: Playwright driving Debian's Chromium against the live server.

The browser is never downloaded: it is ``/usr/bin/chromium`` (Debian's package). Playwright runs
in its **async** API, in the suite's single session event loop (pytest-asyncio, see pyproject), so
a browser test is an ``async def`` that can also use the async fixtures of tests/conftest.py
(``world``, ``bearer``...) to make its data; the live server reads the same database.

Fixtures:

- ``browser``: one Chromium for the whole run.
- ``new_page``: a factory, ``page = await new_page(viewport=None | (w, h), locale="zh-CN")``, each
  page in its own fresh context (own cookies), whose ``base_url`` is the live server, so
  ``await page.goto("/login")`` works. Every context is closed at teardown.
- ``base_url``: the live server's URL (the same as ``live_server``).

Every page is watched for Content-Security-Policy violations (Chromium reports each on the console):
a test whose pages broke the policy (an inline script or style, a resource from elsewhere) fails at
teardown, naming the page and the message.

When Playwright or /usr/bin/chromium is missing the browser tests are skipped with a loud notice;
with CI=true they fail instead (a skipped browser test must not pass CI).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.conftest import IN_CI

# TEKUN_TEST_CHROMIUM only exists to try the "browser missing" path; the browser is Debian's.
CHROMIUM = Path(os.environ.get("TEKUN_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 20_000  # two shared cores: be patient, but not forever

_missing: list[str] = []


def browser_problem() -> str | None:
    """Why no browser test can run here, or None."""
    try:
        import playwright.async_api  # noqa: F401
    except ImportError as exc:
        return f"Playwright is not installed ({exc}); install the dev extras"
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"{CHROMIUM} is missing; install Debian's chromium (apt-get install chromium)"
    return None


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _missing:
        bar = "!" * 78
        terminalreporter.write_line(
            f"{bar}\n!!  Browser tests {'FAILED' if IN_CI else 'SKIPPED'}: {_missing[0]}.\n{bar}",
            red=True,
            bold=True,
        )


@pytest.fixture(scope="session")
async def browser():
    problem = browser_problem()
    if problem:
        _missing.append(problem)
        sys.stderr.write(f"\n!!  {problem}: browser tests {'fail (CI=true)' if IN_CI else 'skipped'}\n")
        if IN_CI:
            pytest.fail(f"CI=true needs the real browser: {problem}", pytrace=False)
        pytest.skip(f"BROWSER TESTS SKIPPED: {problem}")
    from playwright.async_api import async_playwright

    playwright = await async_playwright().start()
    try:
        chromium = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    except BaseException:
        await playwright.stop()
        raise
    yield chromium
    await chromium.close()
    await playwright.stop()


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    return live_server


@pytest.fixture
async def new_page(browser, live_server):
    """``await new_page(viewport=None | (w, h), locale="zh-CN")`` → a page in a fresh context."""
    contexts = []
    violations: list[str] = []

    async def make(viewport: tuple[int, int] | None = None, locale: str = "zh-CN"):
        options = {"base_url": live_server, "locale": locale}
        if viewport is not None:
            width, height = viewport
            options["viewport"] = {"width": width, "height": height}
        context = await browser.new_context(**options)
        context.on("console", lambda message: _note_violation(violations, message))
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return await context.new_page()

    yield make
    for context in contexts:
        await context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


def _note_violation(violations: list[str], message) -> None:
    if "Content Security Policy" in message.text:
        violations.append(f"{message.page.url if message.page else '?'}: {message.text}")
