"""An inspector opens the archive (报表) in Chromium, on a phone and on a desktop, and downloads the
county's monthly report (issued as the scheduler issues it): the file is the archived one (same
sha256), named in Chinese, and verifies."""

from __future__ import annotations

import hashlib
from pathlib import Path

from backend.core.security import Scope
from backend.reports import services
from tests.e2e.helpers import horizontal_overflow, log_in
from tests.reports.builder_world import COUNTY_NAME, build_world

PHONE = (390, 844)
DESKTOP = (1366, 900)
KIND = "county-monthly"


async def test_an_inspector_downloads_the_countys_report_from_the_archive(world, new_page):
    county_world = await build_world(world)
    county = county_world.county
    out = await services.issue_report(KIND, county_world.key, county_code=county, actor=Scope.system("scheduler"))
    inspector = await world.user("inspector", county=county)
    for viewport in (PHONE, DESKTOP):
        page = await new_page(viewport=viewport)
        await log_in(page, inspector.username)
        await page.click("nav a[href='/reports']")
        await page.wait_for_url("**/reports")
        assert await horizontal_overflow(page) == 0, f"the archive scrolls sideways at {viewport}"
        row = page.locator(f"tr[data-report='{out.id}']")
        assert out.code in await row.inner_text()
        link = row.locator("a.download")
        box = await link.bounding_box()
        assert box["height"] >= 40 or viewport == DESKTOP, f"the download link is too small to tap: {box}"
        async with page.expect_download() as info:
            await link.click()
        download = await info.value
        body = Path(await download.path()).read_bytes()
        assert hashlib.sha256(body).hexdigest() == out.sha256
        assert download.suggested_filename == out.filename and COUNTY_NAME in download.suggested_filename
        assert "县级月度报表" in download.suggested_filename
    verdict = await services.verify_file(body)
    assert verdict.status == services.ISSUED and verdict.report.id == out.id
