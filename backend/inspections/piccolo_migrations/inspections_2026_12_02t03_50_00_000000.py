"""Drop the task table's single-column indexes on its two foreign keys (``task_home``,
``task_county``, the names Piccolo gave them for ``index=True``): each is the leading column of
a composite index already there (``task_natural_key`` (home, routine, period, subject),
``task_home_month`` (home, month); ``task_county_month`` (county, month)), which serves every
lookup by home or county alone (the foreign-key checks of a home or county deleted included),
while every insert paid for two more B-trees: a month of tasks for 1,000 homes is ~224,000
rows (benchmarks/RESULTS.md, issue 13). ``task_status_due`` stays: the overdue sweep
(``status = 'open' AND due_at < now``) and the task list by status and due day read by it.
Written by hand (Piccolo's auto migrations cannot drop an index only)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-02T03:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "inspections: drop the task indexes on home and county alone (composite indexes lead with them)"

INDEXES = {
    "task_home": "CREATE INDEX IF NOT EXISTS task_home ON task (home)",
    "task_county": "CREATE INDEX IF NOT EXISTS task_county ON task (county)",
}


class RawSQL(Table, tablename="task", schema=None):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inspections", description=DESCRIPTION)

    async def run():
        for name in INDEXES:
            await RawSQL.raw(f"DROP INDEX IF EXISTS {name}")

    async def back():
        for statement in INDEXES.values():
            await RawSQL.raw(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(back)
    return manager
