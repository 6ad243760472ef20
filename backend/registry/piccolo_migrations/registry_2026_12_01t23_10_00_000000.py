"""County parameters: the days to rectify a hazard, by severity (issue 12; domain-rules §6).

Written by hand: ``ALTER TABLE … ADD COLUMN … NOT NULL DEFAULT`` is the same on SQLite and
PostgreSQL, and every existing row takes the shipped default (1 day major, 7 days ordinary)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-01T23:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "county parameters: days to rectify a major and an ordinary hazard (issue 12)"


class RawSQL(Table, tablename="county_parameter", schema=None):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def run():
        await RawSQL.raw("ALTER TABLE county_parameter ADD COLUMN hazard_days_major INTEGER NOT NULL DEFAULT 1")
        await RawSQL.raw("ALTER TABLE county_parameter ADD COLUMN hazard_days_ordinary INTEGER NOT NULL DEFAULT 7")

    manager.add_raw(run)
    return manager
