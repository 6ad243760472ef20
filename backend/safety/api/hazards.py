"""Safety JSON API: hazards (issue 12; to be written)."""

ROUTES: list = []
