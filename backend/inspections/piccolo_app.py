import os

from piccolo.conf.apps import AppConfig

from backend.inspections.tables import InspectionVisit, Task, TaskWatermark

APP_CONFIG = AppConfig(
    app_name="inspections",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Task, InspectionVisit, TaskWatermark],
    migration_dependencies=["backend.registry.piccolo_app", "backend.safety.piccolo_app"],
    commands=[],
)
