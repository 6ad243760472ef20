"""The set-based writes of task generation: INSERT … ON CONFLICT DO NOTHING on the natural key
(home, routine, period, subject) in chunks, and UPDATE by id of the tasks whose counts or status
changed, guarded so that a task already done or cancelled is never touched again. The same SQL
on SQLite (executemany) and PostgreSQL/CockroachDB (one statement per chunk over unnest arrays);
nothing PostgreSQL-only that CockroachDB lacks."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, date, datetime

from backend.core import bulk
from backend.core.db import is_sqlite

COLUMNS = (
    "home", "county", "source", "routine", "subject", "period", "period_start", "period_end", "month",
    "due_at", "deadline", "expected", "done", "on_time", "status", "done_at", "created_at", "updated_at",
)  # fmt: skip
_PG_TYPES = (
    "int", "int", "text", "text", "text", "text", "date", "date", "text",
    "timestamptz", "timestamptz", "int", "int", "int", "text", "timestamptz", "timestamptz", "timestamptz",
)  # fmt: skip
_CONFLICT = "ON CONFLICT (home, routine, period, subject) DO NOTHING"
_CHUNK = 5000
_PG_CHUNK = 20_000  # one INSERT … SELECT FROM unnest per 20,000 rows (benchmarks/RESULTS.md: the alternatives tried)
_OPEN = "('open', 'overdue')"


def _affected(status: str) -> int:
    """The row count of an asyncpg command status (``INSERT 0 12``, ``UPDATE 3``)."""
    return int(status.rsplit(" ", 1)[-1]) if status else 0


async def insert_tasks(rows: list[tuple]) -> int:
    """Insert ``rows`` (in ``COLUMNS`` order) not yet there; how many were inserted. On PostgreSQL
    the rows are sorted by the natural key so that two generators racing take the keys in the
    same order."""
    if not rows:
        return 0
    connection = bulk.connection()
    names = ", ".join(f'"{name}"' for name in COLUMNS)
    created = 0
    if is_sqlite():  # one writer at a time (IMMEDIATE): no order needed
        marks = ", ".join("?" for _ in COLUMNS)
        sql = f'INSERT INTO "task" ({names}) VALUES ({marks}) {_CONFLICT}'
        pending = None  # the next chunk is bound while the driver's thread inserts this one
        try:
            for chunk in bulk.chunks(rows, _CHUNK):
                bound = bulk.as_bound(chunk)
                if pending is not None:
                    created += (await pending).rowcount
                pending = asyncio.ensure_future(connection.executemany(sql, bound))
                await asyncio.sleep(0)
            return created + (await pending).rowcount
        except BaseException:
            if pending is not None and not pending.done():
                with contextlib.suppress(Exception):
                    await pending  # let it finish on the connection before the transaction rolls back
            raise
    rows = sorted(rows, key=lambda row: (row[0], row[3], row[5], row[4]))  # racing writers wait, never deadlock
    every = ", ".join(f"${index}::{kind}[]" for index, kind in enumerate(_PG_TYPES, start=1))
    # created_at and updated_at are the run's one moment: one parameter, not two arrays to encode
    moment = f"${len(_PG_TYPES) - 1}::timestamptz"
    shared = ", ".join(f"${index}::{kind}[]" for index, kind in enumerate(_PG_TYPES[:-2], start=1))
    for chunk in bulk.chunks(rows, _PG_CHUNK):
        columns = [list(column) for column in zip(*chunk, strict=True)]
        if len(set(columns[-2] + columns[-1])) == 1:
            sql = f'INSERT INTO "task" ({names}) SELECT *, {moment}, {moment} FROM unnest({shared}) {_CONFLICT}'
            args = [*columns[:-2], columns[-1][0]]
        else:
            sql, args = f'INSERT INTO "task" ({names}) SELECT * FROM unnest({every}) {_CONFLICT}', columns
        created += _affected(await connection.execute(sql, *args))
    return created


async def update_tasks(rows: list[tuple[int, int, int, str, datetime | None]], now: datetime) -> int:
    """Set (done, on_time, status, done_at) of the tasks by id (rows: id, done, on_time, status,
    done_at), only where the task is still open or overdue; how many changed."""
    if not rows:
        return 0
    rows = sorted(rows)
    connection = bulk.connection()
    changed = 0
    if is_sqlite():
        sql = (
            'UPDATE "task" SET "done" = ?, "on_time" = ?, "status" = ?, "done_at" = ?, "updated_at" = ? '
            f'WHERE "id" = ? AND "status" IN {_OPEN}'
        )
        values = [(done, on_time, status, done_at, now, task_id) for task_id, done, on_time, status, done_at in rows]
        for chunk in bulk.chunks(values, _CHUNK):
            cursor = await connection.executemany(sql, bulk.as_bound(chunk))
            changed += cursor.rowcount
        return changed
    sql = (
        'UPDATE "task" SET "done" = v.done, "on_time" = v.on_time, "status" = v.status, "done_at" = v.done_at, '
        '"updated_at" = $6 FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::timestamptz[]) '
        f'AS v(id, done, on_time, status, done_at) WHERE "task"."id" = v.id AND "task"."status" IN {_OPEN}'
    )
    for chunk in bulk.chunks(rows, _CHUNK * 4):
        columns = [list(column) for column in zip(*chunk, strict=True)]
        changed += _affected(await connection.execute(sql, *columns, now))
    return changed


async def mark_overdue(now: datetime, home_ids: list[int] | None) -> int:
    """Every open task whose deadline passed short of what was expected becomes overdue (also
    those no source computes any more: a resident moved to another home); how many."""
    sql = 'UPDATE "task" SET "status" = \'overdue\', "updated_at" = {} WHERE "status" = \'open\' AND "due_at" < {} AND "deadline" < {} AND "done" < "expected"'
    args: list = [now, now, now]  # due_at <= deadline: the bound on due_at lets the (status, due_at) index serve
    if home_ids is not None:
        sql += ' AND "home" IN (' + ", ".join("{}" for _ in home_ids or [-1]) + ")"
        args += home_ids or [-1]
    return await _execute(sql, args)


async def cancel_closed(closed: list[tuple[int, date]], now: datetime) -> int:
    """Cancel the open and overdue tasks of each closed home (home id, the day it closed) whose
    period started after that day; how many."""
    if not closed:
        return 0
    total = 0
    for home_id, closed_on in sorted(closed):
        total += await _execute(
            'UPDATE "task" SET "status" = \'cancelled\', "updated_at" = {} '
            f'WHERE "home" = {{}} AND "period_start" > {{}} AND "status" IN {_OPEN}',
            [now, home_id, closed_on],
        )
    return total


async def _execute(sql: str, args: list) -> int:
    connection = bulk.connection()
    if is_sqlite():
        cursor = await connection.execute(sql.replace("{}", "?"), bulk.as_bound([tuple(args)])[0])
        return cursor.rowcount
    parts = sql.split("{}")
    numbered = parts[0] + "".join(f"${index}{part}" for index, part in enumerate(parts[1:], start=1))
    return _affected(await connection.execute(numbered, *args))


_ROW = '"id", "home", "routine", "period", "subject", "period_start", "status", "done", "on_time", "done_at"'


def _marks(values: list) -> str:
    return ", ".join("{}" for _ in values)


DUTY_ROUTINES = ("onsite_inspection", "hazard_fix", "certificate_renewal", "reassessment", "annual_review")


async def existing_tasks(home_ids: list[int], first: date, through: date) -> list[tuple]:
    """(id, home, routine, period, subject, period_start, status, done, on_time, done_at) of the
    open and overdue tasks of the homes, of the sources other than the safety routines
    (``DUTY_ROUTINES``), whose period overlaps [first, through]."""
    rows: list[tuple] = []
    for chunk in bulk.chunks(sorted(home_ids), 500):
        rows += await bulk.fetch_tuples(
            f'SELECT {_ROW} FROM "task" WHERE "home" IN ({_marks(chunk)}) AND "routine" IN ({_marks(DUTY_ROUTINES)}) '
            f'AND "status" || \'\' IN {_OPEN} AND "period_end" >= {{}} AND "period_start" <= {{}}',  # the key's index, not the status one
            *chunk,
            *DUTY_ROUTINES,
            first,
            through,
        )
    return rows


async def safety_tasks_at(home_ids: list[int], routines: list[str], periods: list[str]) -> list[tuple]:
    """The same columns, every status, of the safety tasks of the homes, routines and periods."""
    rows: list[tuple] = []
    periods, routines = sorted(set(periods)), sorted(set(routines))
    if not periods or not routines:
        return rows
    for chunk in bulk.chunks(sorted(set(home_ids)), 500):
        rows += await bulk.fetch_tuples(
            f'SELECT {_ROW} FROM "task" WHERE "home" IN ({_marks(chunk)}) AND "routine" IN ({_marks(routines)}) '
            f'AND "period" IN ({_marks(periods)}) AND "subject" = \'\'',
            *chunk,
            *routines,
            *periods,
        )
    return rows


async def safety_counts(home_ids: list[int], routines: list[str], periods: list[str]) -> dict[tuple[int, str], tuple[int, str]]:
    """(home, routine) → how many safety tasks there are in ``periods`` and the latest period
    (read from the natural key's index alone): when every wanted period up to it is there, only
    the later ones are missing."""
    out: dict[tuple[int, str], tuple[int, str]] = {}
    periods, routines = sorted(set(periods)), sorted(set(routines))
    if not periods or not routines:
        return out
    for chunk in bulk.chunks(sorted(set(home_ids)), 500):
        rows = await bulk.fetch_tuples(
            'SELECT "home", "routine", COUNT(*), MAX("period") FROM "task" '
            f'WHERE "home" IN ({_marks(chunk)}) AND "routine" IN ({_marks(routines)}) AND "period" IN ({_marks(periods)}) '
            'GROUP BY "home", "routine"',
            *chunk,
            *routines,
            *periods,
        )
        for home, routine, count, latest in rows:
            out[(home, routine)] = (int(count), latest)
    return out


WATERMARK = "safety_entry"


async def watermark() -> int:
    rows = await bulk.fetch_tuples('SELECT "value" FROM "task_watermark" WHERE "name" = {}', WATERMARK)
    return int(rows[0][0]) if rows else 0


async def set_watermark(value: int) -> None:
    """Advance the watermark (never back: two generators racing keep the higher)."""
    await _execute(
        'INSERT INTO "task_watermark" ("name", "value") VALUES ({}, {}) ON CONFLICT ("name") DO UPDATE SET "value" = '
        'CASE WHEN excluded."value" > "task_watermark"."value" THEN excluded."value" ELSE "task_watermark"."value" END',
        [WATERMARK, value],
    )


def _aware(moment):
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
