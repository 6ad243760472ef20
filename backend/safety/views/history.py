"""Safety pages: history (issue 12; to be written)."""

ROUTES: list = []
