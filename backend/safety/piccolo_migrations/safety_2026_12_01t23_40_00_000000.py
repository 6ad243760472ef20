"""The corrections of a home's entries, looked up without a scan of the ledger (issue 12, "Figures
to reach"): ``entries_out`` asks which entries correct the ones it shows, for every entry saved or
listed. Partial (only the corrections have ``corrects``), so it costs the ordinary entries nothing.
Written by hand (Piccolo's auto migrations know no composite or partial index)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-01T23:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "safety: an index of the corrections per home"

STATEMENTS = (
    "CREATE INDEX IF NOT EXISTS safety_entry_home_corrects ON safety_entry (home, corrects) WHERE corrects IS NOT NULL",
)


class RawSQL(Table, tablename="safety_entry", schema=None):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="safety", description=DESCRIPTION)

    async def run():
        for statement in STATEMENTS:
            await RawSQL.raw(statement)

    async def back():
        await RawSQL.raw("DROP INDEX IF EXISTS safety_entry_home_corrects")

    manager.add_raw(run)
    manager.add_raw_backwards(back)
    return manager
