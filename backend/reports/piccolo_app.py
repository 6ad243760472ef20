import os

from piccolo.conf.apps import AppConfig

from backend.reports.tables import ReportFile, ReportRequest

APP_CONFIG = AppConfig(
    app_name="reports",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[ReportFile, ReportRequest],
    migration_dependencies=["backend.registry.piccolo_app", "backend.accounts.piccolo_app", "backend.inspections.piccolo_app"],
    commands=[],
)
