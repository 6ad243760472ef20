from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar

ID = "2026-11-23T16:48:15:120448"
VERSION = "1.38.0"
DESCRIPTION = "resident.id_number: no second index beside the unique constraint"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="residents", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="Resident",
        tablename="resident",
        column_name="id_number",
        db_column_name="id_number",
        params={"index": False},
        old_params={"index": True},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
