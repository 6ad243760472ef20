"""One parameter row per county and effective date (a composite unique index)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T06:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique (county, effective_from) on county_parameter"


class RawSQL(Table, tablename="county_parameter", schema=None):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def run():
        await RawSQL.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS county_parameter_county_effective_from "
            "ON county_parameter (county, effective_from)"
        )

    manager.add_raw(run)
    return manager
