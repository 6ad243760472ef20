"""Safety JSON API: food (issue 12; to be written)."""

ROUTES: list = []
