"""Safety pages, one module per use case (issue 12). ``ROUTES`` is what backend/app.py mounts.
Importing this package also registers the safety to-do sources (``todo_items``)."""

from backend.safety.views import (  # noqa: F401 - todo_items registers the to-do sources
    county,
    entry_form,
    food,
    hazard_todo,  # noqa: F401 - registers the hazards' to-do items
    hazards,
    history,
    outbreak,
    outbreak_todo,  # food and infection: the outbreak reports' to-do items
    settings,
    templates_admin,
    today,
    todo_items,
)

ROUTES: list = [
    *today.ROUTES,
    *entry_form.ROUTES,
    *history.ROUTES,
    *hazards.ROUTES,
    *county.ROUTES,
    *food.ROUTES,
    *outbreak.ROUTES,
    *templates_admin.ROUTES,
    *settings.ROUTES,
]
