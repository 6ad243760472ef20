"""Residents use cases: the only code that reads or writes the residents tables."""

from backend.residents.services import for_stipends as for_stipends  # stipends' reads
from backend.residents.services._common import (
    calendar_sets,
    may_record,
)
from backend.residents.services.assessment_imports import import_assessments
from backend.residents.services.assessments import (
    list_assessments,
    list_capability,
    record_assessment,
    record_capability,
    report_condition_change,
)
from backend.residents.services.imports import import_residents
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
from backend.residents.services.register import end_support, record_placement, register_resident

__all__ = [
    "RegisterFilter",
    "calendar_sets",
    "due_assessments",
    "end_support",
    "get_resident",
    "import_assessments",
    "import_residents",
    "list_assessments",
    "list_capability",
    "may_record",
    "placements",
    "record_assessment",
    "record_capability",
    "record_placement",
    "register_resident",
    "report_condition_change",
    "reveal_id_number",
    "roster",
    "search_register",
    "state_on",
    "tier_counts_by_home",
    "person_page",
    "timeline",
]
