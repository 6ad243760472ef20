import os

from piccolo.conf.apps import AppConfig

from backend.residents.tables import (
    AdmissionApplication,
    Assessment,
    CapabilityAssessment,
    Placement,
    ReassessmentTask,
    Resident,
)

APP_CONFIG = AppConfig(
    app_name="residents",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Resident, Placement, Assessment, CapabilityAssessment, ReassessmentTask, AdmissionApplication],
    migration_dependencies=["backend.registry.piccolo_app"],
    commands=[],
)
