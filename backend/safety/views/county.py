"""Safety pages: county (issue 12; to be written)."""

ROUTES: list = []
