"""Small steps shared by the browser tests."""

from __future__ import annotations

from tests.conftest import PASSWORD


async def log_in(page, username: str, password: str = PASSWORD, next_path: str | None = None):
    """Fill the real login form and submit it; waits for the answer page to load."""
    await page.goto("/login" + (f"?next={next_path}" if next_path else ""))
    await page.fill("#username", username)
    await page.fill("#password", password)
    async with page.expect_navigation():
        await page.click("form[action='/login'] button[type=submit]")
    return page


async def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than its viewport (0 = no horizontal scroll)."""
    return await page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - document.documentElement.clientWidth"
    )
