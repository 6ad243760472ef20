"""The natural key of a task, UNIQUE(home, routine, period, subject): generating a range twice, or
two generators racing on it, creates each task once (the second insert does nothing). And the
indexes the rates and the lists read by. Written by hand (Piccolo's auto migrations know no
composite index)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-02T02:44:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "inspections: the natural key of a task and its indexes"

INDEXES = {
    "task_natural_key": "CREATE UNIQUE INDEX IF NOT EXISTS task_natural_key ON task (home, routine, period, subject)",
    "task_county_month": "CREATE INDEX IF NOT EXISTS task_county_month ON task (county, month)",
    "task_home_month": "CREATE INDEX IF NOT EXISTS task_home_month ON task (home, month)",
    "task_status_due": "CREATE INDEX IF NOT EXISTS task_status_due ON task (status, due_at)",
}


class RawSQL(Table, tablename="task", schema=None):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inspections", description=DESCRIPTION)

    async def run():
        for statement in INDEXES.values():
            await RawSQL.raw(statement)

    async def back():
        for name in INDEXES:
            await RawSQL.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(run)
    manager.add_raw_backwards(back)
    return manager
