"""Piccolo configuration: the engine from TEKUN_DATABASE_URL and every domain app."""

from piccolo.conf.apps import AppRegistry

from backend.core.db import ENGINE

DB = ENGINE

APP_REGISTRY = AppRegistry(
    apps=[
        "backend.core.piccolo_app",
        "backend.accounts.piccolo_app",
        "backend.registry.piccolo_app",
        "backend.residents.piccolo_app",
        "backend.deaths.piccolo_app",
        "backend.stipends.piccolo_app",
        "backend.staffing.piccolo_app",
        "backend.safety.piccolo_app",
        "backend.inspections.piccolo_app",
        "backend.notices.piccolo_app",
        "backend.reports.piccolo_app",
    ]
)
