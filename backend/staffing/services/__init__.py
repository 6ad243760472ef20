"""Staffing use cases: the only code that reads or writes the staffing tables.

The pages, the API and the command line call these with the acting ``Scope``. Residents come
from ``residents.services`` (``home_stays``), homes and parameters from ``registry.services``.
"""

from backend.staffing.services._breach import (
    ADMISSION,
    CAUSES,
    DEPARTURE,
    LEAVE,
    BreachWarning,
    ProjectedChange,
    breach_message,
    check_change,
    record_breach,
)
from backend.staffing.services._demo import DemoHome, DemoPost, seed_demo_staff
from backend.staffing.services._ratio import HomeInputs, inputs_for, ratio_series_for

__all__ = [
    # warnings before a breach of the ratio (issue 11 point 5)
    "ADMISSION",
    "CAUSES",
    "DEPARTURE",
    "LEAVE",
    "BreachWarning",
    "ProjectedChange",
    "breach_message",
    "check_change",
    "record_breach",
    # the daily ratio, set-based
    "HomeInputs",
    "inputs_for",
    "ratio_series_for",
    # the demo's staff (backend.demo)
    "DemoHome",
    "DemoPost",
    "seed_demo_staff",
]
