"""standard.area (urban, rural or both; the rows before are for both: domain-rules §8). The next
migration makes county + effective_from + area the unique key."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-12T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "standard.area"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="stipends", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Standard",
        tablename="standard",
        column_name="area",
        db_column_name="area",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 8,
            "default": "both",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
