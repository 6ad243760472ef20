"""Safety use cases (issue 12): the only code that reads or writes the safety tables.

The pages, the API and the command line call these with the acting ``Scope``. Homes and their
parameters come from ``registry.services``, staff and the roster from ``staffing.services``.
One private module per use case; ``_common`` holds what they share."""

from backend.safety.services._common import DEFAULT_CLOCK, HomeClock, clocks_for, home_for, zone
from backend.safety.services._details import DetailHandler, register_details
from backend.safety.services._entries import details_of, entries_out, get_entry, record_entry

# hazards
from backend.safety.services._hazard_board import (
    COUNTY_SORTS,
    check_county_sort,
    check_filter,
    county_hazards,
    get_hazard,
    list_hazards,
)
from backend.safety.services._hazard_ledger import county_hazard_ledger_xlsx, hazard_ledger_xlsx
from backend.safety.services._hazard_photos import MAX_PHOTO_BYTES, MAX_PHOTOS
from backend.safety.services._hazard_steps import open_hazard, record_fix, reject_hazard, set_plan, verify_hazard
from backend.safety.services._hazard_todo import county_hazard_counts
from backend.safety.services._hazards import OPEN_STATUSES, hazard_out, open_hazards
from backend.safety.services._status import RoutineDay, routine_days, safety_status
from backend.safety.services._templates import (
    FOOD_ROUTINES,
    ROUTINES,
    list_templates,
    template_out,
    template_rows,
    templates_in_force,
)

__all__ = [
    # hazards
    "COUNTY_SORTS",
    "MAX_PHOTOS",
    "MAX_PHOTO_BYTES",
    "check_county_sort",
    "check_filter",
    "county_hazard_counts",
    "county_hazard_ledger_xlsx",
    "county_hazards",
    "get_hazard",
    "hazard_ledger_xlsx",
    "list_hazards",
    "open_hazard",
    "record_fix",
    "reject_hazard",
    "set_plan",
    "verify_hazard",
    # the rest
    "DEFAULT_CLOCK",
    "FOOD_ROUTINES",
    "OPEN_STATUSES",
    "ROUTINES",
    "DetailHandler",
    "HomeClock",
    "RoutineDay",
    "clocks_for",
    "details_of",
    "entries_out",
    "get_entry",
    "hazard_out",
    "home_for",
    "list_templates",
    "open_hazards",
    "record_entry",
    "register_details",
    "routine_days",
    "safety_status",
    "template_out",
    "template_rows",
    "templates_in_force",
    "zone",
]
