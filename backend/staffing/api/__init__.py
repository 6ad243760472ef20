"""Staffing JSON API (``/api/v1/…``, tag ``staffing``), one module per resource (issue 11).
``ROUTES`` is what backend/app.py mounts."""

from backend.staffing.api import duty, leave, ratio, staff

ROUTES: list = [*staff.ROUTES, *leave.ROUTES, *duty.ROUTES, *ratio.ROUTES]
