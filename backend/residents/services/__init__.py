"""Residents use cases: the only code that reads or writes the residents tables.

The pages, the API and the command line use the functions of the first groups, each with the
acting ``Scope``. The other domains (deaths, stipends) use those "for the other domains": the
person in scope, set-based histories and look-ups, and the consequences of a death; never the
residents tables (the import-linter contracts in pyproject.toml say so).
"""

from backend.core.calendar import calendar_sets
from backend.residents.services import for_stipends as for_stipends  # stipends' reads
from backend.residents.services._admission import admission_max_age, admitted_unassessed, emergency_tasks
from backend.residents.services._common import (
    assessment_histories,
    assessment_records,
    find_by_id_number,
    find_by_id_numbers,
    find_resident,
    find_resident_for_write,
    may_record,
    placement_events,
    placement_histories,
    resident_ids,
)
from backend.residents.services.assessment_imports import import_assessments
from backend.residents.services.assessments import (
    list_assessments,
    list_capability,
    record_assessment,
    record_capability,
    report_condition_change,
)
from backend.residents.services.concentration import concentration_rates, last_twelve_months
from backend.residents.services.death import record_death_effects
from backend.residents.services.imports import import_residents
from backend.residents.services.presence import HomeStay, home_stays
from backend.residents.services.queries import (
    RegisterFilter,
    due_assessments,
    get_resident,
    person_page,
    placements,
    reveal_id_number,
    roster,
    search_register,
    state_on,
    tier_counts_by_home,
    timeline,
)
from backend.residents.services.queue import (
    accept_offer,
    admission_queue,
    closed_applications,
    decline_offer,
    get_application,
    offer_place,
    record_application,
    withdraw_application,
)
from backend.residents.services.register import (
    check_not_after_death,
    end_support,
    record_placement,
    register_resident,
)

# isort: split
# issue 13: what task generation reads
from backend.residents.services._task_duties import review_duties

__all__ = [
    # the register (pages, API, command line)
    "RegisterFilter",
    "due_assessments",
    "admitted_unassessed",
    "admission_max_age",
    "emergency_tasks",
    "end_support",
    "get_resident",
    "may_record",
    "person_page",
    "placements",
    "record_placement",
    "register_resident",
    "reveal_id_number",
    "roster",
    "search_register",
    "state_on",
    "tier_counts_by_home",
    "timeline",
    # assessments and condition changes
    "list_assessments",
    "list_capability",
    "record_assessment",
    "record_capability",
    "report_condition_change",
    # the admission queue and the concentration rate of dependent persons
    "accept_offer",
    "admission_queue",
    "closed_applications",
    "concentration_rates",
    "decline_offer",
    "get_application",
    "last_twelve_months",
    "offer_place",
    "record_application",
    "withdraw_application",
    # imports (interfaces.md §3)
    "import_assessments",
    "import_residents",
    # for the other domains
    "assessment_histories",
    "assessment_records",
    "check_not_after_death",
    "find_by_id_number",
    "find_by_id_numbers",
    "find_resident",
    "find_resident_for_write",
    "placement_events",
    "placement_histories",
    "HomeStay",
    "home_stays",
    "record_death_effects",
    "resident_ids",
    # the working-day calendar (core.calendar), named here too for older imports
    "calendar_sets",
    # issue 13: what task generation reads
    "review_duties",
]
