import os

from piccolo.conf.apps import AppConfig

from backend.accounts.tables import ApiToken, LoginAttempt, LoginThrottle, Session, User

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[User, Session, ApiToken, LoginAttempt, LoginThrottle],
    migration_dependencies=["backend.registry.piccolo_app"],
    commands=[],
)
