import os

from piccolo.conf.apps import AppConfig

from backend.core.tables import AuditEntry, CalendarDay, JobRun, LedgerHead, ProcessLock

APP_CONFIG = AppConfig(
    app_name="core",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[LedgerHead, AuditEntry, ProcessLock, CalendarDay, JobRun],
    migration_dependencies=[],
    commands=[],
)
