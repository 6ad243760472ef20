"""The natural key of a standard is county + effective_from + area (interfaces §3): the unique
index on (county, effective_from) is replaced by one on the three."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-12T09:01:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique (county, effective_from, area) on standard"


class RawSQL(Table, tablename="standard", schema=None):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="stipends", description=DESCRIPTION)

    async def run():
        # The new key first, so that the table is never without one.
        await RawSQL.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS standard_county_effective_from_area ON standard (county, effective_from, area)"
        )
        await RawSQL.raw("DROP INDEX IF EXISTS standard_county_effective_from")

    manager.add_raw(run)
    return manager
