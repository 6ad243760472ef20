"""Safety pages: templates_admin (issue 12; to be written)."""

ROUTES: list = []
