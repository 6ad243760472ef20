"""reconciliation_run.inputs_seq: the audit ledger's last sequence number when the run read its
inputs (the stale check reads it instead of reloading the inputs). Additive; NULL for the runs
made before, which are checked the old way."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import BigInt
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-01T09:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "reconciliation_run.inputs_seq"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="stipends", description=DESCRIPTION)
    manager.add_column(
        table_class_name="ReconciliationRun",
        tablename="reconciliation_run",
        column_name="inputs_seq",
        db_column_name="inputs_seq",
        column_class_name="BigInt",
        column_class=BigInt,
        params={
            "default": None,
            "null": True,
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
