import os

from piccolo.conf.apps import AppConfig

from backend.stipends.tables import (
    Claim,
    ClaimLine,
    Finding,
    ReconciliationRun,
    Standard,
    StipendFloor,
    StipendLine,
)

APP_CONFIG = AppConfig(
    app_name="stipends",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Standard, StipendFloor, StipendLine, ReconciliationRun, Finding, Claim, ClaimLine],
    migration_dependencies=["backend.residents.piccolo_app"],
    commands=[],
)
