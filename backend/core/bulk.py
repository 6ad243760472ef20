"""Bulk reads and writes on the connection of the current transaction, below the ORM: for the
imports and the reconciliation, where an ORM object or a dict per row costs more than the
database's own work (benchmarks/RESULTS.md). Values must already have the column's type; they are
adapted by the same driver adapters as the ORM's (SQLite: dates as ISO text, aware datetimes in
UTC), so what is stored is what the ORM would store."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from backend.core.db import ENGINE, is_postgres, is_sqlite


def connection() -> Any:
    """The driver connection of the caller's transaction (aiosqlite or asyncpg)."""
    transaction_ = ENGINE.current_transaction.get()
    if transaction_ is None:
        raise RuntimeError("set-based writes run inside transaction()")
    return transaction_.connection


def chunks(values: list, size: int):
    for start in range(0, len(values), size):
        yield values[start : start + size]


async def fetch_tuples(sql: str, *args) -> list:
    """The rows of ``sql`` as tuples, through the driver of the current transaction, without
    the dict per row the ORM builds (a third of the time of a 120,000-row read). ``{}`` marks a
    parameter, as in Piccolo's ``raw``; values are adapted by the same driver adapters."""
    connection_ = connection()
    if is_sqlite():
        cursor = await connection_.execute(sql.replace("{}", "?"), args)
        cursor.row_factory = None
        try:
            return await cursor.fetchall()
        finally:
            await cursor.close()
    parts = sql.split("{}")
    numbered = parts[0] + "".join(f"${index}{part}" for index, part in enumerate(parts[1:], start=1))
    return await connection_.fetch(numbered, *args)


async def insert_rows(tablename: str, columns: list[str], rows: list[tuple], chunk: int = 5000) -> None:
    """Set-based INSERT of ``rows`` (tuples in ``columns`` order): an ORM object and query string
    per row cost 100–500 µs a row (a minute at province scale); this path a few µs. Then fresh
    statistics on PostgreSQL (``analyse_after_bulk``)."""
    if not rows:
        return
    await insert_batches(tablename, columns, chunks(rows, chunk))
    await analyse_after_bulk(tablename, len(rows))


async def analyse_after_bulk(tablename: str, count: int) -> None:
    """Fresh planner statistics after a bulk load of ``count`` rows, on PostgreSQL: where
    autovacuum is off or has not come round yet, the planner treats the table as if it were
    still small and picks plans that scan it once per row. SQLite plans without statistics;
    CockroachDB collects them by itself (and refuses ANALYZE inside a transaction)."""
    if count >= 10_000 and is_postgres():
        await ENGINE.run_ddl(f'ANALYZE "{tablename}"')


async def insert_batches(tablename: str, columns: list[str], batches: Iterable[list[tuple]]) -> None:
    """Insert the rows of ``batches``, an iterator that computes each batch when asked, so that
    computing batch n + 1 overlaps writing batch n.

    PostgreSQL: one COPY (asyncpg's binary copy, several times faster than an INSERT per row; the
    values already have the column types: date, bool, int, str, aware datetime), fed batch by
    batch while the server inserts what it has received. SQLite and CockroachDB: executemany per
    batch, started before the next batch is computed (SQLite's own work runs in aiosqlite's thread
    without the GIL); on SQLite with the values the driver would bind (``as_bound``)."""
    connection_, sql = await _insert_statement(tablename, columns)
    if is_postgres():

        async def records():
            for batch in batches:
                for record in batch:
                    yield record

        await connection_.copy_records_to_table(tablename, records=records(), columns=columns)
        return
    sqlite = is_sqlite()
    pending = None
    try:
        for batch in batches:
            if sqlite:
                batch = as_bound(batch)
            if pending is not None:
                await pending
            pending = asyncio.ensure_future(connection_.executemany(sql, batch))
            await asyncio.sleep(0)  # the batch is handed to the driver before the next is computed
        if pending is not None:
            await pending
    except BaseException:
        if pending is not None and not pending.done():
            with contextlib.suppress(Exception):
                await pending  # let it finish on the connection before the transaction rolls back
        raise


_BOOL_BOUND = {True: 1, False: 0}  # sqlite3 binds a bool as the integer 1 or 0
_UNADAPTED = frozenset({int, float, str, type(None)})  # bound as they are, no adapter looked up


def as_bound(rows: list[tuple]) -> list[tuple]:
    """The rows with each date and time already turned into the text sqlite3 would bind (its
    registered adapter — Piccolo's — called once per distinct value instead of once per cell in
    the driver's thread) and bools as 1/0. What is stored is the same."""
    if any(kind in _UNADAPTED for kind, _protocol in sqlite3.adapters):
        return rows  # an adapter for a base type: sqlite3 adapts every value; leave it to it
    columns = list(zip(*rows, strict=True))
    changed = False
    for index, values in enumerate(columns):
        kinds = set(map(type, values))
        if kinds <= _UNADAPTED:
            continue
        if kinds <= {bool, type(None)} and (bool, sqlite3.PrepareProtocol) not in sqlite3.adapters:
            columns[index] = tuple(map(_BOOL_BOUND.get, values))
            changed = True
            continue
        # date, datetime and str values are never equal across types, so one dict serves; a
        # datetime with a zone other than UTC may equal another across a DST fold: left as is.
        if not kinds <= {date, datetime, str, type(None)}:
            continue
        distinct = dict.fromkeys(values)
        if datetime in kinds and any(value.__class__ is datetime and value.tzinfo not in (None, UTC) for value in distinct):
            continue
        bound = {}
        for value in distinct:
            adapter = sqlite3.adapters.get((type(value), sqlite3.PrepareProtocol))
            bound[value] = value if adapter is None else adapter(value)
        columns[index] = tuple(map(bound.__getitem__, values))
        changed = True
    return list(zip(*columns, strict=True)) if changed else rows


async def _insert_statement(tablename: str, columns: list[str]) -> tuple[Any, str]:
    """The connection of the caller's transaction and a one-row INSERT for its executemany."""
    connection_ = connection()
    names = ", ".join(f'"{column}"' for column in columns)
    if is_sqlite():
        # A larger page cache for this transaction's connection (the default is 2 MB): index
        # inserts in random order then stay in memory. Gone with the connection.
        await connection_.execute("PRAGMA cache_size = -131072")
        marks = ", ".join("?" for _ in columns)
    else:
        marks = ", ".join(f"${index}" for index in range(1, len(columns) + 1))
    return connection_, f'INSERT INTO "{tablename}" ({names}) VALUES ({marks})'
