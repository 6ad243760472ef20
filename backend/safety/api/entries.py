"""Safety JSON API: entries (issue 12; to be written)."""

ROUTES: list = []
