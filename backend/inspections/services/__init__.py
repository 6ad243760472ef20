"""Inspection use cases (issue 13): the only code that reads or writes the inspection tables.

Task generation reads the safety templates, the residents' duties, hazards and staff certificates
through those domains' services; pages, the API, the command line and the scheduler call these.
One private module per use case."""

# isort: split
# on-time rates (foundation)
from backend.inspections.services._rates import GROUPS, Rate, on_time_rates

# isort: split
# task generation and lists (issue 13, point 2)
from backend.inspections.schemas import GenerateResult, TaskOut
from backend.inspections.services._generate import generate_tasks, refresh_tasks
from backend.inspections.services._lists import list_tasks

__all__ = [
    "GROUPS",
    "Rate",
    "on_time_rates",
    # task generation and lists
    "GenerateResult",
    "TaskOut",
    "generate_tasks",
    "list_tasks",
    "refresh_tasks",
]
