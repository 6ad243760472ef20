"""Safety pages: entry_form (issue 12; to be written)."""

ROUTES: list = []
