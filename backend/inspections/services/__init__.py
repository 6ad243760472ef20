"""Inspection use cases (issue 13): the only code that reads or writes the inspection tables.

Task generation reads the safety templates, the residents' duties, hazards and staff certificates
through those domains' services; pages, the API, the command line and the scheduler call these.
One private module per use case."""

# isort: split
# on-time rates (foundation)
from backend.inspections.services._rates import GROUPS, Rate, on_time_rates

# isort: split
# task list (minimal, from the notices helper: replaced by the tasks helper's list_tasks)
from backend.inspections.services._task_list_min import TaskOut, list_tasks

__all__ = ["GROUPS", "Rate", "TaskOut", "list_tasks", "on_time_rates"]
