"""Staffing pages, one module per use case (issue 11). ``ROUTES`` is what backend/app.py mounts."""

ROUTES: list = []
