from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-01T15:35:49:305767"
VERSION = "1.38.0"
DESCRIPTION = "county parameters: admission assessment age, default area (issue 10)"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="registry", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="CountyParameter",
        tablename="county_parameter",
        column_name="admission_assessment_max_age_days",
        db_column_name="admission_assessment_max_age_days",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 90,
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

    manager.add_column(
        table_class_name="CountyParameter",
        tablename="county_parameter",
        column_name="default_area",
        db_column_name="default_area",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 8,
            "default": "rural",
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
