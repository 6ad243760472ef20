"""Natural keys and look-up indexes of the staffing tables (composite, so written by hand)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-01T19:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique (home, staff_no), (staff, topic, trained_on), (home, day, shift, staff)"

STATEMENTS = (
    "CREATE UNIQUE INDEX IF NOT EXISTS staff_member_home_staff_no ON staff_member (home, staff_no)",
    "CREATE UNIQUE INDEX IF NOT EXISTS training_record_natural_key ON training_record (staff, topic, trained_on)",
    "CREATE UNIQUE INDEX IF NOT EXISTS roster_shift_natural_key ON roster_shift (home, day, shift, staff)",
    "CREATE INDEX IF NOT EXISTS staff_leave_staff_days ON staff_leave (staff, first_day, last_day)",
)


class RawSQL(Table, tablename="staff_member", schema=None):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="staffing", description=DESCRIPTION)

    async def run():
        for statement in STATEMENTS:
            await RawSQL.raw(statement)

    manager.add_raw(run)
    return manager
