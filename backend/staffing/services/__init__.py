"""Staffing use cases: the only code that reads or writes the staffing tables.

The pages, the API and the command line call these with the acting ``Scope``. Residents come
from ``residents.services`` (``home_stays``), homes and parameters from ``registry.services``.
"""

from backend.staffing.services._admission import admission_warning, staff_recorded
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
from backend.staffing.services._county import (
    FEW_STAFF,
    SORTS,
    certificates_expiring,
    county_overview,
    homes_below_ratio_today,
)
from backend.staffing.services._demo import DemoHome, DemoPost, seed_demo_staff
from backend.staffing.services._imports import import_staff, import_training
from backend.staffing.services._kitchen import kitchen_staff_of, kitchen_staff_on_duty  # the safety domain's 晨检
from backend.staffing.services._leave import cancel_leave, leave_on, list_leave, record_leave, return_from_leave
from backend.staffing.services._overview import (
    CHART_DAYS,
    Certificate,
    HomeOverview,
    chart_points,
    check_range,
    home_overview,
    home_ratio,
    parse_day,
    parse_month,
    staffing_home,
)
from backend.staffing.services._ratio import MAX_DAYS, HomeInputs, inputs_for, ratio_series_for
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
    parse_week_day,
    posts_between,
    save_week,
    uncovered_nights,
    week_roster,
)
from backend.staffing.services._staff import create_staff, end_staff, get_staff, list_staff, update_staff
from backend.staffing.services._training import list_training, record_training

# isort: split
# issue 13: what task generation reads
from backend.staffing.services._task_certificates import health_certificates

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
    # the staff register and training (issue 11 points 1 and 2)
    "create_staff",
    "end_staff",
    "get_staff",
    "list_staff",
    "update_staff",
    "list_training",
    "record_training",
    # the staff and training files (interfaces §3)
    "import_staff",
    "import_training",
    "admission_warning",
    "staff_recorded",
    # the daily ratio, set-based
    "HomeInputs",
    "inputs_for",
    "ratio_series_for",
    "MAX_DAYS",
    # the home's staffing page, the county's view, the ratio series (issue 11 points 4, 6, 7)
    "CHART_DAYS",
    "FEW_STAFF",
    "SORTS",
    "Certificate",
    "HomeOverview",
    "certificates_expiring",
    "chart_points",
    "check_range",
    "county_overview",
    "home_overview",
    "home_ratio",
    "homes_below_ratio_today",
    "parse_day",
    "parse_month",
    "staffing_home",
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
    "parse_week_day",
    "posts_between",
    "save_week",
    "uncovered_nights",
    "week_roster",
    # the kitchen staff on duty (the safety domain's morning check)
    "kitchen_staff_of",
    "kitchen_staff_on_duty",
    # the demo's staff (backend.demo)
    "DemoHome",
    "DemoPost",
    "seed_demo_staff",
    # issue 13: what task generation reads
    "health_certificates",
]
