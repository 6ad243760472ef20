"""Safety pages: food (issue 12; to be written)."""

ROUTES: list = []
