"""The page crawler (tests/tools/page_check.py, a copy of the workplace's ../shared/tools/page_check.py)
walks every page the demo's director, inspector, assessor, finance officer and administrator can reach, in
Debian's Chromium, at a phone's 390 px and a desktop's 1366 px: no server error, no sideways
scrolling, no English left on a Chinese page.

The demo is loaded into its own fresh database (following the test leg) and served by the real
`tekun serve` in its own process, as a county would run it.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

import pytest

from backend.core import db
from tests.cli.helpers import ROOT
from tests.conftest import DATA_DIR, LEG, _free_port
from tests.e2e.conftest import CHROMIUM, browser_problem
from tests.processes import serving
from tests.test_demo import _demo_url, _tekun

USERS = ("director.yd01", "inspector.yongdeng", "assessor.yongdeng", "finance.yongdeng", "admin")
PASSWORD = "tekun-demo-2026"
CHECKER = ROOT / "tests/tools/page_check.py"
SHARED = ROOT.parent / "shared/tools/page_check.py"


@pytest.fixture(scope="module")
def demo_server():
    if problem := browser_problem():
        pytest.skip(problem)
    url = _demo_url()
    loaded = _tekun(url, "demo", "--no-serve")
    assert loaded.returncode == 0, loaded.stderr
    try:
        with serving(ROOT, DATA_DIR / "crawl-server.log", _free_port(), env={"TEKUN_DATABASE_URL": url}) as base:
            yield base
    finally:
        if LEG == "postgres":
            asyncio.run(db.drop_database(url))


@pytest.mark.parametrize("width", [390, 1366])
def test_every_page_of_every_role_reads_in_chinese_without_sideways_scrolling(demo_server, width):
    command = [
        sys.executable,
        str(CHECKER),
        "--base",
        demo_server,
        "--password",
        PASSWORD,
        "--width",
        str(width),
        "--chromium",
        str(CHROMIUM),
        "--json",
        "--max-pages",
        "400",
    ]
    for user in USERS:
        command += ["--user", user]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1500, env={**os.environ})
    assert done.stdout.strip(), done.stderr
    findings = json.loads(done.stdout)["findings"]
    visited = [line for line in done.stderr.splitlines() if line.endswith(" pages")]
    assert len(visited) == len(USERS), done.stderr  # every role signed in and walked its pages
    for line in visited:
        assert int(line.rsplit(" ", 2)[1]) >= 10, f"too few pages reached: {line}"
    shown = "\n".join(f"{f['user']} {f['kind']} {f['url']} {f['detail']}" for f in findings[:40])
    assert findings == [], f"{len(findings)} findings at {width} px:\n{shown}"


def test_the_copy_of_the_crawler_is_the_workplace_tool():
    """The copy keeps the suite runnable from a clone alone; when the workplace tool is beside the
    checkout, the copy must not have drifted from it."""
    if not SHARED.is_file():
        pytest.skip(f"{SHARED} is not beside this checkout")
    assert CHECKER.read_text() == SHARED.read_text(), "copy ../shared/tools/page_check.py to tests/tools/ again"
