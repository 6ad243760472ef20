"""Staffing pages, one module per use case (issue 11). ``ROUTES`` is what backend/app.py mounts."""

from backend.staffing import advisories  # noqa: F401 - registers the ratio warning before an admission

ROUTES: list = []
