import os

from piccolo.conf.apps import AppConfig

from backend.staffing.tables import RatioBreach, RosterShift, StaffLeave, StaffMember, TrainingRecord

APP_CONFIG = AppConfig(
    app_name="staffing",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[StaffMember, TrainingRecord, StaffLeave, RosterShift, RatioBreach],
    migration_dependencies=["backend.registry.piccolo_app"],
    commands=[],
)
