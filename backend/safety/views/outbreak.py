"""Safety pages: outbreak (issue 12; to be written)."""

ROUTES: list = []
