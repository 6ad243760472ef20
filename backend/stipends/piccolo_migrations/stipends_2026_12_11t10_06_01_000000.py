"""The single ``basic_floor`` of the standards stored before the floors of domain-rules §8: each
one entered becomes an absolute minimum (``minimum``) of 12 × that floor a year, for both modes
and both areas, in force from the standard's month, its source saying where it came from. The
same check as before (basic of each mode ≥ the floor); ``standard.basic_floor`` is kept as it
was (additive), no longer checked.

Self-contained on purpose (a migration must not change when the code it once matched does)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-11T10:06:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "stipend_floor from the basic_floor of older standards"

SOURCE = "原标准表“基本生活费下限”{month}（系统迁移）"


class RawSQL(Table, tablename="standard", schema=None):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="stipends", description=DESCRIPTION)

    async def run():
        rows = await RawSQL.raw(
            "SELECT county, effective_from, basic_floor, created_at FROM standard WHERE basic_floor IS NOT NULL"
        )
        for row in rows:
            month = row["effective_from"]
            if isinstance(month, str):
                month = month[:7]
            else:
                month = f"{month.year:04d}-{month.month:02d}"
            for area in ("urban", "rural"):
                for mode in ("concentrated", "dispersed"):
                    await RawSQL.raw(
                        "INSERT INTO stipend_floor (county, kind, area, mode, amount, ratio, effective_from, source, "
                        "created_at, created_by) VALUES ({}, 'minimum', {}, {}, {}, 0, {}, {}, {}, 'migration')",
                        row["county"], area, mode, 12 * row["basic_floor"], row["effective_from"],
                        SOURCE.format(month=month), row["created_at"],
                    )

    manager.add_raw(run)
    return manager
