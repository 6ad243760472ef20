"""Composite indexes for "in force on a day": the latest placement / assessment of a person
before a date is one backward index seek, with no sort and no table read (the stipend
reconciliation asks it for every line of a month: benchmarks/RESULTS.md)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T15:18:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "placement (resident, event_date, seq, kind), assessment (resident, assessed_on, seq, tier)"


class RawSQL(Table, tablename="placement", schema=None):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="residents", description=DESCRIPTION)

    async def run():
        await RawSQL.raw(
            "CREATE INDEX IF NOT EXISTS placement_resident_in_force "
            "ON placement (resident, event_date, seq, kind)"
        )
        await RawSQL.raw(
            "CREATE INDEX IF NOT EXISTS assessment_resident_in_force "
            "ON assessment (resident, assessed_on, seq, tier)"
        )

    async def run_backwards():
        await RawSQL.raw("DROP INDEX IF EXISTS placement_resident_in_force")
        await RawSQL.raw("DROP INDEX IF EXISTS assessment_resident_in_force")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
