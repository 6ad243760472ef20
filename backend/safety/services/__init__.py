"""Safety use cases (issue 12): the only code that reads or writes the safety tables.

The pages, the API and the command line call these with the acting ``Scope``. Homes and their
parameters come from ``registry.services``, staff and the roster from ``staffing.services``.
One private module per use case; ``_common`` holds what they share."""

from backend.safety.services._common import DEFAULT_CLOCK, HomeClock, clocks_for, home_for, zone
from backend.safety.services._demo import DemoEntry, DemoSample, seed_demo_entries
from backend.safety.services._details import DetailHandler, register_details

# entries and photos
from backend.safety.services._entries import (
    Upload,
    details_of,
    entries_out,
    entry_template,
    get_entry,
    list_entries,
    record_entry,
    record_entry_with_photos,
)

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
from backend.safety.services._hazard_photos import MAX_PHOTOS
from backend.safety.services._hazard_steps import open_hazard, record_fix, reject_hazard, set_plan, verify_hazard
from backend.safety.services._hazard_todo import county_hazard_counts, home_hazard_counts
from backend.safety.services._hazards import OPEN_STATUSES, hazard_out, open_hazards
from backend.safety.services._photos import (
    MAX_FORM_PHOTOS,
    MAX_PHOTO_BYTES,
    PhotoOut,
    add_photo,
    entry_photos,
    photo_file,
)
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

# isort: split
# today, history, settings
from backend.safety.services._history import HistoryFilter, HistoryPage, HistoryRow, history

# food and infection (issue 12 points 3 and 4): importing _samples and _morning registers their
# detail handlers (food_sample, morning_check) whenever the services are imported
from backend.safety.services._licence import (
    LicenceIn,
    LicenceOut,
    LicenceStatus,
    licence_status,
    open_licence_hazards,
    record_licence,
)
from backend.safety.services._morning import morning_people, morning_results
from backend.safety.services._outbreak import (
    OutbreakIn,
    OutbreakOut,
    acknowledge_outbreak,
    county_outbreaks,
    home_outbreaks,
    report_outbreak,
    unacknowledged_outbreaks,
)
from backend.safety.services._samples import SampleOut, discard_sample, list_samples
from backend.safety.services._settings import HomeSettings, check_settings, home_settings, save_settings
from backend.safety.services._today import GROUPS, Chip, DueItem, TodayPage, TodayRoutine, due_today, today_page

__all__ = [
    # entries and photos
    "MAX_FORM_PHOTOS",
    "MAX_PHOTO_BYTES",
    "PhotoOut",
    "Upload",
    "add_photo",
    "entry_photos",
    "list_entries",
    "photo_file",
    "record_entry_with_photos",
    # the foundation
    # hazards
    "COUNTY_SORTS",
    "MAX_PHOTOS",
    "check_county_sort",
    "check_filter",
    "county_hazard_counts",
    "home_hazard_counts",
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
    "DemoEntry",
    "DemoSample",
    "seed_demo_entries",
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
    "entry_template",
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
    # today, history, settings
    "GROUPS",
    "Chip",
    "DueItem",
    "HistoryFilter",
    "HistoryPage",
    "HistoryRow",
    "HomeSettings",
    "TodayPage",
    "TodayRoutine",
    "check_settings",
    "due_today",
    "history",
    "home_settings",
    "save_settings",
    "today_page",
    # food and infection
    "LicenceIn",
    "LicenceOut",
    "LicenceStatus",
    "OutbreakIn",
    "OutbreakOut",
    "SampleOut",
    "acknowledge_outbreak",
    "county_outbreaks",
    "discard_sample",
    "home_outbreaks",
    "licence_status",
    "list_samples",
    "morning_people",
    "morning_results",
    "open_licence_hazards",
    "record_licence",
    "report_outbreak",
    "unacknowledged_outbreaks",
    # templates (admin)
    "CountyTemplateOut",
    "TemplateEditIn",
    "TemplateItemIn",
    "TemplateVersionOut",
    "county_template",
    "county_templates",
    "new_template_version",
]

# Issue 13 (the compliance reports): hazards and failed items of a period, for many homes at once.
from backend.safety.services._for_reports import failed_entries, hazards_between  # noqa: E402

__all__ += ["failed_entries", "hazards_between"]
