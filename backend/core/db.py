"""The database engine: SQLite by default, PostgreSQL or CockroachDB by URL; transactions; upgrade.

One engine per process, built from ``TEKUN_DATABASE_URL``.

- Writes run in ``transaction()``: on SQLite an IMMEDIATE transaction (the write lock is taken at
  BEGIN, so two writers never deadlock upgrading a read lock) on a connection of its own;
  elsewhere an ordinary transaction.
- Reads never take the write lock. A query outside a transaction is autocommit; on SQLite a
  SELECT runs on a pooled read-only connection (``PRAGMA query_only``: it cannot write even by
  mistake). ``reading()`` gives several reads one consistent snapshot, read-only: on SQLite a
  DEFERRED transaction on a read-only connection, on PostgreSQL ``READ ONLY REPEATABLE READ``.
- Every SQLite connection is set up alike (``SQLITE_PRAGMAS``): WAL, a busy timeout, synchronous
  NORMAL (safe in WAL mode: a power cut may lose the last commits, never corrupt the file) and
  foreign keys on.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import aiosqlite
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory

from backend.core.pool import ConnectionPool
from backend.core.settings import get_settings

BUSY_TIMEOUT_MS = 30_000  # how long a writer waits for the lock held by another connection
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode = WAL",  # persistent in the file; cheap to repeat, so no connection misses it
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = 1",
)
READ_POOL_SIZE = 8  # read-only SQLite connections per process


def sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def pg_config(url: str) -> dict:
    parts = urlsplit(url)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or (26257 if parts.scheme == "cockroachdb" else 5432),
        "user": unquote(parts.username or "postgres"),
        "password": unquote(parts.password) if parts.password else None,
        "database": unquote(parts.path.lstrip("/")) or "postgres",
    }


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        path = sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        return PooledSQLiteEngine(path=str(path))
    if url.startswith("cockroachdb://"):
        from piccolo.engine.cockroach import CockroachEngine

        return CockroachEngine(config=pg_config(url))
    return PostgresEngine(config=pg_config(url))


def is_sqlite() -> bool:
    return isinstance(ENGINE, SQLiteEngine)


class ReadOnlyBlock(RuntimeError):
    """A write transaction asked for inside ``reading()``: a read path must not write."""


def transaction():
    """One write transaction (IMMEDIATE on SQLite). Nested calls join the outer one; inside
    ``reading()`` it is refused (ReadOnlyBlock)."""
    if isinstance(ENGINE.current_transaction.get(), _READ_TRANSACTIONS):
        raise ReadOnlyBlock("a write transaction inside reading(): a read path must not write")
    if isinstance(ENGINE, SQLiteEngine):
        return ENGINE.transaction(transaction_type=TransactionType.immediate)
    return ENGINE.transaction()


def in_write_transaction() -> bool:
    current = ENGINE.current_transaction.get()
    return current is not None and not isinstance(current, _READ_TRANSACTIONS)


@contextlib.asynccontextmanager
async def reading() -> AsyncIterator[None]:
    """Several reads on one connection and one snapshot, in a read-only transaction (no lock
    that a writer waits for; a write inside fails). Inside a transaction already, joins it."""
    if ENGINE.current_transaction.get() is not None:
        yield
        return
    if isinstance(ENGINE, PooledSQLiteEngine):
        block: Any = _SQLiteRead(ENGINE)
    else:
        block = _PostgresRead(ENGINE)
    async with block:
        yield


# --- SQLite: connections set up alike, a pool of read-only ones ----------------------------------


def _is_select(sql: str) -> bool:
    return sql.lstrip()[:6].upper() == "SELECT"


class PooledSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLite engine, with every connection set up by ``SQLITE_PRAGMAS`` and the reads
    on a pool. Piccolo opens a connection per query outside a transaction (a thread, the file
    opened, the schema parsed: more than most queries cost); here a SELECT borrows a pooled
    read-only connection, anything else still gets a fresh connection of its own (autocommit)."""

    def __init__(self, path: str) -> None:
        super().__init__(path=path, timeout=BUSY_TIMEOUT_MS / 1000)
        self.readers = ConnectionPool(self.open_reader, READ_POOL_SIZE)

    async def get_connection(self, reader: bool = False) -> aiosqlite.Connection:
        """A new connection (write transactions: closed when the transaction ends)."""
        connection = aiosqlite.connect(**self.connection_kwargs)
        if reader:
            # A pooled reader lives until stop(); a command that ends without it must not hang
            # at exit waiting for the reader's thread (it holds no write: nothing to finish).
            connection._thread.daemon = True
        connection = await connection
        connection.row_factory = dict_factory
        for pragma in SQLITE_PRAGMAS:
            await connection.execute(pragma)
        if reader:
            await connection.execute("PRAGMA query_only = 1")
        return connection

    async def open_reader(self) -> aiosqlite.Connection:
        return await self.get_connection(reader=True)

    async def _run_in_new_connection(self, query: str, args: list[Any] | None = None, query_type: str = "generic", table=None):
        if _is_select(query):
            connection = await self.readers.acquire()
            try:
                response = await self._run_in_existing_connection(connection, query, args, query_type, table)
            except BaseException:
                self.readers.release(connection, broken=True)
                raise
            self.readers.release(connection)
            return response
        connection = await self.get_connection()
        try:
            response = await self._run_in_existing_connection(connection, query, args, query_type, table)
            await connection.commit()
            return response
        finally:
            await connection.close()

    async def _run_in_existing_connection(
        self, connection, query: str, args: list[Any] | None = None, query_type: str = "generic", table=None
    ):
        # As Piccolo's, in one round trip to the connection's thread instead of four (its
        # "PRAGMA foreign_keys = 1" before every query, execute, fetch, close): every connection
        # here has foreign keys on from the start.
        if query_type == "insert" and self.get_version_sync() < 3.35:  # no RETURNING before 3.35
            async with connection.execute(query, args or []) as cursor:
                return [{table._meta.primary_key._meta.db_column_name: await self._get_inserted_pk(cursor, table)}]
        return await connection.execute_fetchall(query, args or [])


class _SQLiteRead(SQLiteTransaction):
    """A DEFERRED (read) transaction on a pooled read-only connection, given back at the end."""

    def __init__(self, engine: PooledSQLiteEngine) -> None:
        super().__init__(engine=engine, transaction_type=TransactionType.deferred, allow_nested=False)

    async def __aenter__(self) -> _SQLiteRead:
        self.connection = await self.engine.readers.acquire()
        try:
            await self.begin()
        except BaseException:
            self.engine.readers.release(self.connection, broken=True)
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        broken = False
        try:
            await self.connection.execute("ROLLBACK" if exception else "COMMIT")
        except BaseException:
            broken = True
            raise
        finally:
            self.engine.readers.release(self.connection, broken=broken)
            self.engine.current_transaction.reset(self.context)
        return exception is None


class _PostgresRead(PostgresTransaction):
    """READ ONLY, REPEATABLE READ (one snapshot for every query); CockroachDB: READ ONLY at its
    default SERIALIZABLE."""

    def __init__(self, engine: PostgresEngine) -> None:
        super().__init__(engine=engine, allow_nested=False)

    async def __aenter__(self) -> _PostgresRead:
        from piccolo.engine.cockroach import CockroachEngine

        self.connection = await self.get_connection()
        isolation = None if isinstance(self.engine, CockroachEngine) else "repeatable_read"
        self.transaction = self.connection.transaction(isolation=isolation, readonly=True)
        try:
            await self.begin()
        except BaseException:
            await self._give_back()
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def _give_back(self) -> None:
        if self.engine.pool:
            await self.engine.pool.release(self.connection)
        else:
            await self.connection.close()


_READ_TRANSACTIONS = (_SQLiteRead, _PostgresRead)

ENGINE: Engine = make_engine(get_settings().database_url)


def is_postgres() -> bool:
    """PostgreSQL itself (not CockroachDB, which speaks its protocol but lacks some settings)."""
    from piccolo.engine.cockroach import CockroachEngine

    return isinstance(ENGINE, PostgresEngine) and not isinstance(ENGINE, CockroachEngine)


async def without_jit() -> None:
    """For the rest of the current transaction, on PostgreSQL: no JIT compilation. PostgreSQL
    compiles queries it estimates as expensive (a month of lines with correlated subqueries), and
    the compilation costs more than it saves: 0.3–0.5 s of a 1.2 s query (benchmarks/RESULTS.md)."""
    if is_postgres():
        await ENGINE.run_ddl("SET LOCAL jit = off")


async def start() -> None:
    """Per-process start-up: a connection pool on PostgreSQL, WAL mode on SQLite."""
    if isinstance(ENGINE, SQLiteEngine):
        await ENGINE.run_ddl("PRAGMA journal_mode=WAL")
    elif getattr(ENGINE, "pool", None) is None:
        await ENGINE.start_connection_pool(min_size=1, max_size=10, reset=_keep_session)


async def _keep_session(connection) -> None:
    """What asyncpg's pool runs when a connection comes back, instead of its reset query
    (``RESET ALL; CLOSE ALL; UNLISTEN *; …``: one more round trip per query outside a
    transaction). asyncpg still rolls back a transaction left open. Nothing here sets session
    state (settings are ``SET LOCAL``, no LISTEN, no cursors or advisory locks kept)."""


async def stop() -> None:
    if isinstance(ENGINE, PooledSQLiteEngine):
        await ENGINE.readers.close()
    elif getattr(ENGINE, "pool", None) is not None:
        await ENGINE.close_connection_pool()


async def ping() -> bool:
    try:
        await ENGINE.run_ddl("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False


async def create_database_if_missing(url: str | None = None) -> bool:
    """Create the database named by the URL if it does not exist. Returns True if created."""
    url = url or get_settings().database_url
    if url.startswith("sqlite:///"):
        path = sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        return not path.exists()
    import asyncpg

    config = pg_config(url)
    name = config.pop("database")
    connection = await asyncpg.connect(**{**config, "database": "postgres"})
    try:
        exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await connection.execute(f'CREATE DATABASE "{name}"')
        return not exists
    finally:
        await connection.close()


async def drop_database(url: str) -> None:
    """Remove a database (used by the test suite for its own throw-away databases)."""
    if url.startswith("sqlite:///"):
        path = sqlite_path(url)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import asyncpg

    config = pg_config(url)
    name = config.pop("database")
    connection = await asyncpg.connect(**{**config, "database": "postgres"})
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def upgrade() -> list[str]:
    """Create the database if missing and apply every pending migration. Safe to repeat.

    Returns one line per app saying what was applied. Piccolo's own report is not shown: it
    counts every migration of an app as "already complete" before running the pending ones."""
    from piccolo.apps.migrations.commands.base import BaseMigrationManager
    from piccolo.apps.migrations.commands.forwards import ForwardsMigrationManager
    from piccolo.apps.migrations.tables import Migration

    await create_database_if_missing()
    if isinstance(ENGINE, SQLiteEngine):
        await ENGINE.run_ddl("PRAGMA journal_mode=WAL")
    manager = BaseMigrationManager()
    await manager.create_migration_table()
    lines = []
    for app_name in manager.get_sorted_app_names():
        modules = manager.get_migration_modules(manager.get_app_config(app_name).resolved_migrations_folder_path)
        ids = manager.get_migration_ids(modules)
        ran = set(await Migration.get_migrations_which_ran(app_name=app_name))
        total, pending = len(ids), len([migration for migration in ids if migration not in ran])
        if not pending:
            lines.append(f"{app_name}: up to date ({_migrations(total)})")
            continue
        with contextlib.redirect_stdout(io.StringIO()) as report:
            result = await ForwardsMigrationManager(app_name=app_name).run()
        if not result.success:
            raise RuntimeError(f"migrations of {app_name} failed: {result.message}\n{report.getvalue()}")
        lines.append(f"{app_name}: applied {_migrations(pending)}" + (f" of {total}" if pending != total else ""))
    return lines


def _migrations(count: int) -> str:
    return f"{count} migration{'s' if count != 1 else ''}"
