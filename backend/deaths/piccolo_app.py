import os

from piccolo.conf.apps import AppConfig

from backend.deaths.tables import DeathNoticeRead, DeathRecord, FuneralSubsidy, LateNotice

APP_CONFIG = AppConfig(
    app_name="deaths",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[DeathRecord, LateNotice, DeathNoticeRead, FuneralSubsidy],
    migration_dependencies=["backend.residents.piccolo_app"],
    commands=[],
)
