"""One read per notice and user (a composite unique index), and the notices marked seen before
notices were read per user count as read by the user who marked them (the others now see them,
which is the point). Additive."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-01T12:35:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique (notice, user_id) on death_notice_read; earlier marks carried over"


class RawSQL(Table, tablename="death_notice_read", schema=None):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="deaths", description=DESCRIPTION)

    async def run():
        await RawSQL.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS death_notice_read_notice_user "
            "ON death_notice_read (notice, user_id)"
        )
        # Only a database that has notices marked seen has users (the accounts tables): a fresh
        # one skips the copy, whatever order the apps' migrations run in.
        marked = await RawSQL.raw("SELECT COUNT(*) AS n FROM late_notice WHERE seen_at IS NOT NULL")
        if marked and marked[0]["n"]:
            await RawSQL.raw(
                "INSERT INTO death_notice_read (notice, user_id, read_at) "
                "SELECT late_notice.id, tekun_user.id, late_notice.seen_at FROM late_notice "
                "JOIN tekun_user ON tekun_user.username = late_notice.seen_by "
                "WHERE late_notice.seen_at IS NOT NULL"
            )

    manager.add_raw(run)
    return manager
