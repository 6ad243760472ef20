from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import ForeignKey

ID = "2026-11-23T15:17:49:275334"
VERSION = "1.38.0"
DESCRIPTION = "placement and assessment: the single-column resident indexes give way to composite ones"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="residents", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="Placement",
        tablename="placement",
        column_name="resident",
        db_column_name="resident",
        params={"index": False},
        old_params={"index": True},
        column_class=ForeignKey,
        old_column_class=ForeignKey,
        schema=None,
    )

    manager.alter_column(
        table_class_name="Assessment",
        tablename="assessment",
        column_name="resident",
        db_column_name="resident",
        params={"index": False},
        old_params={"index": True},
        column_class=ForeignKey,
        old_column_class=ForeignKey,
        schema=None,
    )

    return manager
