"""Natural keys of the stipend tables as composite unique indexes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T12:37:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique (county, effective_from) on standard; unique (source, payment_ref) on stipend_line"


class RawSQL(Table, tablename="standard", schema=None):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="stipends", description=DESCRIPTION)

    async def run():
        await RawSQL.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS standard_county_effective_from "
            "ON standard (county, effective_from)"
        )
        await RawSQL.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS stipend_line_source_payment_ref "
            "ON stipend_line (source, payment_ref)"
        )
        await RawSQL.raw(
            "CREATE INDEX IF NOT EXISTS stipend_line_source_month_id_key "
            "ON stipend_line (source, month, id_key)"
        )

    manager.add_raw(run)
    return manager
