"""The demo's audit log, in Chromium, says everything in words: after the demo is loaded (its
imports, placements, deaths, standards, reconciliations), its people sign in and the administrator
changes a user, no page of /audit (nor its ?verify=true view) holds what the page crawler
(../shared/tools/page_check.py) reports as English: runs of English words, UPPER_SNAKE codes,
dotted event names such as user.login, raw JSON.

The demo runs in its own database (as in tests/test_demo.py) behind its own ``tekun serve``.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import subprocess
import sys

import pytest

from backend.core import db
from tests.accounts.test_audit_page import english_in
from tests.conftest import DATA_DIR, DATABASE_URL, LEG, ROOT, _free_port
from tests.processes import serving

DEMO_PASSWORD = "tekun-demo-2026"
DEMO_USERS = ("director.yd01", "inspector.yongdeng", "finance.yongdeng")


def _demo_url() -> str:
    name = f"demo_audit_{secrets.token_hex(3)}"
    if LEG == "sqlite":
        return f"sqlite:///{DATA_DIR / (name + '.sqlite3')}"
    base, _, _ = DATABASE_URL.rpartition("/")
    return f"{base}/tekun_test_{name}"


@pytest.fixture(scope="module")
def demo_server():
    url = _demo_url()
    env = {"TEKUN_DATABASE_URL": url}
    loaded = subprocess.run(
        [sys.executable, "-m", "backend.cli", "demo", "--no-serve"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert loaded.returncode == 0, loaded.stderr
    try:
        with serving(ROOT, DATA_DIR / "demo-audit-server.log", _free_port(), env=env) as server:
            yield server
    finally:
        if LEG == "postgres":
            asyncio.run(db.drop_database(url))


async def _signed_in(browser, base: str, username: str):
    context = await browser.new_context(base_url=base, locale="zh-CN", viewport={"width": 390, "height": 844})
    page = await context.new_page()
    await page.goto("/login")
    await page.fill("#username", username)
    await page.fill("#password", DEMO_PASSWORD)
    async with page.expect_navigation():
        await page.click("form[action='/login'] button[type=submit]")
    assert "/login" not in page.url, username
    return context, page


async def test_the_demos_audit_log_holds_no_english(browser, demo_server):
    for username in DEMO_USERS:
        context, _page = await _signed_in(browser, demo_server, username)
        await context.close()
    context, page = await _signed_in(browser, demo_server, "admin")
    try:
        # A user change with a dotted username: its record and the user's name, in words.
        await page.goto("/users?q=finance.chengguan")
        async with page.expect_navigation():
            await page.click("table.cards td.lead a")
        await page.fill("#f-display_name", "城关区民政局财务 孙丽华")
        async with page.expect_navigation():
            await page.click("form[action$='/edit'] button[type=submit]")
        assert "已保存" in await page.inner_text("p.flash")

        await page.goto("/audit")
        pages = int(re.search(r"共(\d+)页", await page.inner_text("main")).group(1))
        assert pages >= 2  # the demo writes more than 50 audit rows
        seen = ""
        findings = []
        for number in range(1, pages + 1):
            await page.goto(f"/audit?page={number}")
            text = await page.evaluate("() => document.body.innerText")
            findings += [f"page {number}: {hit}" for hit in english_in(text)]
            seen += text
        for path in ("/audit?verify=true", "/audit?action=user.login", "/audit?user=finance.chengguan"):
            await page.goto(path)
            text = await page.evaluate("() => document.body.innerText")
            findings += [f"{path}: {hit}" for hit in english_in(text)]
        assert not findings, "\n".join(findings)
        for words in (
            "登录",
            "导入特困人员名册",
            "转院",
            "报告死亡",
            "设定救助供养标准",
            "完成月度核对",
            "修改用户",
            "永登县民政局 王建国",
            "城关区民政局财务 孙丽华",
            "演示数据",
        ):
            assert words in seen, words
        assert await page.evaluate("() => document.documentElement.scrollWidth") <= 392
    finally:
        await context.close()
