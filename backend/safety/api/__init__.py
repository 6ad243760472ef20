"""Safety JSON API (``/api/v1/…``, tag ``safety``; interfaces §7), one module per resource
(issue 12). ``ROUTES`` is what backend/app.py mounts."""

from backend.safety.api import entries, food, hazards, outbreak, templates

ROUTES: list = [*entries.ROUTES, *hazards.ROUTES, *food.ROUTES, *outbreak.ROUTES, *templates.ROUTES]
