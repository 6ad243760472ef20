"""Reads do not write (issue 8, point 9): pages and API reads run without a write transaction, so
they answer while another connection holds the write lock; the stipends dashboard's stale check
only reads, even when it has to take the fingerprint again; ``db.reading()`` is read-only."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from datetime import date

import pytest

from backend.core import db
from backend.core.tables import AuditEntry, LedgerHead
from backend.stipends import services as stipends
from tests.conftest import DATABASE_URL, LEG
from tests.stipends.helpers import SYSTEM, import_lines, import_standard, person

# Not a speed bound: a request that needs the write lock held below would wait for it (SQLite:
# the 30 s busy timeout, then "database is locked"; PostgreSQL: for ever). The guard only turns
# such a wait into a failure instead of a stalled suite.
BLOCKED_AFTER_S = 60


@contextlib.asynccontextmanager
async def write_lock_held():
    """Another connection holds the write lock: SQLite BEGIN IMMEDIATE; PostgreSQL every table
    locked IN EXCLUSIVE MODE (blocks every write, lets plain reads through)."""
    if LEG == "sqlite":
        other = sqlite3.connect(db.sqlite_path(DATABASE_URL), isolation_level=None, timeout=0)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    import asyncpg

    other = await asyncpg.connect(**db.pg_config(DATABASE_URL))
    try:
        tables = [row["tablename"] for row in await other.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        transaction = other.transaction()
        await transaction.start()
        await other.execute(f"LOCK TABLE {', '.join(tables)} IN EXCLUSIVE MODE")
        try:
            yield
        finally:
            await transaction.rollback()
    finally:
        await other.close()


async def the_lock_blocks_writers() -> None:
    """The held lock really stops a write (else the tests below would prove nothing): a third
    connection that will not wait is refused."""
    if LEG == "sqlite":
        third = sqlite3.connect(db.sqlite_path(DATABASE_URL), isolation_level=None, timeout=0)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                third.execute("BEGIN IMMEDIATE")
        finally:
            third.close()
        return
    import asyncpg

    third = await asyncpg.connect(**db.pg_config(DATABASE_URL))
    try:
        await third.execute("SET lock_timeout = '100ms'")
        with pytest.raises(asyncpg.exceptions.LockNotAvailableError):
            await third.execute("UPDATE ledger_head SET seq = seq WHERE name = 'none'")
    finally:
        await third.close()


async def county_with_runs(world, signed_in, bearer):
    county = await world.county()
    home = await world.home(county=county, beds=100)
    await import_standard(county)
    paid = await person(county, home, name="张三")
    await person(county, home, name="李四")  # not paid: MISSING_PAYMENT
    await import_lines([[f"RD-{county}-1", paid["id_number"], "张三", county, "2026-06", "600", "500"]])  # TIER_MISMATCH
    await import_lines([[f"RD-{county}-2", paid["id_number"], "张三", county, "2026-05", "600", "300"]])
    june = await stipends.reconcile(SYSTEM, county, date(2026, 6, 1))
    may = await stipends.reconcile(SYSTEM, county, date(2026, 5, 1))
    director, _ = await signed_in("director", home=home)
    inspector, _ = await signed_in("inspector", county=county)
    finance, finance_user = await signed_in("finance", county=county)
    token = await bearer(finance_user)
    return {
        "county": county,
        "home": home,
        "paid": paid,
        "june": june.run_id,
        "may": may.run_id,
        "director": director,
        "inspector": inspector,
        "finance": finance,
        "token": token,
    }


async def pages(w) -> dict[str, object]:
    """Every page and API read of the mixed benchmark, and the run pages, fetched at once."""
    county = w["county"]
    requests = {
        "overview": w["director"].get("/"),
        "register": w["inspector"].get("/residents"),
        "resident": w["director"].get(f"/residents/{w['paid']['id']}"),
        "stipends": w["inspector"].get(f"/counties/{county}/stipends"),
        "roster": w["director"].get(f"/homes/{w['home']}/roster"),
        "run page": w["finance"].get(f"/stipends/runs/{w['june']}"),
        "API list": w["finance"].get(f"/api/v1/residents/?county={county}", headers=w["token"]),
        "API run": w["finance"].get(f"/api/v1/counties/{county}/stipend-runs/{w['june']}", headers=w["token"]),
    }
    answers = await asyncio.wait_for(asyncio.gather(*requests.values()), timeout=BLOCKED_AFTER_S)
    return dict(zip(requests, answers, strict=True))


def stale_marks(dashboard_html: str) -> int:
    return dashboard_html.count('class="bad stale"')


async def test_pages_and_api_reads_answer_while_another_connection_holds_the_write_lock(world, signed_in, bearer):
    w = await county_with_runs(world, signed_in, bearer)
    before = await pages(w)  # also the token's first use, which records last_used_at (a write)
    assert {name: answer.status_code for name, answer in before.items()} == dict.fromkeys(before, 200)
    assert stale_marks(before["stipends"].text) == 0 and before["API run"].json()["stale"] is False

    async with write_lock_held():
        await the_lock_blocks_writers()
        held = await pages(w)
        assert {name: answer.status_code for name, answer in held.items()} == dict.fromkeys(held, 200)
        assert stale_marks(held["stipends"].text) == 0

    # An audited change of June's inputs: the dashboard takes June's fingerprint again, and it
    # does so under the held lock too (a read-only snapshot, no write transaction).
    await import_standard(w["county"], care_concentrated_partial="500.00")
    async with write_lock_held():
        held = await pages(w)
        assert {name: answer.status_code for name, answer in held.items()} == dict.fromkeys(held, 200)
        # June is stale (in the months table and the runs table); May paid the partial tier at
        # 300, which is no longer the standard either: stale too.
        assert stale_marks(held["stipends"].text) == 4
        assert held["API run"].json()["stale"] is True


async def test_the_stale_check_is_right_after_the_lock_too(world, signed_in, bearer):
    """What the dashboard said under the lock is what the full check says afterwards."""
    w = await county_with_runs(world, signed_in, bearer)
    await pages(w)  # the token's first use records last_used_at (a write): before the lock
    await import_standard(w["county"], care_concentrated_partial="500.00")
    async with write_lock_held():
        held = (await pages(w))["API run"].json()["stale"]
    assert held is True and await stipends.is_stale(SYSTEM, w["june"]) is True
    await import_standard(w["county"])  # changed back: the run's inputs are as they were
    assert await stipends.is_stale(SYSTEM, w["june"]) is False and await stipends.is_stale(SYSTEM, w["may"]) is False


async def test_reading_is_read_only_and_refuses_a_write_transaction(world):
    async with db.reading():
        if LEG == "postgres":
            assert (await LedgerHead.raw("SHOW transaction_read_only"))[0]["transaction_read_only"] == "on"
        with pytest.raises(db.ReadOnlyBlock):
            async with db.transaction():
                pass
        with pytest.raises(Exception, match="(?i)read.?only"):  # SQLite: readonly database; PostgreSQL: read-only transaction
            await LedgerHead.raw("UPDATE ledger_head SET seq = seq WHERE name = 'none'")
    # Inside a write transaction, reading() joins it (and sees its writes).
    async with db.transaction():
        if LEG == "postgres":
            assert (await LedgerHead.raw("SHOW transaction_read_only"))[0]["transaction_read_only"] == "off"
        async with db.reading():
            assert db.in_write_transaction()
    # Writes outside a transaction still work, and are seen by the next read.
    county = await world.county()
    count = await AuditEntry.count()
    await import_standard(county)
    assert await AuditEntry.count() == count + 1


@pytest.mark.skipif(LEG != "sqlite", reason="SQLite's own read connections")
async def test_sqlite_reads_run_on_read_only_connections_with_the_settings():
    rows = await LedgerHead.raw(
        "SELECT (SELECT query_only FROM pragma_query_only) AS query_only, (SELECT journal_mode FROM pragma_journal_mode) AS journal,"
        " (SELECT synchronous FROM pragma_synchronous) AS synchronous, (SELECT timeout FROM pragma_busy_timeout) AS busy,"
        " (SELECT foreign_keys FROM pragma_foreign_keys) AS fk"
    )
    assert rows == [{"query_only": 1, "journal": "wal", "synchronous": 1, "busy": db.BUSY_TIMEOUT_MS, "fk": 1}]  # 1: NORMAL
    # A write transaction's connection: the same settings, writable.
    async with db.transaction():
        rows = await LedgerHead.raw(
            "SELECT (SELECT query_only FROM pragma_query_only) AS query_only, (SELECT synchronous FROM pragma_synchronous) AS synchronous,"
            " (SELECT timeout FROM pragma_busy_timeout) AS busy, (SELECT foreign_keys FROM pragma_foreign_keys) AS fk"
        )
    assert rows == [{"query_only": 0, "synchronous": 1, "busy": db.BUSY_TIMEOUT_MS, "fk": 1}]


@pytest.mark.skipif(LEG != "sqlite", reason="SQLite's pool of read connections")
async def test_more_readers_than_pooled_connections_all_finish_and_none_is_lost():
    pool = db.ENGINE.readers

    async def read(pause: float) -> int:
        async with db.reading():
            await asyncio.sleep(pause)
            return (await LedgerHead.raw("SELECT 1 AS one"))[0]["one"]

    tasks = [asyncio.ensure_future(read(0.01)) for _ in range(3 * db.READ_POOL_SIZE)]
    waiting = asyncio.ensure_future(read(0))
    await asyncio.sleep(0)
    waiting.cancel()  # a borrower given up while it waits: its turn goes to the next one
    assert await asyncio.wait_for(asyncio.gather(*tasks), timeout=BLOCKED_AFTER_S) == [1] * len(tasks)
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert pool.lent == 0
    # A failed read gives its connection back too.
    with pytest.raises(Exception, match="no such table"):
        await LedgerHead.raw("SELECT * FROM no_such_table")
    assert pool.lent == 0 and (await LedgerHead.raw("SELECT 2 AS two")) == [{"two": 2}]


async def test_the_register_total_counted_from_the_tier_counts_is_right_with_every_filter(world):
    """search_register takes its total from the counts by tier (one query less per page)."""
    from backend.residents import services as residents
    from backend.residents.services import RegisterFilter
    from tests.stipends.helpers import FULL_LOSS

    county = await world.county()
    home = await world.home(county=county, beds=100)
    await person(county, home, name="甲")  # partial
    await person(county, home, name="乙", assessed=FULL_LOSS)
    await person(county, None, name="丙", assessed=None)  # dispersed, unassessed
    for filters in (
        RegisterFilter(county_code=county),
        RegisterFilter(county_code=county, tier="partial"),
        RegisterFilter(county_code=county, tier="full_loss", mode="concentrated"),
        RegisterFilter(county_code=county, tier="self_care"),
        RegisterFilter(county_code=county, tier="bogus"),
        RegisterFilter(county_code=county, mode="dispersed"),
        RegisterFilter(home_code=home, search="乙"),
    ):
        found = await residents.search_register(SYSTEM, filters, per_page=500)
        assert found.total == len(found.items), filters
    everyone = await residents.search_register(SYSTEM, RegisterFilter(county_code=county))
    assert (
        everyone.total,
        everyone.tier_counts["partial"],
        everyone.tier_counts["full_loss"],
        everyone.tier_counts["unassessed"],
    ) == (3, 1, 1, 1)
