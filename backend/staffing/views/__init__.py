"""Staffing pages, one module per use case (issue 11). ``ROUTES`` is what backend/app.py mounts.
Importing this package also registers the staffing to-do sources (``todo_items``, ``duty``) and
the ratio warning before an admission (``backend.staffing.advisories``)."""

from backend.staffing import advisories  # noqa: F401 - registers the ratio warning before an admission
from backend.staffing.views import county, duty, leave, overview, staff, todo_items, training  # noqa: F401 - todo_items registers the to-do sources

ROUTES: list = [*staff.ROUTES, *training.ROUTES, *leave.ROUTES, *duty.ROUTES, *overview.ROUTES, *county.ROUTES]
