"""Task-generation benchmark (issue 13, "Figures to reach"): a month of tasks for 1,000 homes
generated in at most 5 s, re-run in at most 1 s, on SQLite and PostgreSQL.

    .venv/bin/python -m benchmarks.bench_tasks [--db sqlite,postgres] [--homes 1000]

For each database: a fresh database (``tekun db upgrade``), then in one worker process the data
(``benchmarks/generate_tasks.py``: the homes registered on 2026-10-01 with October's safety
entries and hazards) and the figures, each printed with its **floor** beside it:

- ``generate_tasks(2026-10-31, now=2026-11-01 08:00)``: the month's tasks of every home created
  with their counts from the entries. Floor: the same rows (read back) inserted by the bare driver
  (sqlite3 ``executemany`` / asyncpg ``executemany``) into an empty copy of the table with the
  same indexes (the natural key, (county, month), (home, month), (status, due_at)), committed;
  and again into a copy with the task table's two foreign keys too (``..._with_foreign_keys_s``:
  what the service's insert also pays, a parent-key check per row).
- the same call again (nothing to create; the open tasks refreshed). Floor: the same rows
  inserted again with ``ON CONFLICT DO NOTHING`` by the bare driver (each one a no-op).

Prints one JSON document per database; no assertion (the figures go to benchmarks/RESULTS.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_import import drop, fresh_env, run  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"generate_s": 5.0, "rerun_s": 1.0}
COLUMNS = (
    "home", "county", "source", "routine", "subject", "period", "period_start", "period_end", "month",
    "due_at", "deadline", "expected", "done", "on_time", "status", "done_at", "created_at", "updated_at",
)  # fmt: skip
INDEXES = (  # the task table's four (and its primary key): the natural key and the three of the rates and lists
    "CREATE UNIQUE INDEX task_floor_key ON task_floor (home, routine, period, subject)",
    "CREATE INDEX task_floor_county_month ON task_floor (county, month)",
    "CREATE INDEX task_floor_home_month ON task_floor (home, month)",
    "CREATE INDEX task_floor_status_due ON task_floor (status, due_at)",
)


def _names() -> str:
    return ", ".join(f'"{name}"' for name in COLUMNS)


def _floor_sqlite(path: str) -> dict:
    import sqlite3

    connection = sqlite3.connect(path)
    rows = connection.execute(f"SELECT {_names()} FROM task").fetchall()
    connection.execute("CREATE TABLE task_floor AS SELECT * FROM task WHERE 0")
    for statement in INDEXES:
        connection.execute(statement)
    (ddl,) = connection.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'task'").fetchone()
    connection.execute(ddl.replace('CREATE TABLE "task"', 'CREATE TABLE "task_floor_fk"', 1))  # the same foreign keys
    for statement in INDEXES:
        connection.execute(statement.replace("task_floor", "task_floor_fk"))
    connection.commit()
    connection.execute("PRAGMA foreign_keys = 1")  # as the service's connections
    marks = ", ".join("?" for _ in COLUMNS)
    started = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(f"INSERT INTO task_floor ({_names()}) VALUES ({marks})", rows)
    connection.commit()
    first = time.perf_counter() - started
    started = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(f"INSERT INTO task_floor_fk ({_names()}) VALUES ({marks})", rows)
    connection.commit()
    with_keys = time.perf_counter() - started
    started = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(
        f"INSERT INTO task_floor ({_names()}) VALUES ({marks}) ON CONFLICT (home, routine, period, subject) DO NOTHING", rows
    )
    connection.commit()
    again = time.perf_counter() - started
    connection.close()
    return _floors(len(rows), first, with_keys, again)


def _floors(rows: int, first: float, with_keys: float, again: float) -> dict:
    return {
        "rows": rows,
        "floor_generate_s": round(first, 3),
        "floor_generate_with_foreign_keys_s": round(with_keys, 3),
        "floor_rerun_s": round(again, 3),
    }


async def _floor_postgres(url: str) -> dict:
    import asyncpg

    connection = await asyncpg.connect(url.replace("postgresql://", "postgres://", 1))
    try:
        rows = await connection.fetch(f"SELECT {_names()} FROM task")
        await connection.execute("CREATE TABLE task_floor (LIKE task INCLUDING DEFAULTS)")
        await connection.execute("ALTER TABLE task_floor ADD PRIMARY KEY (id)")  # SQLite's id is the rowid: no index
        await connection.execute("CREATE TABLE task_floor_fk (LIKE task_floor INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        await connection.execute("ALTER TABLE task_floor_fk ADD PRIMARY KEY (id)")
        await connection.execute(
            "ALTER TABLE task_floor_fk ADD FOREIGN KEY (home) REFERENCES home (id), ADD FOREIGN KEY (county) REFERENCES county (id)"
        )  # the task table's own foreign keys (LIKE copies none)
        for statement in INDEXES:
            await connection.execute(statement)
            await connection.execute(statement.replace("task_floor", "task_floor_fk"))
        marks = ", ".join(f"${index}" for index in range(1, len(COLUMNS) + 1))
        values = [tuple(row) for row in rows]
        started = time.perf_counter()
        async with connection.transaction():
            await connection.executemany(f"INSERT INTO task_floor ({_names()}) VALUES ({marks})", values)
        first = time.perf_counter() - started
        started = time.perf_counter()
        async with connection.transaction():
            await connection.executemany(f"INSERT INTO task_floor_fk ({_names()}) VALUES ({marks})", values)
        with_keys = time.perf_counter() - started
        started = time.perf_counter()
        async with connection.transaction():
            await connection.executemany(
                f"INSERT INTO task_floor ({_names()}) VALUES ({marks}) ON CONFLICT (home, routine, period, subject) DO NOTHING",
                values,
            )
        again = time.perf_counter() - started
    finally:
        await connection.close()
    return _floors(len(rows), first, with_keys, again)


async def _worker(homes: int) -> dict:
    from backend.core import db
    from backend.inspections import services
    from benchmarks import generate_tasks

    await db.start()
    load = [os.getloadavg()[0]]  # the machine is shared: the floor measured in the same run is what compares
    try:
        started = time.perf_counter()
        data = await generate_tasks.generate(homes)
        data.pop("home_codes")
        data_seconds = time.perf_counter() - started
        now = generate_tasks.morning_after()
        started = time.perf_counter()
        first = await services.generate_tasks(generate_tasks.MONTH_END, now=now)
        generate_s = time.perf_counter() - started
        started = time.perf_counter()
        again = await services.generate_tasks(generate_tasks.MONTH_END, now=now)
        rerun_s = time.perf_counter() - started
    finally:
        await db.stop()
    load.append(os.getloadavg()[0])
    url = os.environ["TEKUN_DATABASE_URL"]
    floor = _floor_sqlite(url.removeprefix("sqlite:///")) if url.startswith("sqlite") else await _floor_postgres(url)
    return {
        "data": {**data, "seconds": round(data_seconds, 1)},
        "first": {"created": first.created, "updated": first.updated, "overdue": first.overdue},
        "again": {"created": again.created, "updated": again.updated, "overdue": again.overdue},
        "generate_s": round(generate_s, 3),
        "rerun_s": round(rerun_s, 3),
        **floor,
        "load_average": [round(value, 1) for value in load],  # 1-minute, before the data and after the re-run
        "targets": TARGETS,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--homes", type=int, default=1000)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(asyncio.run(_worker(args.homes))))
        return 0
    for database in args.db.split(","):
        with tempfile.TemporaryDirectory(prefix="tekun-bench-tasks-") as workdir:
            env, url = fresh_env(database, Path(workdir))
            try:
                run(env, "db", "upgrade")
                result = subprocess.run(
                    [sys.executable, "-m", "benchmarks.bench_tasks", "--worker", "--homes", str(args.homes)],
                    cwd=ROOT, env=env, capture_output=True, text=True, check=False,
                )  # fmt: skip
                if result.returncode:
                    print(result.stderr, file=sys.stderr)
                    return 1
                print(json.dumps({"database": database, **json.loads(result.stdout.strip().splitlines()[-1])}))
            finally:
                drop(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
