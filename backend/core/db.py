"""The database engine: SQLite by default, PostgreSQL or CockroachDB by URL; transactions; upgrade.

One engine per process, built from ``TEKUN_DATABASE_URL``. Writes run in ``transaction()``:
on SQLite an IMMEDIATE transaction (the write lock is taken at BEGIN, so two writers never
deadlock upgrading a read lock); elsewhere an ordinary transaction.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from urllib.parse import unquote, urlsplit

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from backend.core.settings import get_settings


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
        # timeout: how long a writer waits for the lock held by another process.
        return SQLiteEngine(path=str(path), timeout=30)
    if url.startswith("cockroachdb://"):
        from piccolo.engine.cockroach import CockroachEngine

        return CockroachEngine(config=pg_config(url))
    return PostgresEngine(config=pg_config(url))


ENGINE: Engine = make_engine(get_settings().database_url)


def is_sqlite() -> bool:
    return isinstance(ENGINE, SQLiteEngine)


def transaction():
    """One write transaction (IMMEDIATE on SQLite). Nested calls join the outer one."""
    if isinstance(ENGINE, SQLiteEngine):
        return ENGINE.transaction(transaction_type=TransactionType.immediate)
    return ENGINE.transaction()


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
        await ENGINE.start_connection_pool(min_size=1, max_size=10)


async def stop() -> None:
    if not isinstance(ENGINE, SQLiteEngine) and getattr(ENGINE, "pool", None) is not None:
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
