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
from backend.staffing.services._leave import cancel_leave, leave_on, list_leave, record_leave, return_from_leave
from backend.staffing.services._ratio import HomeInputs, inputs_for, ratio_series_for
from backend.staffing.services._roster import (
    SHIFT_LABELS,
    WEEKDAYS,
    RosterWeek,
    check_week,
    copy_previous_week,
    day_label,
    gap_message,
    monday_of,
    own_uncovered_nights,
    parse_week,
    posts_between,
    save_week,
    uncovered_nights,
    week_roster,
)

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
    # leave (请销假) and the duty roster (值班表)
    "cancel_leave",
    "leave_on",
    "list_leave",
    "record_leave",
    "return_from_leave",
    "SHIFT_LABELS",
    "WEEKDAYS",
    "RosterWeek",
    "check_week",
    "copy_previous_week",
    "day_label",
    "gap_message",
    "monday_of",
    "own_uncovered_nights",
    "parse_week",
    "posts_between",
    "save_week",
    "uncovered_nights",
    "week_roster",
]
