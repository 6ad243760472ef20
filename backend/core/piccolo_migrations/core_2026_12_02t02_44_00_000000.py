"""UNIQUE(job, period) on job_run: a scheduled job runs once per period, however many schedulers
start (scheduler/runs.py). Written by hand (Piccolo's auto migrations know no composite index)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-02T02:44:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "core: one job_run per job and period"


class RawSQL(Table, tablename="job_run", schema=None):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def run():
        await RawSQL.raw("CREATE UNIQUE INDEX IF NOT EXISTS job_run_job_period ON job_run (job, period)")

    async def back():
        await RawSQL.raw("DROP INDEX IF EXISTS job_run_job_period")

    manager.add_raw(run)
    manager.add_raw_backwards(back)
    return manager
