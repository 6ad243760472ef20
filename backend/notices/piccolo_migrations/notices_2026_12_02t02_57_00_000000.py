"""The natural keys of the notices: UNIQUE(user, kind, subject, period) for a notice (the hourly job
run twice creates it once) and UNIQUE(notice, address) for an e-mail (never sent twice); the index
the unread count reads by. Written by hand (Piccolo's auto migrations know no composite index)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-02T02:57:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "notices: natural keys of notices and deliveries"

INDEXES = {
    "notice_natural_key": 'CREATE UNIQUE INDEX IF NOT EXISTS notice_natural_key ON notice (user_id, kind, subject, period)',
    "notice_user_read": 'CREATE INDEX IF NOT EXISTS notice_user_read ON notice (user_id, read_at)',
    "notice_delivery_key": "CREATE UNIQUE INDEX IF NOT EXISTS notice_delivery_key ON notice_delivery (notice, address)",
    "notice_delivery_sent": "CREATE INDEX IF NOT EXISTS notice_delivery_sent ON notice_delivery (sent_at)",
}


class RawSQL(Table, tablename="notice", schema=None):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="notices", description=DESCRIPTION)

    async def run():
        for statement in INDEXES.values():
            await RawSQL.raw(statement)

    async def back():
        for name in INDEXES:
            await RawSQL.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(run)
    manager.add_raw_backwards(back)
    return manager
