"""The natural key of an issued report, UNIQUE(kind, period, unit, version): two issuers racing on
the same report store one version (the second insert fails and returns the first), and the index
the archive lists by. Written by hand (Piccolo's auto migrations know no composite index)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-02T02:51:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "reports: the natural key of an issued report and the archive's index"

INDEXES = {
    "report_file_natural_key": "CREATE UNIQUE INDEX IF NOT EXISTS report_file_natural_key ON report_file (kind, period, unit, version)",
    "report_file_county_issued": "CREATE INDEX IF NOT EXISTS report_file_county_issued ON report_file (county, issued_at)",
}


class RawSQL(Table, tablename="report_file", schema=None):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="reports", description=DESCRIPTION)

    async def run():
        for statement in INDEXES.values():
            await RawSQL.raw(statement)

    async def back():
        for name in INDEXES:
            await RawSQL.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(run)
    manager.add_raw_backwards(back)
    return manager
