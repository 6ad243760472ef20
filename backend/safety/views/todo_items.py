"""Safety pages: todo_items (issue 12; to be written)."""

ROUTES: list = []
