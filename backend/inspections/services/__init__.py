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

# isort: split
# pages, API, the province view and on-site inspections (issue 13 points 3 and 6)
from backend.inspections.services._pages import (
    HomeTasksPage,
    TaskCounts,
    home_rates,
    home_tasks,
    home_tasks_page,
    months_or_invalid,
    overdue_counts,
    routine_titles,
    task_counts,
)
from backend.inspections.services._pages_county import check_sort, county_rates
from backend.inspections.services._province import CountySide, province_rates, province_sides
from backend.inspections.services._visits import county_plan, list_visits, plan_frequency, record_inspection_visit

__all__ += [
    "CountySide",
    "HomeTasksPage",
    "check_sort",
    "county_plan",
    "county_rates",
    "home_rates",
    "home_tasks",
    "home_tasks_page",
    "list_visits",
    "months_or_invalid",
    "overdue_counts",
    "plan_frequency",
    "province_rates",
    "province_sides",
    "record_inspection_visit",
    "routine_titles",
    "TaskCounts",
    "task_counts",
]
