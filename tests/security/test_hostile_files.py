"""Crafted files against the real server and the real `tekun import` (issue 8, point 1).

The XLSX dimension bomb (measured on main: the web server aborted, `tekun import` exited 134),
a zip bomb (1 GiB of zeros in 4.5 MB) and a sheet of 8 million rows (measured on main: 57 s,
7.8 GB, `/health` answered after 52 s) are uploaded on /import by a signed-in user of a live
server while another client polls /health: each is refused with the limit it breaks named (in
Chinese), nothing is stashed, /health answers every time within 1 s, and the server is alive
afterwards. Through `python -m backend.cli import residents FILE` each exits 2 within 10 s with
a peak resident memory under 1 GiB (the CLI and its parse worker, from wait4). The time bounds
are the issue's own; everything else these tests check is the answer itself.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import DATA_DIR, PASSWORD, ROOT, _free_port
from tests.processes import serving
from tests.security.workbooks import dimension_bomb, many_rows, zip_bomb

HEALTH_BOUND = 1.0  # seconds: the bound for /health while a file is checked
CLI_BOUND = 10.0  # seconds: the bound for `tekun import` on these files
GiB_IN_KB = 1024 * 1024  # ru_maxrss is in KB on Linux

# What each file breaks, as the page and the command say it (the default language, Chinese).
EXPECTED = {
    "dimension": "工作表声明的使用区域为 A1:XFD1048576：超过 1,000 列。",
    "zip": "最多接受 100:1。",
    "rows": "工作表超过 2,000,000 行。",
}


@pytest.fixture(scope="session")
def hostile(tmp_path_factory) -> dict[str, Path]:
    """The three files, made once per test session (about 10 s)."""
    folder = tmp_path_factory.mktemp("hostile")
    bomb = folder / "dimension-bomb.xlsx"
    bomb.write_bytes(dimension_bomb())
    return {"dimension": bomb, "zip": zip_bomb(folder / "zip-bomb.xlsx"), "rows": many_rows(folder / "8-million-rows.xlsx")}


def _token(html: str) -> str:
    found = re.search(r'name="_csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="_csrf_token"', html
    )
    assert found, "no CSRF token in the form"
    return found.group(1)


def _signed_in(url: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=120, headers={"Origin": url, "Referer": f"{url}/login"})
    form = client.get("/login")
    answer = client.post(
        "/login", data={"username": username, "password": PASSWORD, "next": "/", "_csrf_token": _token(form.text)}
    )
    assert answer.status_code in (200, 303), answer.text[:500]
    return client


class HealthPoller(threading.Thread):
    """Asks /health again and again (a new request as soon as the last is answered, 20 ms
    apart) and keeps how long each took."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.times, self.statuses, self.stop = url, [], [], threading.Event()

    def run(self):
        with httpx.Client(base_url=self.url, timeout=30) as client:
            while not self.stop.is_set():
                start = time.monotonic()
                status = client.get("/health").status_code
                self.times.append(time.monotonic() - start)
                self.statuses.append(status)
                time.sleep(0.02)


def _upload_while_polling(url: str, username: str, path: Path) -> tuple[httpx.Response, HealthPoller]:
    client = _signed_in(url, username)
    page = client.get("/import")
    poller = HealthPoller(url)
    poller.start()
    time.sleep(0.2)  # a few answers before the upload, to compare with
    try:
        response = client.post(
            "/import",
            data={"kind": "residents", "_csrf_token": _token(page.text)},
            files={"file": (path.name, path.read_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")},
        )
    finally:
        time.sleep(0.2)
        poller.stop.set()
        poller.join(timeout=60)
        client.close()
    return response, poller


def _stashed() -> set[str]:
    folder = DATA_DIR / "uploads"
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


@pytest.mark.parametrize("case", ["dimension", "zip", "rows"])
async def test_a_hostile_upload_is_refused_while_the_server_keeps_answering(live_server, world, hostile, case):
    admin = await world.user("admin")
    stashed = _stashed()
    response, poller = await asyncio.to_thread(_upload_while_polling, live_server, admin.username, hostile[case])
    assert response.status_code == 400, response.text[:1000]
    assert 'id="import-errors"' in response.text and EXPECTED[case] in response.text
    assert 'name="upload_id"' not in response.text and _stashed() == stashed  # nothing kept
    assert poller.statuses and set(poller.statuses) == {200}
    assert max(poller.times) < HEALTH_BOUND, f"/health took {max(poller.times):.2f} s (answers: {len(poller.times)})"
    assert httpx.get(f"{live_server}/health", timeout=5).status_code == 200  # alive afterwards


def _tekun_import(path: Path, *extra: str, env: dict | None = None) -> tuple[int, str, str, float, int]:
    """Exit code, stdout, stderr, seconds and peak RSS (KB) of `python -m backend.cli import`,
    the peak over the command and the parse worker it waited for (wait4's rusage)."""
    out, err = (
        DATA_DIR / f"cli-{os.getpid()}-{threading.get_ident()}.out",
        DATA_DIR / f"cli-{os.getpid()}-{threading.get_ident()}.err",
    )
    with out.open("wb") as stdout, err.open("wb") as stderr:
        start = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "backend.cli", "import", "residents", str(path), *extra],
            cwd=ROOT,
            env=env or os.environ.copy(),
            stdout=stdout,
            stderr=stderr,
        )
        watchdog = threading.Timer(120, process.kill)
        watchdog.start()
        _pid, status, usage = os.wait4(process.pid, 0)
        elapsed = time.monotonic() - start
        watchdog.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, out.read_text(), err.read_text(), elapsed, usage.ru_maxrss


@pytest.mark.parametrize("case", ["dimension", "zip", "rows"])
def test_tekun_import_refuses_a_hostile_file_with_exit_2_quickly_and_in_little_memory(hostile, case):
    code, out, err, elapsed, peak = _tekun_import(hostile[case], "--json")
    assert code == 2, err
    assert json.loads(out) == {
        "ok": False,
        "errors": [{"row": 1, "column": "-", "message": json.loads(out)["errors"][0]["message"]}],
    }
    assert EXPECTED[case] in json.loads(out)["errors"][0]["message"] and EXPECTED[case] in err
    assert elapsed < CLI_BOUND, f"{elapsed:.1f} s"
    assert peak < GiB_IN_KB, f"peak {peak // 1024} MiB"


# --- a worker stopped by its memory limit, on a server whose limit is low ------------------


@pytest.fixture(scope="module")
def tight_server(database):
    """A second live server whose parse workers may use only 160 MB."""
    with serving(ROOT, DATA_DIR / "tight-server.log", _free_port(), env={"TEKUN_IMPORT_MEMORY_MB": "160"}) as url:
        yield url


@pytest.fixture(scope="module")
def big_register(tmp_path_factory) -> Path:
    """300,000 well-formed register rows (27 MB): reading them takes more than 160 MB."""
    path = tmp_path_factory.mktemp("register") / "residents.csv"
    header = "身份证号,姓名,性别,区划代码,认定日期,供养方式,机构编码,入住日期\n"
    path.write_text(
        header
        + "".join(
            f"6201011953042514{n % 100:02d},李{n},男,620101,2024-07-08,集中,H620101-{n % 90:02d},2025-10-08\n"
            for n in range(300_000)
        ),
        encoding="utf-8",
    )
    return path


async def test_a_worker_stopped_by_the_memory_limit_is_a_refusal_not_a_500(tight_server, world, big_register):
    admin = await world.user("admin")
    response, poller = await asyncio.to_thread(_upload_while_polling, tight_server, admin.username, big_register)
    assert response.status_code == 400, response.text[:1000]
    assert "文件过大或过于复杂，无法检查：读取它需要超过 160 MB 内存。" in response.text
    assert max(poller.times) < HEALTH_BOUND
    assert httpx.get(f"{tight_server}/health", timeout=5).status_code == 200


def test_tekun_import_stopped_by_the_memory_limit_exits_2(big_register):
    code, _out, err, _elapsed, _peak = _tekun_import(
        big_register, "--dry-run", env={**os.environ, "TEKUN_IMPORT_MEMORY_MB": "160"}
    )
    assert code == 2 and "需要超过 160 MB 内存" in err


def test_tekun_import_names_the_file_size_limit_and_the_encoding(tmp_path):
    large = tmp_path / "large.csv"
    large.write_bytes(b"x" * (2 * 1024 * 1024))
    code, out, err, _elapsed, _peak = _tekun_import(large, "--json", env={**os.environ, "TEKUN_IMPORT_MAX_FILE_MB": "1"})
    assert code == 2 and json.loads(out)["errors"] == [{"row": 1, "column": "-", "message": "文件大于 1 MB。"}]
    big5 = tmp_path / "big5.csv"
    big5.write_bytes("身份證號,姓名\n620101195304251432,李國寶\n620101195807140988,盧鳳月\n".encode("big5"))
    code, out, err, _elapsed, _peak = _tekun_import(big5)
    assert code == 2 and "Big5" in err and "CSV UTF-8" in err and "nothing was written" in err
