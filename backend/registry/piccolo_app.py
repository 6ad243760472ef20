import os

from piccolo.conf.apps import AppConfig

from backend.registry.tables import County, CountyParameter, Home

APP_CONFIG = AppConfig(
    app_name="registry",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[County, Home, CountyParameter],
    migration_dependencies=["backend.core.piccolo_app"],
    commands=[],
)
