"""Indexes of stipend_line for the reconciliation: the lines of a county-month (the stale check of
one run reads them), and the lines of a month naming an ID, with their county (the check that
no other line names the same ID, and that a line of the person's county pays them). The second
replaces the (source, month, id_key) index, of which it is an extension: with two indexes
sharing (source, month) and naming id_key, a planner without statistics (PostgreSQL right after
a bulk import) chose the one that does not start with id_key and scanned the month per line."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T15:19:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "stipend_line (source, month, county) and (source, month, id_key, county)"


class RawSQL(Table, tablename="stipend_line", schema=None):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="stipends", description=DESCRIPTION)

    async def run():
        await RawSQL.raw(
            "CREATE INDEX IF NOT EXISTS stipend_line_source_month_county "
            "ON stipend_line (source, month, county)"
        )
        await RawSQL.raw(
            "CREATE INDEX IF NOT EXISTS stipend_line_source_month_id_key_county "
            "ON stipend_line (source, month, id_key, county)"
        )
        await RawSQL.raw("DROP INDEX IF EXISTS stipend_line_source_month_id_key")

    async def run_backwards():
        await RawSQL.raw(
            "CREATE INDEX IF NOT EXISTS stipend_line_source_month_id_key "
            "ON stipend_line (source, month, id_key)"
        )
        await RawSQL.raw("DROP INDEX IF EXISTS stipend_line_source_month_id_key_county")
        await RawSQL.raw("DROP INDEX IF EXISTS stipend_line_source_month_county")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
