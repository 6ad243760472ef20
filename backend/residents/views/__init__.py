"""Residents pages, one module per use case: the home's roster and its printable public roster
(``roster``), the county register and registering a person (``register``), a person's page and
the audited full ID (``person``), placements (``placements``), the end of support (``ending``),
self-care assessments and condition changes (``assessments``), the GB/T 42195 assessment
(``gbt42195``), the due lists with their "今日待办" items (``due``), and the admission queue with the
concentration-rate panel of the county page (``queue``).

``ROUTES`` is what backend/app.py mounts. The label sets live in ``backend.residents.labels``;
they are re-exported here for the pages of other domains that imported them from this module.
"""

from backend.residents.labels import (
    GENDER_LABELS,
    MODE_LABELS,
    STATUS_LABELS,
    TIER_LABELS,
    labels,
)
from backend.residents.views import (
    assessments,
    due,
    ending,
    gbt42195,
    person,
    placements,
    queue,
    register,
    roster,
)

ROUTES = [
    *roster.ROUTES,
    *due.ROUTES,
    *register.ROUTES,
    *person.ROUTES,
    *placements.ROUTES,
    *ending.ROUTES,
    *assessments.ROUTES,
    *gbt42195.ROUTES,
    *queue.ROUTES,
]

__all__ = ["GENDER_LABELS", "MODE_LABELS", "ROUTES", "STATUS_LABELS", "TIER_LABELS", "labels"]
