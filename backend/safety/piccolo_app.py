import os

from piccolo.conf.apps import AppConfig

from backend.safety.tables import (
    CanteenLicence,
    FoodSample,
    MorningCheck,
    OutbreakReport,
    SafetyEntry,
    SafetyHazard,
    SafetyHomeSetting,
    SafetyPhoto,
    SafetyTemplate,
)

APP_CONFIG = AppConfig(
    app_name="safety",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[
        SafetyTemplate,
        SafetyEntry,
        SafetyHazard,
        SafetyPhoto,
        FoodSample,
        MorningCheck,
        CanteenLicence,
        OutbreakReport,
        SafetyHomeSetting,
    ],
    migration_dependencies=["backend.registry.piccolo_app", "backend.staffing.piccolo_app"],
    commands=[],
)
