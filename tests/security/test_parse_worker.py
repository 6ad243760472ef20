"""The parse worker: a separate process with a memory and a time limit; a worker stopped by
either is a refusal naming the limit; at most TEKUN_IMPORT_WORKERS run at once; what comes back
is data only; the worker gets no secret."""

import asyncio
import os
import pickle
from dataclasses import replace
from pathlib import Path

import pytest

from backend.core import parse_worker
from backend.core.exchange import ExchangeError, Limits
from backend.core.i18n import reset_language, set_language
from backend.core.parse_worker import parse_file
from tests.security.workbooks import dimension_bomb

RESIDENTS = "backend.residents.exchange:RESIDENT_COLUMNS"
HEADER = "身份证号,姓名,性别,区划代码,认定日期,供养方式,机构编码,入住日期\n"
ROW = "620101195304251432,李国保,男,620101,2024-07-08,集中,H620101-06,2025-10-08\n"


@pytest.fixture
def english():
    token = set_language("en")
    yield
    reset_language(token)


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    """300,000 rows (27 MB): a worker needs a few hundred MB and some seconds to convert them."""
    path = tmp_path_factory.mktemp("worker") / "big.csv"
    rows = [
        f"6201011953042514{n % 100:02d},李{n},男,620101,2024-07-08,集中,H620101-{n % 90:02d},2025-10-08\n" for n in range(300_000)
    ]
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


async def test_an_honest_file_comes_back_as_parse_sheet_gives_it(english):
    rows, errors = await parse_file((HEADER + ROW).encode("gb18030"), "r.csv", RESIDENTS)
    assert errors == [] and len(rows) == 1
    assert rows[0].row == 2 and rows[0].values["name"] == "李国保" and str(rows[0].values["approved_on"]) == "2024-07-08"
    assert rows[0].label("name") == "姓名"
    _rows, errors = await parse_file((HEADER + ROW.replace("李国保", "李\x0b国保")).encode(), "r.csv", RESIDENTS)
    assert [(e.row, e.column) for e in errors] == [(2, "姓名")] and "U+000B" in errors[0].message


async def test_a_bomb_past_the_container_checks_meets_the_memory_limit(english):
    # With the container limits lifted, python-calamine itself asks for 512 GiB: the worker dies
    # under its address-space limit and the file is refused, naming the limit; this process lives.
    limits = replace(Limits(), max_columns=20_000, max_cells=10**12, max_rows=2_000_000)
    with pytest.raises(ExchangeError) as refused:
        await parse_file(dimension_bomb(), "bomb.xlsx", RESIDENTS, limits=limits)
    assert refused.value.errors[0].message == (
        "The file is too large or too complex to check: reading it needs more than 1,024 MB of memory."
    )


async def test_a_file_needing_more_memory_than_allowed_is_refused(english, big_csv):
    with pytest.raises(ExchangeError) as refused:
        await parse_file(big_csv, big_csv.name, RESIDENTS, limits=replace(Limits(), memory_bytes=160 << 20))
    assert "more than 160 MB of memory" in refused.value.errors[0].message
    rows, errors = await parse_file((HEADER + ROW).encode(), "r.csv", RESIDENTS, limits=replace(Limits(), memory_bytes=160 << 20))
    assert len(rows) == 1 and errors == []  # the same limit reads a small file


async def test_a_worker_past_its_time_is_killed_and_the_file_refused(english, big_csv):
    before = _children()
    with pytest.raises(ExchangeError) as refused:
        await parse_file(big_csv, big_csv.name, RESIDENTS, limits=replace(Limits(), timeout_seconds=1.0))
    assert refused.value.errors[0].message == (
        "The file is too large or too complex to check: reading it takes more than 1 seconds."
    )
    assert _children() == before  # killed and reaped, not left running


async def test_at_most_the_configured_number_of_workers_run_at_once(big_csv):
    limits = replace(Limits(), workers=1)
    seen = []

    async def watch():
        while True:
            seen.append(len(_children()))
            await asyncio.sleep(0.02)

    watcher = asyncio.create_task(watch())
    data = (HEADER + ROW * 20_000).encode()
    results = await asyncio.gather(*(parse_file(data, "r.csv", RESIDENTS, limits=limits) for _ in range(3)))
    watcher.cancel()
    assert [len(rows) for rows, _errors in results] == [20_000] * 3
    assert max(seen) == 1


async def test_a_broken_worker_is_a_bug_not_a_refusal():
    with pytest.raises(RuntimeError, match="parse worker failed"):
        await parse_file((HEADER + ROW).encode(), "r.csv", "backend.residents.exchange:NO_SUCH_COLUMNS")


def test_what_the_worker_sends_is_read_as_data_only():
    import io

    evil = pickle.dumps(("ok", os.system))
    with pytest.raises(pickle.UnpicklingError):
        parse_worker._DataOnly(io.BytesIO(evil)).load()
    from datetime import UTC, date, datetime

    honest = pickle.dumps(("ok", [date(2026, 1, 2), datetime(2026, 1, 2, tzinfo=UTC)]))
    assert parse_worker._DataOnly(io.BytesIO(honest)).load()[1][0] == date(2026, 1, 2)


def test_the_worker_gets_no_secret_and_no_database():
    env = parse_worker._environment()
    assert env["TEKUN_SECRET_KEY"] != os.environ["TEKUN_SECRET_KEY"]
    assert env["TEKUN_DATABASE_URL"] != os.environ["TEKUN_DATABASE_URL"] and "nonexistent" in env["TEKUN_DATABASE_URL"]
    assert env["TEKUN_TIMEZONE"] == os.environ["TEKUN_TIMEZONE"]
    assert not {name for name in env if name.startswith(("PG", "PYTHON"))} - {"PYTHONDONTWRITEBYTECODE"}


def _children() -> set[int]:
    found = set()
    for task in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/children") as handle:
                found.update(int(pid) for pid in handle.read().split())
        except OSError:
            pass
    # Only the parse workers (the live server of other tests is a child too).
    workers = set()
    for pid in found:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                if b"parse_worker" in handle.read():
                    workers.add(pid)
        except OSError:
            pass
    return workers
