"""Safety pages: today (issue 12; to be written)."""

ROUTES: list = []
