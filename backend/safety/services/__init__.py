"""Safety use cases (issue 12): the only code that reads or writes the safety tables.

The pages, the API and the command line call these with the acting ``Scope``. Homes and their
parameters come from ``registry.services``, staff and the roster from ``staffing.services``.
One private module per use case; ``_common`` holds what they share."""

from backend.safety.services._common import DEFAULT_CLOCK, HomeClock, clocks_for, home_for, zone
from backend.safety.services._details import DetailHandler, register_details
from backend.safety.services._entries import details_of, entries_out, get_entry, record_entry
from backend.safety.services._hazards import OPEN_STATUSES, hazard_out, open_hazards
from backend.safety.services._status import RoutineDay, routine_days, safety_status

# templates (admin)
from backend.safety.services._template_admin import (
    CountyTemplateOut,
    TemplateEditIn,
    TemplateItemIn,
    TemplateVersionOut,
    county_template,
    county_templates,
    new_template_version,
)
from backend.safety.services._templates import (
    FOOD_ROUTINES,
    ROUTINES,
    list_templates,
    template_out,
    template_rows,
    templates_in_force,
)

__all__ = [
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
    # templates (admin)
    "CountyTemplateOut",
    "TemplateEditIn",
    "TemplateItemIn",
    "TemplateVersionOut",
    "county_template",
    "county_templates",
    "new_template_version",
]
