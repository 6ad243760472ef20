"""Staffing pages, one module per use case (issue 11). ``ROUTES`` is what backend/app.py mounts."""

from backend.staffing.views import staff, training

ROUTES: list = [*staff.ROUTES, *training.ROUTES]
