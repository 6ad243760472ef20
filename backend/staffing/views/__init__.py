"""Staffing pages, one module per use case (issue 11). ``ROUTES`` is what backend/app.py mounts."""

from backend.staffing.views import duty, leave

ROUTES: list = [*leave.ROUTES, *duty.ROUTES]
